from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    label = "outcomes"
    verbose_name = "Awards and outcomes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commissioning.portal_panels import register_dashboard_panel

        from .panels import provider_dashboard_panel

        register_dashboard_panel(provider_dashboard_panel, order=20)
