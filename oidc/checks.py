"""A half-made provider configuration is an error at start-up, not a 500 at sign-in."""

from django.core import checks

from . import providers
from .models import Provider


@checks.register(checks.Tags.security)
def check_providers(app_configs, **kwargs):
    errors = []
    for key in Provider.values:
        lacking = providers.missing(key)
        if lacking:
            prefix = f"OIDC_{key.upper()}_"
            errors.append(
                checks.Error(
                    f"The {key} OpenID Connect provider has a client id but lacks "
                    + ", ".join(prefix + name for name in lacking),
                    id="oidc.E001",
                )
            )
    return errors
