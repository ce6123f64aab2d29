"""What one calendar may cost, and the refusal of a file that costs more."""

import datetime as dt

from django.utils.translation import gettext as _

from ..models import EventPage

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


class CalendarRefused(Exception):
    """The file as a whole cannot be imported; the message says why and what to do."""


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


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")
