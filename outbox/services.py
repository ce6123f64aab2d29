"""Queue a mail (only on commit) and send queued mails: claim, send, record, retry."""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import suppression
from .errors import describe, is_permanent
from .models import OutgoingMail

logger = logging.getLogger(__name__)

Status = OutgoingMail.Status
MAX_ATTEMPTS = 8
RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 6 * 3600
# A row left "sending" this long belongs to a worker that died; it is sent again.
SENDING_LEASE = dt.timedelta(minutes=15)
# Sent and failed mails hold personal data (names, notes, links): kept this long, then deleted.
RETENTION = dt.timedelta(days=30)


def queue_mail(
    *,
    key: str,
    to: str,
    template: str,
    context: dict,
    reply_to: str = "",
    automatic: bool = True,
) -> OutgoingMail:
    """Render ``<template>_subject.txt``, ``.txt`` and (if there is one) ``.html`` in Danish
    and queue the mail under ``key``; the worker is asked to send it once the surrounding
    transaction commits. A key already queued returns the existing row and sends nothing new.

    ``automatic`` is False only for mail the recipient asks for at that moment (a sign-in
    link, a sign-up's confirmation); automatic mail to a suppressed address is recorded as
    failed and never sent (outbox.suppression)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        try:
            html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = ""  # plain text only
    mail, created = OutgoingMail.objects.get_or_create(
        key=key,
        defaults={
            "to_email": to,
            "reply_to": reply_to,
            "subject": subject[:255],
            "body_text": text,
            "body_html": html,
            "automatic": automatic,
            **_suppressed_fields(to, automatic),
        },
    )
    if created and mail.status == Status.QUEUED:
        transaction.on_commit(lambda: _enqueue(mail.pk))
    return mail


def _suppressed_fields(to: str, automatic: bool) -> dict:
    """A failed row instead of a queued one for automatic mail to a suppressed address."""
    if not suppression.is_suppressed(to, automatic=automatic):
        return {}
    return {"status": Status.FAILED, "error": _suppressed_error(to)}


def _suppressed_error(to: str) -> str:
    return f"suppressed: {suppression.reason_for(to) or 'address'}"


def _enqueue(pk: int) -> None:
    from .tasks import send_outgoing_mail

    try:
        send_outgoing_mail.enqueue(pk)
    except Exception:
        # The row waits in the outbox; the sweeper (send_pending_mail) sends it later.
        logger.exception("Could not enqueue outbox mail %s", pk)


def _claim(pk: int, now: dt.datetime) -> bool:
    """Take one ready row for this worker: a conditional UPDATE, atomic on every database."""
    ready = OutgoingMail.objects.ready(now).filter(pk=pk)
    return ready.update(status=Status.SENDING, claimed_at=now) == 1


def retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(
        seconds=min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS)
    )


def deliver(pk: int) -> str:
    """Send row ``pk`` if it is ready; returns its status afterwards ("" if it is gone)."""
    now = timezone.now()
    if not _claim(pk, now):
        return OutgoingMail.objects.filter(pk=pk).values_list("status", flat=True).first() or ""
    mail = OutgoingMail.objects.get(pk=pk)
    if suppression.is_suppressed(mail.to_email, automatic=mail.automatic):
        # Suppressed since it was queued (a bounce or complaint came in): never sent.
        mail.status, mail.error, mail.next_attempt_at = (
            Status.FAILED,
            _suppressed_error(mail.to_email),
            None,
        )
        mail.save(update_fields=["status", "error", "next_attempt_at"])
        return mail.status
    message = EmailMultiAlternatives(
        mail.subject,
        mail.body_text,
        settings.DEFAULT_FROM_EMAIL,
        [mail.to_email],
        reply_to=[mail.reply_to] if mail.reply_to else None,
        headers={"Auto-Submitted": "auto-generated"},
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    mail.attempts += 1
    try:
        message.send()
    except Exception as error:
        mail.error = describe(error)
        if is_permanent(error) or mail.attempts >= MAX_ATTEMPTS:
            mail.status, mail.next_attempt_at = Status.FAILED, None
        else:
            mail.status, mail.next_attempt_at = Status.RETRY, now + retry_delay(mail.attempts)
        logger.warning("Outbox mail %s not sent: %s", pk, mail.error)
    else:
        mail.status, mail.sent_at, mail.error, mail.next_attempt_at = (
            Status.SENT,
            timezone.now(),
            "",
            None,
        )
    mail.save(update_fields=["status", "attempts", "error", "next_attempt_at", "sent_at"])
    return mail.status


def prune(now: dt.datetime | None = None) -> int:
    """Delete sent and failed mails older than RETENTION; returns how many went."""
    cutoff = (now or timezone.now()) - RETENTION
    done = [Status.SENT, Status.FAILED]
    deleted, _by_model = OutgoingMail.objects.filter(
        status__in=done, created_at__lt=cutoff
    ).delete()
    return deleted


def send_pending(limit: int = 500) -> dict:
    """The sweeper: requeue rows of dead workers, then send what is ready (bounded)."""
    now = timezone.now()
    OutgoingMail.objects.filter(status=Status.SENDING, claimed_at__lt=now - SENDING_LEASE).update(
        status=Status.QUEUED, claimed_at=None
    )
    counts: dict[str, int] = {}
    for pk in OutgoingMail.objects.ready(now).order_by("pk").values_list("pk", flat=True)[:limit]:
        status = deliver(pk)
        counts[status] = counts.get(status, 0) + 1
    return counts
