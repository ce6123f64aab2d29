"""The outbox sender and the digest run: claim rows, send, record; retry what may pass."""

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from outbox import suppression
from outbox.errors import describe, is_permanent

from .conf import setting
from .digests import LinkOwner, Personaliser, build_digests
from .models import DigestBody, DigestMail, DigestRun, Frequency

logger = logging.getLogger(__name__)

Status = DigestMail.Status
# Transient errors in a row after which the ESP is taken to be down: the rest waits.
OUTAGE_AFTER = 5


def retry_delay(attempts: int) -> dt.timedelta:
    seconds = setting("RETRY_BASE") * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, setting("RETRY_MAX")))


@dataclass
class SendCounts:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _claim(now: dt.datetime, size: int, pk: int | None = None) -> list[DigestMail]:
    """Take a chunk of ready rows (or the one row ``pk``) for this worker alone (SKIP LOCKED
    on PostgreSQL; on SQLite the write transaction itself serialises claims), with the
    subscriber's link key."""
    with transaction.atomic():
        queryset = DigestMail.objects.ready(now).order_by("pk").select_related("subscriber")
        if pk is not None:
            queryset = queryset.filter(pk=pk)
        if connection.features.has_select_for_update_skip_locked:
            queryset = queryset.select_for_update(skip_locked=True, of=("self",))
        rows = list(
            queryset.only(
                "kind",
                "to_email",
                "body_id",
                "message_id",
                "attempts",
                "subscriber__key",
            )[:size]
        )
        if rows:
            DigestMail.objects.filter(pk__in=[row.pk for row in rows]).update(
                status=Status.SENDING, claimed_at=now
            )
    return rows


class Bodies:
    """The shared DigestBody contents a run sends, each loaded once (a few per run)."""

    def __init__(self):
        self._loaded: dict[int, tuple[str, str, str]] = {}

    def load(self, rows: list[DigestMail]) -> None:
        missing = {row.body_id for row in rows} - self._loaded.keys()
        if missing:
            for pk, *content in DigestBody.objects.filter(pk__in=missing).values_list(
                "pk", "subject", "body_text", "body_html"
            ):
                self._loaded[pk] = tuple(content)

    def __getitem__(self, pk: int) -> tuple[str, str, str]:
        return self._loaded[pk]


class DigestMessage(EmailMultiAlternatives):
    """An outbox mail with its MIME boundary chosen here, checked against the bodies by a
    plain substring search. Left to itself, Python's generator compiles a fresh regular
    expression for every message's random boundary (its cache never hits): some 13% of
    building the MIME message an SMTP backend sends, in a profile of bench/digests.py."""

    def message(self, *args, **kwargs):
        msg = super().message(*args, **kwargs)
        if msg.is_multipart() and msg.get_boundary() is None:
            parts = [self.body, *(alternative.content for alternative in self.alternatives)]
            boundary = f"=_samspil_{secrets.token_hex(12)}"
            while any(boundary in part for part in parts):
                boundary = f"=_samspil_{secrets.token_hex(12)}"
            msg.set_boundary(boundary)
        return msg


def _message(
    row: DigestMail, bodies: Bodies, personaliser: Personaliser, connection
) -> EmailMultiAlternatives:
    subject, text, html = bodies[row.body_id]
    owner = LinkOwner(row.subscriber_id, row.subscriber.key)
    if row.kind == DigestMail.Kind.DIGEST:
        digest = personaliser.personalise(owner, subject, text, html, row.message_id)
    else:
        digest = personaliser.personalise_subscription_mail(
            owner, subject, text, html, row.message_id
        )
    message = DigestMessage(
        digest.subject,
        digest.text,
        settings.DEFAULT_FROM_EMAIL,
        [row.to_email],
        headers=digest.headers,
        connection=connection,
    )
    message.attach_alternative(digest.html, "text/html")
    return message


def _message_id(message: EmailMultiAlternatives, row: DigestMail) -> str:
    status = getattr(message, "anymail_status", None)
    return (getattr(status, "message_id", None) or row.message_id)[:255]


def _record(done: list[DigestMail], requeue: list[DigestMail], sent_at: dt.datetime) -> None:
    """Write a chunk's outcome in a few queries, whatever its size.

    Sent rows share one UPDATE; only ESP message ids that differ from the Message-ID we set
    ourselves (anymail's ESPs return their own) need a per-row value.
    """
    sent = [row for row in done if row.status == Status.SENT]
    if sent:
        DigestMail.objects.filter(pk__in=[row.pk for row in sent]).update(
            status=Status.SENT,
            sent_at=sent_at,
            attempts=F("attempts") + 1,
            error="",
            next_attempt_at=None,
            esp_message_id=F("message_id"),
        )
        own_ids = [row for row in sent if row.esp_message_id != row.message_id]
        if own_ids:
            DigestMail.objects.bulk_update(own_ids, ["esp_message_id"])
    unsent = [row for row in done if row.status != Status.SENT]
    if unsent:
        DigestMail.objects.bulk_update(unsent, ["status", "attempts", "error", "next_attempt_at"])
    if requeue:
        # Never handed to the ESP: back in the queue as they were.
        DigestMail.objects.filter(pk__in=[row.pk for row in requeue]).update(
            status=Status.QUEUED, claimed_at=None
        )


def suppressed_digests(rows: list[DigestMail]) -> dict[int, str]:
    """The rows of a chunk that must not go out, by pk with the error to record: automatic
    mail (digests; not the confirmation and manage-link mails the person asked for) to an
    address suppressed since it was queued. One query per chunk."""
    automatic = [row for row in rows if row.kind == DigestMail.Kind.DIGEST]
    stopped = suppression.suppressed_among(row.to_email for row in automatic)
    return {
        row.pk: "suppressed" for row in automatic if suppression.normalise(row.to_email) in stopped
    }


def _send_chunk(
    rows: list[DigestMail],
    now: dt.datetime,
    counts: SendCounts,
    bodies: Bodies,
    personaliser: Personaliser,
) -> bool:
    """Send one claimed chunk; False when the ESP looks down and the run should stop sending.

    Outcomes are recorded even when the process is being stopped (KeyboardInterrupt,
    SystemExit): rows handed over are marked sent, rows not yet tried go back to the queue,
    and only the one in flight (popped from ``pending``, not yet in ``done``) stays
    "sending" until the sweeper's lease runs out.
    """
    done: list[DigestMail] = []
    pending = list(rows)
    transient_in_a_row = 0
    bodies.load(rows)
    blocked = suppressed_digests(rows)
    mail_connection = get_connection()
    try:
        while pending:
            row = pending.pop(0)
            if row.pk in blocked:
                row.status, row.error, row.next_attempt_at = Status.FAILED, blocked[row.pk], None
                counts.failed += 1
                done.append(row)
                continue
            message = _message(row, bodies, personaliser, mail_connection)
            row.attempts += 1
            try:
                message.send()
            except Exception as error:
                row.error = describe(error)
                done.append(row)
                if is_permanent(error) or row.attempts >= setting("MAX_ATTEMPTS"):
                    row.status = Status.FAILED
                    counts.failed += 1
                    transient_in_a_row = 0
                    logger.warning("Digest %s failed for good: %s", row.pk, row.error)
                    continue
                row.status = Status.RETRY
                row.next_attempt_at = now + retry_delay(row.attempts)
                counts.retried += 1
                transient_in_a_row += 1
                logger.info("Digest %s will be retried: %s", row.pk, row.error)
                if transient_in_a_row >= OUTAGE_AFTER:
                    logger.warning("Mail service looks down; the rest waits for the next run")
                    return False
                continue
            transient_in_a_row = 0
            row.status = Status.SENT
            row.esp_message_id = _message_id(message, row)
            counts.sent += 1
            done.append(row)
    finally:
        _record(done, pending, timezone.now())
        mail_connection.close()
    return True


def send_queued(*, now: dt.datetime | None = None, run: DigestRun | None = None) -> SendCounts:
    counts = SendCounts()
    now = now or timezone.now()
    size = setting("SEND_CHUNK")
    bodies, personaliser = Bodies(), Personaliser()
    while rows := _claim(now, size):
        if not _send_chunk(rows, now, counts, bodies, personaliser) or len(rows) < size:
            break  # the ESP looks down, or a short chunk was the last
    return counts


def send_one(pk: int, *, now: dt.datetime | None = None) -> SendCounts:
    """Send one outbox row now if it is ready (a task's job: the row's own retries and any
    later run's sender pick it up if this fails)."""
    counts = SendCounts()
    now = now or timezone.now()
    if rows := _claim(now, 1, pk=pk):
        _send_chunk(rows, now, counts, Bodies(), Personaliser())
    return counts


def requeue_stuck(now: dt.datetime) -> int:
    """Rows a dead worker left in "sending": at-least-once from here (it may have gone out)."""
    lease = dt.timedelta(seconds=setting("SENDING_LEASE"))
    return DigestMail.objects.filter(status=Status.SENDING, claimed_at__lt=now - lease).update(
        status=Status.RETRY, next_attempt_at=now, claimed_at=None
    )


def prune_outbox(now: dt.datetime) -> int:
    cutoff = now - dt.timedelta(days=setting("OUTBOX_RETENTION_DAYS"))
    deleted, _ = DigestMail.objects.filter(
        status__in=[Status.SENT, Status.FAILED], created_at__lt=cutoff
    ).delete()
    # Contents no row refers to any more (created before the cut-off, so never one that a
    # builder has only just written).
    DigestBody.objects.filter(created_at__lt=cutoff, mails__isnull=True).delete()
    return deleted


def run_digests(
    *,
    frequency: str | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    trigger: str = "command",
) -> DigestRun:
    """Build what is due and send what is queued (this run's and any earlier run's)."""
    now = now or timezone.now()
    frequencies = [frequency] if frequency else list(Frequency.values)
    if frequency and frequency not in Frequency.values:
        raise ValueError(frequency)
    run = DigestRun(frequency=frequency or "", trigger=trigger, started_at=now)
    if dry_run:
        built = build_digests(frequencies=frequencies, now=now, dry_run=True)
        run.recipients, run.queued, run.skipped_empty = (
            built.recipients,
            built.queued,
            built.skipped_empty,
        )
        return run
    run.save()
    try:
        requeue_stuck(now)
        built = build_digests(frequencies=frequencies, now=now, run=run)
        run.recipients, run.queued, run.skipped_empty = (
            built.recipients,
            built.queued,
            built.skipped_empty,
        )
        sent = send_queued(now=now, run=run)
        run.sent, run.retried, run.failed = sent.sent, sent.retried, sent.failed
        prune_outbox(now)
    except BaseException as error:
        run.error = describe(error)
        raise
    finally:
        run.finished_at = timezone.now()
        run.save()
    logger.info(
        "Digest run %s: %s queued, %s skipped empty, %s sent, %s retrying, %s failed",
        run.pk,
        run.queued,
        run.skipped_empty,
        run.sent,
        run.retried,
        run.failed,
    )
    return run
