"""Moderation: what a home's staff do with relatives' posts and with threads.

Each action runs in one transaction on a locked row, refuses a moderator who is not staff
of the message's home (PermissionDenied), and is logged with Wagtail's ``log()`` – who
(``user``), when (the entry's timestamp) and why (``data["reason"]``). Mails go through
the outbox, which sends them only once the transaction commits.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from access.cpr import CPR_REFUSAL, contains_cpr
from access.rules import is_staff_of
from outbox.services import queue_mail

from . import signals
from .models import Message, Report, Thread

Status = Message.Status

# The log actions below, registered (with their Danish labels) in dialog.wagtail_hooks.
APPROVE = "samspil.dialog.approve"
REJECT = "samspil.dialog.reject"
HIDE = "samspil.dialog.hide"
MOVE = "samspil.dialog.move_to_private"
RESOLVE_REPORT = "samspil.dialog.resolve_report"
CLOSE = "samspil.dialog.close"
REOPEN = "samspil.dialog.reopen"

MOVED_PREFIX = "Flyttet: "
REASON_MAX_LENGTH = 2000


class ModerationRefused(Exception):
    """The action does not fit the message's state (or the input); ``str()`` is Danish."""


def check_moderator(user, botilbud_id: int) -> None:
    """Only the home's own staff (and municipal admins) moderate its dialog."""
    if not is_staff_of(user, botilbud_id):
        raise PermissionDenied(_("Du kan kun moderere dialogen på dit eget botilbud."))


def _locked_message(message: Message, moderator) -> Message:
    """The message row, locked until the transaction ends, with its thread; the scope is
    checked on the stored row, not on what the caller holds."""
    locked = (
        Message.objects.select_for_update(of=("self",)).select_related("thread").get(pk=message.pk)
    )
    check_moderator(moderator, locked.thread.botilbud_id)
    return locked


def _locked_thread(thread: Thread, moderator) -> Thread:
    locked = Thread.objects.select_for_update().get(pk=thread.pk)
    check_moderator(moderator, locked.botilbud_id)
    return locked


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ModerationRefused(_("Skriv en begrundelse – den sendes til afsenderen."))
    if len(reason) > REASON_MAX_LENGTH:
        raise ModerationRefused(
            _("Begrundelsen må højst være %(max)s tegn.") % {"max": REASON_MAX_LENGTH}
        )
    if contains_cpr(reason):
        raise ModerationRefused(str(CPR_REFUSAL))
    return reason


def _already_handled() -> ModerationRefused:
    return ModerationRefused(_("Beskeden er allerede behandlet af en anden."))


def _mark(message: Message, status: str, moderator, reason: str = "", also=()) -> None:
    message.status = status
    message.moderated_by = moderator
    message.moderated_at = timezone.now()
    message.moderation_reason = reason
    message.save(
        update_fields=["status", "moderated_by", "moderated_at", "moderation_reason", *also]
    )


def _close_reports(message: Message) -> None:
    """Whatever staff decided about a post also settles the reports on it."""
    Report.objects.filter(message=message, handled_at__isnull=True).update(
        handled_at=timezone.now()
    )


def _refresh_last_message_at(thread_id: int) -> None:
    latest = Message.objects.filter(thread_id=thread_id, status=Status.PUBLISHED).aggregate(
        latest=Max("created_at")
    )["latest"]
    Thread.objects.filter(pk=thread_id).update(last_message_at=latest)


def approve_message(message: Message, moderator) -> Message:
    """A held post becomes visible to the thread's readers."""
    with transaction.atomic():
        message = _locked_message(message, moderator)
        if message.status != Status.PENDING:
            raise _already_handled()
        _mark(message, Status.PUBLISHED, moderator)
        _refresh_last_message_at(message.thread_id)
        log(message, APPROVE, user=moderator, data={"reason": ""})
        signals.message_published.send(sender=Message, message=message)
    return message


def reject_message(message: Message, moderator, reason: str) -> Message:
    """A held (or reported) relative's post is not shown; the author is told why by mail."""
    reason = _clean_reason(reason, required=True)
    with transaction.atomic():
        message = _locked_message(message, moderator)
        if message.author_is_staff:
            raise ModerationRefused(_("Personalets egne beskeder kan skjules, ikke afvises."))
        if message.status not in (Status.PENDING, Status.PUBLISHED):
            raise _already_handled()
        was_published = message.status == Status.PUBLISHED
        _mark(message, Status.REJECTED, moderator, reason)
        _close_reports(message)
        if was_published:
            _refresh_last_message_at(message.thread_id)
        log(message, REJECT, user=moderator, data={"reason": reason})
        author = message.author
        if author is not None and author.email:
            queue_mail(
                key=f"dialog:message:{message.pk}:rejected",
                to=author.email,
                template="dialog/email/moderation_rejected",
                context={
                    "message": message,
                    "thread": message.thread,
                    "botilbud_title": message.thread.botilbud.title,
                    "reason": reason,
                },
            )
        signals.message_rejected.send(sender=Message, message=message, reason=reason)
    return message


def hide_message(message: Message, moderator, reason: str = "") -> Message:
    """A visible post is taken down (kept for the record, shown to staff as hidden)."""
    reason = _clean_reason(reason, required=False)
    with transaction.atomic():
        message = _locked_message(message, moderator)
        if message.status != Status.PUBLISHED:
            raise ModerationRefused(_("Kun synlige beskeder kan skjules."))
        _mark(message, Status.HIDDEN, moderator, reason)
        _close_reports(message)
        _refresh_last_message_at(message.thread_id)
        log(message, HIDE, user=moderator, data={"reason": reason})
    return message


def move_to_private(message: Message, moderator, reason: str = "") -> Thread:
    """A relative's post in a shared thread is taken out of it into a new private thread
    between its author and the staff: what is said there stays between them."""
    reason = _clean_reason(reason, required=False)
    with transaction.atomic():
        message = _locked_message(message, moderator)
        old = message.thread
        if old.visibility != Thread.Visibility.SHARED:
            raise ModerationRefused(_("Beskeden er allerede i en privat tråd."))
        if message.author_is_staff or message.author_id is None:
            raise ModerationRefused(
                _("Kun en pårørendes egne beskeder kan flyttes til en privat tråd.")
            )
        if message.status not in (Status.PENDING, Status.PUBLISHED):
            raise _already_handled()
        was_published = message.status == Status.PUBLISHED
        subject_room = Thread._meta.get_field("subject").max_length - len(MOVED_PREFIX)
        private = Thread.objects.create(
            botilbud_id=old.botilbud_id,
            kind=old.kind,
            subject=MOVED_PREFIX + old.subject[:subject_room],
            visibility=Thread.Visibility.PRIVATE,
            relative_id=message.author_id,
            started_by_id=message.author_id,
            started_by_staff=False,
            last_message_at=message.created_at,
        )
        message.thread = private
        message.moved_from = old
        _mark(message, Status.PUBLISHED, moderator, reason, also=("thread", "moved_from"))
        _close_reports(message)
        if was_published:
            _refresh_last_message_at(old.pk)
        if not old.messages.exists():
            # Its only post moved out: an empty shared thread is closed, not left open.
            Thread.objects.filter(pk=old.pk).update(closed_at=timezone.now())
        log(
            message,
            MOVE,
            user=moderator,
            data={"reason": reason, "from_thread": old.pk, "to_thread": private.pk},
        )
        signals.thread_started.send(sender=Thread, thread=private)
    return private


def resolve_report(report: Report, moderator) -> Report:
    """The post was looked at and stays as it is."""
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("message__thread")
            .get(pk=report.pk)
        )
        check_moderator(moderator, report.message.thread.botilbud_id)
        if report.handled_at is None:
            report.handled_at = timezone.now()
            report.save(update_fields=["handled_at"])
            log(report, RESOLVE_REPORT, user=moderator, data={"reason": ""})
    return report


def resolve_reports(message: Message, moderator) -> int:
    """Every open report on one post at once (the queue shows a post once, not per report);
    returns how many were open."""
    with transaction.atomic():
        message = _locked_message(message, moderator)
        reports = list(
            Report.objects.select_for_update().filter(message=message, handled_at__isnull=True)
        )
        if not reports:
            raise ModerationRefused(_("Anmeldelserne er allerede behandlet."))
        now = timezone.now()
        Report.objects.filter(pk__in=[report.pk for report in reports]).update(handled_at=now)
        for report in reports:
            report.handled_at = now
            log(report, RESOLVE_REPORT, user=moderator, data={"reason": ""})
    return len(reports)


def close_thread(thread: Thread, moderator) -> Thread:
    with transaction.atomic():
        thread = _locked_thread(thread, moderator)
        if thread.closed_at is None:
            thread.closed_at = timezone.now()
            thread.save(update_fields=["closed_at"])
            log(thread, CLOSE, user=moderator, data={"reason": ""})
    return thread


def reopen_thread(thread: Thread, moderator) -> Thread:
    with transaction.atomic():
        thread = _locked_thread(thread, moderator)
        if thread.closed_at is not None:
            thread.closed_at = None
            thread.save(update_fields=["closed_at"])
            log(thread, REOPEN, user=moderator, data={"reason": ""})
    return thread
