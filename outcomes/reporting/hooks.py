"""Wagtail hooks for reporting, imported from outcomes/wagtail_hooks.py (Wagtail loads only that module)."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from commissioning.permissions import can
from commissioning.roles import Action


class ReportingMenuItem(MenuItem):
    def is_shown(self, request):
        return can(request.user, Action.VIEW_REPORTING)


@hooks.register("register_admin_urls")
def register_reporting_urls():
    return [path("reporting/", include("outcomes.reporting.admin_urls", namespace="reporting"))]


@hooks.register("register_admin_menu_item")
def register_reporting_menu_item():
    return ReportingMenuItem(
        "Reporting", reverse("reporting:dashboard"), name="reporting", icon_name="table", order=150
    )
