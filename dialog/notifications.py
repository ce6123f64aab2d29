"""Who is told by mail that something was written in the dialog.

* A relative's message (published at once, or held for moderation): the home's staff, at
  once – or in a summary twice a day for those who chose that (StaffPreference.mode).
* A staff message: in a private thread its relative; in a shared thread every connected
  relative of the home.
* Nobody is mailed about their own message.

Each mail is one outbox row per message and recipient (key
``dialog:message:<message>:<staff|relative>:<user>``), written in the poster's transaction
so a rolled-back post mails nobody, and sent once it commits. A relative's post in a shared
thread is announced to staff when it is held; when they approve it, the same key makes the
second announcement a no-op. Each mail's Reply-To is the recipient's signed reply address
for the thread (dialog.reply_address), so answering the mail answers in the thread.

Relatives are not mailed about other relatives' posts in shared threads: those are
conversations among the home's relatives, read on the site.

Private text stays out of mail: a notification about a private thread names the home, the
kind and who wrote, and links to the thread (through the sign-in page; the link carries no
token, so a forwarded mail grants nothing). Only shared threads are quoted, unless the
municipality allows quoting private ones (settings.DIALOG_QUOTE_PRIVATE_TEXT).
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.rules import home_staff_users
from home.models import HomeStaffAccess
from outbox.links import absolute
from outbox.services import queue_mail

from . import signals
from .models import Membership, Message, StaffPreference, Thread
from .reply_address import reply_address

logger = logging.getLogger(__name__)

Mode = StaffPreference.Mode
# A summary's first window, for someone who never had one.
FIRST_SUMMARY_WINDOW = dt.timedelta(hours=12)
SUMMARY_EXCERPT = 600  # characters of each message in a summary
STAFF_LABEL = _("personalet")
DELETED_RELATIVE = _("slettet pårørende")


@dataclass(frozen=True)
class Recipient:
    pk: int
    email: str
    mode: str = Mode.IMMEDIATE


def may_quote(thread: Thread) -> bool:
    """Whether a mail may carry the thread's subject and text: shared threads (read by the
    home's relatives anyway) yes; private ones only where the municipality allows it
    (settings.DIALOG_QUOTE_PRIVATE_TEXT, off by default)."""
    return thread.visibility == Thread.Visibility.SHARED or bool(
        getattr(settings, "DIALOG_QUOTE_PRIVATE_TEXT", False)
    )


def thread_url(thread: Thread, *, for_staff: bool) -> str:
    """Staff read threads in the Wagtail admin, relatives on the site."""
    if for_staff:
        return absolute(reverse("dialog_thread", args=[thread.pk]))
    return absolute(reverse("dialog:thread", args=[thread.pk]))


def home_staff(botilbud_id: int) -> list[Recipient]:
    """The home's staff (its editor group) who can be mailed, with their choice of mode;
    one query."""
    rows = (
        home_staff_users(botilbud_id)
        .exclude(email="")
        .annotate(mode=F("dialog_preference__mode"))
        .values_list("pk", "email", "mode")
        .distinct()
        .order_by("pk")
    )
    return [Recipient(pk, email, mode or Mode.IMMEDIATE) for pk, email, mode in rows]


def connected_relatives(botilbud_id: int, only=None) -> list[Recipient]:
    """The home's connected relatives who can be mailed (or just the one with pk ``only``);
    one query (membership_one_active allows one approved row per relative and home, so
    nobody appears twice)."""
    users = (
        get_user_model().objects.all() if only is None else get_user_model().objects.filter(pk=only)
    )
    rows = (
        users.filter(
            is_active=True,
            memberships__botilbud_id=botilbud_id,
            memberships__status=Membership.Status.APPROVED,
        )
        .exclude(email="")
        .values_list("pk", "email")
        .order_by("pk")
    )
    return [Recipient(pk, email) for pk, email in rows]


def relatives_to_tell(message: Message) -> list[Recipient]:
    thread = message.thread
    if thread.visibility == Thread.Visibility.SHARED:
        return connected_relatives(thread.botilbud_id)
    if thread.relative_id is None:
        return []  # the relative deleted their data
    # Still connected: someone whose connection ended hears nothing more from the home.
    return connected_relatives(thread.botilbud_id, only=thread.relative_id)


def author_label(message: Message) -> str:
    """How the author is named in a mail: a relative by name or address (staff need to
    know who wrote); staff by first name, else as "personalet"."""
    author = message.author
    if message.author_is_staff:
        return (author.first_name if author else "") or str(STAFF_LABEL)
    if author is None:
        return str(DELETED_RELATIVE)
    return author.get_full_name() or author.email


def _mail(message: Message, recipient: Recipient, *, role: str, template: str, **extra) -> None:
    thread = message.thread
    address = reply_address(thread.pk, recipient.pk)
    queue_mail(
        key=f"dialog:message:{message.pk}:{role}:{recipient.pk}",
        to=recipient.email,
        template=template,
        reply_to=address,
        context={
            "message": message,
            "thread": thread,
            "botilbud_title": thread.botilbud.title,
            "kind": thread.get_kind_display(),
            "shared": thread.visibility == Thread.Visibility.SHARED,
            "quote": may_quote(thread),
            "thread_url": thread_url(thread, for_staff=role == "staff"),
            "reply_address": address,
            "author_label": author_label(message),
            **extra,
        },
    )


def notify_staff(message: Message, *, held: bool) -> int:
    """Tell the home's staff (immediate mode) about a relative's message."""
    sent = 0
    extra = {"held": held}
    if held:
        extra["queue_url"] = absolute(reverse("dialog_moderation_queue"))
    for recipient in home_staff(message.thread.botilbud_id):
        if recipient.pk == message.author_id or recipient.mode != Mode.IMMEDIATE:
            continue
        _mail(message, recipient, role="staff", template="dialog/email/notify_staff", **extra)
        sent += 1
    return sent


def notify_relatives(message: Message) -> int:
    """Tell the relatives who read the thread about a staff message."""
    sent = 0
    for recipient in relatives_to_tell(message):
        if recipient.pk == message.author_id:
            continue
        _mail(message, recipient, role="relative", template="dialog/email/notify_relative")
        sent += 1
    return sent


@receiver(signals.message_published, dispatch_uid="dialog.notifications.published")
def on_message_published(sender, message: Message, **kwargs) -> None:
    if message.author_is_staff:
        notify_relatives(message)
    else:
        notify_staff(message, held=False)


@receiver(signals.message_held, dispatch_uid="dialog.notifications.held")
def on_message_held(sender, message: Message, **kwargs) -> None:
    notify_staff(message, held=True)


# --- Summaries ------------------------------------------------------------------------------


@dataclass
class SummaryThread:
    thread: Thread
    url: str
    reply_address: str
    quote: bool = False
    messages: list[Message] = field(default_factory=list)


def _summary_people():
    """(preference, user pk, email, home ids) of everyone in summary mode who works for a
    home; two queries."""
    preferences = list(
        StaffPreference.objects.filter(mode=Mode.SUMMARY, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    homes_by_group = defaultdict(set)
    for botilbud_id, group_id in HomeStaffAccess.objects.values_list("botilbud_id", "group_id"):
        homes_by_group[group_id].add(botilbud_id)
    memberships = get_user_model().groups.through.objects.filter(
        user_id__in=[p.user_id for p in preferences], group_id__in=list(homes_by_group)
    )
    homes_by_user = defaultdict(set)
    for user_id, group_id in memberships.values_list("user_id", "group_id"):
        homes_by_user[user_id] |= homes_by_group[group_id]
    for preference in preferences:
        homes = homes_by_user.get(preference.user_id)
        if homes:
            yield preference, homes


def _since(preference: StaffPreference, now: dt.datetime) -> dt.datetime:
    return preference.summary_sent_at or now - FIRST_SUMMARY_WINDOW


def _new_messages(home_ids: Iterable[int], since: dt.datetime, now: dt.datetime) -> list:
    """Relatives' new messages (visible or waiting for approval) in these homes; one query
    for everyone's summaries (index message_queue: status, created_at)."""
    return list(
        Message.objects.filter(
            thread__botilbud_id__in=list(home_ids),
            author_is_staff=False,
            status__in=[Message.Status.PUBLISHED, Message.Status.PENDING],
            created_at__gt=since,
            created_at__lte=now,
        )
        .select_related("thread__botilbud", "author")
        .order_by("thread__botilbud__title", "thread_id", "created_at", "pk")
    )


def send_staff_summaries(now: dt.datetime | None = None) -> int:
    """One summary per staff member in summary mode, of the relatives' messages in their
    homes since their last summary; nobody gets an empty one. The new ``summary_sent_at``
    is written in the transaction that queues the mail, and the key names the newest
    message, so a second run sends nothing twice. Returns the number of summaries."""
    now = now or timezone.now()
    people = list(_summary_people())
    if not people:
        return 0
    all_homes = set().union(*(homes for _, homes in people))
    earliest = min(_since(preference, now) for preference, _ in people)
    candidates = _new_messages(all_homes, earliest, now)
    sent = 0
    for preference, homes in people:
        since = _since(preference, now)
        mine = [
            m
            for m in candidates
            if m.thread.botilbud_id in homes
            and m.created_at > since
            # Staff who also write as a relative elsewhere are not told about their own post.
            and m.author_id != preference.user_id
        ]
        if not mine:
            continue
        threads: dict[int, SummaryThread] = {}
        for message in mine:
            entry = threads.get(message.thread_id)
            if entry is None:
                entry = threads[message.thread_id] = SummaryThread(
                    thread=message.thread,
                    url=thread_url(message.thread, for_staff=True),
                    reply_address=reply_address(message.thread_id, preference.user_id),
                    quote=may_quote(message.thread),
                )
            # Private text stays out of the mail unless the municipality allows it.
            message.excerpt = _excerpt(message.body) if entry.quote else ""
            message.author_label = author_label(message)
            entry.messages.append(message)
        with transaction.atomic():
            queue_mail(
                key=f"dialog:summary:{preference.user_id}:{max(m.pk for m in mine)}",
                to=preference.user.email,
                template="dialog/email/notify_summary",
                context={
                    "threads": list(threads.values()),
                    "count": len(mine),
                    "queue_url": absolute(reverse("dialog_moderation_queue")),
                    "held": sum(1 for m in mine if m.status == Message.Status.PENDING),
                },
            )
            StaffPreference.objects.filter(pk=preference.pk).update(summary_sent_at=now)
        sent += 1
    return sent


def _excerpt(body: str) -> str:
    body = body.strip()
    if len(body) <= SUMMARY_EXCERPT:
        return body
    return body[:SUMMARY_EXCERPT].rsplit(" ", 1)[0] + " …"
