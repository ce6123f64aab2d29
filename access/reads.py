"""Who has read a relative's private data: recorded on every read by staff."""

import datetime as dt

from django.apps import apps
from django.utils import timezone

from .models import ReadLog

# The same person reopening the same thing within this time is one read.
SAME_READ = dt.timedelta(minutes=10)


def record_read(
    reader,
    kind: str,
    *,
    botilbud_id: int | None,
    subject_id: int | None = None,
    object_id: int | None = None,
    label: str = "",
) -> ReadLog | None:
    """Log that ``reader`` opened private data; relatives reading their own data are not
    logged (it is theirs). Returns the log row (an earlier one within SAME_READ counts)."""
    if reader is None or not reader.is_authenticated or reader.pk == subject_id:
        return None
    recent = ReadLog.objects.filter(
        reader=reader,
        kind=kind,
        object_id=object_id,
        botilbud_id=botilbud_id,
        read_at__gte=timezone.now() - SAME_READ,
    ).first()
    if recent is not None:
        return recent
    return ReadLog.objects.create(
        reader=reader,
        reader_name=(reader.get_full_name() or reader.get_username())[:300],
        kind=kind,
        botilbud_id=botilbud_id,
        subject_id=subject_id,
        object_id=object_id,
        label=label[:300],
    )


def reads_of(subject) -> list[ReadLog]:
    """The reads of ``subject``'s own data, newest first (for their *Min side*)."""
    return list(ReadLog.objects.filter(subject=subject)[:100])


def reads_at(botilbud_ids) -> list[ReadLog]:
    """The reads at these homes, newest first (for their leader)."""
    return list(ReadLog.objects.filter(botilbud_id__in=botilbud_ids)[:500])


def record_thread_read(reader, thread) -> ReadLog | None:
    """A private thread opened by anyone but its own relative (staff, an admin)."""
    if thread.visibility != thread.Visibility.PRIVATE:
        return None
    return record_read(
        reader,
        ReadLog.Kind.THREAD,
        botilbud_id=thread.botilbud_id,
        subject_id=thread.relative_id,
        object_id=thread.pk,
        label=thread.subject,
    )


def record_list_read(reader, kind: str, botilbud_ids, label: str = "") -> None:
    """A list of many people's data (sign-ups, volunteers, proposals, relatives) opened by
    staff: one read per home it covers (all homes, for a municipal admin: ``None``)."""
    if botilbud_ids is None:
        botilbud_ids = list(
            apps.get_model("home.BotilbudPage").objects.values_list("pk", flat=True)
        )
    for botilbud_id in botilbud_ids:
        record_read(reader, kind, botilbud_id=botilbud_id, label=label)
