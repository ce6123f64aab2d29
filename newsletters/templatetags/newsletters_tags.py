"""The subscribe box on every home's page."""

from django import template

from home.navigation import site_structure

from ..forms import SubscribeForm
from ..models import Frequency

register = template.Library()


@register.inclusion_tag("newsletters/subscribe_box.html", takes_context=True)
def subscribe_box(context, page):
    """Email, homes (this one ticked), frequency and consent, posted to the central form.

    The homes come from the site structure the page has already loaded for its menu and
    footer, so the box costs no query; the consent text is the central form's own, so the
    stored consent version covers what the person saw.
    """
    request = context.get("request")
    form = SubscribeForm.base_fields
    return {
        "csrf_token": context.get("csrf_token"),
        "page": page,
        "homes": site_structure(request).homes,
        "frequencies": Frequency.choices,
        "default_frequency": Frequency.WEEKLY,
        "labels": {name: form[name].label for name in ("email", "homes", "frequency", "consent")},
        "honeypot_label": form["website"].label,
    }
