"""Making the calendar match a read file: pages written to the tree in one transaction, and
a CalendarImport row for every import, refused ones included."""

import dataclasses
import datetime as dt
import hashlib
import logging
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page, PageLogEntry

from participation.models import EventSignup
from participation.services import notify_event_cancelled

from ..models import CalendarImport, EventIndexPage, EventPage, Organisation
from ..models.events import Audience
from .events import ImportedEvent, ReadCalendar
from .limits import MAX_MESSAGES, CalendarRefused
from .reading import read_calendar
from .text import _is_web_url

logger = logging.getLogger(__name__)

# The fields an import owns. The rest of a page (body, image, audience, sign-up,
# accessibility) is the editors' and survives a re-import.
IMPORTED_FIELDS = (
    "title",
    "intro",
    "location",
    "start",
    "end",
    "all_day",
    "external_url",
    "cancelled",
)


def import_calendar(
    organisation: Organisation,
    data: bytes,
    *,
    source: str,
    filename: str = "",
    user=None,
) -> CalendarImport:
    """Read ``data`` as the organisation's whole calendar and make the calendar match it:
    new events become pages, changed ones are updated in place, and the organisation's
    imported events no longer in the file are deleted. A refused file changes nothing."""
    record = CalendarImport(
        organisation=organisation, source=source, filename=filename[:500], user=user
    )
    try:
        calendar = read_calendar(data, organisation)
        with transaction.atomic():
            record.created, record.updated, record.removed = apply_calendar(
                organisation, calendar, user
            )
            record.ok, record.skipped = True, calendar.skipped
            record.messages = _joined(calendar.messages)
            record.save()
    except CalendarRefused as refusal:
        _refuse(record, str(refusal))
    except IntegrityError:
        logger.warning("Calendar import for %s collided", organisation.pk, exc_info=True)
        _refuse(
            record,
            _("Kalenderen blev importeret fra et andet sted samtidig. Prøv igen om lidt."),
        )
    except Exception:  # the log row must tell the editor; the server log has the rest
        logger.exception("Calendar import for organisation %s failed", organisation.pk)
        _refuse(
            record,
            _(
                "Der skete en uventet fejl, så intet er ændret. Prøv igen, og kontakt "
                "kommunens administrator, hvis det bliver ved."
            ),
        )
    logger.info(
        "Calendar import %s for organisation %s: ok=%s created=%s updated=%s removed=%s skipped=%s",
        record.pk,
        organisation.pk,
        record.ok,
        record.created,
        record.updated,
        record.removed,
        record.skipped,
    )
    return record


def _refuse(record: CalendarImport, message: str) -> None:
    record.ok = False
    record.created = record.updated = record.removed = record.skipped = 0
    record.messages = message
    record.pk = None
    record.save()


def _joined(messages: list[str]) -> str:
    if len(messages) > MAX_MESSAGES:
        more = len(messages) - MAX_MESSAGES
        messages = [
            *messages[:MAX_MESSAGES],
            ngettext("… og %(count)d besked mere.", "… og %(count)d beskeder mere.", more)
            % {"count": more},
        ]
    return "\n".join(messages)


def apply_calendar(organisation: Organisation, calendar: ReadCalendar, user=None):
    """Make the organisation's imported pages match ``calendar``; returns (created, updated,
    removed). Runs inside the caller's transaction."""
    # One import per organisation at a time: the row lock (PostgreSQL) makes a second import
    # wait for the first and then see its pages; SQLite serialises writers anyway.
    list(Organisation.objects.select_for_update().filter(pk=organisation.pk).values("pk"))
    parent = EventIndexPage.objects.order_by("path").first()
    if parent is None:
        raise CalendarRefused(
            _(
                "Der er ingen kalenderside at lægge arrangementerne på. Opret kalendersiden "
                "under forsiden, og importér så igen."
            )
        )
    # Every imported page of the organisation, wherever an editor may have moved it, in one
    # query (the unique constraint on organiser and source_uid keeps them one per UID).
    existing = {
        page.source_uid: page
        for page in EventPage.objects.filter(organiser=organisation)
        .exclude(source_uid="")
        .annotate_site_root_state()
    }
    taken_slugs = set(parent.get_children().values_list("slug", flat=True))
    now = timezone.now()
    new_pages, updated, wanted = [], [], set()
    for event in calendar.events:
        wanted.add(event.source_uid)
        if not event.external_url and _is_web_url(organisation.website):
            # "Læs mere hos <forening>": the association's own site when the event has no page.
            event = dataclasses.replace(event, external_url=organisation.website)
        page = existing.get(event.source_uid)
        if page is None:
            page = _new_page(organisation, event, user, now)
            page.slug = _free_slug(_slug(organisation, event.source_uid), taken_slugs)
            taken_slugs.add(page.slug)
            new_pages.append(page)
        elif _update_page(page, event, now):
            updated.append(page)
    _add_children(parent, new_pages)
    stale = [
        page
        for source_uid, page in existing.items()
        if source_uid not in wanted and not _past_occurrence(page, calendar)
    ]
    # An event people have signed up for is not deleted under them: it is cancelled, and
    # they are told (participation.services.notify_event_cancelled, once each).
    signed_up = set(
        EventSignup.objects.active()
        .filter(event__in=[page.pk for page in stale])
        .values_list("event_id", flat=True)
    )
    cancelled = [page for page in stale if page.pk in signed_up and not page.cancelled]
    stale = [page for page in stale if page.pk not in signed_up]
    for page in cancelled:
        page.cancelled, page.last_published_at = True, now
        page.save(clean=False, update_fields=["cancelled", "last_published_at"])
        notify_event_cancelled(page)
    _log_changes(
        [
            *((page, "wagtail.create") for page in new_pages),
            *((page, "wagtail.edit") for page in [*updated, *cancelled]),
            *((page, "wagtail.delete") for page in stale),
        ],
        user,
        now,
    )
    if stale:
        # treebeard's queryset delete: a few queries for all of them, numchild kept right.
        Page.objects.filter(pk__in=[page.pk for page in stale]).delete()
    return len(new_pages), len(updated) + len(cancelled), len(stale)


def _add_children(parent: Page, pages: list[EventPage]) -> None:
    """treebeard's ``add_child`` for a batch: the parent is locked and its last child looked
    up once, and its numchild raised once, rather than for every page. The pages are saved
    without Wagtail's full_clean, which would spend ten queries a page re-checking what
    reading the file already guarantees (field lengths, a unique UID, a free slug)."""
    if not pages:
        return
    locked = Page.objects.select_for_update().get(pk=parent.pk)
    last_child = locked.get_last_child()
    step = last_child._get_lastpos_in_path() if last_child else 0
    depth = locked.depth + 1
    for page in pages:
        step += 1
        page.depth, page.path = depth, Page._get_path(locked.path, depth, step)
        page.locale_id = locked.locale_id
        page._cached_parent_obj = parent
        page._is_site_root = False  # a new page roots no site; spares Wagtail the query
        page.save(clean=False, log_action=None)  # logged together, in _log_changes
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))


def _new_page(organisation, event: ImportedEvent, user, now: dt.datetime) -> EventPage:
    return EventPage(
        **{name: getattr(event, name) for name in IMPORTED_FIELDS},
        draft_title=event.title,
        organiser=organisation,
        source_uid=event.source_uid,
        audience=Audience.PUBLIC,
        live=True,
        has_unpublished_changes=False,
        first_published_at=now,
        last_published_at=now,
        owner=user,
    )


def _update_page(page: EventPage, event: ImportedEvent, now: dt.datetime) -> bool:
    """Bring a page in line with its event; saves only when something changed."""
    changed = [name for name in IMPORTED_FIELDS if getattr(page, name) != getattr(event, name)]
    if not changed:
        return False
    for name in changed:
        setattr(page, name, getattr(event, name))
    page.draft_title = page.title
    page.last_published_at = now
    # Checked while reading, so Wagtail's full_clean (ten queries a page) is skipped.
    page.save(
        clean=False,
        # The page stays where it is, so its home (botilbud) does not change either.
        update_fields=[*changed, "draft_title", "last_published_at", "ends_at"],
    )
    return True


def _log_changes(changes: list[tuple[EventPage, str]], user, now: dt.datetime) -> None:
    """Each page's history says it was created, changed or deleted, and by whom, as Wagtail's
    own saves and deletes would, in one insert rather than one (with its checks) per page."""
    content_type = ContentType.objects.get_for_model(EventPage, for_concrete_model=False)
    action_id = uuid.uuid4()  # one user action: the import
    PageLogEntry.objects.bulk_create(
        PageLogEntry(
            page_id=page.pk,
            content_type=content_type,
            label=page.get_admin_display_title(),
            action=action,
            data={"calendar_import": True},
            timestamp=now,
            uuid=action_id,
            user=user,
            content_changed=action != "wagtail.delete",
            deleted=action == "wagtail.delete",
        )
        for page, action in changes
    )


def _past_occurrence(page: EventPage, calendar: ReadCalendar) -> bool:
    """An occurrence that has left the window behind it while its series is still in the
    file: it keeps its page (and its sign-ups) as a record of what happened."""
    series_uid = page.source_uid.rpartition("/")[0]
    return (
        series_uid in calendar.series_uids
        and page.ends_at is not None
        and page.ends_at < calendar.window_start
    )


def _slug(organisation: Organisation, source_uid: str) -> str:
    digest = hashlib.sha256(source_uid.encode()).hexdigest()[:10]
    return f"{organisation.slug[:80]}-{digest}"


def _free_slug(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate
