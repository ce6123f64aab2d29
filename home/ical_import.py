"""Import an organisation's own calendar (.ics, RFC 5545) as event pages in the calendar.

Parse first, change afterwards: the whole file is read, checked and turned into plain event
data before anything is written, and the changes then go in as one transaction. A refused
file changes nothing. Every import leaves a ``CalendarImport`` row saying what happened and,
in Danish, what to do about it, for the editor who uploaded it or the admin reading the log.

Calendars come from outside and are treated as hostile: size, number of events, nesting and
repetition are bounded before they cost much, text is stored as plain text, and only
well-known time zones are trusted (a VTIMEZONE the file defines itself is read as Danish
time, since evaluating its rules is unbounded work).
"""

import contextlib
import datetime as dt
import hashlib
import html
import http.client
import logging
import re
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import bleach
from dateutil.rrule import rrule, rrulestr
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar.prop import vBroken, vRecur
from wagtail.models import Page, PageLogEntry

from .models import CalendarImport, EventIndexPage, EventPage, Organisation
from .models.events import Audience

logger = logging.getLogger(__name__)

# What one calendar may cost. A real association's calendar stays far below all of it.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_EVENTS = 5_000  # VEVENTs in the file, and events once repeating ones are expanded
MAX_NESTING = 4  # VCALENDAR > VEVENT > VALARM is 3 deep; one level of slack
MAX_OCCURRENCES = 100  # per repeating event, inside the window
WINDOW_BEFORE = dt.timedelta(days=1)  # repeating events are expanded from a day ago ...
WINDOW_AFTER = dt.timedelta(days=365)  # ... to a year ahead
OLDEST_YEAR = 1970
YEARS_AHEAD = 10  # a start later than this is a typo or a trick
LONGEST_EVENT = dt.timedelta(days=366)
# dateutil walks period by period until it finds the next occurrence, so a rule that never
# matches again walks on to the year 9999. _expand bounds each walk; this bounds the sum.
EXPANSION_BUDGET_SECONDS = 5.0
# The values one BY... part of a rule may list: every day of a month at most, and a few
# times of day or positions ("the first and the last weekday"). dateutil pays for each
# value in each period it walks; real calendars stay far below.
MAX_RULE_VALUES = 31
MAX_FEW_VALUES = 4
FEW_VALUE_PARTS = ("BYSETPOS", "BYHOUR", "BYMINUTE", "BYSECOND")
MAX_MESSAGES = 50
FETCH_TIMEOUT_SECONDS = 10  # per connect or read
FETCH_DEADLINE_SECONDS = 30  # for the whole download
FETCH_USER_AGENT = "Samspil-kalenderimport/1.0"

ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
TITLE_LENGTH = EventPage._meta.get_field("title").max_length
INTRO_LENGTH = EventPage._meta.get_field("intro").max_length
LOCATION_LENGTH = EventPage._meta.get_field("location").max_length
URL_LENGTH = EventPage._meta.get_field("external_url").max_length
SOURCE_UID_LENGTH = EventPage._meta.get_field("source_uid").max_length
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

# The same unfolding and line splitting as icalendar's own parser (RFC 5545, 3.1).
FOLD = re.compile(r"(\r?\n)+[ \t]")
NEWLINE = re.compile(r"\r?\n")
BEGIN_OR_END = re.compile(r"(BEGIN|END)[;:]", re.IGNORECASE)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
BLOCK_END = re.compile(r"<br\s*/?>|</(p|div|li|h\d)\s*>", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
WHITESPACE = re.compile(r"\s+")


class CalendarRefused(Exception):
    """The file as a whole cannot be imported; the message says why and what to do."""


@dataclass(frozen=True)
class ImportedEvent:
    """One event as its page will hold it: plain text and aware datetimes."""

    source_uid: str
    title: str
    intro: str
    location: str
    start: dt.datetime
    end: dt.datetime | None
    all_day: bool
    external_url: str
    cancelled: bool


@dataclass
class ReadCalendar:
    """What a file holds, ready to apply: the events, and what was skipped and why."""

    events: list[ImportedEvent] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    skipped: int = 0
    # UIDs of the repeating events, whose past occurrences stay when they leave the window.
    series_uids: set[str] = field(default_factory=set)
    window_start: dt.datetime | None = None


# -- import -----------------------------------------------------------------------------------


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
            _("… og %(count)d beskeder mere.") % {"count": more},
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
    _log_changes(
        [
            *((page, "wagtail.create") for page in new_pages),
            *((page, "wagtail.edit") for page in updated),
            *((page, "wagtail.delete") for page in stale),
        ],
        user,
        now,
    )
    if stale:
        # treebeard's queryset delete: a few queries for all of them, numchild kept right.
        Page.objects.filter(pk__in=[page.pk for page in stale]).delete()
    return len(new_pages), len(updated), len(stale)


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


# -- reading ----------------------------------------------------------------------------------


def read_calendar(
    data: bytes, organisation: Organisation, now: dt.datetime | None = None
) -> ReadCalendar:
    """Check and parse a whole .ics file without touching the database.

    Raises CalendarRefused for a file that cannot be imported at all; a problem with one
    event skips that event and is reported in ``messages``.
    """
    now = now or timezone.now()
    calendar = _parse(_checked_text(data))
    events = [component for component in calendar.subcomponents if component.name == "VEVENT"]
    if not events:
        raise CalendarRefused(
            _(
                "Filen indeholder ingen arrangementer, så intet er ændret. Er det den rigtige "
                "kalender? Skal foreningens arrangementer fjernes, så slet dem i kalenderen."
            )
        )
    reader = _EventReader(organisation, now)
    for component in events:
        reader.add(component)
    return reader.finish()


def _checked_text(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise CalendarRefused(too_large_message(len(data)))
    if not data.strip():
        raise CalendarRefused(_("Filen er tom. Vælg kalenderfilen (.ics) igen."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CalendarRefused(
            _(
                "Filen er ikke gemt som UTF-8-tekst, så den kan ikke læses. Er det en "
                "kalenderfil (.ics)? Eksportér kalenderen igen fra kalenderprogrammet."
            )
        ) from None
    lines = [line for line in NEWLINE.split(FOLD.sub("", text)) if line.strip()]
    if "\x00" in text or not lines or lines[0].strip().upper() != "BEGIN:VCALENDAR":
        raise CalendarRefused(_not_a_calendar())
    # Nesting, matching BEGIN and END, and the number of events are checked on the raw
    # lines, before the parser builds anything from them.
    open_components: list[str] = []
    events = 0
    for line in lines:
        match = BEGIN_OR_END.match(line)
        if match is None:
            continue
        name = line.partition(":")[2].strip().upper()
        if match.group(1).upper() == "END":
            if not open_components or open_components.pop() != name:
                raise CalendarRefused(_not_a_calendar())
            continue
        open_components.append(name)
        if len(open_components) > MAX_NESTING:
            raise CalendarRefused(
                _(
                    "Filen har dele inden i hinanden i flere end %(limit)d lag, og det har en "
                    "almindelig kalender ikke. Eksportér kalenderen igen fra "
                    "kalenderprogrammet."
                )
                % {"limit": MAX_NESTING}
            )
        if name == "VEVENT":
            events += 1
            if events > MAX_EVENTS:
                raise CalendarRefused(_too_many_events())
    if open_components:
        raise CalendarRefused(_not_a_calendar())
    return text


def _parse(text: str) -> Calendar:
    try:
        # Bytes on purpose: icalendar reads a str without line breaks as a file's path.
        calendar = Calendar.from_ical(text.encode("utf-8"))
    except Exception:  # however the parser fails on hostile input, it is refused
        logger.info("Calendar file refused by the parser", exc_info=True)
        raise CalendarRefused(_not_a_calendar()) from None
    if calendar.name != "VCALENDAR":
        raise CalendarRefused(_not_a_calendar())
    return calendar


def too_large_message(size: int | None = None) -> str:
    if size is None:
        return _(
            "Kalenderen er for stor. Den må højst fylde %(limit)s. Eksportér kun de "
            "kommende arrangementer, eller del kalenderen op."
        ) % {"limit": _megabytes(MAX_FILE_BYTES)}
    return _(
        "Filen er for stor (%(size)s). En kalenderfil må højst fylde %(limit)s. Eksportér kun "
        "de kommende arrangementer, eller del kalenderen op."
    ) % {"size": _megabytes(size), "limit": _megabytes(MAX_FILE_BYTES)}


def _not_a_calendar() -> str:
    return _(
        "Filen er ikke en kalenderfil (iCalendar, .ics), eller den er beskadiget. Eksportér "
        "kalenderen igen fra kalenderprogrammet, og vælg formatet iCalendar (.ics)."
    )


def _too_many_events() -> str:
    return _(
        "Kalenderen har flere end %(limit)s arrangementer (gentagelser talt med). Eksportér "
        "kun de kommende arrangementer, eller del kalenderen op."
    ) % {"limit": f"{MAX_EVENTS:,}".replace(",", ".")}


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


class _Skip(Exception):
    """One event cannot be imported. The message is formatted with the event's title."""

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message, self.params = message, params


def _unreadable(what: str) -> _Skip:
    return _Skip(_("»%(title)s« er sprunget over: %(what)s kan ikke læses."), what=what)


class _EventReader:
    """Turns VEVENTs into ImportedEvents: one per single event, and one per occurrence of a
    repeating event inside the window, with RECURRENCE-ID overrides taking an occurrence's
    place."""

    def __init__(self, organisation: Organisation, now: dt.datetime):
        self.organisation = organisation
        self.local = ZoneInfo(settings.TIME_ZONE)
        self.window_start = now - WINDOW_BEFORE
        self.window_end = now + WINDOW_AFTER
        self.latest_start = now + dt.timedelta(days=365 * YEARS_AHEAD)
        self.result = ReadCalendar(window_start=self.window_start)
        self.seen: set[tuple[str, object]] = set()
        self.emitted: set[str] = set()
        self.series: list[tuple[str, object]] = []
        self.overrides: dict[str, dict[object, object]] = {}
        self.unknown_zones: set[str] = set()
        self.expansion_seconds = 0.0

    # -- collecting ---------------------------------------------------------------------------

    def add(self, component) -> None:
        try:
            if self._text(component, "CLASS").upper() in ("PRIVATE", "CONFIDENTIAL"):
                raise _Skip(_("»%(title)s« er markeret som privat og er ikke importeret."))
            uid = self._uid(component)
            recurrence_id = component.get("RECURRENCE-ID")
            key = None if recurrence_id is None else self._moment(recurrence_id)
            if (uid, key) in self.seen:
                raise _Skip(_("»%(title)s« står to gange i filen; kun den første er brugt."))
            self.seen.add((uid, key))
            if key is not None:
                self.overrides.setdefault(uid, {})[key] = component
            elif component.get("RRULE") is not None or component.get("RDATE") is not None:
                self.series.append((uid, component))
            else:
                self._emit(self._event(component, uid))
        except _Skip as skip:
            self._skip(component, skip)

    def finish(self) -> ReadCalendar:
        for uid, component in self.series:
            try:
                self._expand(uid, component)
            except _Skip as skip:
                self._skip(component, skip)
        # Overrides their series did not claim (it is missing, or the date moved into the
        # window): imported on their own when they fall inside the window.
        for uid, overrides in self.overrides.items():
            for key, component in overrides.items():
                try:
                    event = self._event(component, f"{uid}/{_stamp(key)}")
                    if self.window_start <= event.start <= self.window_end:
                        self._emit(event)
                except _Skip as skip:
                    self._skip(component, skip)
        for zone in sorted(self.unknown_zones):
            self.result.messages.append(
                _("Tidszonen »%(zone)s« kendes ikke; tiderne i den er læst som dansk tid.")
                % {"zone": _plain(zone, 80)}
            )
        return self.result

    def _emit(self, event: ImportedEvent) -> None:
        if event.source_uid in self.emitted:
            raise _Skip(_("»%(title)s« står to gange i filen; kun den første er brugt."))
        self.emitted.add(event.source_uid)
        self.result.events.append(event)
        if len(self.result.events) > MAX_EVENTS:
            raise CalendarRefused(_too_many_events())

    def _skip(self, component, skip: _Skip) -> None:
        self.result.skipped += 1
        title = self._text(component, "SUMMARY", 80) or _("Uden titel")
        self.result.messages.append(skip.message % {"title": title, **skip.params})

    # -- one event ----------------------------------------------------------------------------

    def _event(
        self,
        component,
        source_uid: str,
        start: dt.datetime | None = None,
    ) -> ImportedEvent:
        """The event a component describes; with ``start``, one occurrence of its series."""
        own_start, all_day = self._start(component)
        end = self._end(component, own_start)
        if start is not None:
            end = None if end is None else start + (end - own_start)
            own_start = start
        if all_day and end is not None:
            # An all-day DTEND is the day after; the page holds the last day itself.
            end = end - dt.timedelta(days=1)
            if end <= own_start:
                end = None
        url = self._text(component, "URL", URL_LENGTH + 1)
        name = self.organisation.name
        return ImportedEvent(
            source_uid=source_uid,
            title=self._text(component, "SUMMARY", TITLE_LENGTH)
            or _("Arrangement hos %(organisation)s") % {"organisation": name},
            intro=self._text(component, "DESCRIPTION", INTRO_LENGTH)
            or _("Et arrangement hos %(organisation)s.") % {"organisation": name},
            location=self._text(component, "LOCATION", LOCATION_LENGTH) or name[:LOCATION_LENGTH],
            start=own_start,
            end=end,
            all_day=all_day,
            external_url=url if _is_web_url(url) else "",
            cancelled=self._text(component, "STATUS").upper() == "CANCELLED",
        )

    def _start(self, component) -> tuple[dt.datetime, bool]:
        prop = component.get("DTSTART")
        if prop is None:
            raise _Skip(_("»%(title)s« er sprunget over: det har intet starttidspunkt."))
        start, all_day = self._aware(prop, _("starttidspunktet"))
        if start.year < OLDEST_YEAR or start > self.latest_start:
            raise _Skip(
                _("»%(title)s« er sprunget over: datoen %(date)s kan ikke passe."),
                date=start.date().isoformat(),
            )
        return start, all_day

    def _end(self, component, start: dt.datetime) -> dt.datetime | None:
        end_prop, duration = component.get("DTEND"), component.get("DURATION")
        if end_prop is not None:
            end, _is_date = self._aware(end_prop, _("sluttidspunktet"))
        elif duration is not None:
            value = None if isinstance(duration, vBroken | list) else duration.dt
            if not isinstance(value, dt.timedelta):
                raise _unreadable(_("varigheden"))
            end = start + value
        else:
            return None
        if end < start:
            raise _Skip(_("»%(title)s« er sprunget over: det slutter, før det begynder."))
        if end - start > LONGEST_EVENT:
            raise _Skip(_("»%(title)s« er sprunget over: det varer mere end et år."))
        return None if end == start else end

    def _aware(self, prop, what: str) -> tuple[dt.datetime, bool]:
        """A date or date-time property as an aware datetime, and whether it was a date."""
        if isinstance(prop, vBroken | list):
            raise _unreadable(what)
        value = getattr(prop, "dt", None)
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                # Floating time, or a TZID nobody knows: the wall clock in Denmark.
                if tzid := prop.params.get("TZID"):
                    self.unknown_zones.add(str(tzid))
                return value.replace(tzinfo=self.local), False
            if not isinstance(value.tzinfo, ZoneInfo | dt.timezone):
                # A zone the file defines itself; its rules are never evaluated.
                self.unknown_zones.add(str(prop.params.get("TZID", "?")))
                return value.replace(tzinfo=self.local), False
            return value, False
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time.min, tzinfo=self.local), True
        raise _unreadable(what)

    def _moment(self, prop) -> dt.datetime | dt.date:
        """A RECURRENCE-ID as a key matching the occurrences of its series."""
        moment, is_date = self._aware(prop, "RECURRENCE-ID")
        return moment.date() if is_date else moment

    # -- repeating events ---------------------------------------------------------------------

    def _expand(self, uid: str, component) -> None:
        """Each occurrence of a series inside the window, at most MAX_OCCURRENCES of them."""
        start, all_day = self._start(component)
        self.result.series_uids.add(uid)
        frame = start.tzinfo  # a series repeats on the wall clock of its start's zone
        window_start = _wall_clock(self.window_start, frame)
        window_end = _wall_clock(self.window_end, frame)
        excluded = self._moments(component, "EXDATE", frame)
        # DTSTART is the first occurrence (RFC 5545, 3.8.5.3), RDATEs add more.
        occurrences = {
            moment
            for moment in (start.replace(tzinfo=None), *self._moments(component, "RDATE", frame))
            if window_start <= moment <= window_end
        }
        began = time.monotonic()
        for rule_prop in _as_list(component.get("RRULE")):
            text, until = self._rule(rule_prop, frame)
            try:
                occurrences.update(
                    _occurrences(text, start.replace(tzinfo=None), until, window_start, window_end)
                )
            except Exception:  # dateutil rejects bad rules with assorted errors
                raise _unreadable(_("gentagelsen")) from None
        self.expansion_seconds += time.monotonic() - began
        if self.expansion_seconds > EXPANSION_BUDGET_SECONDS:
            raise CalendarRefused(
                _(
                    "Gentagelserne i kalenderen er for tunge at beregne. Forenkl de gentagne "
                    "arrangementer, eller eksportér kun de kommende."
                )
            )
        kept = sorted(occurrences - excluded)
        if len(kept) > MAX_OCCURRENCES:
            kept = kept[:MAX_OCCURRENCES]
            self.result.messages.append(
                _("»%(title)s« gentages mange gange; kun de første %(count)d er importeret.")
                % {"title": self._text(component, "SUMMARY", 80), "count": MAX_OCCURRENCES}
            )
        overrides = self.overrides.get(uid, {})
        for moment in kept:
            occurrence = moment.replace(tzinfo=frame)
            key = occurrence.date() if all_day else occurrence
            source_uid = f"{uid}/{_stamp(key)}"
            override = overrides.pop(key, None)
            try:
                if override is not None:
                    self._emit(self._event(override, source_uid))
                else:
                    self._emit(self._event(component, source_uid, start=occurrence))
            except _Skip as skip:
                self._skip(component if override is None else override, skip)

    def _rule(self, rule_prop, frame) -> tuple[str, dt.datetime | None]:
        """The RRULE without its UNTIL, and the UNTIL on the series' wall clock."""
        if not isinstance(rule_prop, vRecur):
            raise _unreadable(_("gentagelsen"))
        frequency = [str(value).upper() for value in rule_prop.get("FREQ", [])]
        if len(frequency) != 1 or frequency[0] not in ALLOWED_FREQUENCIES:
            raise _Skip(
                _("»%(title)s« er sprunget over: det gentages oftere end én gang om dagen.")
            )
        if (
            any(len(values) > MAX_RULE_VALUES for values in rule_prop.values())
            or any(len(rule_prop.get(part, [])) > MAX_FEW_VALUES for part in FEW_VALUE_PARTS)
            or ("BYSETPOS" in rule_prop and frequency[0] == "DAILY")
        ):
            raise _Skip(_("»%(title)s« er sprunget over: gentagelsen er for indviklet."))
        until = None
        # RFC 5545 allows COUNT or UNTIL; with both, COUNT is the one that bounds the series.
        for value in rule_prop.get("UNTIL", [])[:1] if "COUNT" not in rule_prop else []:
            if isinstance(value, dt.datetime):
                until = _wall_clock(value, frame) if value.tzinfo else value
            elif isinstance(value, dt.date):
                until = dt.datetime.combine(value, dt.time.max)
        try:
            text = vRecur({k: v for k, v in rule_prop.items() if k != "UNTIL"}).to_ical()
        except Exception:  # a value icalendar accepted but cannot write back
            raise _unreadable(_("gentagelsen")) from None
        return text.decode("ascii", "replace"), until

    def _moments(self, component, name: str, frame) -> set[dt.datetime]:
        """EXDATE or RDATE values as naive datetimes on the series' wall clock (a date
        value is its midnight)."""
        values = set()
        for prop in _as_list(component.get(name)):
            if isinstance(prop, vBroken):
                raise _unreadable(name)
            for item in getattr(prop, "dts", []):
                moment, _is_date = self._aware(item, name)
                values.add(_wall_clock(moment, frame))
        return values

    # -- text ---------------------------------------------------------------------------------

    def _uid(self, component) -> str:
        uid = self._text(component, "UID")
        if not uid:
            # Stable across imports for as long as the event keeps its start, title and place.
            start = component.get("DTSTART")
            fingerprint = "|".join(
                (
                    start.to_ical().decode() if hasattr(start, "to_ical") else "",
                    self._text(component, "SUMMARY"),
                    self._text(component, "LOCATION"),
                )
            )
            return "samspil-" + hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
        # Room for "/" and an occurrence's start within the column.
        if len(uid) > SOURCE_UID_LENGTH - 20:
            return "samspil-" + hashlib.sha256(uid.encode()).hexdigest()
        return uid

    def _text(self, component, name: str, limit: int | None = None) -> str:
        value = component.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if value is None or isinstance(value, vBroken):
            return ""
        return _plain(str(value), limit)


def _occurrences(
    rule_text: str,
    local_start: dt.datetime,
    until: dt.datetime | None,
    window_start: dt.datetime,
    window_end: dt.datetime,
) -> list[dt.datetime]:
    """The rule's occurrences inside the window, as naive wall-clock datetimes, at most one
    more than MAX_OCCURRENCES (so the caller can tell the editor the limit was reached).

    dateutil checks the end of a rule only when a candidate matches, so a rule that can never
    match again walks every period up to the year 9999. The walk therefore runs shifted by
    whole 400-year Gregorian cycles (which repeat weekdays, leap years and week numbers
    exactly), so that the window ends close to 9999 and such a walk is short.
    """
    if local_start > window_end or (until is not None and until < window_start):
        return []
    shift = max(0, (9998 - window_end.year) // 400 * 400)
    rule = rrulestr(rule_text, dtstart=_add_years(local_start, shift))
    if not isinstance(rule, rrule):
        raise ValueError("not a single rule")
    if until is not None:
        rule = rule.replace(until=_add_years(min(until, window_end), shift))
    found = []
    for shifted in rule:
        moment = _add_years(shifted, -shift)
        if moment > window_end:
            break
        if moment >= window_start:
            found.append(moment)
            if len(found) > MAX_OCCURRENCES:
                break
    return found


def _add_years(moment: dt.datetime, years: int) -> dt.datetime:
    return moment.replace(year=moment.year + years)


def _wall_clock(moment: dt.datetime, frame) -> dt.datetime:
    return moment.astimezone(frame).replace(tzinfo=None)


def _plain(value: str, limit: int | None = None) -> str:
    """Text as it will be shown: no markup or script, entities decoded, whitespace folded."""
    if "<" in value or "&" in value:
        value = BLOCK_END.sub(" ", SCRIPT_OR_STYLE.sub(" ", value))
        value = html.unescape(bleach.clean(value, tags=set(), strip=True, strip_comments=True))
    value = WHITESPACE.sub(" ", CONTROL.sub(" ", value)).strip()
    if limit is not None and len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _stamp(key: dt.datetime | dt.date) -> str:
    if isinstance(key, dt.datetime):
        return key.strftime("%Y%m%dT%H%M%S")
    return key.strftime("%Y%m%d")


def _is_web_url(url: str) -> bool:
    if not url or len(url) > URL_LENGTH:
        return False
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True


# -- fetching ---------------------------------------------------------------------------------


def fetch_calendar(organisation: Organisation, user=None) -> CalendarImport:
    """Download the organisation's calendar address and import it. Never raises: whatever
    goes wrong is recorded in the CalendarImport row it returns."""
    url = organisation.ical_url.strip()
    try:
        data = download_calendar(url)
    except CalendarRefused as refusal:
        message = str(refusal)
    except Exception:  # a task must leave a log row, not a traceback
        logger.exception("Fetching the calendar of organisation %s failed", organisation.pk)
        message = _(
            "Kalender-adressen kunne ikke hentes på grund af en uventet fejl. Prøv igen senere."
        )
    else:
        return import_calendar(
            organisation, data, source=CalendarImport.Source.URL, filename=url, user=user
        )
    return CalendarImport.objects.create(
        organisation=organisation,
        source=CalendarImport.Source.URL,
        filename=url[:500],
        user=user,
        messages=message,
    )


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) addresses only (urllib would also follow one to ftp)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise CalendarRefused(_not_a_web_address())
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _not_a_web_address() -> str:
    return _(
        "Kalender-adressen skal begynde med http:// eller https://. Ret adressen på organisationen."
    )


def download_calendar(url: str) -> bytes:
    """The body at ``url`` (http or https only), at most MAX_FILE_BYTES, within the deadline.
    Raises CalendarRefused with a Danish message for anything else."""
    if not url:
        raise CalendarRefused(_("Organisationen har ingen kalender-adresse."))
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise CalendarRefused(_not_a_web_address())
    opener = urllib.request.build_opener(_WebOnlyRedirects)
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, headers={"User-Agent": FETCH_USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    )
    deadline = time.monotonic() + FETCH_DEADLINE_SECONDS
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > MAX_FILE_BYTES:
                raise CalendarRefused(too_large_message())
            chunks, size = [], 0
            while chunk := response.read1(64 * 1024):
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise CalendarRefused(too_large_message())
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:
            # urllib refuses a redirect to file: and the like itself, _WebOnlyRedirects the rest.
            raise CalendarRefused(_not_a_web_address()) from None
        raise CalendarRefused(
            _(
                "Kalender-adressen svarede med fejl %(status)s. Tjek, at adressen er rigtig, "
                "og at kalenderen er offentlig."
            )
            % {"status": error.code}
        ) from None
    except (OSError, http.client.HTTPException, ValueError):
        # OSError covers refused connections, timeouts and urllib's URLError. The address is
        # not logged: a private calendar's address is its password.
        logger.info("Fetching a calendar failed", exc_info=True)
        raise CalendarRefused(
            _(
                "Kalender-adressen kunne ikke hentes (den svarede ikke, eller ikke i tide). "
                "Tjek adressen, og prøv igen senere."
            )
        ) from None
    data = b"".join(chunks)
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii"):
        # A server that says which charset it sends is taken at its word.
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            data = data.decode(charset).encode("utf-8")
    return data
