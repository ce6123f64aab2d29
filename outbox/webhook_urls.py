"""Anymail's webhook URLs (same paths and names, namespace "anymail"), each view made
idempotent and robust by outbox.webhooks."""

from anymail import urls as anymail_urls
from django.urls import URLPattern

from .webhooks import robust_view_class

app_name = "anymail"


def _robust(pattern: URLPattern) -> URLPattern:
    callback = pattern.callback
    view = robust_view_class(callback.view_class).as_view(**callback.view_initkwargs)
    return URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)


urlpatterns = [_robust(pattern) for pattern in anymail_urls.urlpatterns]
