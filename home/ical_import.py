"""Import an organisation's own calendar (.ics, RFC 5545) as event pages in the calendar.

Parse first, change afterwards: the whole file is read, checked and turned into plain event
data before anything is written, and the changes then go in as one transaction. A refused
file changes nothing. Every import leaves a ``CalendarImport`` row saying what happened and,
in Danish, what to do about it, for the editor who uploaded it or the admin reading the log.

Calendars come from outside and are treated as hostile: size, number of events, nesting and
repetition are bounded before they cost anything, text is stored as plain text, and only
well-known time zones are trusted (a VTIMEZONE the file defines itself is read as Danish time,
since evaluating its rules is unbounded work).
"""

import datetime as dt
import hashlib
import html
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
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrulestr
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar.prop import vBroken
from wagtail.models import PageLogEntry

from .models import CalendarImport, EventIndexPage, EventPage, Organisation
from .models.events import Audience

logger = logging.getLogger(__name__)

# Limits on what one calendar may cost. A real association's calendar is far below all of them.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_EVENTS = 5_000  # VEVENTs in the file, and events after repeating ones are expanded
MAX_NESTING = 4  # VCALENDAR > VEVENT > VALARM is 3; one level of slack for X- components
MAX_OCCURRENCES = 100  # per repeating event, inside the window
WINDOW_BEFORE = dt.timedelta(days=1)  # repeating events are expanded from a day ago ...
WINDOW_AFTER = dt.timedelta(days=365)  # ... to a year ahead
OLDEST_YEAR = 1970
YEARS_AHEAD = 10  # an event starting later than this is a typo or a trick
LONGEST_EVENT = dt.timedelta(days=366)
# dateutil walks period by period until it finds the next occurrence; a rule that can never
# match walks to the year 9999. Expansion therefore runs shifted towards that year (see
# _expand), and the whole file gets this much time for it.
EXPANSION_BUDGET_SECONDS = 10.0
MAX_MESSAGES = 50
FETCH_TIMEOUT_SECONDS = 10
FETCH_DEADLINE_SECONDS = 30
FETCH_USER_AGENT = "Samspil kalenderimport (+https://samspil.dk)"

ALLOWED_FREQUENCIES = {DAILY, WEEKLY, MONTHLY, YEARLY}
TITLE_LENGTH = EventPage._meta.get_field("title").max_length
INTRO_LENGTH = EventPage._meta.get_field("intro").max_length
LOCATION_LENGTH = EventPage._meta.get_field("location").max_length
URL_LENGTH = EventPage._meta.get_field("external_url").max_length
SOURCE_UID_LENGTH = EventPage._meta.get_field("source_uid").max_length
# The fields an import owns; anything else on the page (body, image, sign-up, audience,
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
LINE_BREAK_TAG = re.compile(r"<br\s*/?>|</p\s*>|</div\s*>|</li\s*>", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
WHITESPACE = re.compile(r"\s+")


class CalendarRefused(Exception):
    """The file as a whole cannot be imported; the message says why and what to do."""


@dataclass(frozen=True)
class ImportedEvent:
    """One event as the calendar page will hold it: plain text, aware datetimes."""

    source_uid: str
    title: str
    intro: str
    location: str
    start: dt.datetime
    end: dt.datetime | None
    all_day: bool
    external_url: str
    cancelled: bool

    def values(self) -> dict:
        return {name: getattr(self, name) for name in IMPORTED_FIELDS}


@dataclass
class ReadCalendar:
    """What a file holds, ready to apply: the events, and what was skipped and why."""

    events: list[ImportedEvent] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    skipped: int = 0


# -- reading ----------------------------------------------------------------------------------


def read_calendar(
    data: bytes, organisation: Organisation, now: dt.datetime | None = None
) -> ReadCalendar:
    """Check and parse a whole .ics file without touching the database.

    Raises CalendarRefused for a file that cannot be imported at all; problems with single
    events skip that event and are reported in ``messages``.
    """
    now = now or timezone.now()
    text = _checked_text(data)
    calendar = _parse(text)
    reader = _EventReader(organisation, now)
    for component in calendar.subcomponents:
        if component.name == "VEVENT":
            reader.add(component)
    return reader.finish()


def _checked_text(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise CalendarRefused(
            _(
                "Filen er for stor (%(size)s). En kalenderfil må højst fylde %(limit)s. "
                "Eksportér kun de kommende arrangementer, eller del kalenderen op."
            )
            % {"size": _megabytes(len(data)), "limit": _megabytes(MAX_FILE_BYTES)}
        )
    if not data.strip():
        raise CalendarRefused(_("Filen er tom. Vælg kalenderfilen (.ics) igen."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CalendarRefused(
            _(
                "Filen er ikke gemt som UTF-8 tekst, så vi kan ikke læse den. Er det en "
                "kalenderfil (.ics)? Eksportér kalenderen igen fra kalenderprogrammet."
            )
        ) from None
    lines = [line for line in NEWLINE.split(FOLD.sub("", text)) if line.strip()]
    if "\x00" in text or not lines or lines[0].strip().upper() != "BEGIN:VCALENDAR":
        raise CalendarRefused(_not_a_calendar())
    depth = events = 0
    for line in lines:
        match = BEGIN_OR_END.match(line)
        if match is None:
            continue
        if match.group(1).upper() == "END":
            depth -= 1
            continue
        depth += 1
        if depth > MAX_NESTING:
            raise CalendarRefused(
                _(
                    "Filen har dele inden i hinanden i flere end %(limit)d lag, og det gør "
                    "en almindelig kalender ikke. Eksportér kalenderen igen fra "
                    "kalenderprogrammet."
                )
                % {"limit": MAX_NESTING}
            )
        if line[6:].strip().upper() == "VEVENT":
            events += 1
            if events > MAX_EVENTS:
                raise CalendarRefused(_too_many_events())
    if events == 0:
        raise CalendarRefused(
            _(
                "Filen indeholder ingen arrangementer, så intet er ændret. Er det den rigtige "
                "kalender? Skal foreningens arrangementer fjernes, så slet dem i kalenderen."
            )
        )
    return text


def _parse(text: str) -> Calendar:
    try:
        # Always bytes: icalendar reads a str without line breaks as a path to a file.
        calendar = Calendar.from_ical(text.encode("utf-8"))
    except Exception:  # noqa: BLE001 - any failure of the parser on hostile input is a refusal
        logger.info("Calendar file refused by the parser", exc_info=True)
        raise CalendarRefused(_not_a_calendar()) from None
    if calendar.name != "VCALENDAR":
        raise CalendarRefused(_not_a_calendar())
    return calendar


def _not_a_calendar() -> str:
    return _(
        "Filen er ikke en kalenderfil (iCalendar, .ics), eller den er beskadiget. Eksportér "
        "kalenderen igen fra kalenderprogrammet, og vælg formatet iCalendar/.ics."
    )


def _too_many_events() -> str:
    return _(
        "Kalenderen har flere end %(limit)s arrangementer (gentagelser talt med). Eksportér "
        "kun de kommende arrangementer, eller del kalenderen op."
    ) % {"limit": f"{MAX_EVENTS:,}".replace(",", ".")}


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


class _Skip(Exception):
    """One event cannot be imported; the message names it and says why."""


class _EventReader:
    """Turns VEVENTs into ImportedEvents: one per single event, one per occurrence of a
    repeating one inside the window, with RECURRENCE-ID overrides replacing occurrences."""

    def __init__(self, organisation: Organisation, now: dt.datetime):
        self.organisation = organisation
        self.now = now
        self.local = ZoneInfo(settings.TIME_ZONE)
        self.window_start = now - WINDOW_BEFORE
        self.window_end = now + WINDOW_AFTER
        self.latest_start = now + dt.timedelta(days=365 * YEARS_AHEAD)
        self.result = ReadCalendar()
        self.seen: set[tuple[str, str]] = set()
        # (uid) -> the series, and (uid) -> {recurrence id: override}
        self.series: list[tuple[str, object]] = []
        self.overrides: dict[str, dict[dt.datetime | dt.date, object]] = {}
        self.unknown_zones: set[str] = set()
        self.expansion_seconds = 0.0

    # -- collecting ---------------------------------------------------------------------------

    def add(self, component) -> None:
        try:
            if self._text(component, "CLASS").upper() in ("PRIVATE", "CONFIDENTIAL"):
                raise _Skip(_("»%(title)s« er markeret som privat og er ikke importeret."))
            uid = self._uid(component)
            recurrence_id = component.get("RECURRENCE-ID")
            if recurrence_id is not None:
                key = self._moment(recurrence_id, "RECURRENCE-ID")
                if (uid, str(key)) in self.seen:
                    raise _Skip(_("»%(title)s« står to gange i filen; kun den første er brugt."))
                self.seen.add((uid, str(key)))
                self.overrides.setdefault(uid, {})[key] = component
                return
            if (uid, "") in self.seen:
                raise _Skip(_("»%(title)s« står to gange i filen; kun den første er brugt."))
            self.seen.add((uid, ""))
            if component.get("RRULE") is not None or component.get("RDATE") is not None:
                self.series.append((uid, component))
            else:
                self._emit(self._event(component, uid))
        except _Skip as skip:
            self._skip(component, str(skip))

    def finish(self) -> ReadCalendar:
        for uid, component in self.series:
            try:
                self._expand(uid, component)
            except _Skip as skip:
                self._skip(component, str(skip))
        # Overrides left over: their series is not in the file or does not produce them.
        for uid, overrides in self.overrides.items():
            for key, component in overrides.items():
                try:
                    event = self._event(component, f"{uid}/{_stamp(key)}")
                    if self._in_window(event):
                        self._emit(event)
                except _Skip as skip:
                    self._skip(component, str(skip))
        for zone in sorted(self.unknown_zones):
            self.result.messages.append(
                _("Tidszonen »%(zone)s« kendes ikke; tiderne i den er læst som dansk tid.")
                % {"zone": _plain(zone, 80)}
            )
        return self.result

    def _emit(self, event: ImportedEvent) -> None:
        self.result.events.append(event)
        if len(self.result.events) > MAX_EVENTS:
            raise CalendarRefused(_too_many_events())

    def _skip(self, component, message: str) -> None:
        self.result.skipped += 1
        title = self._text(component, "SUMMARY", TITLE_LENGTH) or _("uden titel")
        self.result.messages.append(message % {"title": title})

    # -- one event ----------------------------------------------------------------------------

    def _event(
        self,
        component,
        source_uid: str,
        start: dt.datetime | None = None,
        all_day: bool | None = None,
    ) -> ImportedEvent:
        """The event a component describes; ``start`` moves it (an occurrence of a series)."""
        own_start, own_all_day = self._start(component)
        end = self._end(component, own_start, own_all_day)
        if start is not None:
            end = None if end is None else start + (end - own_start)
            own_start, own_all_day = start, all_day
        if own_all_day and end is not None:
            # DTEND of an all-day event is the day after; the page holds the last day itself.
            end = end - dt.timedelta(days=1)
            if end <= own_start:
                end = None
        url = self._text(component, "URL", URL_LENGTH + 1)
        return ImportedEvent(
            source_uid=source_uid,
            title=self._text(component, "SUMMARY", TITLE_LENGTH)
            or _("Arrangement hos %(organisation)s") % {"organisation": self.organisation.name},
            intro=self._text(component, "DESCRIPTION", INTRO_LENGTH)
            or _("Et arrangement hos %(organisation)s.")
            % {"organisation": self.organisation.name},
            location=self._text(component, "LOCATION", LOCATION_LENGTH)
            or self.organisation.name[:LOCATION_LENGTH],
            start=own_start,
            end=end,
            all_day=own_all_day,
            external_url=url if _is_web_url(url) else "",
            cancelled=self._text(component, "STATUS").upper() == "CANCELLED",
        )

    def _start(self, component) -> tuple[dt.datetime, bool]:
        prop = component.get("DTSTART")
        if prop is None or isinstance(prop, vBroken) or isinstance(prop, list):
            raise _Skip(_("»%(title)s« er sprunget over: starttidspunktet mangler eller kan "
                          "ikke læses."))
        start, all_day = self._aware(prop, "DTSTART")
        if start.year < OLDEST_YEAR or start > self.latest_start:
            raise _Skip(_("»%(title)s« er sprunget over: datoen %(date)s kan ikke passe.")
                        .replace("%(date)s", start.date().isoformat()))
        return start, all_day

    def _end(self, component, start: dt.datetime, all_day: bool) -> dt.datetime | None:
        end_prop, duration = component.get("DTEND"), component.get("DURATION")
        if end_prop is not None:
            if isinstance(end_prop, vBroken) or isinstance(end_prop, list):
                raise _Skip(_("»%(title)s« er sprunget over: sluttidspunktet kan ikke læses."))
            end, _end_all_day = self._aware(end_prop, "DTEND")
        elif duration is not None:
            value = getattr(duration, "dt", None) if not isinstance(duration, vBroken) else None
            if not isinstance(value, dt.timedelta):
                raise _Skip(_("»%(title)s« er sprunget over: varigheden kan ikke læses."))
            end = start + value
        else:
            return None
        if end < start:
            raise _Skip(_("»%(title)s« er sprunget over: det slutter, før det begynder."))
        if end - start > LONGEST_EVENT:
            raise _Skip(_("»%(title)s« er sprunget over: det varer mere end et år."))
        return None if end == start else end

    def _aware(self, prop, name: str) -> tuple[dt.datetime, bool]:
        """A DTSTART-like value as an aware datetime, and whether it was a date."""
        try:
            value = prop.dt
        except Exception:  # noqa: BLE001 - a broken value of any kind skips the event
            value = None
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                if tzid := prop.params.get("TZID"):
                    self.unknown_zones.add(str(tzid))
                return value.replace(tzinfo=self.local), False
            if not isinstance(value.tzinfo, ZoneInfo | dt.timezone):
                # A zone the file defines itself: its rules are not evaluated (see module doc).
                self.unknown_zones.add(str(prop.params.get("TZID", "?")))
                return value.replace(tzinfo=self.local), False
            return value, False
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time.min, tzinfo=self.local), True
        raise _Skip(_("»%(title)s« er sprunget over: %(name)s kan ikke læses.").replace(
            "%(name)s", name))

    def _moment(self, prop, name: str) -> dt.datetime | dt.date:
        """A RECURRENCE-ID as a key that matches the series' own occurrence keys."""
        if isinstance(prop, vBroken | list):
            raise _Skip(_("»%(title)s« er sprunget over: %(name)s kan ikke læses.").replace(
                "%(name)s", name))
        moment, is_date = self._aware(prop, name)
        return moment.date() if is_date else moment

    # -- repeating events ---------------------------------------------------------------------

    def _expand(self, uid: str, component) -> None:
        """Each occurrence of a series inside the window, at most MAX_OCCURRENCES."""
        start, all_day = self._start(component)
        frame = start.tzinfo  # occurrences repeat on the wall clock of the start's zone
        local_start = start.replace(tzinfo=None)
        window_start = self._in_frame(self.window_start, frame)
        window_end = self._in_frame(self.window_end, frame)
        # Shift the whole computation by whole 400-year Gregorian cycles (which repeat weekdays,
        # leap years and week numbers exactly) so the window ends close to the year 9999:
        # a rule that never matches again then costs at most 400 years of dateutil's walking.
        shift = max(0, (9998 - window_end.year) // 400 * 400)

        def shifted(moment: dt.datetime) -> dt.datetime:
            return moment.replace(year=moment.year + shift)

        excluded = self._dates(component, "EXDATE", frame)
        occurrences: set[dt.datetime] = set()
        started = time.monotonic()
        for rule_prop in _as_list(component.get("RRULE")):
            if isinstance(rule_prop, vBroken):
                raise _Skip(_("»%(title)s« er sprunget over: gentagelsen kan ikke læses."))
            rule = self._rule(rule_prop, shifted(local_start), frame, all_day)
            until = rule._until  # dateutil keeps UNTIL here; compared unshifted below
            if until is None or until > shifted(window_end):
                rule = rule.replace(until=shifted(window_end))
            for moment in rule:
                moment = moment.replace(year=moment.year - shift)
                if moment >= window_start:
                    occurrences.add(moment)
                    if len(occurrences) > MAX_OCCURRENCES:
                        break
        occurrences.update(
            moment
            for moment in self._dates(component, "RDATE", frame)
            if isinstance(moment, dt.datetime) and window_start <= moment <= window_end
        )
        self.expansion_seconds += time.monotonic() - started
        if self.expansion_seconds > EXPANSION_BUDGET_SECONDS:
            raise CalendarRefused(
                _(
                    "Gentagelserne i kalenderen er for tunge at beregne. Forenkl de "
                    "gentagne arrangementer, eller eksportér kun de kommende."
                )
            )
        kept = sorted(
            moment
            for moment in occurrences
            if moment not in excluded and moment.date() not in excluded
        )
        if len(kept) > MAX_OCCURRENCES:
            kept = kept[:MAX_OCCURRENCES]
            self.result.messages.append(
                _("»%(title)s« gentages mange gange; kun de første %(count)d er importeret.")
                % {
                    "title": self._text(component, "SUMMARY", TITLE_LENGTH),
                    "count": MAX_OCCURRENCES,
                }
            )
        overrides = self.overrides.get(uid, {})
        for moment in kept:
            key = moment.date() if all_day else moment.replace(tzinfo=frame)
            source_uid = f"{uid}/{_stamp(key)}"
            override = overrides.pop(key, None)
            if override is not None:
                try:
                    self._emit(self._event(override, source_uid))
                except _Skip as skip:
                    self._skip(override, str(skip))
                continue
            self._emit(
                self._event(component, source_uid, start=moment.replace(tzinfo=frame),
                            all_day=all_day)
            )

    def _rule(self, rule_prop, local_start: dt.datetime, frame, all_day: bool):
        parts = {key: value for key, value in rule_prop.items() if key != "UNTIL"}
        try:
            text = type(rule_prop)(parts).to_ical().decode("ascii")
            rule = rrulestr(text, dtstart=local_start)
        except Exception:  # noqa: BLE001 - dateutil rejects bad rules with assorted errors
            raise _Skip(
                _("»%(title)s« er sprunget over: gentagelsen kan ikke læses.")
            ) from None
        if getattr(rule, "_freq", None) not in ALLOWED_FREQUENCIES:
            raise _Skip(
                _("»%(title)s« er sprunget over: det gentages oftere end én gang om dagen.")
            )
        if until := rule_prop.get("UNTIL"):
            value = until[0]
            if isinstance(value, dt.datetime):
                if value.tzinfo is not None:
                    value = value.astimezone(frame).replace(tzinfo=None)
            elif isinstance(value, dt.date):
                value = dt.datetime.combine(value, dt.time.max)
            else:
                raise _Skip(_("»%(title)s« er sprunget over: gentagelsen kan ikke læses."))
            shift = local_start.year - (local_start.year - 0)  # placeholder, replaced below
            del shift
            try:
                value = value.replace(
                    year=value.year + (local_start.year - self._unshifted_year(local_start))
                )
            except ValueError:
                value = dt.datetime.max
            rule = rule.replace(until=value)
        return rule

    def _unshifted_year(self, local_start: dt.datetime) -> int:
        return local_start.year

    def _dates(self, component, name: str, frame) -> set:
        """EXDATE or RDATE values in the series' frame: datetimes (naive) and dates."""
        values: set = set()
        for prop in _as_list(component.get(name)):
            if isinstance(prop, vBroken):
                raise _Skip(
                    _("»%(title)s« er sprunget over: %(name)s kan ikke læses.").replace(
                        "%(name)s", name
                    )
                )
            for item in getattr(prop, "dts", []):
                try:
                    moment, is_date = self._aware(item, name)
                except _Skip:
                    continue
                values.add(moment.date() if is_date else self._in_frame(moment, frame))
        return values

    def _in_frame(self, moment: dt.datetime, frame) -> dt.datetime:
        return moment.astimezone(frame).replace(tzinfo=None)

    def _in_window(self, event: ImportedEvent) -> bool:
        return self.window_start <= event.start <= self.window_end

    # -- text ---------------------------------------------------------------------------------

    def _uid(self, component) -> str:
        uid = self._text(component, "UID", 10_000)
        if not uid:
            # Stable across imports as long as the event keeps its start and title.
            start = component.get("DTSTART")
            fingerprint = "|".join(
                (
                    start.to_ical().decode() if hasattr(start, "to_ical") else "",
                    self._text(component, "SUMMARY"),
                    self._text(component, "LOCATION"),
                )
            )
            return "samspil-" + hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
        if len(uid) > SOURCE_UID_LENGTH - 40:
            return "samspil-" + hashlib.sha256(uid.encode()).hexdigest()
        return uid

    def _text(self, component, name: str, limit: int | None = None) -> str:
        value = component.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if value is None or isinstance(value, vBroken):
            return ""
        return _plain(str(value), limit)


def _plain(value: str, limit: int | None = None) -> str:
    """Text as it will be shown: no markup, no script, entities decoded, whitespace folded."""
    if "<" in value or "&" in value:
        value = SCRIPT_OR_STYLE.sub(" ", value)
        value = LINE_BREAK_TAG.sub(" ", value)
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
    if not url or len(url) > URL_LENGTH or urlsplit(url).scheme.lower() not in ("http", "https"):
        return False
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True
