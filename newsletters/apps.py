from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = _("Nyhedsbreve")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import webhooks  # noqa: F401  (connects anymail's tracking and inbound signals)
