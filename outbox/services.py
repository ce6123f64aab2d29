"""Queue a one-off mail (sent once the transaction commits) and send what waits, through
the one sender in ``outbox.sender``."""

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import sender, suppression
from .conf import setting
from .headers import new_message_id, one_line
from .message import OutboxMessage
from .models import OutgoingMail, SendRun

logger = logging.getLogger(__name__)

Status = OutgoingMail.Status


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
    return _queue_rendered(
        key=key,
        to=to,
        rendered=_render(template, context),
        reply_to=reply_to,
        automatic=automatic,
    )


def queue_mail_to_each(
    addresses: Iterable[str],
    *,
    key_prefix: str,
    template: str,
    context: dict,
    reply_to: str = "",
    automatic: bool = True,
) -> list[OutgoingMail]:
    """Queue one mail to each address (a home's staff, say) under ``f"{key_prefix}:{address}"``,
    exactly as ``queue_mail`` would one at a time: same keys, suppression and on-commit send.

    The templates are rendered once for all: the context names no recipient, so every copy
    is the same text. Mail whose text depends on the recipient (an unsubscribe link of their
    own) must not come through here."""
    addresses = list(addresses)
    if not addresses:
        return []
    rendered = _render(template, context)
    return [
        _queue_rendered(
            key=f"{key_prefix}:{address}",
            to=address,
            rendered=rendered,
            reply_to=reply_to,
            automatic=automatic,
        )
        for address in addresses
    ]


def _render(template: str, context: dict) -> tuple[str, str, str]:
    """Subject, text and html (``""`` if the template has none), in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = one_line(render_to_string(f"{template}_subject.txt", context))
        text = render_to_string(f"{template}.txt", context)
        try:
            html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = ""  # plain text only
    return subject, text, html


def _queue_rendered(
    *, key: str, to: str, rendered: tuple[str, str, str], reply_to: str, automatic: bool
) -> OutgoingMail:
    subject, text, html = rendered
    mail, created = OutgoingMail.objects.get_or_create(
        key=key,
        defaults={
            "to_email": to,
            "reply_to": reply_to,
            "subject": subject[:255],
            "body_text": text,
            "body_html": html,
            "automatic": automatic,
            "message_id": new_message_id("mail"),
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
    return {"status": Status.FAILED, "error": suppression.error_for(to)}


def _enqueue(pk: int) -> None:
    from .tasks import send_outgoing_mail

    try:
        send_outgoing_mail.enqueue(pk)
    except Exception:
        # The row waits in the outbox; the sweeper (send_pending_mail) sends it later.
        logger.exception("Could not enqueue outbox mail %s", pk)


class OneOffMails(sender.Source):
    """The one-off mails' table for the sender: each row holds its complete text."""

    name = "outbox"
    model = OutgoingMail

    def message(self, row: OutgoingMail, connection) -> OutboxMessage:
        message = OutboxMessage(
            row.subject,
            row.body_text,
            settings.DEFAULT_FROM_EMAIL,
            [row.to_email],
            reply_to=[row.reply_to] if row.reply_to else None,
            connection=connection,
        )
        if row.body_html:
            message.attach_alternative(row.body_html, "text/html")
        return message


def deliver(pk: int, *, now: dt.datetime | None = None) -> str:
    """Send row ``pk`` if it is ready; returns its status afterwards ("" if it is gone)."""
    sender.send(OneOffMails(), now=now, pk=pk)
    return OutgoingMail.objects.filter(pk=pk).values_list("status", flat=True).first() or ""


def prune(now: dt.datetime | None = None) -> int:
    """Delete sent and failed mails older than RETENTION_DAYS (and old send-log entries);
    returns how many mails went."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=setting("RETENTION_DAYS"))
    deleted, _by_model = OutgoingMail.objects.filter(
        status__in=[Status.SENT, Status.FAILED], created_at__lt=cutoff
    ).delete()
    SendRun.objects.filter(
        started_at__lt=now - dt.timedelta(days=setting("RUN_RETENTION_DAYS"))
    ).exclude(status=SendRun.Status.RUNNING).delete()
    return deleted


def send_pending(
    limit: int | None = 500, *, now: dt.datetime | None = None, trigger: str = "sweeper"
) -> dict:
    """The sweeper: take back rows of dead senders, then send what is ready (bounded).
    Returns how many rows ended in each status."""
    now = now or timezone.now()
    source = OneOffMails()
    sender.take_back(source, now)
    if not OutgoingMail.objects.ready(now).exists():
        return {}
    run = sender.start_run(source, trigger, now)
    counts = sender.SendCounts()
    try:
        sender.send(source, now=now, run=run, counts=counts, limit=limit)
    except BaseException as error:
        sender.finish_run(run, counts, error)
        raise
    sender.finish_run(run, counts)
    return counts.as_dict()
