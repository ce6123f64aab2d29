"""ESP events through anymail's webhooks (``/anymail/<esp>/tracking/`` and ``.../inbound/``).

Anymail checks the webhook's basic auth (ANYMAIL["WEBHOOK_SECRET"]) before any signal is
sent, so a forged or unauthenticated request never reaches these receivers.
"""

import logging
import re

from anymail.signals import EventType, RejectReason, inbound, tracking
from django.dispatch import receiver

from outbox.tracking import is_soft_bounce

from . import services, tokens

logger = logging.getLogger(__name__)


def _details(event, esp_name: str) -> dict:
    return {
        "esp": esp_name,
        "event_id": str(event.event_id or "")[:255],
        "message_id": str(event.message_id or "")[:255],
        "description": str(event.description or "")[:500],
    }


@receiver(tracking, dispatch_uid="newsletters.tracking")
def handle_tracking(sender, event, esp_name, **kwargs) -> None:
    email = event.recipient if isinstance(event.recipient, str) else ""
    kind = event.event_type
    if kind == EventType.BOUNCED:
        if is_soft_bounce(event):
            services.record_soft_bounce(email, data=_details(event, esp_name))
        else:
            services.record_hard_bounce(email, data=_details(event, esp_name))
    elif kind == EventType.COMPLAINED or (
        kind == EventType.REJECTED and event.reject_reason == RejectReason.SPAM
    ):
        services.record_complaint(email, data=_details(event, esp_name))
    elif kind == EventType.REJECTED and event.reject_reason in (
        RejectReason.BOUNCED,
        RejectReason.INVALID,
    ):
        services.record_hard_bounce(email, data=_details(event, esp_name))
    elif kind == EventType.UNSUBSCRIBED:
        subscriber = services.Subscriber.objects.filter(email=email.strip().lower()).first()
        if subscriber is not None:
            services.unsubscribe(subscriber, actor=services.Actor.ESP, via=esp_name)
    elif kind == EventType.DELIVERED:
        services.record_delivery(email)


UNSUBSCRIBE_SUBJECT = re.compile(r"afmeld\s+(\S+)", re.IGNORECASE)


@receiver(inbound, dispatch_uid="newsletters.inbound")
def handle_inbound(sender, event, esp_name, **kwargs) -> None:
    """The mailto half of List-Unsubscribe: the subject carries a signed unsubscribe token."""
    message = event.message
    match = UNSUBSCRIBE_SUBJECT.search(str(getattr(message, "subject", "") or ""))
    if not match:
        return
    try:
        subscriber = tokens.read_token(match.group(1), tokens.UNSUBSCRIBE)
    except tokens.InvalidToken:
        logger.info("Ignored an unsubscribe mail with an invalid token")
        return
    services.unsubscribe(subscriber, via="mailto")
