"""The project's URLs plus two floor views used only by the benchmark (never mounted in the project)."""

from django.shortcuts import render
from django.urls import include, path
from wagtail.admin.auth import require_admin_access


def floor(request):
    """The cheapest page that still renders the public base template: the floor for portal pages."""
    return render(request, "bench/floor.html", {"page_title": "Floor"})


@require_admin_access
def admin_floor(request):
    """The same for staff pages: an empty page through the Wagtail admin's base template."""
    return render(request, "bench/admin_floor.html")


urlpatterns = [
    path("__bench__/floor/", floor, name="bench_floor"),
    path("__bench__/admin-floor/", admin_floor, name="bench_admin_floor"),
    path("", include("config.urls")),
]
