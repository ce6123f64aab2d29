from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OidcConfig(AppConfig):
    """Sign-in through the municipality's identity provider (staff) and a MitID broker
    (relatives), both over OpenID Connect and both off unless configured."""

    name = "oidc"
    verbose_name = _("Log ind med identitetsudbyder")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the configuration check)
