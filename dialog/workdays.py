"""Working days in Denmark: what "answered within 2 working days" counts.

The public holidays (helligdage) are the ones in the Danish holiday act, computed from
Easter (the Gregorian computus, ``dateutil.easter``):

    nytårsdag (1 Jan), skærtorsdag, langfredag, påskedag, 2. påskedag,
    Kristi himmelfartsdag (Easter + 39), pinsedag, 2. pinsedag, juledag, 2. juledag,
    and store bededag (Easter + 26) up to and including 2023 – it was abolished from 2024.

Grundlovsdag (5 June), juleaftensdag (24 Dec) and nytårsaftensdag (31 Dec) are *not* public
holidays: many workplaces close early or give the day off by agreement, but a botilbud is
staffed every day of the year and the law does not count them, so neither do we.

A deadline of *n* working days ends at the **end** (23:59:59, Copenhagen time) of the n-th
working day after the day the thread was started: a concern sent on a Friday evening (or on
Saturday) with 2 working days is due Tuesday at the end of the day. Counting whole days keeps
the promise easy to say ("svar senest tirsdag") and does not punish a message written at
16:55 with an evening deadline.
"""

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.easter import easter

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
STORE_BEDEDAG_ABOLISHED = 2024  # first year without it (abolished by law in 2023)
END_OF_DAY = dt.time(23, 59, 59)


@lru_cache(maxsize=64)
def danish_holidays(year: int) -> dict[dt.date, str]:
    """The public holidays of ``year``, by date, with their Danish names."""
    sunday = easter(year)
    days = {
        dt.date(year, 1, 1): "Nytårsdag",
        sunday - dt.timedelta(days=3): "Skærtorsdag",
        sunday - dt.timedelta(days=2): "Langfredag",
        sunday: "Påskedag",
        sunday + dt.timedelta(days=1): "2. påskedag",
        sunday + dt.timedelta(days=39): "Kristi himmelfartsdag",
        sunday + dt.timedelta(days=49): "Pinsedag",
        sunday + dt.timedelta(days=50): "2. pinsedag",
        dt.date(year, 12, 25): "Juledag",
        dt.date(year, 12, 26): "2. juledag",
    }
    if year < STORE_BEDEDAG_ABOLISHED:
        days[sunday + dt.timedelta(days=26)] = "Store bededag"
    return days


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in danish_holidays(day.year)


def add_working_days(moment: dt.datetime, n: int) -> dt.datetime:
    """The end (Copenhagen time) of the n-th working day after ``moment``'s own day.

    ``moment`` must be timezone-aware; the result is aware, in Europe/Copenhagen, and right
    across a change to or from summer time (the wall clock says 23:59:59 either way).
    """
    if moment.tzinfo is None:
        raise ValueError("add_working_days needs an aware datetime")
    if n < 0:
        raise ValueError("n must not be negative")
    day = moment.astimezone(COPENHAGEN).date()
    if n == 0:
        # Today if it is a working day, else the next one.
        while not is_working_day(day):
            day += dt.timedelta(days=1)
    for _ in range(n):
        day += dt.timedelta(days=1)
        while not is_working_day(day):
            day += dt.timedelta(days=1)
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=COPENHAGEN)
