from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from django.apps import apps

    from .role_sync import sync_role_groups

    sync_role_groups(kwargs.get("apps") or apps)


class CommissioningConfig(AppConfig):
    name = "commissioning"
    label = "commissioning"
    verbose_name = "Commissioning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Keep the role groups' permissions equal to roles.py after every migrate.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="commissioning_sync_roles")
        # Role (group) changes write audit entries (issue 6, item 7).
        from .security import signals  # noqa: F401
