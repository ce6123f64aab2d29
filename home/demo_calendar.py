"""A demo association's own calendar, as the .ics file it would export, for ``seed_demo``.

The dates are relative to the day it is built, so the demo always has coming events; the
UIDs are fixed, so importing it again on a later day moves the same events instead of
adding new ones.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from .ical_import import import_calendar
from .models import CalendarImport, EventIndexPage, Organisation

DEMO_ORGANISATION = "toender-kirkekor"
DEMO_FILENAME = "foreningens-kalender.ics"
UID_DOMAIN = "toenderkirkekor.example"
CHURCH = "Tønder Kristkirke, Kirkepladsen, 6270 Tønder"
PARISH_HALL = "Menighedshuset ved Tønder Kristkirke"

# (uid, days from today, start (hour, minute) or None for all day, hours or days, fields)
DEMO_EVENTS = (
    (
        "korproeve",
        2,
        (19, 0),
        2,
        {
            "summary": "Korprøve – nye sangere er velkomne",
            "description": (
                "Koret øver hver uge. Kom og syng med en aften og se, om det er noget for "
                "dig; du behøver ikke kunne læse noder. Der er kaffe i pausen."
            ),
            "location": PARISH_HALL,
            "rrule": {"FREQ": "WEEKLY", "COUNT": 8},
        },
    ),
    (
        "faellessang-solgaarden",
        9,
        (14, 30),
        1,
        {
            "summary": "Fællessang på Solgården",
            "description": (
                "Kirkekoret synger fællessang med beboere, pårørende og naboer – sange fra "
                "Højskolesangbogen efter ønske. Alle kan synge med, og der er sangark med stor "
                "skrift."
            ),
            "location": "Solgården, fælleshuset",
        },
    ),
    (
        "syng-med-biblioteket",
        16,
        (15, 0),
        1.5,
        {
            "summary": "Syng med på biblioteket",
            "description": (
                "En eftermiddag med kendte danske sange i samarbejde med Tønder Bibliotek. "
                "Der er trinfri adgang og teleslynge i salen."
            ),
            "location": "Tønder Bibliotek, Kirkepladsen 3, 6270 Tønder",
        },
    ),
    (
        "korstaevne-ribe",
        24,
        None,
        2,
        {
            "summary": "Korstævne i Ribe",
            "description": (
                "Koret deltager i det sønderjyske korstævne med fælleskoncert i Ribe Domkirke "
                "søndag eftermiddag. Fælles bustransport fra Tønder."
            ),
            "location": "Ribe Domkirke, Torvet 15, 6760 Ribe",
        },
    ),
    (
        "koncert-kristkirken",
        38,
        (16, 0),
        1.5,
        {
            "summary": "Koncert i Kristkirken: Danske sange gennem året",
            "description": (
                "Kirkekorets koncert med sange fra alle årstider. Gratis adgang; der samles "
                "ind til korets rejsekasse ved udgangen."
            ),
            "location": CHURCH,
            "url": "https://www.toenderkirkekor.dk/koncerter",
        },
    ),
    (
        "aaben-korproeve-engbo",
        45,
        (10, 0),
        1.5,
        {
            "summary": "Åben korprøve på Engbo",
            "description": (
                "Koret holder sin lørdagsprøve på Engbo, så beboerne kan lytte med eller synge "
                "med. Desværre aflyst på grund af sygdom i koret – vi finder en ny dato."
            ),
            "location": "Engbo, dagligstuen",
            "status": "CANCELLED",
        },
    ),
)


def build_demo_ics(today: dt.date) -> bytes:
    """The demo association's calendar around ``today``, as an exported .ics file."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//Tønder Kirkekor//Korets kalender//DA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Tønder Kirkekor")
    stamp = dt.datetime.combine(today, dt.time(6, 0), tzinfo=dt.UTC)
    for uid, days, start_time, length, fields in DEMO_EVENTS:
        event = Event()
        event.add("uid", f"{uid}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        day = today + dt.timedelta(days=days)
        if start_time is None:
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=length))
        else:
            start = dt.datetime.combine(day, dt.time(*start_time), tzinfo=zone)
            event.add("dtstart", start)
            event.add("dtend", start + dt.timedelta(hours=length))
        for name in ("summary", "description", "location", "url", "status"):
            if name in fields:
                event.add(name, fields[name])
        if "rrule" in fields:
            event.add("rrule", vRecur(fields["rrule"]))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def import_demo_calendar() -> CalendarImport | None:
    """Import the demo calendar for Tønder Kirkekor; None when the demo organisation or the
    calendar page is missing. Running it again updates the same events."""
    organisation = Organisation.objects.filter(slug=DEMO_ORGANISATION).first()
    if organisation is None or not EventIndexPage.objects.exists():
        return None
    return import_calendar(
        organisation,
        build_demo_ics(timezone.localdate()),
        source=CalendarImport.Source.UPLOAD,
        filename=DEMO_FILENAME,
    )
