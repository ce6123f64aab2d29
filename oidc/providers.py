"""The two OpenID Connect configurations, read from ``settings.SAMSPIL_OIDC`` (which the
environment fills, see samspil/settings/base.py): "staff" (the municipality's provider,
e.g. Microsoft Entra ID) and "relative" (a MitID broker). Each is off until configured."""

from django.conf import settings
from mozilla_django_oidc.utils import import_from_settings

from .models import Provider

# What a configuration must name before it is switched on.
REQUIRED = (
    "CLIENT_ID",
    "CLIENT_SECRET",
    "AUTHORIZATION_ENDPOINT",
    "TOKEN_ENDPOINT",
    "USERINFO_ENDPOINT",
    "JWKS_ENDPOINT",
)
DEFAULTS = {
    Provider.STAFF: {"SCOPES": "openid email profile", "GROUPS_CLAIM": "groups"},
    Provider.RELATIVE: {"SCOPES": "openid profile", "LABEL": "MitID"},
}
COMMON_DEFAULTS = {"SIGN_ALGO": "RS256", "TIMEOUT": 10, "ISSUER": "", "LABEL": ""}

# mozilla-django-oidc's setting names, answered from one provider's configuration.
LIBRARY_NAMES = {
    "OIDC_RP_CLIENT_ID": "CLIENT_ID",
    "OIDC_RP_CLIENT_SECRET": "CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT": "TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT": "USERINFO_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT": "JWKS_ENDPOINT",
    "OIDC_RP_SIGN_ALGO": "SIGN_ALGO",
    "OIDC_RP_SCOPES": "SCOPES",
    "OIDC_TIMEOUT": "TIMEOUT",
}
# Fixed for both: PKCE on, nonce on, no tokens kept in the session (nothing calls the
# provider's APIs after sign-in).
LIBRARY_FIXED = {
    "OIDC_USE_PKCE": True,
    "OIDC_USE_NONCE": True,
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_STORE_ID_TOKEN": False,
    "OIDC_REDIRECT_FIELD_NAME": "next",
}


def config(key: str) -> dict | None:
    """The provider's configuration with defaults, or None when it is switched off."""
    raw = (getattr(settings, "SAMSPIL_OIDC", None) or {}).get(key) or {}
    if not raw.get("CLIENT_ID"):
        return None
    merged = {**COMMON_DEFAULTS, **DEFAULTS.get(key, {}), **raw}
    if any(not merged.get(name) for name in REQUIRED):
        return None
    return merged


def missing(key: str) -> list[str]:
    """Names a half-made configuration lacks (a client id but no endpoints): for the check."""
    raw = (getattr(settings, "SAMSPIL_OIDC", None) or {}).get(key) or {}
    if not raw.get("CLIENT_ID"):
        return []
    return [name for name in REQUIRED if not raw.get(name)]


def is_enabled(key: str) -> bool:
    return config(key) is not None


def label(key: str) -> str:
    conf = config(key) or {}
    return conf.get("LABEL") or str(Provider(key).label)


def library_setting(key: str, attr: str, *default):
    """One of mozilla-django-oidc's settings as this provider answers it."""
    if attr == "OIDC_AUTHENTICATION_CALLBACK_URL":
        return f"oidc:{key}_callback"
    if attr in LIBRARY_FIXED:
        return LIBRARY_FIXED[attr]
    if attr in LIBRARY_NAMES:
        conf = config(key) or {}
        value = conf.get(LIBRARY_NAMES[attr])
        if value is not None:
            return value
    return import_from_settings(attr, *default)
