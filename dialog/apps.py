from django.apps import AppConfig


class DialogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dialog"
    verbose_name = "Dialog"

    def ready(self):
        # Receivers of dialog.signals and of anymail's inbound signal: mails to staff and
        # relatives, due dates, replies by mail.
        from . import inbound, notifications, timeliness  # noqa: F401
