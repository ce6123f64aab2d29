"""ESP tracking events that concern every app's mail: a hard bounce or a complaint puts the
address on the suppression list, a later delivery lifts a bounce (outbox.suppression).

Connected to anymail's ``tracking`` signal in OutboxConfig.ready(). Each event reaches it
once, however often the ESP delivers it (outbox.webhooks deduplicates by event id).
"""

import logging
import re

from anymail.signals import EventType, RejectReason

from . import suppression

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
    if raw.get("hard_bounce") is False:  # Mailjet
        return True
    return bool(event.mta_response and SMTP_TEMPORARY.search(str(event.mta_response)))


def reason_of(event) -> str:
    """The suppression reason a tracking event gives ("" for none)."""
    kind = event.event_type
    if kind == EventType.BOUNCED:
        return "" if is_soft_bounce(event) else suppression.Reason.BOUNCE
    if kind == EventType.COMPLAINED or (
        kind == EventType.REJECTED and event.reject_reason == RejectReason.SPAM
    ):
        return suppression.Reason.COMPLAINT
    if kind == EventType.REJECTED and event.reject_reason in (
        RejectReason.BOUNCED,
        RejectReason.INVALID,
    ):
        return suppression.Reason.BOUNCE
    return ""


def handle_tracking(sender, event, esp_name, **kwargs) -> None:
    address = suppression.normalise(event.recipient if isinstance(event.recipient, str) else "")
    if not address:
        return
    reason = reason_of(event)
    if reason:
        suppression.suppress(
            address,
            reason,
            esp=str(esp_name or ""),
            event_id=str(event.event_id or ""),
            description=str(event.description or event.mta_response or ""),
        )
    elif event.event_type == EventType.DELIVERED:
        suppression.lift(address, because="delivered", occurred_at=event.timestamp)
