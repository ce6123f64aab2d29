"""What other programs read: calendar (.ics) and news (RSS) feeds, and schema.org data.

Calendars are RFC 5545 iCalendar built with ``icalendar``; news is RSS 2.0 through
django.contrib.syndication; event and news pages describe themselves as schema.org JSON-LD.
A feed costs the same few queries however many events or news items it holds: rows come
with what the feed shows (the home's and organiser's names joined in), and page URLs are
built from ``url_path`` and the site root paths Wagtail keeps per request.
"""

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, F, Max, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator, timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.html import escape, format_html
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event, vDuration

from .models import (
    BotilbudPage,
    CalendarImport,
    EventIndexPage,
    EventPage,
    NewsPage,
    Organisation,
    OrganisationIndexPage,
)
from .models.base import restrictions_in_request
from .navigation import site_structure

# Subscribers keep recent events for a while (someone checking what they went to).
FEED_PAST_DAYS = 30
# A built calendar feed is kept this long at most (it is rebuilt sooner when anything changes).
FEED_CACHE_SECONDS = 3600
NEWS_FEED_SIZE = 20
PRODID = "-//Samspil//Samspil kalender//DA"
# How often calendar apps should fetch a subscription again (RFC 7986, and Outlook's name).
REFRESH_INTERVAL = dt.timedelta(hours=6)
SCHEMA_EVENT_STATUS = {
    False: "https://schema.org/EventScheduled",
    True: "https://schema.org/EventCancelled",
}
# A JSON-LD block is read by the HTML parser first: these three must not close or open a tag.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}

# What a feed row needs: its text, times, URL (url_path) and publication times.
ICS_FIELDS = (
    "title",
    "slug",
    "url_path",
    "start",
    "end",
    "all_day",
    "intro",
    "location",
    "address",
    "cancelled",
    "first_published_at",
    "last_published_at",
    "latest_revision_created_at",
)
NEWS_FIELDS = (
    "title",
    "url_path",
    "date",
    "intro",
    "first_published_at",
    "last_published_at",
)


def site_host() -> str:
    """The public host name, from settings rather than the request: a UID must not change
    with the address someone happened to use."""
    base = getattr(settings, "BASE_URL", "") or getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    return urlsplit(base).hostname or "samspil"


def absolute_page_url(page, request: HttpRequest) -> str:
    """The page's full address, or "" when it has none: not routable (no site holds it), or
    not saved yet (the admin's preview of a new page)."""
    url = page.get_url(request) if page.url_path else None
    return request.build_absolute_uri(url) if url else ""


def municipality() -> dict:
    return {"@type": "GovernmentOrganization", "name": _("Tønder Kommune")}


# --- iCalendar -------------------------------------------------------------------------


def feed_events(now: dt.datetime | None = None):
    """Live, public events that have not ended or ended within FEED_PAST_DAYS, in one query.

    Never relatives-only ones: subscribed calendars are fetched anonymously and cached for
    everyone. Publishing a page moves last_published_at, so marking or unmarking one changes
    ``calendar_fingerprint`` and the cached feeds are rebuilt."""
    now = now or timezone.now()
    return (
        EventPage.objects.live()
        .public()
        .for_public()
        .filter(ends_at__gte=now - dt.timedelta(days=FEED_PAST_DAYS))
        .only(*ICS_FIELDS)
        .annotate(home_title=F("botilbud__title"), organiser_name=F("organiser__name"))
        .order_by("start", "pk")
    )


def event_uid(event: EventPage) -> str:
    """Stable for the event's lifetime: edits, moves and renames keep it."""
    return f"event-{event.pk}@{site_host()}"


def event_sequence(event: EventPage) -> int:
    """Seconds from first to latest publication.

    RFC 5545 asks SEQUENCE to grow with each significant revision so that calendar apps
    replace their copy; every publication moves last_published_at forward, and the first
    publication gives 0, as the RFC starts. Counting revisions would cost a query per event.
    """
    if event.first_published_at and event.last_published_at:
        return max(0, int((event.last_published_at - event.first_published_at).total_seconds()))
    return 0


def event_modified(event: EventPage) -> dt.datetime | None:
    return event.last_published_at or event.latest_revision_created_at or event.first_published_at


def event_times(event: EventPage) -> tuple[dt.datetime | dt.date, dt.datetime | dt.date | None]:
    """DTSTART and DTEND: local times with the site's zone, or dates for all-day events,
    whose DTEND is the day after the last (RFC 5545 end dates are exclusive)."""
    zone = timezone.get_default_timezone()
    start = event.start.astimezone(zone)
    end = event.end.astimezone(zone) if event.end else None
    if event.all_day:
        last_day = (end or start).date()
        return start.date(), last_day + dt.timedelta(days=1)
    return start, end


def ical_event(event: EventPage, request: HttpRequest) -> Event:
    url = absolute_page_url(event, request)
    start, end = event_times(event)
    modified = event_modified(event)
    summary = event.title
    if event.cancelled:
        # Not every calendar app shows STATUS; the title says it to everyone.
        summary = _("Aflyst: %(title)s") % {"title": event.title}
    location = ", ".join(part for part in (event.location, event.address) if part)
    # A tuple: icalendar writes an empty CATEGORIES line for an empty list.
    categories = tuple(name for name in (event.home_title, event.organiser_name) if name)
    return Event.new(
        uid=event_uid(event),
        # Without METHOD, DTSTAMP is when the event was last revised (RFC 5545 3.8.7.2).
        stamp=modified or timezone.now(),
        last_modified=modified,
        sequence=event_sequence(event),
        status="CANCELLED" if event.cancelled else "CONFIRMED",
        summary=summary,
        description="\n\n".join(part for part in (event.intro, url) if part),
        location=location or None,
        url=url or None,
        categories=categories,
        start=start,
        end=end,
    )


def build_calendar(events, request: HttpRequest, name: str, description: str = "") -> Calendar:
    calendar = Calendar.new(
        prodid=PRODID,
        name=name,
        description=description or None,
        # RFC 7986 gives the calendar a UID of its own; a stable one, not a fresh uuid4.
        uid=f"{site_host()}{request.path}",
    )
    calendar.add("REFRESH-INTERVAL", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    calendar.add("X-WR-TIMEZONE", settings.TIME_ZONE)
    years = []
    for event in events:
        calendar.add_component(ical_event(event, request))
        years += [event.start.year, (event.end or event.start).year]
    if years:
        # A VTIMEZONE for the years the events span (UTC years; local time is ahead, so the
        # year after covers New Year's Eve): a dozen lines instead of every change 1970-2038.
        calendar.add_missing_timezones(
            first_date=dt.date(min(years), 1, 1), last_date=dt.date(max(years) + 1, 12, 31)
        )
    return calendar


def ics_response(calendar: Calendar | bytes, download_as: str = "") -> HttpResponse:
    body = calendar if isinstance(calendar, bytes) else calendar.to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    if download_as:
        response["Content-Disposition"] = content_disposition_header(True, download_as)
    return response


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def calendar_fingerprint() -> str:
    """Changes whenever what a calendar feed shows can have changed, read from the database
    (so every web process agrees): an event published, unpublished, deleted or added, an
    association's calendar imported again, a view restriction added or removed; and on the
    hour, as the feed's window moves and homes or organisers may have been renamed."""
    events = EventPage.objects.aggregate(
        live=Count("pk", filter=Q(live=True)),
        last=Max("pk"),
        published=Max("last_published_at"),
        revised=Max("latest_revision_created_at"),
    )
    imported = CalendarImport.objects.aggregate(last=Max("pk"))["last"]
    restrictions = sorted(restriction.pk for restriction in restrictions_in_request() or [])
    hour = timezone.now().strftime("%Y%m%d%H")
    parts = [*events.values(), imported, restrictions, hour, translation.get_language()]
    return short_hash(repr(parts)) + short_hash(repr(parts[::-1]))


def cached_ics(request: HttpRequest, scope: str, build) -> HttpResponse:
    """A subscribed calendar is fetched again and again by every subscriber's calendar app;
    it is built once per change (``calendar_fingerprint``) and answered from the cache until
    then, with an ETag so an unchanged feed costs the app a 304."""
    fingerprint = calendar_fingerprint()
    etag = f'"{fingerprint}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        # The feed's links carry the host it was asked on, so each host has its own copy.
        key = f"samspil:ics:{scope}:{short_hash(request.get_host())}:{fingerprint}"
        body = cache.get(key)
        if body is None:
            body = build().to_ical()
            cache.set(key, body, FEED_CACHE_SECONDS)
        response = ics_response(body)
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=900"
    return response


def news_fingerprint() -> str:
    """Changes whenever a news feed can have changed (as ``calendar_fingerprint``)."""
    news = NewsPage.objects.aggregate(
        live=Count("pk", filter=Q(live=True)),
        last=Max("pk"),
        published=Max("last_published_at"),
        revised=Max("latest_revision_created_at"),
    )
    restrictions = sorted(restriction.pk for restriction in restrictions_in_request() or [])
    hour = timezone.now().strftime("%Y%m%d%H")
    parts = [*news.values(), restrictions, hour, translation.get_language()]
    return short_hash(repr(parts)) + short_hash(repr(parts[::-1]))


def cached_rss(view):
    """A news feed with an ETag, built once per change, like the calendar feeds."""

    def cached(request: HttpRequest, slug: str | None = None) -> HttpResponse:
        fingerprint = news_fingerprint()
        etag = f'"{fingerprint}"'
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
        else:
            # The slug comes from the address: hashed, so no key outgrows a cache's limit.
            scope = short_hash(slug) if slug else "all"
            key = f"samspil:rss:{scope}:{short_hash(request.get_host())}:{fingerprint}"
            stored = cache.get(key)
            if stored is None:
                built = view(request, slug=slug) if slug else view(request)
                stored = (built.content, built["Content-Type"])
                cache.set(key, stored, FEED_CACHE_SECONDS)
            response = HttpResponse(stored[0], content_type=stored[1])
        response["ETag"] = etag
        response["Cache-Control"] = "public, max-age=900"
        return response

    return cached


def live_home(slug: str) -> BotilbudPage:
    # Homes are children of the one front page, so their slugs are unique.
    home = BotilbudPage.objects.live().public().filter(slug=slug).order_by("path").first()
    if home is None:
        raise Http404
    return home


@require_safe
def calendar_ics(request: HttpRequest) -> HttpResponse:
    return cached_ics(
        request,
        "all",
        lambda: build_calendar(
            feed_events(),
            request,
            name=_("Samspil – alle arrangementer"),
            description=_(
                "Arrangementer på Tønder Kommunes botilbud og hos deres samarbejdspartnere."
            ),
        ),
    )


@require_safe
def home_ics(request: HttpRequest, slug: str) -> HttpResponse:
    home = live_home(slug)
    return cached_ics(
        request,
        f"home:{home.pk}:{short_hash(home.title)}",
        lambda: build_calendar(
            feed_events().filter(botilbud=home),
            request,
            name=_("Samspil – %(home)s") % {"home": home.title},
            description=_("Arrangementer på %(home)s.") % {"home": home.title},
        ),
    )


@require_safe
def organisation_ics(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.only("name", "slug"), slug=slug)
    names = {"organisation": organisation.name}
    return cached_ics(
        request,
        f"organisation:{organisation.pk}:{short_hash(organisation.name)}",
        lambda: build_calendar(
            feed_events().filter(organiser=organisation),
            request,
            name=_("Samspil – %(organisation)s") % names,
            description=_("Arrangementer med %(organisation)s.") % names,
        ),
    )


@require_safe
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One event to add to one's own calendar, past events included; a relatives-only event
    only for those who may open its page (404 for anyone else, as the page itself)."""
    event = (
        EventPage.objects.live()
        .public()
        .visible_to(request.user)
        .filter(pk=pk)
        .only(*ICS_FIELDS, "relatives_only")
        .annotate(home_title=F("botilbud__title"), organiser_name=F("organiser__name"))
        .first()
    )
    if event is None:
        raise Http404
    calendar = build_calendar([event], request, name=_("Samspil"))
    response = ics_response(calendar, download_as=f"{event.slug}.ics")
    if event.relatives_only:
        patch_cache_control(response, private=True)
    return response


# --- RSS -------------------------------------------------------------------------------


def news_published_at(news: NewsPage) -> dt.datetime:
    """The moment of publication when it fell on the news item's date, else that day's start
    (editors may date an item earlier or later than they publish it)."""
    published = news.first_published_at
    if published and timezone.localdate(published) == news.date:
        return published
    return timezone.make_aware(dt.datetime.combine(news.date, dt.time.min))


@dataclass
class NewsScope:
    request: HttpRequest
    home: BotilbudPage | None


class NewsFeed(Feed):
    """The latest news of every home, or of one home (``slug``)."""

    feed_type = feedgenerator.Rss201rev2Feed
    language = "da"
    item_guid_is_permalink = False

    def get_object(self, request, slug: str | None = None) -> NewsScope:
        return NewsScope(request, live_home(slug) if slug else None)

    def title(self, scope: NewsScope) -> str:
        if scope.home:
            return _("Nyheder fra %(home)s") % {"home": scope.home.title}
        return _("Nyheder fra Tønder Kommunes botilbud")

    def description(self, scope: NewsScope) -> str:
        if scope.home:
            return _("Det sker på %(home)s.") % {"home": scope.home.title}
        return _("Det sker på Tønder Kommunes botilbud.")

    def link(self, scope: NewsScope) -> str:
        if scope.home:
            return absolute_page_url(scope.home, scope.request)
        return scope.request.build_absolute_uri("/")

    def items(self, scope: NewsScope) -> list[NewsPage]:
        # Never relatives-only news: feed readers are anonymous.
        news = (
            NewsPage.objects.live()
            .public()
            .for_public()
            .latest_first()
            .only(*NEWS_FIELDS)
            .annotate(home_title=F("botilbud__title"))
        )
        if scope.home:
            news = news.filter(botilbud=scope.home)
        items = []
        for item in news[:NEWS_FEED_SIZE]:
            # item_link() gets no request; the URL is worked out here, where there is one.
            item.feed_link = absolute_page_url(item, scope.request)
            if item.feed_link:
                items.append(item)
        return items

    # An RSS title is plain text: the XML writer escapes it once ("Kaffe &amp; kage" in the
    # file, "Kaffe & kage" in the reader). The description is HTML, so the plain intro is
    # made into HTML text first.
    def item_title(self, item: NewsPage) -> str:
        return item.title

    def item_description(self, item: NewsPage) -> str:
        return escape(item.intro)

    def item_link(self, item: NewsPage) -> str:
        return item.feed_link

    def item_guid(self, item: NewsPage) -> str:
        """Stable when the item is renamed or moved, unlike its link."""
        return f"news-{item.pk}@{site_host()}"

    def item_pubdate(self, item: NewsPage) -> dt.datetime:
        return news_published_at(item)

    def item_updateddate(self, item: NewsPage) -> dt.datetime:
        return item.last_published_at or news_published_at(item)

    def item_author_name(self, item: NewsPage) -> str | None:
        return item.home_title

    def item_categories(self, item: NewsPage) -> list[str]:
        return [item.home_title] if item.home_title else []


# --- Alternate links and schema.org ----------------------------------------------------


@dataclass
class FeedLink:
    type: str
    title: str
    url: str


def page_feed_links(page) -> list[FeedLink]:
    """The feeds a page belongs to, for <link rel="alternate"> in its head."""
    links = []
    if isinstance(page, EventPage) and page.pk:
        links.append(
            FeedLink("text/calendar", page.title, reverse("feeds:event_ics", args=[page.pk]))
        )
    if isinstance(page, EventIndexPage):
        calendar_url = reverse("feeds:calendar_ics")
        links.append(FeedLink("text/calendar", _("Samspil – alle arrangementer"), calendar_url))
    home = page if isinstance(page, BotilbudPage) else getattr(page, "botilbud", None)
    if isinstance(home, BotilbudPage):
        names = {"home": home.title}
        news_url = reverse("feeds:home_news_rss", args=[home.slug])
        links.append(FeedLink("application/rss+xml", _("Nyheder fra %(home)s") % names, news_url))
        if not isinstance(page, NewsPage):
            calendar_url = reverse("feeds:home_ics", args=[home.slug])
            links.append(
                FeedLink("text/calendar", _("Arrangementer på %(home)s") % names, calendar_url)
            )
    return links


def json_ld_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> block that no text in ``data`` can break out of."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(JSON_SCRIPT_ESCAPES)),  # noqa: S308 (escaped just above)
    )


def organisation_data(name: str, url: str = "") -> dict:
    data = {"@type": "Organization", "name": name}
    if url:
        data["url"] = url
    return data


# "6760 Ribe": a Danish postcode and the town after it.
POSTCODE_TOWN = re.compile(r"^(?:DK-?)?(\d{4})\s+(\S.*)$")


def postal_address(street: str, postcode: str, town: str) -> dict:
    address = {"@type": "PostalAddress", "addressCountry": "DK"}
    if street:
        address["streetAddress"] = street
    if postcode:
        address["postalCode"] = postcode
    if town:
        address["addressLocality"] = town
    return address


def parse_location(text: str) -> tuple[str, dict | None]:
    """A calendar's one-line place, "Ribe Domkirke, Torvet 15, 6760 Ribe", as the place's
    name and a schema.org PostalAddress; (the text, None) when it names no postcode."""
    parts = [part.strip() for part in (text or "").split(",") if part.strip()]
    for index in range(len(parts) - 1, -1, -1):
        match = POSTCODE_TOWN.match(parts[index])
        if match is None:
            continue
        before = parts[:index]
        street = before.pop() if before else ""
        name = ", ".join(before) or street or text.strip()
        return name, postal_address(street, match[1], match[2])
    return (text or "").strip(), None


def event_place(event: EventPage) -> dict:
    """The schema.org Place: the event's own address, else an address inside its place
    line (imported events), else its home's address when it is held at the home."""
    name, address = parse_location(event.location)
    if event.address:
        _name, parsed = parse_location(event.address)
        address = parsed or event.address
    elif address is None and event.botilbud_id and not event.organiser_id:
        home = event.botilbud
        if home.street_address or home.city:
            address = postal_address(home.street_address, home.postal_code, home.city)
    place = {"@type": "Place", "name": name}
    if address:
        place["address"] = address
    return place


def event_structured_data(event: EventPage, request: HttpRequest, image_url: str = "") -> dict:
    """schema.org Event, as search engines read it for event listings."""
    start, end = event_times(event)
    if event.all_day:
        end = end - dt.timedelta(days=1)  # schema.org end dates are inclusive
    place = event_place(event)
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.intro,
        "url": absolute_page_url(event, request),
        "startDate": start.isoformat(),
        "eventStatus": SCHEMA_EVENT_STATUS[event.cancelled],
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": place,
    }
    if end:
        data["endDate"] = end.isoformat()
    organiser, home = event.organiser_or_none, event.botilbud
    if organiser:
        url = organiser.website
        directory = site_structure(request).directory
        if not url and directory is not None:
            url = request.build_absolute_uri(
                directory.get_url(request) + OrganisationIndexPage.organisation_path(organiser)
            )
        data["organizer"] = organisation_data(organiser.name, url)
    elif home:
        data["organizer"] = organisation_data(home.title, absolute_page_url(home, request))
    else:
        data["organizer"] = {**municipality(), "url": request.build_absolute_uri("/")}
    if image_url:
        data["image"] = [image_url]
    return data


def news_structured_data(news: NewsPage, request: HttpRequest, image_url: str = "") -> dict:
    """schema.org NewsArticle: written by the home, published by the municipality."""
    url = absolute_page_url(news, request)
    published = news_published_at(news)
    publisher = {**municipality(), "url": request.build_absolute_uri("/")}
    home = news.botilbud
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": news.title,
        "description": news.intro,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": published.isoformat(),
        "dateModified": (news.last_published_at or published).isoformat(),
        "author": (
            organisation_data(home.title, absolute_page_url(home, request)) if home else publisher
        ),
        "publisher": publisher,
    }
    if image_url:
        data["image"] = [image_url]
    return data
