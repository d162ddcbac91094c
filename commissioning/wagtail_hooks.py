from django.urls import path, reverse
from django_tasks_db.models import DBTaskResult
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from .admin_menu import ActionMenuItem
from .admin_views.audit import AuditEntryViewSet, AuditPermissionPolicy
from .models import AuditEntry, Theme
from .permissions import can
from .roles import Action
from .task_results import TaskResultViewSet, ViewOnlyForAuditors
from .views.email_failures import email_failures
from .viewsets import CommissioningViewSetGroup, EditOnlyPermissionPolicy

# Themes are created by migration and must always exist: editable, never added or deleted here.
register_permission_policy(Theme, EditOnlyPermissionPolicy(Theme))


@hooks.register("register_admin_viewset")
def register_commissioning_viewsets():
    return CommissioningViewSetGroup()


@hooks.register("register_admin_urls")
def register_assessment_urls():
    from django.urls import include

    from . import admin_views

    return [path("assessment/", include((admin_views.urlpatterns, admin_views.app_name)))]


class AssessmentMenuItem(MenuItem):
    """Shown to staff who read applications: commissioners, administrators and assessors."""

    def is_shown(self, request):
        return can(request.user, Action.VIEW_ALL_APPLICATIONS) or can(request.user, Action.SCORE_APPLICATION)


@hooks.register("register_admin_menu_item")
def register_assessment_menu_item():
    return AssessmentMenuItem("Applications", reverse("assessment_admin:index"), icon_name="form", order=110)


@hooks.register("register_admin_urls")
def register_name_change_urls():
    from django.urls import include

    from .admin_views import name_changes

    return [path("organisation-names/", include((name_changes.urlpatterns, name_changes.app_name)))]


@hooks.register("register_admin_menu_item")
def register_name_change_menu_item():
    return ActionMenuItem(
        "Name changes",
        reverse("name_changes:index"),
        icon_name="group",
        order=105,
        action=Action.APPROVE_NAME_CHANGES,
    )


@hooks.register("register_admin_urls")
def register_email_failures_url():
    return [path("reports/email-failures/", email_failures, name="email_failures")]


@hooks.register("register_reports_menu_item")
def register_email_failures_menu_item():
    return ActionMenuItem(
        "Email failures", reverse("email_failures"), icon_name="mail", order=900, action=Action.VIEW_AUDIT
    )


# Background task results (django_tasks_db): administrators view them; nobody changes them here.
register_permission_policy(DBTaskResult, ViewOnlyForAuditors(DBTaskResult))


@hooks.register("register_admin_viewset")
def register_task_results_viewset():
    return TaskResultViewSet()


# The audit trail: read-only, administrators only (issue 6, item 7).
register_permission_policy(AuditEntry, AuditPermissionPolicy(AuditEntry))


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditEntryViewSet()


# Help: our own pages about BCSP's process, in place of Wagtail's editor guide and release notes.
@hooks.register("register_admin_urls")
def register_help_urls():
    from django.urls import include

    from .admin_views import help as help_views

    return [
        path(
            "help/",
            include(
                (
                    [
                        path("", help_views.help_index, name="index"),
                        path("<slug:slug>/", help_views.help_page, name="page"),
                    ],
                    "bcsp_help",
                )
            ),
        )
    ]


@hooks.register("register_help_menu_item")
def register_bcsp_help_menu_item():
    return MenuItem("How BCSP grants work", reverse("bcsp_help:index"), name="bcsp-help", icon_name="help", order=10)


@hooks.register("construct_help_menu")
def remove_wagtail_help_links(request, menu_items):
    # Wagtail's editor guide and "what's new" point outside the site and describe Wagtail, not our process.
    menu_items[:] = [
        item for item in menu_items if item.name != "editor-guide" and not item.name.startswith("whats-new-in-wagtail")
    ]
