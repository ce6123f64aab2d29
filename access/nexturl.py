"""Where a person may be sent after signing in: one answer for the dialog's links and the
identity providers' callbacks."""

from django.utils.http import url_has_allowed_host_and_scheme

# Addresses a sign-in link never leads to: the admin has its own sign-in, and signing out
# straight after signing in is no use.
NO_NEXT_PREFIXES = ("/admin/", "/django-admin/", "/dialog/log-ud/", "/dialog/log-ind/")


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this site's public side (the dialog, or a
    relatives-only news item or event the relative was sent from), else ''. Never another
    site, and never the admin (whose sign-in is another one)."""
    if not value or len(value) > 500:
        return ""
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=None, require_https=False):
        return ""
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return ""
    if value.startswith(NO_NEXT_PREFIXES):
        return ""
    return value
