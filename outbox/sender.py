"""The one sender for every outbox table: claim rows, send them, record each request's
outcome before the next, retry by the error's scope, renew the lease while alive, take back
rows of dead senders.

Guarantees (issue 10):
- Each request the ESP accepted is recorded (one UPDATE) before the next is sent: one
  message, or one batch where the ESP has a batch API (``outbox.batch``: Postmark's
  ``email/batch``, OUTBOX["SEND_BATCH"] messages per request). A sender killed outright
  (SIGKILL) leaves at most the one request in flight to be sent again.
- SIGTERM and SIGINT (inside ``stop_on_signals()``) finish the request in hand, record it,
  give the rest of the claim back and stop: nothing is sent twice.
- A claim's lease counts from the claim and is renewed every LEASE / 4 while the sender
  lives, so the sweeper (``take_back``) only takes rows of senders that died.
- Claims are disjoint: ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite the
  IMMEDIATE write transaction serialises claims, and the UPDATE re-checks ``ready()``.
- Errors about one recipient or message fail that row (in a batch too: each message has its
  own answer); errors about the service (our key, the account, an outage) pause every
  sender and keep every row (see ``outbox.errors``).
- One mail connection per run, reused for every request (anymail keeps its HTTP session
  and the TCP connection alive; SMTP keeps its session).
"""

import datetime as dt
import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db import connection as db
from django.db.models import F
from django.utils import timezone

from . import batch, suppression
from .conf import setting
from .errors import Scope, classify, describe
from .headers import one_line, standard_headers
from .models import MailRow, MailService, MailStatus, SendRun

logger = logging.getLogger(__name__)

Status = MailStatus

_stop = threading.Event()


def stop_requested() -> bool:
    return _stop.is_set()


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While inside, SIGTERM (what a deploy sends) and SIGINT ask senders to stop after the
    message in hand instead of killing the process in the middle of it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def ask_to_stop(signum, _frame):
        logger.warning("Signal %s: finishing the message in hand, then stopping", signum)
        _stop.set()

    previous = {sig: signal.signal(sig, ask_to_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _stop.clear()


@dataclass(frozen=True)
class Policy:
    claim_size: int
    lease: dt.timedelta
    max_attempts: int
    retry_base: int
    retry_max: int

    @classmethod
    def from_settings(cls, **overrides) -> "Policy":
        values = {
            "claim_size": setting("CLAIM_SIZE"),
            "lease": dt.timedelta(seconds=setting("LEASE")),
            "max_attempts": setting("MAX_ATTEMPTS"),
            "retry_base": setting("RETRY_BASE"),
            "retry_max": setting("RETRY_MAX"),
        }
        values.update(overrides)
        return cls(**values)

    def retry_delay(self, attempts: int) -> dt.timedelta:
        seconds = self.retry_base * 2 ** max(attempts - 1, 0)
        return dt.timedelta(seconds=min(seconds, self.retry_max))


class Source:
    """What the sender needs of one outbox table; each table's app subclasses it."""

    name = "outbox"  # in the send log
    model: type[MailRow]

    def policy(self) -> Policy:
        return Policy.from_settings()

    def claimed(self, queryset):
        """The claimed rows' queryset, narrowed to what ``message()`` needs."""
        return queryset

    def prepare(self, rows: list) -> None:
        """Load what a claim's messages share (a few queries per claim, not per row)."""

    def message(self, row, connection) -> EmailMessage:
        raise NotImplementedError


@dataclass
class SendCounts:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    paused: bool = False
    stopped: bool = False
    statuses: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict[str, int]:
        return dict(self.statuses)


def suppressed_rows(rows) -> set[int]:
    """The one call point for the suppression list in the send path: the claimed rows (by
    pk) whose mail must not reach the ESP, in one query per claim. Checked again here, at
    sending, as a bounce or complaint may have come in since the row was queued; only
    automatic mail (``row.automatic``) stops at a suppressed address."""
    automatic = [row for row in rows if row.automatic]
    stopped = suppression.suppressed_among(row.to_email for row in automatic)
    return {row.pk for row in automatic if suppression.normalise(row.to_email) in stopped}


def paused_until(now: dt.datetime) -> dt.datetime | None:
    return (
        MailService.objects.filter(pk=1, paused_until__gt=now)
        .values_list("paused_until", flat=True)
        .first()
    )


def _service_row() -> MailService:
    try:
        return MailService.objects.get_or_create(pk=1)[0]
    except IntegrityError:  # another sender created it a moment ago
        return MailService.objects.get(pk=1)


PROBLEM_LOG = {
    Scope.KEY: "Mail service refuses our key",
    Scope.ACCOUNT: "Mail service refuses to send for our account",
    Scope.DOWN: "Mail service is down or throttling",
}


def pause_service(
    scope: Scope, error: str, now: dt.datetime, last_sent_at: dt.datetime | None = None
) -> dt.datetime:
    """Pause every sender (backoff doubling while the outage lasts); returns the end."""
    _service_row()
    with transaction.atomic():
        state = MailService.objects.select_for_update().get(pk=1)
        if last_sent_at and (not state.last_sent_at or state.last_sent_at < last_sent_at):
            state.last_sent_at = last_sent_at
        if state.paused_until and state.paused_until > now and state.problem == scope.value:
            state.save(update_fields=["last_sent_at"])
            return state.paused_until  # another sender saw it first
        delay = min(setting("PAUSE_BASE") * 2**state.pauses, setting("PAUSE_MAX"))
        state.pauses += 1
        state.problem = scope.value
        state.error = error
        state.failing_since = state.failing_since or now
        state.paused_until = now + dt.timedelta(seconds=delay)
        state.save()
    logger.error(
        "%s: sending paused until %s, every mail kept for then; nothing sent since %s. %s",
        PROBLEM_LOG[scope],
        state.paused_until.isoformat(timespec="seconds"),
        state.last_sent_at.isoformat(timespec="seconds") if state.last_sent_at else "never",
        error,
    )
    return state.paused_until


def _service_works(at: dt.datetime) -> None:
    MailService.objects.filter(pk=1).update(
        last_sent_at=at, problem="", error="", failing_since=None, paused_until=None, pauses=0
    )


def start_run(source: Source, trigger: str, now: dt.datetime | None = None) -> SendRun:
    now = now or timezone.now()
    return SendRun.objects.create(
        outbox=source.name,
        trigger=trigger,
        started_at=now,
        heartbeat_at=timezone.now(),
        host=socket.gethostname()[:100],
        pid=os.getpid(),
    )


def finish_run(run: SendRun, counts: SendCounts, error: BaseException | None = None) -> None:
    if error is not None:
        run.status = (
            SendRun.Status.STOPPED
            if isinstance(error, KeyboardInterrupt)
            else (SendRun.Status.ERROR)
        )
        run.error = describe(error)
    elif counts.stopped:
        run.status = SendRun.Status.STOPPED
    elif counts.paused:
        run.status = SendRun.Status.PAUSED
    else:
        run.status = SendRun.Status.FINISHED
    run.sent, run.retried, run.failed = counts.sent, counts.retried, counts.failed
    run.finished_at = run.heartbeat_at = timezone.now()
    run.save()


def heartbeat(run: SendRun | None) -> None:
    if run is not None:
        SendRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())


def take_back(source: Source, now: dt.datetime) -> int:
    """The sweeper: rows whose sender stopped renewing its lease (it died) go back in the
    queue (at-least-once from here: the one in flight may have gone out), and runs without
    a heartbeat for as long are marked killed in the send log."""
    lease = source.policy().lease
    SendRun.objects.filter(
        outbox=source.name, status=SendRun.Status.RUNNING, heartbeat_at__lt=now - lease
    ).update(status=SendRun.Status.KILLED, error="Ingen livstegn: processen blev afbrudt.")
    return source.model.objects.filter(status=Status.SENDING, claimed_at__lt=now - lease).update(
        status=Status.RETRY, next_attempt_at=now, claimed_at=None, claimed_by=""
    )


class Sender:
    def __init__(
        self,
        source: Source,
        *,
        now: dt.datetime | None = None,
        run: SendRun | None = None,
        counts: SendCounts | None = None,
    ):
        self.source = source
        self.model = source.model
        self.now = now or timezone.now()
        self.run = run
        self.counts = counts or SendCounts()
        self.policy = source.policy()
        self.token = uuid.uuid4().hex
        self.renew_every = self.policy.lease.total_seconds() / 4
        self.renewed = time.monotonic()
        self.unknown_in_a_row = 0
        self.last_sent_at: dt.datetime | None = None
        self.pause_end: dt.datetime | None = None  # set when this sender paused the service

    # Claiming and the lease

    def claim(self, size: int, pk: int | None = None) -> list:
        ready = self.model.objects.ready(self.now)
        if pk is not None:
            ready = ready.filter(pk=pk)
        with transaction.atomic():
            queryset = ready.order_by("pk")
            if db.features.has_select_for_update_skip_locked:
                queryset = queryset.select_for_update(skip_locked=True)
            pks = list(queryset.values_list("pk", flat=True)[:size])
            if not pks:
                return []
            self.model.objects.ready(self.now).filter(pk__in=pks).update(
                status=Status.SENDING, claimed_at=timezone.now(), claimed_by=self.token
            )
        self.renewed = time.monotonic()
        claimed = self.model.objects.filter(
            pk__in=pks, claimed_by=self.token, status=Status.SENDING
        )
        return list(self.source.claimed(claimed).order_by("pk"))

    def renew_if_due(self) -> None:
        if time.monotonic() - self.renewed < self.renew_every:
            return
        at = timezone.now()
        self.model.objects.filter(claimed_by=self.token, status=Status.SENDING).update(
            claimed_at=at
        )
        heartbeat(self.run)
        self.renewed = time.monotonic()

    def release(self, pks: list[int]) -> None:
        """Rows claimed but never handed to the ESP go back as they were."""
        if pks:
            self.model.objects.filter(
                pk__in=pks, claimed_by=self.token, status=Status.SENDING
            ).update(status=Status.QUEUED, claimed_at=None, claimed_by="")

    # Recording outcomes

    def _record(self, row, status: str, **fields) -> None:
        self.counts.statuses[status] += 1
        row.status = status
        self.model.objects.filter(pk=row.pk).update(status=status, claimed_by="", **fields)

    def sent(self, rows: list, outcomes: list[batch.Outcome]) -> None:
        """Rows the ESP accepted (one request): recorded in one UPDATE."""
        if not rows:
            return
        self.counts.sent += len(rows)
        self.counts.statuses[Status.SENT] += len(rows)
        self.last_sent_at = timezone.now()
        esp_ids = {
            row.pk: (outcome.esp_id or row.message_id)[:255]
            for row, outcome in zip(rows, outcomes, strict=True)
        }
        for row in rows:
            row.status = Status.SENT
        if len(rows) == 1:
            self.model.objects.filter(pk__in=list(esp_ids)).update(
                status=Status.SENT,
                claimed_by="",
                sent_at=self.last_sent_at,
                attempts=F("attempts") + 1,
                error="",
                next_attempt_at=None,
                esp_message_id=next(iter(esp_ids.values())),
            )
        else:
            self._record_batch(esp_ids)

    def _record_batch(self, esp_ids: dict[int, str]) -> None:
        """One UPDATE for a batch, each row with its own ESP id. Written as SQL: the ORM's
        Case(When(…) × 50) costs more to compile than the query takes to run."""
        meta = self.model._meta
        quote = db.ops.quote_name
        column = {
            name: quote(meta.get_field(name).column)
            for name in (
                "status",
                "claimed_by",
                "sent_at",
                "attempts",
                "error",
                "next_attempt_at",
                "esp_message_id",
            )
        }
        pk = quote(meta.pk.column)
        whens = " ".join(["WHEN %s THEN %s"] * len(esp_ids))
        marks = ", ".join(["%s"] * len(esp_ids))
        # Only quoted names from the model's meta and placeholders go into the text.
        sql = (
            f"UPDATE {quote(meta.db_table)} SET {column['status']} = %s, "  # noqa: S608
            f"{column['claimed_by']} = '', {column['sent_at']} = %s, "
            f"{column['attempts']} = {column['attempts']} + 1, {column['error']} = '', "
            f"{column['next_attempt_at']} = NULL, "
            f"{column['esp_message_id']} = CASE {pk} {whens} ELSE '' END "
            f"WHERE {pk} IN ({marks})"
        )
        params = [Status.SENT.value, db.ops.adapt_datetimefield_value(self.last_sent_at)]
        for key, value in esp_ids.items():
            params += [key, value]
        params += list(esp_ids)
        with db.cursor() as cursor:
            cursor.execute(sql, params)

    def fail(self, row, error: str) -> None:
        self.counts.failed += 1
        self._record(row, Status.FAILED, attempts=row.attempts, error=error, next_attempt_at=None)
        logger.warning("Mail %s %s failed for good: %s", self.source.name, row.pk, error)

    def retry(self, row, error: str, at: dt.datetime) -> None:
        self.counts.retried += 1
        self._record(row, Status.RETRY, attempts=row.attempts, error=error, next_attempt_at=at)

    def failed(self, row, error: BaseException) -> bool:
        """Record a send error by its scope; False when the run must pause."""
        scope = classify(error)
        text = describe(error)
        row.attempts += 1
        if scope in (Scope.RECIPIENT, Scope.MESSAGE):
            self.unknown_in_a_row = 0
            self.fail(row, text)
            return True
        if scope.is_service:
            if self.pause_end is None:  # else an earlier message of this batch paused it
                self.pause_end = pause_service(scope, text, self.now, self.last_sent_at)
            self.retry(row, text, self.pause_end)
            self.counts.paused = True
            return False
        if row.attempts >= self.policy.max_attempts:
            self.fail(row, text)
        else:
            self.retry(row, text, self.now + self.policy.retry_delay(row.attempts))
            logger.info("Mail %s %s will be retried: %s", self.source.name, row.pk, text)
        self.unknown_in_a_row += 1
        if self.unknown_in_a_row >= setting("UNKNOWN_ERRORS_IN_A_ROW"):
            if self.pause_end is None:
                self.pause_end = pause_service(Scope.DOWN, text, self.now, self.last_sent_at)
            self.counts.paused = True
            return False
        return True

    # Sending

    def build(self, row, connection) -> EmailMessage:
        message = self.source.message(row, connection)
        message.subject = one_line(message.subject)
        message.extra_headers = {**standard_headers(row.message_id), **message.extra_headers}
        return message

    def send_rows(self, rows: list, connection) -> bool:
        """Send claimed rows in order, in batches of what one request to the ESP may carry
        (one message where it has no batch API); each batch is recorded before the next
        goes out. False when the run must stop (pause or signal).

        Whatever happens, rows not yet handed over go back to the queue; only the rows of a
        request cut short by the process being stopped stay "sending" until their lease
        runs out (they may have reached the ESP)."""
        pending = deque(rows)
        suppressed = suppressed_rows(rows)
        size = batch.batch_size(connection)
        taken: list = []
        in_flight: list = []
        sent_before = self.counts.sent
        try:
            while pending:
                if _stop.is_set():
                    self.counts.stopped = True
                    return False
                self.renew_if_due()
                taken, messages = [], []
                while pending and len(taken) < size:
                    row = pending.popleft()
                    if row.pk in suppressed:
                        self.fail(row, suppression.error_for(row.to_email))
                        continue
                    try:
                        message = self.build(row, connection)
                    except Exception as error:  # this row cannot be built: its problem alone
                        row.attempts += 1
                        self.fail(row, describe(error))
                        continue
                    taken.append(row)
                    messages.append(message)
                if not taken:
                    continue
                in_flight = taken
                outcomes = batch.send_batch(connection, messages)
                accepted = [(row, out) for row, out in zip(taken, outcomes, strict=True)]
                self.sent(
                    [row for row, out in accepted if out.error is None],
                    [out for _row, out in accepted if out.error is None],
                )
                go_on = True
                for row, outcome in accepted:
                    if outcome.error is None:
                        self.unknown_in_a_row = 0
                    elif not self.failed(row, outcome.error):
                        go_on = False
                taken = in_flight = []  # recorded: nothing of theirs to give back
                if not go_on:
                    return False
            return True
        finally:
            # Rows taken for a request that never went out go back too.
            flying = {row.pk for row in in_flight}
            self.release([row.pk for row in (*taken, *pending) if row.pk not in flying])
            if self.counts.sent > sent_before and not self.counts.paused:
                _service_works(self.last_sent_at)

    def send(self, *, pk: int | None = None, limit: int | None = None) -> SendCounts:
        if paused_until(self.now):
            self.counts.paused = True
            return self.counts
        connection = get_connection()
        connection.open()
        try:
            handled = 0
            while not _stop.is_set():
                size = self.policy.claim_size
                if limit is not None:
                    size = min(size, limit - handled)
                if size <= 0:
                    break
                rows = self.claim(size, pk=pk)
                if not rows:
                    break
                handled += len(rows)
                self.source.prepare(rows)
                if not self.send_rows(rows, connection) or pk is not None:
                    break
                if paused_until(self.now):  # another sender met an outage
                    self.counts.paused = True
                    break
            if _stop.is_set():
                self.counts.stopped = True
        finally:
            connection.close()
        return self.counts


def send(
    source: Source,
    *,
    now: dt.datetime | None = None,
    run: SendRun | None = None,
    counts: SendCounts | None = None,
    pk: int | None = None,
    limit: int | None = None,
) -> SendCounts:
    """Send what is ready in ``source``'s table (or only row ``pk``)."""
    return Sender(source, now=now, run=run, counts=counts).send(pk=pk, limit=limit)
