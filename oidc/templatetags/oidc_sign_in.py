"""``{% oidc_button "staff" next %}``: the "Log ind med …" button, only when the provider is
configured (nothing at all otherwise)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from oidc import providers
from oidc.views import safe_next

register = template.Library()


@register.inclusion_tag("oidc/button.html")
def oidc_button(provider: str, next_path: str = "", css: str = "button button-secondary"):
    if not providers.is_enabled(provider):
        return {"url": ""}
    url = reverse(f"oidc:{provider}_start")
    next_path = safe_next(provider, next_path)
    if next_path:
        url += "?" + urlencode({"next": next_path})
    return {"url": url, "label": providers.label(provider), "css": css}
