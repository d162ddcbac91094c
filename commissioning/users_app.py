"""Wagtail's users app with the partnership's user screens (role column, invitations): see admin_views/users.py."""

from wagtail.users.apps import WagtailUsersAppConfig


class BCSPUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "commissioning.admin_views.users.UserViewSet"
