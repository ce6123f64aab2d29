"""One suppression list by address, for every app that sends mail.

A hard bounce or a complaint reported by the ESP stops every *automatic* mail to the address
(digests, reminders, promotions, cancellations, dialog notifications, summaries). Mail the
person asks for at that moment (a sign-up's confirmation, double opt-in, a sign-in link) is
still tried: they are there, typing the address, and the ESP tells us again if it fails.

A bounce is lifted by a later delivery to the address or a confirmed opt-in; a complaint
only by staff. Every change is logged with Wagtail's ``log()``.
"""

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from .models import SuppressedAddress

logger = logging.getLogger(__name__)

Reason = SuppressedAddress.Reason

SUPPRESS = "samspil.suppression.add"
CHANGE = "samspil.suppression.change"
LIFT = "samspil.suppression.lift"

# A stronger reason replaces a weaker one, never the other way round.
_STRENGTH = {Reason.BOUNCE: 1, Reason.MANUAL: 2, Reason.COMPLAINT: 3}


def normalise(address: str | None) -> str:
    return str(address or "").strip().lower()


def is_suppressed(address: str, *, automatic: bool) -> bool:
    """Whether a mail to ``address`` must not go out: only automatic mail is held back."""
    address = normalise(address)
    if not automatic or not address:
        return False
    return SuppressedAddress.objects.filter(address=address).exists()


def suppressed_among(addresses: Iterable[str]) -> set[str]:
    """The suppressed ones of many addresses (normalised), in one query: for a chunk of
    digests rather than a query per mail."""
    wanted = {normalise(address) for address in addresses} - {""}
    if not wanted:
        return set()
    return set(
        SuppressedAddress.objects.filter(address__in=wanted).values_list("address", flat=True)
    )


def reason_for(address: str) -> str:
    """The reason an address is suppressed ("" when it is not), for an outbox row's error."""
    return (
        SuppressedAddress.objects.filter(address=normalise(address))
        .values_list("reason", flat=True)
        .first()
        or ""
    )


@transaction.atomic
def suppress(
    address: str,
    reason: str,
    *,
    esp: str = "",
    event_id: str = "",
    description: str = "",
    user=None,
) -> SuppressedAddress | None:
    """Put ``address`` on the list (or raise its reason); None for an empty address."""
    address = normalise(address)
    if not address:
        return None
    if reason not in Reason.values:
        raise ValueError(reason)
    row = SuppressedAddress.objects.select_for_update().filter(address=address).first()
    details = {
        "reason": reason,
        "esp": esp[:40],
        "event_id": str(event_id or "")[:255],
        "description": str(description or "")[:500],
    }
    if row is None:
        row = SuppressedAddress(
            address=address,
            reason=reason,
            esp=details["esp"],
            source_event_id=details["event_id"],
            description=details["description"],
        )
        row.save()
        log(row, SUPPRESS, user=user, data=details)
        logger.info("Suppressed %s (%s)", _hint(address), reason)
        return row
    if _STRENGTH[reason] <= _STRENGTH[Reason(row.reason)]:
        return row  # already suppressed at least as firmly: nothing changes
    before = row.reason
    row.reason, row.since = reason, timezone.now()
    row.esp, row.source_event_id, row.description = (
        details["esp"],
        details["event_id"],
        details["description"],
    )
    row.save()
    log(row, CHANGE, user=user, data={**details, "before": before})
    return row


@transaction.atomic
def lift(
    address: str,
    *,
    user=None,
    because: str = "staff",
    occurred_at: dt.datetime | None = None,
) -> bool:
    """Take ``address`` off the list; True when it was lifted.

    Without a staff ``user`` (a delivery event, a confirmed opt-in) only a bounce is lifted,
    and only by something that happened after it (``occurred_at``: a delivery report of an
    older mail arriving late lifts nothing). Staff lift any reason.
    """
    address = normalise(address)
    row = SuppressedAddress.objects.select_for_update().filter(address=address).first()
    if row is None:
        return False
    if user is None:
        if row.reason != Reason.BOUNCE:
            return False
        if occurred_at is not None and occurred_at <= row.since:
            return False
    log(row, LIFT, user=user, data={"reason": row.reason, "because": because})
    row.delete()
    logger.info("Lifted the suppression of %s (%s)", _hint(address), because)
    return True


def _hint(address: str) -> str:
    """An address for a log line, without giving the whole of it away."""
    local, _at, domain = address.partition("@")
    return f"{local[:2]}…@{domain}"


def error_for(address: str) -> str:
    """What a row stopped by the list records as its error: "suppressed: bounce" and the like."""
    return f"suppressed: {reason_for(address) or 'address'}"
