from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "participation"
    verbose_name = "Tilmeldinger og frivillige"

    def ready(self):
        from . import signals  # noqa: F401
