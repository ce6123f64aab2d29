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

# Other code imports from here. A test that patches a name patches the module that looks it
# up (``home.ical_import.events.MAX_EVENTS``), not this re-export.
from .applying import apply_calendar, import_calendar
from .events import ImportedEvent, ReadCalendar
from .fetching import download_calendar, fetch_calendar
from .limits import (
    MAX_EVENTS,
    MAX_FILE_BYTES,
    MAX_NESTING,
    MAX_OCCURRENCES,
    CalendarRefused,
    too_large_message,
)
from .reading import read_calendar

__all__ = [
    "MAX_EVENTS",
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "MAX_OCCURRENCES",
    "CalendarRefused",
    "ImportedEvent",
    "ReadCalendar",
    "apply_calendar",
    "download_calendar",
    "fetch_calendar",
    "import_calendar",
    "read_calendar",
    "too_large_message",
]
