"""Subscription workflows: every change runs in a transaction, is logged, and mails on commit."""

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from outbox import suppression

from .conf import setting
from .models import DigestMail, Frequency, Subscriber, SubscriptionEvent, email_digest

logger = logging.getLogger(__name__)

Action = SubscriptionEvent.Action
Actor = SubscriptionEvent.Actor
Status = Subscriber.Status

# Statuses in which a new sign-up starts over with double opt-in (the person proves the
# mailbox again); in the others the person already has a subscription to manage.
RESTARTABLE = {Status.UNSUBSCRIBED, Status.BOUNCED, Status.COMPLAINED}


def log_event(
    subscriber: Subscriber,
    action: str,
    actor: str,
    *,
    user=None,
    data: dict | None = None,
    keep_link: bool = True,
) -> SubscriptionEvent:
    return SubscriptionEvent.objects.create(
        subscriber=subscriber if keep_link else None,
        email_hash=email_digest(subscriber.email),
        action=action,
        actor=actor,
        user=user,
        consent_version=subscriber.consent_version,
        data=data or {},
    )


def _home_ids(homes: Iterable) -> list[int]:
    return sorted(home.pk for home in homes)


def _queue_mail(subscriber: Subscriber, kind: str, event: SubscriptionEvent) -> None:
    """A row in the outbox now, in this transaction (keyed by the event that asked for it,
    so it exists once); sent by a task once the transaction has committed."""
    from .mails import queue_subscription_mail
    from .tasks import send_outbox_mail

    mail = queue_subscription_mail(subscriber, kind, key=f"{kind}:{event.pk}")
    transaction.on_commit(lambda: send_outbox_mail.enqueue(mail.pk))


@transaction.atomic
def subscribe(
    *, email: str, homes: Iterable, frequency: str, consent_version: str | None = None
) -> Subscriber:
    """Start double opt-in, or mail a known address a link to its settings.

    The caller shows the same answer either way, so the form cannot be used to find out
    who subscribes (no account enumeration); nothing about a known subscription changes.
    """
    email = email.strip().lower()
    consent_version = consent_version or setting("CONSENT_VERSION")
    homes = list(homes)
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    if subscriber is not None and subscriber.status not in RESTARTABLE | {Status.PENDING}:
        event = log_event(subscriber, Action.MANAGE_LINK_SENT, Actor.SYSTEM)
        _queue_mail(subscriber, DigestMail.Kind.MANAGE, event)
        return subscriber
    if subscriber is None:
        subscriber = Subscriber(email=email)
    subscriber.status = Status.PENDING
    subscriber.frequency = frequency
    subscriber.consent_version = consent_version
    subscriber.consented_at = timezone.now()
    subscriber.confirmed_at = None
    subscriber.soft_bounces = 0
    subscriber.save()
    subscriber.homes.set(homes)
    event = log_event(
        subscriber,
        Action.SUBSCRIBED,
        Actor.SUBSCRIBER,
        data={"homes": _home_ids(homes), "frequency": frequency},
    )
    _queue_mail(subscriber, DigestMail.Kind.CONFIRM, event)
    return subscriber


@transaction.atomic
def confirm_subscription(subscriber: Subscriber) -> bool:
    """One click on the link confirms; a second click (or a link scanner) changes nothing."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status != Status.PENDING:
        return False
    subscriber.status = Status.ACTIVE
    subscriber.confirmed_at = timezone.now()
    subscriber.save(update_fields=["status", "confirmed_at"])
    log_event(subscriber, Action.CONFIRMED, Actor.SUBSCRIBER)
    # Clicking the link proves the mailbox takes mail again: an old bounce is lifted.
    suppression.lift(subscriber.email, because="opt-in")
    return True


@transaction.atomic
def change_subscription(
    subscriber: Subscriber, *, homes: Iterable, frequency: str, actor: str = Actor.SUBSCRIBER
) -> None:
    homes = list(homes)
    before = {
        "homes": sorted(subscriber.homes.values_list("pk", flat=True)),
        "frequency": subscriber.frequency,
    }
    after = {"homes": _home_ids(homes), "frequency": frequency}
    if before == after:
        return
    if frequency not in Frequency.values:
        raise ValueError(frequency)
    subscriber.frequency = frequency
    subscriber.save(update_fields=["frequency"])
    subscriber.homes.set(homes)
    log_event(subscriber, Action.CHANGED, actor, data={"before": before, "after": after})


def _set_status(subscriber: Subscriber, new: str, action: str, actor: str, data=None) -> bool:
    """One logged status change; False (and nothing written) when it is the status already."""
    if subscriber.status == new:
        return False
    subscriber.status = new
    subscriber.save(update_fields=["status"])
    log_event(subscriber, action, actor, data=data)
    return True


def _move_status(subscriber: Subscriber, expected: str, new: str, action: str, actor: str) -> bool:
    """One logged status step, taken only from the `expected` status."""
    return subscriber.status == expected and _set_status(subscriber, new, action, actor)


@transaction.atomic
def pause_subscription(subscriber: Subscriber, actor: str = Actor.SUBSCRIBER) -> bool:
    return _move_status(subscriber, Status.ACTIVE, Status.PAUSED, Action.PAUSED, actor)


@transaction.atomic
def resume_subscription(subscriber: Subscriber, actor: str = Actor.SUBSCRIBER) -> bool:
    """Only a pause is undone here; after an unsubscribe or bounce, sign up again."""
    return _move_status(subscriber, Status.PAUSED, Status.ACTIVE, Action.RESUMED, actor)


@transaction.atomic
def unsubscribe(subscriber: Subscriber, *, actor: str = Actor.SUBSCRIBER, via: str = "") -> bool:
    if subscriber.status == Status.UNSUBSCRIBED:
        return False
    subscriber.status = Status.UNSUBSCRIBED
    subscriber.save(update_fields=["status"])
    log_event(subscriber, Action.UNSUBSCRIBED, actor, data={"via": via} if via else None)
    return True


def export_subscriber_data(subscriber: Subscriber) -> dict:
    """Everything we hold about a person (GDPR art. 15 and 20), as plain JSON-able data."""
    log_event(subscriber, Action.EXPORTED, Actor.SUBSCRIBER)

    def iso(value):
        return value.isoformat() if value else None

    return {
        "email": subscriber.email,
        "status": subscriber.status,
        "frequency": subscriber.frequency,
        "homes": [
            {"id": home.pk, "title": home.title}
            for home in subscriber.homes.order_by("title").only("title")
        ],
        "consent_version": subscriber.consent_version,
        "consented_at": iso(subscriber.consented_at),
        "created_at": iso(subscriber.created_at),
        "confirmed_at": iso(subscriber.confirmed_at),
        "last_digest_at": iso(subscriber.last_digest_at),
        "history": [
            {
                "action": event.action,
                "actor": event.actor,
                "consent_version": event.consent_version,
                "timestamp": iso(event.timestamp),
            }
            for event in subscriber.events.order_by("timestamp", "pk")
        ],
        "digests": [
            {"period": period, "status": status, "sent_at": iso(sent_at)}
            for period, status, sent_at in subscriber.digests.filter(kind=DigestMail.Kind.DIGEST)
            .order_by("created_at")
            .values_list("period_key", "status", "sent_at")
        ],
    }


@transaction.atomic
def delete_subscriber(subscriber: Subscriber, actor: str = Actor.SUBSCRIBER) -> None:
    """Erase the person (GDPR art. 17): the row, their outbox rows and the link from the
    audit trail go; the trail keeps only a hash of the address, as proof of what happened."""
    log_event(subscriber, Action.DELETED, actor, keep_link=False)
    subscriber.delete()


def _by_address(email: str):
    if not email:
        return None
    return Subscriber.objects.select_for_update().filter(email=email.strip().lower()).first()


@transaction.atomic
def record_hard_bounce(email: str, *, data: dict | None = None) -> bool:
    """A hard bounce stops all mail to the address (and shows as such in the admin)."""
    subscriber = _by_address(email)
    return subscriber is not None and _set_status(
        subscriber, Status.BOUNCED, Action.BOUNCED, Actor.ESP, data
    )


@transaction.atomic
def record_soft_bounce(email: str, *, data: dict | None = None) -> bool:
    """Count a soft bounce; the limit in a row (no delivery between) stops all mail."""
    subscriber = _by_address(email)
    if subscriber is None:
        return False
    subscriber.soft_bounces += 1
    stop = (
        subscriber.soft_bounces >= setting("SOFT_BOUNCE_LIMIT")
        and subscriber.status != Status.BOUNCED
    )
    if stop:
        subscriber.status = Status.BOUNCED
    subscriber.save(update_fields=["soft_bounces", "status"])
    log_event(
        subscriber,
        Action.BOUNCED if stop else Action.SOFT_BOUNCED,
        Actor.ESP,
        data={**(data or {}), "soft_bounces": subscriber.soft_bounces},
    )
    return stop


def record_delivery(email: str) -> None:
    """A delivery ends a run of soft bounces."""
    if email:
        Subscriber.objects.filter(email=email.strip().lower(), soft_bounces__gt=0).update(
            soft_bounces=0
        )


@transaction.atomic
def record_complaint(email: str, *, data: dict | None = None) -> bool:
    """Marked as spam: the person never gets another mail from us unless they sign up again."""
    subscriber = _by_address(email)
    return subscriber is not None and _set_status(
        subscriber, Status.COMPLAINED, Action.COMPLAINED, Actor.ESP, data
    )
