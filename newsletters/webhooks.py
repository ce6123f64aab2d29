"""ESP events through anymail's webhooks (``/anymail/<esp>/tracking/`` and ``.../inbound/``).

Anymail checks the webhook's basic auth (ANYMAIL["WEBHOOK_SECRET"]) before any signal is
sent, so a forged or unauthenticated request never reaches these receivers.
"""

import logging
import re

from anymail.signals import EventType, RejectReason, inbound, tracking
from django.dispatch import receiver

from . import services, tokens

logger = logging.getLogger(__name__)

# ESP-specific words for a temporary bounce, where anymail reports both kinds as "bounced".
SOFT_BOUNCE_MARKERS = {"softbounce", "transient", "temporary", "dnserror", "soft"}
SMTP_TEMPORARY = re.compile(r"^\s*4\d\d\b|\b4\.\d{1,3}\.\d{1,3}\b")


def is_soft_bounce(event) -> bool:
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    hints = []
    for key in ("Type", "severity", "bounceType", "type", "bounce_classification"):
        value = raw.get(key)
        if isinstance(value, str):
            hints.append(value.replace("_", "").replace(" ", "").lower())
    bounce = raw.get("bounce")
    if isinstance(bounce, dict) and isinstance(bounce.get("bounceType"), str):
        hints.append(bounce["bounceType"].lower())
    if any(hint in SOFT_BOUNCE_MARKERS for hint in hints):
        return True
    return bool(event.mta_response and SMTP_TEMPORARY.search(str(event.mta_response)))


def _details(event, esp_name: str) -> dict:
    return {
        "esp": esp_name,
        "event_id": event.event_id or "",
        "message_id": str(event.message_id or "")[:255],
        "description": str(event.description or "")[:500],
    }


@receiver(tracking, dispatch_uid="newsletters.tracking")
def handle_tracking(sender, event, esp_name, **kwargs) -> None:
    email = event.recipient or ""
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
