from django.apps import AppConfig


class OutboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outbox"
    verbose_name = "Udgående post"

    def ready(self) -> None:
        from anymail.signals import tracking

        from . import checks  # noqa: F401 (checks register)
        from . import tracking as suppression_tracking

        tracking.connect(
            suppression_tracking.handle_tracking, dispatch_uid="outbox.suppression.tracking"
        )
