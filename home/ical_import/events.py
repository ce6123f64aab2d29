"""Turning a parsed calendar's VEVENTs into plain event data, one event at a time: a
problem with one event skips that event, never the file."""

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar.prop import vBroken, vRecur

from ..models import Organisation
from .limits import (
    ALLOWED_FREQUENCIES,
    EXPANSION_BUDGET_SECONDS,
    FEW_VALUE_PARTS,
    INTRO_LENGTH,
    LOCATION_LENGTH,
    LONGEST_EVENT,
    MAX_EVENTS,
    MAX_FEW_VALUES,
    MAX_OCCURRENCES,
    MAX_RULE_VALUES,
    OLDEST_YEAR,
    SOURCE_UID_LENGTH,
    TITLE_LENGTH,
    URL_LENGTH,
    WINDOW_AFTER,
    WINDOW_BEFORE,
    YEARS_AHEAD,
    CalendarRefused,
)
from .recurrence import _as_list, _occurrences, _stamp, _wall_clock
from .text import _is_web_url, _plain


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


def _too_many_events() -> str:
    return _(
        "Kalenderen har flere end %(limit)s arrangementer (gentagelser talt med). Eksportér "
        "kun de kommende arrangementer, eller del kalenderen op."
    ) % {"limit": f"{MAX_EVENTS:,}".replace(",", ".")}


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
