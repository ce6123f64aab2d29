"""What a relative has not read yet in the dialog: a read marker per thread, and the count
shown in every page's header.

A message is unread for a relative when it is published, written by someone else, and was
written (or approved) after the relative last opened its thread. Only threads the relative
may read count, by the same rule as ``posting.visible_threads_for``.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from access.rules import is_relative

from .models import Membership, Message, Thread, ThreadRead

Visibility = Thread.Visibility


def relative_threads(user) -> QuerySet[Thread]:
    """Every thread ``user`` may read as a relative, across the homes they are connected to
    (one statement: the connection is a subquery)."""
    homes = Membership.objects.filter(
        relative_id=user.pk, status=Membership.Status.APPROVED
    ).values("botilbud_id")
    return Thread.objects.filter(botilbud_id__in=homes).filter(
        Q(visibility=Visibility.PRIVATE, relative_id=user.pk)
        | Q(visibility=Visibility.SHARED)
        & (Q(last_message_at__isnull=False) | Q(started_by_id=user.pk))
    )


def _unread_messages(user) -> QuerySet[Message]:
    """Published messages by others in the outer thread, newer than the relative's marker."""
    marker = ThreadRead.objects.filter(relative_id=user.pk, thread_id=OuterRef("thread_id"))
    newer = marker.filter(
        Q(read_at__lt=OuterRef("created_at")) | Q(read_at__lt=OuterRef("moderated_at"))
    )
    return (
        Message.objects.filter(thread_id=OuterRef("pk"), status=Message.Status.PUBLISHED)
        .exclude(author_id=user.pk)
        .filter(~Exists(marker) | Exists(newer))
    )


def unread_threads(user) -> QuerySet[Thread]:
    """The threads with something ``user`` has not read."""
    return relative_threads(user).filter(Exists(_unread_messages(user)))


def unread_thread_count(user) -> int:
    """How many threads have news for this relative: one query; none for anyone else."""
    if not is_relative(user):
        return 0
    return unread_threads(user).count()


def mark_thread_read(user, thread: Thread) -> None:
    """The relative has now seen everything published in ``thread``: one INSERT … ON
    CONFLICT UPDATE on the unique pair, the first visit and every later one alike."""
    if not is_relative(user):
        return
    ThreadRead.objects.bulk_create(
        [ThreadRead(relative_id=user.pk, thread=thread, read_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["relative", "thread"],
        update_fields=["read_at"],
    )
