"""The week calendar of a facility: its open periods, split into free, asked-for and taken
times. Public: it shows no names, only when the facility is free.

Costs three queries however many bookings the facility has: its opening hours, its closed
dates in the week, and the bookings that overlap the week (index booking_facility_start)."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import Booking, Facility

FREE, REQUESTED, TAKEN = "free", "requested", "taken"
STATE_LABELS = {FREE: _("Ledig"), REQUESTED: _("Forespurgt"), TAKEN: _("Optaget")}
# How far the calendar may be paged (weeks from today), so no one walks it to the year 9999.
MAX_WEEKS = 104


@dataclass
class Slot:
    start: dt.datetime
    end: dt.datetime
    state: str

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass
class Day:
    date: dt.date
    closed_reason: str | None = None
    slots: list[Slot] = field(default_factory=list)

    @property
    def label(self) -> str:
        return date_format(self.date, "l j. F")

    @property
    def is_closed(self) -> bool:
        return self.closed_reason is not None or not self.slots


@dataclass
class Week:
    monday: dt.date
    days: list[Day]

    @property
    def previous(self) -> dt.date:
        return self.monday - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)

    @property
    def number(self) -> int:
        return self.monday.isocalendar().week


def parse_week(value: str | None, today: dt.date) -> dt.date:
    """The Monday of the asked-for week (?uge=YYYY-MM-DD), this week when absent or bad."""
    this_monday = today - dt.timedelta(days=today.weekday())
    if not value or len(value) > 10:
        return this_monday
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return this_monday
    monday = day - dt.timedelta(days=day.weekday())
    if abs((monday - this_monday).days) > MAX_WEEKS * 7:
        return this_monday
    return monday


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def week_of(facility: Facility, monday: dt.date) -> Week:
    start = _at(monday, dt.time.min)
    end = _at(monday + dt.timedelta(days=7), dt.time.min)
    hours = sorted(facility.opening_hours.all(), key=lambda h: (h.weekday, h.opens))
    closed = dict(
        facility.closed_dates.filter(date__gte=monday, date__lt=monday + dt.timedelta(days=7))
        .order_by()
        .values_list("date", "reason")
    )
    bookings = list(
        Booking.objects.holding()
        .overlapping(facility.pk, start, end)
        .order_by("start")
        .values_list("start", "end", "status")
    )
    days = []
    for offset in range(7):
        day = Day(monday + dt.timedelta(days=offset))
        if day.date in closed:
            day.closed_reason = closed[day.date] or ""
        else:
            for period in (h for h in hours if h.weekday == offset):
                day.slots += _split(
                    _at(day.date, period.opens), _at(day.date, period.closes), bookings
                )
        days.append(day)
    return Week(monday, days)


def _split(opens: dt.datetime, closes: dt.datetime, bookings) -> list[Slot]:
    """The open period cut at every booking inside it: free gaps between the booked parts
    (an approved booking wins over a request for the same time)."""
    slots, cursor = [], opens
    inside = [
        (max(s, opens), min(e, closes), st) for s, e, st in bookings if s < closes and e > opens
    ]
    for start, end, status in sorted(inside, key=lambda b: (b[0], b[2] != Booking.Status.APPROVED)):
        if end <= cursor:
            continue
        if start > cursor:
            slots.append(Slot(cursor, start, FREE))
        state = TAKEN if status == Booking.Status.APPROVED else REQUESTED
        slots.append(Slot(max(start, cursor), end, state))
        cursor = end
    if cursor < closes:
        slots.append(Slot(cursor, closes, FREE))
    return [_local(slot) for slot in slots]


def _local(slot: Slot) -> Slot:
    return Slot(timezone.localtime(slot.start), timezone.localtime(slot.end), slot.state)
