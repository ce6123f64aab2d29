"""The subscription's own mails: the confirmation link, and a link to one's settings."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from . import links
from .models import Subscriber


def subscription_message(subscriber: Subscriber, kind: str) -> EmailMultiAlternatives:
    if kind == "confirm":
        subject = _("Bekræft din tilmelding til nyhedsbrevet fra Samspil")
        context = {"url": links.confirm_url(subscriber), "kind": kind}
    elif kind == "manage":
        subject = _("Dit abonnement på nyhedsbrevet fra Samspil")
        context = {"url": links.manage_url(subscriber), "kind": kind}
    else:
        raise ValueError(kind)
    context["homes"] = list(subscriber.homes.order_by("title").values_list("title", flat=True))
    context["subscriber"] = subscriber
    text = render_to_string("newsletters/email/subscription.txt", context)
    html = render_to_string("newsletters/email/subscription.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [subscriber.email])
    message.attach_alternative(html, "text/html")
    return message
