"""A read-only Wagtail admin list of background task results (django_tasks_db's table), for administrators.

In production the database backend records every task run, including failed email attempts with their
traceback; django_tasks_db registers it only with Django's admin, which this project does not mount."""

from django_tasks_db.models import DBTaskResult
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from .permissions import can
from .roles import Action


class ViewOnlyForAuditors(ModelPermissionPolicy):
    """Task results are a system record: viewed by those who may view the audit trail, never changed here."""

    def user_has_permission(self, user, action):
        return action == "view" and can(user, Action.VIEW_AUDIT)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class TaskResultViewSet(ModelViewSet):
    model = DBTaskResult
    name = "task_results"
    add_to_reference_index = False  # written by the task worker; nothing to index
    icon = "cogs"
    menu_label = "Background tasks"
    add_to_settings_menu = True
    list_display = ["task_path", "status", "enqueued_at", "finished_at", "exception_class_path"]
    list_filter = ["status"]
    ordering = ["-enqueued_at"]
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "task_path",
        "status",
        "args_kwargs",
        "enqueued_at",
        "run_after",
        "started_at",
        "finished_at",
        "exception_class_path",
        "traceback",
    ]
    form_fields = ["status"]  # required by ModelViewSet; the permission policy refuses every edit
