from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_views.audit import AuditEntryViewSet, AuditPermissionPolicy
from .models import AuditEntry, Theme
from .viewsets import CommissioningViewSetGroup, EditOnlyPermissionPolicy

# Themes are created by migration and must always exist: editable, never added or deleted here.
register_permission_policy(Theme, EditOnlyPermissionPolicy(Theme))


@hooks.register("register_admin_viewset")
def register_commissioning_viewsets():
    return CommissioningViewSetGroup()


# The audit trail: read-only, administrators only (issue 6, item 7).
register_permission_policy(AuditEntry, AuditPermissionPolicy(AuditEntry))


@hooks.register("register_admin_viewset")
def register_audit_viewset():
    return AuditEntryViewSet()
