"""Reading a whole .ics file: its size, encoding and structure are checked on the raw
text before the parser builds anything from it, and nothing touches the database."""

import datetime as dt
import logging
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar

from ..models import Organisation
from .events import ReadCalendar, _EventReader, _too_many_events
from .limits import MAX_EVENTS, MAX_FILE_BYTES, MAX_NESTING, CalendarRefused, too_large_message

logger = logging.getLogger(__name__)

# The same unfolding and line splitting as icalendar's own parser (RFC 5545, 3.1).
FOLD = re.compile(r"(\r?\n)+[ \t]")
NEWLINE = re.compile(r"\r?\n")
BEGIN_OR_END = re.compile(r"(BEGIN|END)[;:]", re.IGNORECASE)


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


def _not_a_calendar() -> str:
    return _(
        "Filen er ikke en kalenderfil (iCalendar, .ics), eller den er beskadiget. Eksportér "
        "kalenderen igen fra kalenderprogrammet, og vælg formatet iCalendar (.ics)."
    )
