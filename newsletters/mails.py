"""The subscription's own mails: the confirmation link, and a link to one's settings.

They go through the outbox like digests (a row before a message, retried on transient
errors); the signed link is a stand-in until the sender fills it in.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from home.models.site_settings import default_municipality

from .digests import (
    CONFIRM_SLOT,
    MANAGE_SLOT,
    BodyStore,
    SharedDigest,
    content_digest,
    new_message_id,
)
from .models import DigestMail, Subscriber

Kind = DigestMail.Kind


def subscription_content(subscriber: Subscriber, kind: str) -> SharedDigest:
    # The municipality's site setting names the site and colours the button, as in digests.
    sender = default_municipality()
    if kind == Kind.CONFIRM:
        subject = _("Bekræft din tilmelding til nyhedsbrevet fra %(site)s")
        context = {"url": CONFIRM_SLOT, "kind": kind}
    elif kind == Kind.MANAGE:
        subject = _("Dit abonnement på nyhedsbrevet fra %(site)s")
        context = {"url": MANAGE_SLOT, "kind": kind}
    else:
        raise ValueError(kind)
    subject = subject % {"site": sender["site_name"]}
    context["link_colour"] = sender["colour_link"]
    context["homes"] = list(subscriber.homes.order_by("title").values_list("title", flat=True))
    text = render_to_string("newsletters/email/subscription.txt", context)
    html = render_to_string("newsletters/email/subscription.html", context)
    return SharedDigest(subject, text, html, content_digest(subject, text, html))


def queue_subscription_mail(subscriber: Subscriber, kind: str, *, key: str) -> DigestMail:
    """The outbox row for one confirmation or manage-link mail; ``key`` makes it unique."""
    now = timezone.now()
    content = subscription_content(subscriber, kind)
    body_id = BodyStore().ids_for([content], now)[content.digest]
    mail, _created = DigestMail.objects.get_or_create(
        subscriber=subscriber,
        period_key=key,
        defaults={
            "kind": kind,
            "to_email": subscriber.email,
            "body_id": body_id,
            "message_id": new_message_id(),
            "automatic": False,  # the person asked for it just now
            "created_at": now,
        },
    )
    return mail
