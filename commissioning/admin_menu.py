"""Staff menu items shown to whoever ``can()`` take their action (used by commissioning's and outcomes' hooks)."""

from wagtail.admin.menu import MenuItem

from .permissions import can


class ActionMenuItem(MenuItem):
    def __init__(self, *args, action, **kwargs):
        self.action = action
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return can(request.user, self.action)
