from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import Theme
from .viewsets import CommissioningViewSetGroup, EditOnlyPermissionPolicy

# Themes are created by migration and must always exist: editable, never added or deleted here.
register_permission_policy(Theme, EditOnlyPermissionPolicy(Theme))


@hooks.register("register_admin_viewset")
def register_commissioning_viewsets():
    return CommissioningViewSetGroup()
