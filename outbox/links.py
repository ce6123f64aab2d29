"""Links in mails are absolute: the site's public address (BASE_URL) and a path."""

from django.conf import settings


def absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"
