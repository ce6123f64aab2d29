"""What a home shows on its notice-board screen, its week poster and its printed monthly letter.

The screen hangs in the common room, where visitors pass; the poster hangs on the notice board.
Both are therefore built for everyone: never a relatives-only news item or event, and never a
photo of a resident who consented to *mit netværk* (or *ingen*). The printed letter goes to
relatives by post and may be passed on, so it is built for ``PUBLIC``, as the e-mail digests.

One function decides which picture goes with which event or news item: ``event_pictures``.

The screen and the poster are addresses anyone can open (``/<home>/skaerm/``,
``/<home>/uge.pdf``), and the photo files are served only to viewers ``residents`` allows;
so by default both show the PUBLIC photos (``WALL_AUDIENCE``): *botilbuddet* photos on a
public address would reach the whole internet. Two viewers get ``PhotoAudience.HOME``
(public + *botilbuddet* photos of the home, never *mit netværk* or *ingen*): a screen paired
with its home (``residents.screens``: a device cookie, created by the home's staff; its
answers are ``private, no-store`` and never in the page cache, and the photo files it shows
are served to that device only), and the week poster when a signed-in staff member of the
home prints it for the home's own wall.
"""

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import BotilbudPage, EventPage, NewsPage
from .models.base import prefetch_renditions
from .pictograms import PICTOGRAMS, pictogram_path, pictogram_url

SCREEN_IMAGE = "fill-960x600-c50"
POSTER_IMAGE = "fill-480x300-c50"
# The years a week or month may name: enough for any real poster, small enough that no date
# arithmetic can overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2100
WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$", re.ASCII)
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
# The screen lists at most this many events (a week of a busy home fits several times).
SCREEN_EVENTS_LIMIT = 40
LETTER_NEWS_LIMIT = 12
LETTER_EVENTS_LIMIT = 30


class PhotoAudience(StrEnum):
    """Who looks at a picture (residents.visibility's audiences PUBLIC and HOME)."""

    PUBLIC = "public"  # anyone: the public site, feeds, digests, the printed letter
    HOME = "home"  # the home's own walls: screen and poster (public + "botilbuddet" photos)


# Who an unpaired screen's and an anonymous poster's photos are for (see the module's
# docstring); a paired screen and the home's own staff get PhotoAudience.HOME.
WALL_AUDIENCE = PhotoAudience.PUBLIC


class BadPeriod(ValueError):
    """A week or month parameter that names no period; its message is for the visitor."""


@dataclass(frozen=True)
class Picture:
    """What goes beside an event or news item: a photo's rendition, else a pictogram."""

    url: str | None  # the photo's rendition URL (None: no photo)
    alt: str
    rendition: object | None  # the rendition itself (the PDF reads its file)
    pictogram: str  # a slug of home.pictograms, or ""

    @property
    def pictogram_url(self) -> str | None:
        return pictogram_url(self.pictogram) if self.pictogram else None

    @property
    def pictogram_label(self) -> str:
        return str(PICTOGRAMS.get(self.pictogram, ""))

    @property
    def pictogram_path(self) -> str | None:
        return pictogram_path(self.pictogram) if self.pictogram else None


def event_pictures(
    items: list, audience: PhotoAudience, filter_spec: str = SCREEN_IMAGE
) -> dict[int, Picture]:
    """The picture each event or news item may show to ``audience``, by page id.

    First a consented resident photo attached to the item, as ``residents.visibility``
    decides for ``audience`` (PUBLIC: only photos all of whose residents consented to
    *offentligt*, or with nobody recognisable; HOME: also *botilbuddet*; never *mit
    netværk*); else the item's own Wagtail image (nobody recognisable, see residents);
    beside it the item's pictogram. Three queries for any number of items.
    """
    # Imported here: residents is an app beside home (its models point at home's).
    from residents.models import PhotoRendition
    from residents.visibility import Audience, photo_url, photos_on_pages

    viewer = Audience.HOME if audience == PhotoAudience.HOME else Audience.PUBLIC
    home_ids = {item.botilbud_id for item in items}
    photos: dict[int, list] = {}
    if items:
        for home_id in home_ids:
            ids = [item.pk for item in items if item.botilbud_id == home_id]
            photos.update(photos_on_pages(ids, viewer, botilbud_id=home_id))
    first_photos = {page_id: found[0] for page_id, found in photos.items() if found}
    photo_files = {
        rendition.photo_id: rendition
        for rendition in PhotoRendition.objects.filter(
            photo__in=list(first_photos.values()), size="small"
        )
    }
    images = [item.image for item in items if getattr(item, "image_id", None)]
    prefetch_renditions(images, filter_spec)
    pictures = {}
    for item in items:
        photo = first_photos.get(item.pk)
        if photo is not None:
            pictures[item.pk] = Picture(
                url=photo_url(photo, "small"),
                alt=photo.caption,
                rendition=photo_files.get(photo.pk),
                pictogram=item.pictogram,
            )
            continue
        rendition = item.image.get_rendition(filter_spec) if item.image_id else None
        pictures[item.pk] = Picture(
            url=rendition.url if rendition else None,
            alt=item.image.title if rendition else "",
            rendition=rendition,
            pictogram=item.pictogram,
        )
    return pictures


def attach_pictures(items: list, pictures: dict[int, Picture]) -> None:
    """Each item carries its picture as ``item.picture``, for the templates."""
    for item in items:
        item.picture = pictures[item.pk]


def _home_events(home: BotilbudPage) -> QuerySet:
    # Never relatives-only: the screen and the poster are seen by whoever passes by.
    return (
        EventPage.objects.live()
        .public()
        .for_public()
        .filter(botilbud=home)
        .select_related("image")
        .order_by("start", "pk")
    )


def parse_week(raw: str | None, today: dt.date | None = None) -> dt.date:
    """The Monday of an ISO week written ``2026-W49``; this week when ``raw`` is empty."""
    today = today or timezone.localdate()
    if not raw:
        return today - dt.timedelta(days=today.weekday())
    match = WEEK_RE.match(raw.strip())
    if not match:
        raise BadPeriod(_("Skriv ugen som år og ugenummer, f.eks. 2026-W49."))
    year, week = int(match[1]), int(match[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadPeriod(
            _("Vælg en uge mellem år %(first)s og %(last)s.")
            % {
                "first": FIRST_YEAR,
                "last": LAST_YEAR,
            }
        )
    try:
        return dt.date.fromisocalendar(year, week, 1)
    except ValueError as error:
        raise BadPeriod(
            _("År %(year)s har ikke en uge %(week)s.") % {"year": year, "week": week}
        ) from error


def parse_month(raw: str | None, today: dt.date | None = None) -> dt.date:
    """The first day of a month written ``2026-12``; this month when ``raw`` is empty."""
    today = today or timezone.localdate()
    if not raw:
        return today.replace(day=1)
    match = MONTH_RE.match(raw.strip())
    if not match:
        raise BadPeriod(_("Skriv måneden som år og måned, f.eks. 2026-12."))
    year, month = int(match[1]), int(match[2])
    if not FIRST_YEAR <= year <= LAST_YEAR or not 1 <= month <= 12:
        raise BadPeriod(_("Den måned findes ikke i kalenderen her."))
    return dt.date(year, month, 1)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _events_between(home: BotilbudPage, first: dt.date, after_last: dt.date) -> list[EventPage]:
    """Events that take place on a day in [first, after_last): started before the end and
    not over before the start (uses the botilbud/ends_at index)."""
    return list(
        _home_events(home).filter(ends_at__gte=_start_of(first), start__lt=_start_of(after_last))
    )


@dataclass
class Day:
    date: dt.date
    events: list[EventPage]


def _days(events: list[EventPage], first: dt.date, count: int) -> list[Day]:
    days = []
    for offset in range(count):
        date = first + dt.timedelta(days=offset)
        start, end = _start_of(date), _start_of(date + dt.timedelta(days=1))
        days.append(
            Day(date, [event for event in events if event.start < end and event.ends_at >= start])
        )
    return days


def screen_content(
    home: BotilbudPage,
    now: dt.datetime | None = None,
    audience: PhotoAudience = WALL_AUDIENCE,
) -> dict:
    """Today's events and the rest of the week's, with their pictures for ``audience``."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    monday = today - dt.timedelta(days=today.weekday())
    events = _events_between(home, monday, monday + dt.timedelta(days=7))[:SCREEN_EVENTS_LIMIT]
    attach_pictures(events, event_pictures(events, audience, SCREEN_IMAGE))
    days = _days(events, monday, 7)
    today_events = next(day.events for day in days if day.date == today)
    return {
        "home": home,
        "today": today,
        "today_events": [event for event in today_events if event.ends_at >= now],
        "week_days": [day for day in days if day.date > today and day.events],
        "generated_at": timezone.localtime(now),
    }


@dataclass(frozen=True)
class PosterLayout:
    """How densely the week poster is set; the poster picks the first that fits its events
    (``for_events``) and, should WeasyPrint still need a second page, the next one."""

    name: str  # the template's class for it
    max_events: int  # the most events this layout is chosen for at first
    font_pt: int  # never below 11 pt: the poster is read from a step away
    columns: int
    per_day: int | None  # lines per day at most, the "+N mere" line included (None: all)
    photos: bool
    texts: bool  # the easy-read line (or the intro, in the roomiest layout)
    pictograms: bool


POSTER_LAYOUTS = (
    PosterLayout("roomy", 5, 15, 1, None, True, True, True),
    PosterLayout("busy", 10, 13, 1, 5, False, True, True),
    PosterLayout("columns", 28, 12, 2, 7, False, False, True),
    # The last one always fits: seven days of at most 8 one-line entries in two columns.
    PosterLayout("crowded", 10**9, 11, 2, 8, False, False, False),
)


def poster_layouts(event_count: int) -> tuple[PosterLayout, ...]:
    """The layouts to try, roomiest first, for a week of ``event_count`` events."""
    first = next(i for i, layout in enumerate(POSTER_LAYOUTS) if event_count <= layout.max_events)
    return POSTER_LAYOUTS[first:]


@dataclass
class PosterDay:
    date: dt.date
    events: list[EventPage]  # the ones printed
    more: int  # how many more that day ("+N mere")

    @property
    def lines(self) -> int:
        return len(self.events) + (1 if self.more else 0)


def _poster_days(days: list[Day], layout: PosterLayout) -> list[PosterDay]:
    result = []
    for day in days:
        if not day.events:
            continue
        events = day.events
        if layout.per_day is not None and len(events) > layout.per_day:
            events = events[: layout.per_day - 1]
        result.append(PosterDay(day.date, events, len(day.events) - len(events)))
    return result


def _columns(days: list[PosterDay], count: int) -> list[list[PosterDay]]:
    """The days in ``count`` (1 or 2) columns, in order, as evenly tall as a split allows
    (a day's heading counts as two lines)."""
    if count == 1 or len(days) < 2:
        return [days]
    heights = [day.lines + 2 for day in days]
    total = sum(heights)
    best = min(range(1, len(days)), key=lambda k: max(sum(heights[:k]), total - sum(heights[:k])))
    return [days[:best], days[best:]]


def lay_out_poster(context: dict, layout: PosterLayout) -> dict:
    """The week poster's context set in ``layout``."""
    days = _poster_days(context["days"], layout)
    return {**context, "layout": layout, "columns": _columns(days, layout.columns)}


def week_poster_content(
    home: BotilbudPage, monday: dt.date, audience: PhotoAudience = WALL_AUDIENCE
) -> dict:
    """The week's events with their pictures for ``audience``, in the roomiest layout that
    should fit one A4 page (``lay_out_poster`` sets it in another)."""
    events = _events_between(home, monday, monday + dt.timedelta(days=7))
    attach_pictures(events, event_pictures(events, audience, POSTER_IMAGE))
    context = {
        "home": home,
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "week_number": monday.isocalendar().week,
        "days": _days(events, monday, 7),
        "events": events,
        "has_events": bool(events),
    }
    return lay_out_poster(context, poster_layouts(len(events))[0])


def _next_month(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1)


def monthly_letter_content(home: BotilbudPage, month: dt.date) -> dict:
    """The printed letter for ``month``: last month's news and this month's events.

    Only what the public may see (no relatives-only items, PUBLIC pictures): the letter
    travels by post and lies on kitchen tables.
    """
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    news = list(
        NewsPage.objects.live()
        .public()
        .for_public()
        .filter(botilbud=home, date__gte=previous, date__lt=month)
        .select_related("image")
        .order_by("date", "pk")[:LETTER_NEWS_LIMIT]
    )
    events = _events_between(home, month, _next_month(month))[:LETTER_EVENTS_LIMIT]
    items = [*news, *events]
    attach_pictures(items, event_pictures(items, PhotoAudience.PUBLIC, POSTER_IMAGE))
    return {
        "home": home,
        "month": month,
        "previous_month": previous,
        "news": news,
        "events": events,
        "printed_at": timezone.localtime(),
    }
