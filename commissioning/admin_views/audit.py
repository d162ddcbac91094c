"""The audit trail in the Wagtail admin: a filtered, read-only list for administrators.

Only the index, its results fragment and the inspect view are routed: there is no add, edit, delete,
copy or history URL at all, and the permission policy refuses those actions too. The model itself
refuses update and delete (commissioning.models.audit).
"""

import django_filters
from django.urls import path
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateInput
from wagtail.permission_policies import ModelPermissionPolicy

from ..labels import ACTION_LABELS, action_choices
from ..models import AuditEntry, User
from ..permissions import can
from ..roles import Action


class AuditPermissionPolicy(ModelPermissionPolicy):
    """Viewing follows Action.VIEW_AUDIT (administrators); nothing else is ever allowed."""

    def user_has_permission(self, user, action):
        return action == "view" and can(user, Action.VIEW_AUDIT)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return AuditEntry.objects.all()
        return AuditEntry.objects.none()


class AuditFilterSet(WagtailFilterSet):
    """Filters in people's words: actions by their labels, not their codes."""

    action = django_filters.ChoiceFilter(label="What happened", choices=[])
    actor = django_filters.ModelChoiceFilter(
        label="Person", queryset=User.objects.filter(groups__isnull=False).distinct().order_by("email")
    )
    created_at__date__gte = django_filters.DateFilter(
        label="From", field_name="created_at", lookup_expr="date__gte", widget=AdminDateInput
    )
    created_at__date__lte = django_filters.DateFilter(
        label="To", field_name="created_at", lookup_expr="date__lte", widget=AdminDateInput
    )

    class Meta:
        model = AuditEntry
        fields = ["action", "actor", "created_at__date__gte", "created_at__date__lte", "content_type", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every action the system writes, and any older code already in the trail, by its label.
        codes = set(ACTION_LABELS) | set(AuditEntry.objects.values_list("action", flat=True).distinct())
        self.filters["action"].extra["choices"] = action_choices(codes)


class AuditIndexView(IndexView):
    def get_base_queryset(self):
        # One query for the page of entries however many there are (actor and organisation columns).
        return AuditEntry.objects.select_related("actor", "organisation", "content_type")


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    name = "audit"
    # Append-only log: indexing its references would cost a background task on every audit write.
    add_to_reference_index = False
    icon = "history"
    menu_label = "Audit trail"
    menu_order = 900
    add_to_admin_menu = True
    list_display = ["created_at", "actor", "action_label", "record_label", "organisation", "status_change"]
    filterset_class = AuditFilterSet
    search_fields = ["object_repr", "comment", "action"]
    ordering = ["-created_at", "-pk"]
    list_per_page = 50
    inspect_view_enabled = True
    inspect_view_fields = [
        "created_at",
        "actor",
        "action",
        "record_label",
        "organisation",
        "from_state",
        "to_state",
        "comment",
        "details",
    ]
    copy_view_enabled = False
    index_view_class = AuditIndexView

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<str:pk>/", self.inspect_view, name="inspect"),
        ]
