from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    label = "outcomes"
    verbose_name = "Awards and outcomes"
    default_auto_field = "django.db.models.BigAutoField"
