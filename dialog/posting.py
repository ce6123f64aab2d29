"""Writing in the dialog: starting threads, posting messages, reporting shared posts.

Every rule is checked before anything is stored – who may write where, the body's length,
CPR numbers (in subject, body and file names) and attachments – so a refused post leaves no
trace. Each service runs in one transaction, logs who did what, and sends the dialog's
signals inside it; receivers that mail do so on commit.

Who reads what: a private thread is its relative's and the home's staff's; a shared thread
is read by every connected relative of the home, but only its published messages. A shared
thread whose first post still waits for moderation is shown to its author alone (its
``last_message_at`` stays empty until something in it is published).
"""

import re
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.log_actions import log

from access.cpr import CPR_REFUSAL, contains_cpr
from access.rules import is_connected, is_staff_of

from . import signals
from .attachments import CheckedFile, check_files
from .models import Attachment, Message, Report, Thread

Kind = Thread.Kind
Visibility = Thread.Visibility
Status = Message.Status

MAX_BODY = 10_000
MAX_SUBJECT = Thread._meta.get_field("subject").max_length
MAX_REPORT_REASON = Report._meta.get_field("reason").max_length

# Log actions. Registered here rather than in an admin module: Wagtail refuses to log an
# unregistered action, and wherever a post can be written this module has been imported.
START = "samspil.dialog.start_thread"
POST = "samspil.dialog.post"
REPORT = "samspil.dialog.report"


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(START, gettext_lazy("Start tråd"), gettext_lazy("Tråd startet"))
    actions.register_action(POST, gettext_lazy("Skriv besked"), gettext_lazy("Besked skrevet"))
    actions.register_action(REPORT, gettext_lazy("Anmeld indlæg"), gettext_lazy("Indlæg anmeldt"))


# Invisible control characters (not tab or line breaks): PostgreSQL refuses NUL in text,
# and the rest only hide or garble what was written.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class PostingRefused(Exception):
    """The post breaks a rule; ``message`` says why in Danish. ``status`` is the HTTP
    status a view answers with: 400 bad input, 403 not allowed here, 409 thread closed."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(str(message))
        self.message = str(message)
        self.status = status


# --- Checks (nothing is saved before all of them pass) -----------------------------------


def _thousands(number: int) -> str:
    """10.000, as Danes write it."""
    return f"{number:,}".replace(",", ".")


def clean_body(body: str) -> str:
    body = _CONTROL.sub("", (body or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not body:
        raise PostingRefused(_("Skriv en besked."))
    if len(body) > MAX_BODY:
        raise PostingRefused(
            _("Beskeden er for lang: højst %(max)s tegn, og den er %(length)s tegn.")
            % {
                "max": _thousands(MAX_BODY),
                "length": _thousands(len(body)),
            }
        )
    if contains_cpr(body):
        raise PostingRefused(str(CPR_REFUSAL))
    return body


def clean_subject(subject: str) -> str:
    subject = " ".join(_CONTROL.sub("", subject or "").split())
    if not subject:
        raise PostingRefused(_("Skriv et emne."))
    if len(subject) > MAX_SUBJECT:
        raise PostingRefused(_("Emnet må højst være %(max)s tegn.") % {"max": MAX_SUBJECT})
    if contains_cpr(subject):
        raise PostingRefused(str(CPR_REFUSAL))
    return subject


def _checked_files(thread_visibility: str, uploads: Iterable[UploadedFile]) -> list[CheckedFile]:
    uploads = list(uploads)
    if not uploads:
        return []
    if thread_visibility != Visibility.PRIVATE:
        raise PostingRefused(
            _(
                "Filer kan kun vedhæftes i private henvendelser, ikke i tråde, som andre "
                "pårørende kan læse."
            )
        )
    try:
        files = check_files(uploads)
    except ValidationError as error:
        raise PostingRefused(" ".join(error.messages)) from error
    if any(contains_cpr(checked.original_name) for checked in files):
        raise PostingRefused(str(CPR_REFUSAL))
    return files


def _not_allowed(message: str) -> PostingRefused:
    return PostingRefused(message, status=403)


def _not_connected() -> PostingRefused:
    return _not_allowed(
        _(
            "Du kan kun skrive til botilbud, du er tilknyttet. Bed om at blive tilknyttet, "
            "så godkender personalet det."
        )
    )


# --- Starting threads and posting --------------------------------------------------------


def start_thread(
    *,
    botilbud,
    author,
    kind: str,
    subject: str,
    body: str,
    visibility: str = Visibility.PRIVATE,
    relative=None,
    by_staff: bool = False,
    attachments: Sequence[UploadedFile] = (),
) -> Thread:
    """A new thread with its first message.

    A relative writes to the home's staff (private) or to the home's relatives (shared);
    concerns are always private. Staff write to one connected relative (private,
    ``relative``) or to all the home's relatives (shared).
    """
    if kind not in Kind.values:
        raise PostingRefused(_("Vælg, hvad henvendelsen handler om."))
    if visibility not in Visibility.values:
        raise PostingRefused(_("Vælg, hvem der kan læse henvendelsen."))
    if kind == Kind.CONCERN:
        visibility = Visibility.PRIVATE
    if by_staff:
        if not is_staff_of(author, botilbud.pk):
            raise _not_allowed(_("Du er ikke medarbejder på dette botilbud."))
        if visibility == Visibility.PRIVATE:
            if relative is None or not is_connected(relative, botilbud.pk):
                raise PostingRefused(
                    _("Vælg den pårørende, du skriver til. Vedkommende skal være tilknyttet.")
                )
        else:
            relative = None
    else:
        if not is_connected(author, botilbud.pk):
            raise _not_connected()
        relative = author if visibility == Visibility.PRIVATE else None
    subject = clean_subject(subject)
    body = clean_body(body)
    files = _checked_files(visibility, attachments)
    with _files_removed_on_error() as written, transaction.atomic():
        thread = Thread.objects.create(
            botilbud=botilbud,
            kind=kind,
            subject=subject,
            visibility=visibility,
            relative=relative,
            started_by=author,
            started_by_staff=by_staff,
        )
        log(thread, START, user=author, title=f"Tråd {thread.pk}", data={"kind": kind})
        signals.thread_started.send(sender=Thread, thread=thread)
        _add_message(
            thread, author=author, body=body, by_staff=by_staff, files=files, written=written
        )
    return thread


def post_message(
    thread: Thread,
    *,
    author,
    body: str,
    by_staff: bool = False,
    source: str = Message.Source.WEB,
    attachments: Sequence[UploadedFile] = (),
) -> Message:
    """A reply in a thread: staff's and private messages are published at once, a
    relative's message in a shared thread waits for staff to approve it."""
    if source not in Message.Source.values:
        raise PostingRefused(_("Ukendt afsender."))
    body = clean_body(body)
    files = _checked_files(thread.visibility, attachments)
    with _files_removed_on_error() as written, transaction.atomic():
        # Locked, so two first answers cannot both count as the first.
        thread = Thread.objects.select_for_update().select_related("botilbud").get(pk=thread.pk)
        check_may_post(thread, author, by_staff=by_staff)
        return _add_message(
            thread,
            author=author,
            body=body,
            by_staff=by_staff,
            files=files,
            written=written,
            source=source,
        )


def check_may_post(thread: Thread, author, *, by_staff: bool = False) -> None:
    """PostingRefused unless ``author`` may write in the thread now."""
    if thread.closed_at is not None:
        raise PostingRefused(
            _("Tråden er lukket. Start en ny henvendelse, hvis du vil skrive igen."), status=409
        )
    if by_staff:
        if not is_staff_of(author, thread.botilbud_id):
            raise _not_allowed(_("Du er ikke medarbejder på dette botilbud."))
        return
    if thread.visibility == Visibility.PRIVATE and thread.relative_id != author.pk:
        raise _not_allowed(_("Du kan kun skrive i dine egne henvendelser."))
    if not is_connected(author, thread.botilbud_id):
        raise _not_connected()


def _add_message(
    thread: Thread,
    *,
    author,
    body: str,
    by_staff: bool,
    files: list[CheckedFile],
    written: list[Attachment],
    source: str = Message.Source.WEB,
) -> Message:
    held = not by_staff and thread.visibility == Visibility.SHARED
    message = Message.objects.create(
        thread=thread,
        author=author,
        author_is_staff=by_staff,
        body=body,
        status=Status.PENDING if held else Status.PUBLISHED,
        source=source,
    )
    _store_files(message, files, written)
    if not held:
        thread.last_message_at = message.created_at
        fields = ["last_message_at"]
        if by_staff and thread.first_staff_reply_at is None:
            thread.first_staff_reply_at = message.created_at
            fields.append("first_staff_reply_at")
        thread.save(update_fields=fields)
    log(
        message,
        POST,
        user=author,
        title=f"Besked {message.pk}",
        data={"thread": thread.pk, "status": message.status, "source": source},
    )
    if held:
        signals.message_held.send(sender=Message, message=message)
    else:
        signals.message_published.send(sender=Message, message=message)
    return message


def _store_files(message: Message, files: list[CheckedFile], written: list[Attachment]) -> None:
    for checked in files:
        attachment = Attachment(
            message=message,
            content_type=checked.content_type,
            size=checked.size,
            original_name=checked.original_name,
        )
        attachment.file.save(checked.storage_name(), checked.upload, save=False)
        written.append(attachment)
        attachment.save()


@contextmanager
def _files_removed_on_error():
    """Files written by a post that then fails are removed: the rows go with the
    rolled-back transaction, files on disk would not."""
    written: list[Attachment] = []
    try:
        yield written
    except BaseException:
        for attachment in written:
            attachment.file.delete(save=False)
        raise


# --- Reporting -----------------------------------------------------------------------------


def report_message(message: Message, reporter, reason: str = "") -> Report:
    """A connected relative flags a published post in a shared thread for staff to look
    at; reporting the same post again changes nothing."""
    reason = " ".join(_CONTROL.sub("", reason or "").split())
    if len(reason) > MAX_REPORT_REASON:
        raise PostingRefused(
            _("Skriv højst %(max)s tegn om, hvorfor du anmelder.") % {"max": MAX_REPORT_REASON}
        )
    if contains_cpr(reason):
        raise PostingRefused(str(CPR_REFUSAL))
    thread = message.thread
    if (
        thread.visibility != Visibility.SHARED
        or message.status != Status.PUBLISHED
        or not is_connected(reporter, thread.botilbud_id)
    ):
        raise _not_allowed(_("Du kan kun anmelde synlige indlæg i delte tråde."))
    if message.author_id == reporter.pk:
        raise PostingRefused(_("Du kan ikke anmelde dit eget indlæg."))
    existing = Report.objects.filter(message=message, reporter=reporter).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = Report.objects.create(message=message, reporter=reporter, reason=reason)
            log(
                report,
                REPORT,
                user=reporter,
                title=f"Anmeldelse {report.pk}",
                data={"message": message.pk},
            )
    except IntegrityError:
        # The same person's parallel request won the race: that report stands.
        return Report.objects.get(message=message, reporter=reporter)
    return report


# --- What a person sees --------------------------------------------------------------------


def visible_threads_for(user, botilbud_id: int) -> QuerySet[Thread]:
    """The home's threads this person may read, newest first, in one query.

    A relative sees their own private threads and the shared threads that have something
    published (or that they started); staff of the home see every thread of it.
    """
    threads = Thread.objects.filter(botilbud_id=botilbud_id)
    if is_staff_of(user, botilbud_id):
        return threads.order_by("-last_message_at", "-pk")
    if not is_connected(user, botilbud_id):
        return threads.none()
    return threads.filter(
        Q(visibility=Visibility.PRIVATE, relative=user)
        | Q(visibility=Visibility.SHARED) & (Q(last_message_at__isnull=False) | Q(started_by=user))
    ).order_by("-last_message_at", "-pk")


def visible_messages(thread: Thread, user) -> list[Message]:
    """The thread's published messages and the person's own ones that wait for approval
    (``awaiting_approval`` is True on those), oldest first, in two queries."""
    messages = (
        Message.objects.filter(thread=thread)
        .filter(Q(status=Status.PUBLISHED) | Q(status=Status.PENDING, author=user))
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    result = list(messages)
    for message in result:
        message.awaiting_approval = message.status == Status.PENDING
    return result
