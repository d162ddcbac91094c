"""Staff assessment screens, mounted in the Wagtail admin under /admin/assessment/ by wagtail_hooks."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from . import views

app_name = "assessment_admin"


def forbidden_as_403(view):
    """Wagtail turns PermissionDenied into a redirect to the dashboard; these screens answer a plain 403
    so that a refused role (the executive, an assessor on a commissioner's screen) is unambiguous."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return TemplateResponse(
                request, "commissioning/admin/forbidden.html", {"message": str(exc) or None}, status=403
            )

    return wrapper


urlpatterns = [
    path("", forbidden_as_403(views.index), name="index"),
    path("call/<int:call_pk>/applications/", forbidden_as_403(views.application_list), name="applications"),
    path("call/<int:call_pk>/bulk-assign/", forbidden_as_403(views.bulk_assign), name="bulk_assign"),
    path("call/<int:call_pk>/moderation/", forbidden_as_403(views.moderation), name="moderation"),
    path("call/<int:call_pk>/release/", forbidden_as_403(views.release), name="release"),
    path("call/<int:call_pk>/export/<str:fmt>/", forbidden_as_403(views.export), name="export"),
    path("application/<int:pk>/", forbidden_as_403(views.application_detail), name="application"),
    path("application/<int:pk>/eligibility/", forbidden_as_403(views.eligibility), name="eligibility"),
    path("application/<int:pk>/assign/", forbidden_as_403(views.assign), name="assign"),
    path("application/<int:pk>/declare/", forbidden_as_403(views.declare), name="declare"),
    path("application/<int:pk>/score/", forbidden_as_403(views.score), name="score"),
    path("application/<int:pk>/moderate/", forbidden_as_403(views.moderate), name="moderate"),
    path("application/<int:pk>/decide/", forbidden_as_403(views.decide), name="decide"),
    path("assessment/<int:assessment_pk>/reopen/", forbidden_as_403(views.reopen), name="reopen"),
    path("attachment/<uuid:token>/download/", forbidden_as_403(views.download_attachment), name="attachment"),
]
