"""Answered in good time: each relative's thread gets a due date in working days, the home's
leader sees what is unanswered and overdue, and an overdue thread is escalated to them by
mail, once.

A thread is *answered* when its first staff message is published (``first_staff_reply_at``,
set by dialog.posting). Threads staff started themselves have no due date: nobody is
waiting for an answer from staff there.
"""

import datetime as dt
import logging
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from access.rules import home_staff_addresses
from outbox.links import absolute
from outbox.services import queue_mail_to_each

from . import signals
from .models import HomeDialogSettings, Thread
from .notifications import may_quote, thread_url
from .workdays import add_working_days

logger = logging.getLogger(__name__)

ESCALATE = "samspil.dialog.escalate"
# How far back the admin's response times look by default.
STATS_PERIOD = dt.timedelta(days=90)


def response_days(thread: Thread) -> int:
    """The home's promise for this kind of thread (the model's defaults without settings)."""
    home_settings = HomeDialogSettings.objects.filter(botilbud_id=thread.botilbud_id).first()
    if home_settings is None:
        home_settings = HomeDialogSettings()
    if thread.kind == Thread.Kind.CONCERN:
        return home_settings.concern_response_days
    return home_settings.other_response_days


def due_date(thread: Thread) -> dt.datetime | None:
    if thread.started_by_staff:
        return None
    return add_working_days(thread.created_at or timezone.now(), response_days(thread))


@receiver(signals.thread_started, dispatch_uid="dialog.timeliness.set_due_at")
def set_due_at(sender, thread: Thread, **kwargs) -> None:
    thread.due_at = due_date(thread)
    Thread.objects.filter(pk=thread.pk).update(due_at=thread.due_at)


# --- What the leader sees -----------------------------------------------------------------


def _scoped(home_ids: Iterable[int] | None) -> QuerySet:
    threads = Thread.objects.all()
    return threads if home_ids is None else threads.filter(botilbud_id__in=list(home_ids))


def waiting_threads(home_ids: Iterable[int] | None) -> QuerySet:
    """Open relatives' threads without a staff answer yet (index thread_due)."""
    return _scoped(home_ids).filter(
        started_by_staff=False, first_staff_reply_at__isnull=True, closed_at__isnull=True
    )


def overdue_threads(home_ids: Iterable[int] | None, now: dt.datetime | None = None) -> QuerySet:
    """Unanswered open threads past their due date, most overdue first."""
    now = now or timezone.now()
    return waiting_threads(home_ids).filter(due_at__lt=now).order_by("due_at", "pk")


@dataclass
class ResponseStats:
    answered: int
    median: dt.timedelta | None
    average: dt.timedelta | None
    unanswered: int
    overdue: int
    answered_late: int


def response_stats(
    home_ids: Iterable[int] | None,
    *,
    since: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> ResponseStats:
    """Time to first staff answer for relatives' threads started since ``since`` (90 days
    by default), and what is waiting now. Three queries whatever the number of threads."""
    now = now or timezone.now()
    since = since or now - STATS_PERIOD
    home_ids = None if home_ids is None else list(home_ids)
    answered = _scoped(home_ids).filter(
        started_by_staff=False, created_at__gte=since, first_staff_reply_at__isnull=False
    )
    rows = list(answered.values_list("created_at", "first_staff_reply_at", "due_at"))
    durations = sorted(max(replied - created, dt.timedelta(0)) for created, replied, _ in rows)
    waiting = waiting_threads(home_ids)
    return ResponseStats(
        answered=len(durations),
        median=statistics.median(durations) if durations else None,
        average=sum(durations, dt.timedelta(0)) / len(durations) if durations else None,
        unanswered=waiting.count(),
        overdue=waiting.filter(due_at__lt=now).count(),
        answered_late=sum(1 for _, replied, due in rows if due is not None and replied > due),
    )


@dataclass
class MonthlyTimes:
    month: dt.date  # the first day of the month, in Copenhagen time
    answered: int
    median: dt.timedelta | None


def monthly_response_times(
    home_ids: Iterable[int] | None, *, months: int = 12, now: dt.datetime | None = None
) -> list[MonthlyTimes]:
    """Median time to first staff answer per calendar month (Copenhagen time) for the last
    ``months`` months, the current one included, oldest first; months without answered
    threads have no median. One query whatever the number of threads."""
    now = timezone.localtime(now or timezone.now())
    first = now.date().replace(day=1)
    for _step in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    since = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    rows = (
        _scoped(home_ids)
        .filter(started_by_staff=False, created_at__gte=since, first_staff_reply_at__isnull=False)
        .values_list("created_at", "first_staff_reply_at")
    )
    by_month: dict[dt.date, list[dt.timedelta]] = {}
    for created, replied in rows:
        month = timezone.localtime(created).date().replace(day=1)
        by_month.setdefault(month, []).append(max(replied - created, dt.timedelta(0)))
    result = []
    month = first
    for _step in range(months):
        durations = sorted(by_month.get(month, []))
        result.append(
            MonthlyTimes(
                month=month,
                answered=len(durations),
                median=statistics.median(durations) if durations else None,
            )
        )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return result


# --- Escalation ---------------------------------------------------------------------------


def escalation_addresses(botilbud_id: int) -> list[str]:
    """The home's leader if it has one (with an address), else all of its staff."""
    leader = (
        HomeDialogSettings.objects.filter(botilbud_id=botilbud_id, leader__is_active=True)
        .values_list("leader__email", flat=True)
        .first()
    )
    return [leader.lower()] if leader else home_staff_addresses(botilbud_id)


def escalate_overdue(now: dt.datetime | None = None) -> int:
    """Mail the leader about each overdue unanswered thread, once (``escalated_at``);
    returns how many threads were escalated. Safe to run as often as you like."""
    now = now or timezone.now()
    candidates = overdue_threads(None, now).filter(escalated_at__isnull=True)
    escalated = 0
    for thread in candidates.select_related("botilbud").iterator():
        with transaction.atomic():
            # The conditional update is the lock: a second run (or worker) finds it taken.
            if not Thread.objects.filter(
                Q(escalated_at__isnull=True), pk=thread.pk, first_staff_reply_at__isnull=True
            ).update(escalated_at=now):
                continue
            thread.escalated_at = now
            context = {
                "thread": thread,
                "botilbud_title": thread.botilbud.title,
                "kind": thread.get_kind_display(),
                "quote": may_quote(thread),
                "due_at": thread.due_at,
                "thread_url": thread_url(thread, for_staff=True),
                "overview_url": absolute(reverse("dialog_timeliness")),
            }
            queue_mail_to_each(
                escalation_addresses(thread.botilbud_id),
                key_prefix=f"dialog:thread:{thread.pk}:escalated",
                template="dialog/email/escalation",
                context=context,
            )
            log(thread, ESCALATE, data={"due_at": thread.due_at.isoformat()})
            escalated += 1
    if escalated:
        logger.info("Escalated %s overdue dialog threads", escalated)
    return escalated
