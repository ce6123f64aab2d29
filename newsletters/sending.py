"""The digest run: build what is due, then send the digest outbox through the one sender
in ``outbox.sender`` (claim, send, record each before the next, retry by scope, lease)."""

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone

from outbox import sender
from outbox.errors import describe
from outbox.headers import message_id_domain
from outbox.message import OutboxMessage

from .conf import setting
from .digests import LinkOwner, Personaliser, build_digests
from .models import DigestBody, DigestMail, DigestRun, Frequency

logger = logging.getLogger(__name__)

Status = DigestMail.Status
SendCounts = sender.SendCounts


def list_id() -> str:
    """RFC 2919: one list, named on the site's own mail domain."""
    return f"Nyhedsbrev fra Samspil <nyhedsbrev.{message_id_domain()}>"


class Digests(sender.Source):
    """The digest outbox for the sender: shared bodies loaded once per run, personal links
    and headers filled in per mail."""

    name = "digests"
    model = DigestMail

    def __init__(self):
        self._bodies: dict[int, tuple[str, str, str]] = {}
        self.personaliser = Personaliser()
        self.list_id = list_id()

    def policy(self) -> sender.Policy:
        return sender.Policy.from_settings(
            claim_size=setting("SEND_CHUNK"),
            lease=dt.timedelta(seconds=setting("SENDING_LEASE")),
            max_attempts=setting("MAX_ATTEMPTS"),
            retry_base=setting("RETRY_BASE"),
            retry_max=setting("RETRY_MAX"),
        )

    def claimed(self, queryset):
        return queryset.select_related("subscriber").only(
            "kind",
            "to_email",
            "automatic",
            "body_id",
            "message_id",
            "attempts",
            "subscriber__key",
        )

    def prepare(self, rows: list[DigestMail]) -> None:
        missing = {row.body_id for row in rows} - self._bodies.keys()
        if missing:
            for pk, *content in DigestBody.objects.filter(pk__in=missing).values_list(
                "pk", "subject", "body_text", "body_html"
            ):
                self._bodies[pk] = tuple(content)

    def message(self, row: DigestMail, connection) -> OutboxMessage:
        subject, text, html = self._bodies[row.body_id]
        owner = LinkOwner(row.subscriber_id, row.subscriber.key)
        if row.kind == DigestMail.Kind.DIGEST:
            digest = self.personaliser.personalise(owner, subject, text, html, row.message_id)
            digest.headers["List-Id"] = self.list_id
        else:
            digest = self.personaliser.personalise_subscription_mail(
                owner, subject, text, html, row.message_id
            )
        message = OutboxMessage(
            digest.subject,
            digest.text,
            settings.DEFAULT_FROM_EMAIL,
            [row.to_email],
            headers=digest.headers,
            connection=connection,
        )
        message.attach_alternative(digest.html, "text/html")
        return message


def send_queued(
    *, now: dt.datetime | None = None, run: DigestRun | None = None, limit: int | None = None
) -> SendCounts:
    """Send what the digest outbox holds (this run's and any earlier run's)."""
    return sender.send(Digests(), now=now, run=run.send if run else None, limit=limit)


def send_one(pk: int, *, now: dt.datetime | None = None) -> SendCounts:
    """Send one outbox row now if it is ready (a task's job: the row's own retries and any
    later run's sender pick it up if this fails)."""
    return sender.send(Digests(), now=now, pk=pk)


def requeue_stuck(now: dt.datetime) -> int:
    """Rows a dead sender left in "sending": at-least-once from here (it may have gone out)."""
    return sender.take_back(Digests(), now)


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
    """Build what is due and send what is queued (this run's and any earlier run's).

    Inside ``outbox.sender.stop_on_signals()`` a SIGTERM stops after the build batch or the
    message in hand; the run is then logged as stopped."""
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
    source = Digests()
    run.send = sender.start_run(source, trigger, now)
    run.save()
    counts = SendCounts()
    try:
        requeue_stuck(now)
        built = build_digests(frequencies=frequencies, now=now, run=run)
        run.recipients, run.queued, run.skipped_empty = (
            built.recipients,
            built.queued,
            built.skipped_empty,
        )
        if sender.stop_requested():
            counts.stopped = True
        else:
            sender.send(source, now=now, run=run.send, counts=counts)
        prune_outbox(now)
    except BaseException as error:
        run.error = describe(error)
        sender.finish_run(run.send, counts, error)
        raise
    finally:
        run.sent, run.retried, run.failed = counts.sent, counts.retried, counts.failed
        run.finished_at = timezone.now()
        run.save()
    sender.finish_run(run.send, counts)
    logger.info(
        "Digest run %s: %s queued, %s skipped empty, %s sent, %s retrying, %s failed%s",
        run.pk,
        run.queued,
        run.skipped_empty,
        run.sent,
        run.retried,
        run.failed,
        " (paused: mail service failing)" if counts.paused else "",
    )
    return run
