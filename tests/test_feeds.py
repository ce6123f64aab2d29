"""Calendar (.ics) and news (RSS) feeds, schema.org JSON-LD and Open Graph on the pages."""

import datetime as dt
import json
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

import feedparser
import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import PageViewRestriction

from home.models import CalendarImport, EventPage, Organisation
from home.templatetags.samspil_tags import webcal

from .conftest import make_event, make_image, make_news

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
HOSTILE = "</script><script>alert(1)</script>"


def parse_ics(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_summary(calendar: Calendar) -> dict:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def json_ld(response) -> dict:
    soup = BeautifulSoup(response.content, "html.parser")
    scripts = soup.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def head_links(response, type_: str) -> dict[str, str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {link["href"]: link["title"] for link in soup.head.find_all("link", type=type_)}


@pytest.fixture(autouse=True)
def public_address(settings):
    """UIDs name the site's public host from settings, whatever the environment says."""
    settings.BASE_URL = "https://samspil.example"


def publish(page) -> None:
    page.save_revision().publish()
    page.refresh_from_db()


@pytest.fixture
def events(tree):
    now = timezone.now()
    return {
        "home": make_event(
            tree.home_a,
            "Bålaften",
            start=now + dt.timedelta(days=2),
            location="Haven",
            address="Skolegade 1, 6270 Tønder",
        ),
        "partner": make_event(
            tree.calendar,
            "Idrætsdag for alle",
            start=now + dt.timedelta(days=10),
            organiser=tree.organisation,
        ),
        "other_home": make_event(tree.home_b, "Korsang", start=now + dt.timedelta(days=4)),
    }


# --- iCalendar -------------------------------------------------------------------------


def test_whole_calendar_is_valid_icalendar_in_copenhagen_time(client, tree, events):
    calendar = parse_ics(client.get(reverse("feeds:calendar_ics")))

    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert calendar["X-WR-CALNAME"] == "Samspil – alle arrangementer"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    by_summary = events_by_summary(calendar)
    assert set(by_summary) == {"Bålaften", "Idrætsdag for alle", "Korsang"}

    bonfire, page = by_summary["Bålaften"], events["home"]
    assert bonfire["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    # iCalendar times are whole seconds.
    assert bonfire["DTSTART"].dt == page.start.replace(microsecond=0)
    assert bonfire["DTSTART"].dt.utcoffset() == page.start.astimezone(COPENHAGEN).utcoffset()
    assert bonfire["DTEND"].dt == page.end.replace(microsecond=0)
    assert bonfire["UID"] == f"event-{page.pk}@samspil.example"
    assert bonfire["URL"] == f"http://testserver{page.url}"
    assert bonfire["STATUS"] == "CONFIRMED"
    assert bonfire["LOCATION"] == "Haven, Skolegade 1, 6270 Tønder"
    assert page.intro in bonfire["DESCRIPTION"]
    assert f"http://testserver{page.url}" in bonfire["DESCRIPTION"]
    assert bonfire["DTSTAMP"]
    assert bonfire.categories == ["Solgården"]
    assert by_summary["Idrætsdag for alle"].categories == ["Tønder Idrætsforening"]


def test_feed_holds_upcoming_and_recently_ended_events_only(client, tree):
    now = timezone.now()
    make_event(tree.home_a, "For længe siden", start=now - dt.timedelta(days=40))
    make_event(tree.home_a, "I sidste uge", start=now - dt.timedelta(days=7))
    make_event(tree.home_a, "I morgen", start=now + dt.timedelta(days=1))

    calendar = parse_ics(client.get(reverse("feeds:calendar_ics")))

    assert set(events_by_summary(calendar)) == {"I sidste uge", "I morgen"}


def test_unpublished_and_private_events_are_left_out(client, tree, events):
    draft = make_event(tree.home_a, "Kladde")
    draft.unpublish()
    private = make_event(tree.home_a, "Kun for pårørende")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    PageViewRestriction.objects.create(page=tree.home_b, restriction_type="password", password="x")

    for url in (
        reverse("feeds:calendar_ics"),
        reverse("feeds:home_ics", args=[tree.home_a.slug]),
    ):
        summaries = set(events_by_summary(parse_ics(client.get(url))))
        assert not summaries & {"Kladde", "Kun for pårørende", "Korsang"}, url
    for event in (draft, private, events["other_home"]):
        assert client.get(reverse("feeds:event_ics", args=[event.pk])).status_code == 404
    assert client.get(reverse("feeds:home_ics", args=[tree.home_b.slug])).status_code == 404


def test_home_and_organisation_feeds_hold_their_own_events(client, tree, events):
    home = parse_ics(client.get(reverse("feeds:home_ics", args=[tree.home_a.slug])))
    assert set(events_by_summary(home)) == {"Bålaften"}
    assert home["X-WR-CALNAME"] == "Samspil – Solgården"

    url = reverse("feeds:organisation_ics", args=[tree.organisation.slug])
    organisation = parse_ics(client.get(url))
    assert set(events_by_summary(organisation)) == {"Idrætsdag for alle"}
    assert organisation["X-WR-CALNAME"] == "Samspil – Tønder Idrætsforening"


def test_feed_urls_keep_their_agreed_addresses(tree):
    assert reverse("feeds:calendar_ics") == "/feeds/kalender.ics"
    assert reverse("feeds:home_ics", args=["solgaarden"]) == "/feeds/botilbud/solgaarden.ics"
    assert reverse("feeds:home_news_rss", args=["x"]) == "/feeds/botilbud/x/nyheder.xml"
    assert reverse("feeds:organisation_ics", args=["tif"]) == "/feeds/organisationer/tif.ics"
    assert reverse("feeds:event_ics", args=[7]) == "/feeds/arrangementer/7.ics"
    assert reverse("feeds:news_rss") == "/feeds/nyheder.xml"


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/botilbud/findes-ikke.ics",
        "/feeds/botilbud/findes-ikke/nyheder.xml",
        "/feeds/organisationer/findes-ikke.ics",
        "/feeds/arrangementer/999999.ics",
        "/feeds/arrangementer/abc.ics",
    ],
)
def test_unknown_feeds_are_404_in_danish(client, tree, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()


def test_a_news_page_is_not_a_home(client, tree):
    news = make_news(tree.home_a, "Sommerfest")
    assert client.get(reverse("feeds:home_ics", args=[news.slug])).status_code == 404


def test_single_event_downloads_as_a_named_file(client, tree, events):
    response = client.get(reverse("feeds:event_ics", args=[events["home"].pk]))

    assert response["Content-Disposition"] == f'attachment; filename="{events["home"].slug}.ics"'
    assert list(events_by_summary(parse_ics(response))) == ["Bålaften"]


def test_past_event_can_still_be_downloaded(client, tree):
    old = make_event(tree.home_a, "Påskefrokost", start=timezone.now() - dt.timedelta(days=90))
    assert client.get(reverse("feeds:event_ics", args=[old.pk])).status_code == 200


def test_uid_stays_and_sequence_grows_when_the_event_is_edited(client, tree, events):
    event = events["home"]
    publish(event)
    url = reverse("feeds:event_ics", args=[event.pk])
    before = parse_ics(client.get(url)).walk("VEVENT")[0]
    assert before["SEQUENCE"] == 0

    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    EventPage.objects.filter(pk=event.pk).update(
        first_published_at=an_hour_ago, last_published_at=an_hour_ago
    )
    event.refresh_from_db()
    event.title, event.slug = "Bålaften ved søen", "baalaften-ved-soeen"
    event.start += dt.timedelta(hours=1)
    publish(event)
    after = parse_ics(client.get(url)).walk("VEVENT")[0]

    assert after["UID"] == before["UID"] == f"event-{event.pk}@samspil.example"
    assert after["SUMMARY"] == "Bålaften ved søen"
    assert after["SEQUENCE"] >= 3600
    assert after["LAST-MODIFIED"].dt > an_hour_ago


def test_cancelled_event_is_marked_cancelled(client, tree):
    make_event(tree.home_a, "Bankospil", cancelled=True)
    calendar = parse_ics(client.get(reverse("feeds:calendar_ics")))

    event = calendar.walk("VEVENT")[0]
    assert event["STATUS"] == "CANCELLED"
    assert event["SUMMARY"] == "Aflyst: Bankospil"


def test_all_day_events_are_dates_with_an_exclusive_end(client, tree):
    day = timezone.localdate() + dt.timedelta(days=5)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))
    make_event(tree.home_a, "Markedsdag", start=start, end=None, all_day=True)
    make_event(
        tree.home_a,
        "Sommerlejr",
        start=start,
        end=start + dt.timedelta(days=2, hours=23),
        all_day=True,
    )
    by_summary = events_by_summary(parse_ics(client.get(reverse("feeds:calendar_ics"))))

    market = by_summary["Markedsdag"]
    assert market["DTSTART"].params["VALUE"] == "DATE"
    assert (market["DTSTART"].dt, market["DTEND"].dt) == (day, day + dt.timedelta(days=1))
    camp = by_summary["Sommerlejr"]
    assert (camp["DTSTART"].dt, camp["DTEND"].dt) == (day, day + dt.timedelta(days=3))


def test_hostile_text_stays_text_in_the_calendar(client, tree):
    make_event(tree.home_a, HOSTILE, intro="Kom!\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Falsk")
    calendar = parse_ics(client.get(reverse("feeds:calendar_ics")))

    [event] = calendar.walk("VEVENT")
    assert event["SUMMARY"] == HOSTILE
    assert "END:VEVENT" in event["DESCRIPTION"]


def test_whole_calendar_costs_the_same_queries_for_3_and_30_events(
    client, tree, django_assert_num_queries
):
    url = reverse("feeds:calendar_ics")
    start = timezone.now() + dt.timedelta(days=1)

    def add(count: int) -> None:
        for n in range(count):
            home = tree.home_a if n % 2 else tree.home_b
            make_event(
                home if n % 3 else tree.calendar,
                f"Arrangement {n}",
                start=start + dt.timedelta(hours=n),
                organiser=tree.organisation if n % 2 else None,
            )

    add(3)
    client.get(url)  # warm per-process caches (content types, site root paths)
    # Anything that changes the fingerprint makes the next request build the feed again.
    CalendarImport.objects.create(organisation=tree.organisation, source="upload")
    # Built: the fingerprint (2), the view restrictions, the events and the site (1 each).
    with django_assert_num_queries(5):
        assert len(parse_ics(client.get(url)).walk("VEVENT")) == 3
    add(27)
    with django_assert_num_queries(5):
        assert len(parse_ics(client.get(url)).walk("VEVENT")) == 30
    # Unchanged since: answered from the cache after the fingerprint alone.
    with django_assert_num_queries(3):
        assert len(parse_ics(client.get(url)).walk("VEVENT")) == 30


def test_cached_feed_follows_every_change_and_answers_304_when_unchanged(client, tree):
    url = reverse("feeds:calendar_ics")
    first = make_event(tree.home_a, "Første")
    response = client.get(url)
    etag = response["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    second = make_event(tree.home_b, "Anden")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert {str(e["SUMMARY"]) for e in parse_ics(changed).walk("VEVENT")} == {"Første", "Anden"}
    first.title = "Første (flyttet)"
    first.save_revision().publish()
    assert "Første (flyttet)" in client.get(url).content.decode()
    second.unpublish()
    assert "Anden" not in client.get(url).content.decode()
    PageViewRestriction.objects.create(
        page=first, restriction_type=PageViewRestriction.PASSWORD, password="hemmelig"
    )
    assert "Første" not in client.get(url).content.decode()


# --- RSS -------------------------------------------------------------------------------


def rss_channel(response) -> ET.Element:
    # The feed is our own output under test, not untrusted input.
    return ET.fromstring(response.content).find("channel")  # noqa: S314


def rss_items(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = rss_channel(response)
    assert channel is not None
    return channel.findall("item")


def test_news_feed_lists_all_homes_newest_first(client, tree):
    today = timezone.localdate()
    make_news(tree.home_a, "Sommerfest", date=today - dt.timedelta(days=3))
    latest = make_news(tree.home_b, "Ny have", date=today)
    hidden = make_news(tree.home_b, "Kladde")
    hidden.unpublish()

    response = client.get(reverse("feeds:news_rss"))
    items = rss_items(response)

    channel = rss_channel(response)
    assert channel.findtext("title") == "Nyheder fra Tønder Kommunes botilbud"
    assert channel.findtext("language") == "da"
    assert [item.findtext("title") for item in items] == ["Ny have", "Sommerfest"]
    assert items[0].findtext("link") == f"http://testserver{latest.url}"
    assert items[0].findtext("guid") == f"news-{latest.pk}@samspil.example"
    assert items[0].findtext("category") == "Engbo"


def test_home_news_feed_holds_only_that_home(client, tree):
    make_news(tree.home_a, "Sommerfest")
    make_news(tree.home_b, "Ny have")

    response = client.get(reverse("feeds:home_news_rss", args=[tree.home_a.slug]))

    assert [item.findtext("title") for item in rss_items(response)] == ["Sommerfest"]
    assert rss_channel(response).findtext("title") == "Nyheder fra Solgården"


def test_hostile_news_title_is_escaped_in_the_feed(client, tree):
    make_news(tree.home_a, HOSTILE, intro=HOSTILE)
    response = client.get(reverse("feeds:news_rss"))

    assert b"<script>" not in response.content
    [item] = rss_items(response)
    # The title is plain text, escaped once by the XML (a reader shows exactly the title);
    # the description is HTML, so the plain intro arrives as HTML text.
    assert item.findtext("title") == HOSTILE
    assert item.findtext("description").startswith("&lt;/script&gt;")


@pytest.mark.parametrize("title", ["Kaffe & kage", "Børn < 12 år > voksne", "»Sang« & 'vin'"])
def test_rss_titles_are_escaped_once(client, tree, title):
    make_news(tree.home_a, title)
    response = client.get(reverse("feeds:news_rss"))
    [item] = rss_items(response)
    assert item.findtext("title") == title
    assert f"<title>{xml_escape(title)}</title>".encode() in response.content


def test_a_feed_reader_shows_titles_with_ampersand_and_angle_brackets_as_written(client, tree):
    """feedparser, as feed readers parse RSS: a title escaped twice would show "&amp;"."""
    titles = ["Kaffe & kage", "Børn < 12 år > voksne", "»Sang« & <b>vin</b>"]
    for title in titles:
        make_news(tree.home_a, title)
    home_feed = reverse("feeds:home_news_rss", args=[tree.home_a.slug])
    for url in (reverse("feeds:news_rss"), home_feed):
        response = client.get(url)
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (url, feed.bozo_exception)
        assert sorted(entry.title for entry in feed.entries) == sorted(titles), url
        assert feed.feed.title
        for entry in feed.entries:
            assert entry.link.startswith("http"), entry.link


def test_rss_answers_304_to_its_etag_until_the_news_change(client, tree):
    make_news(tree.home_a, "Sommerfest")
    url = reverse("feeds:news_rss")
    first = client.get(url)
    etag = first["ETag"]
    assert etag and first.status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    make_news(tree.home_a, "Høstfest")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "Høstfest" in [item.findtext("title") for item in rss_items(changed)]


# --- Pages: links, JSON-LD, Open Graph -----------------------------------------------


def test_event_page_links_its_ics_and_the_home_calendar(client, tree, events):
    event = events["home"]
    response = client.get(event.url)
    soup = BeautifulSoup(response.content, "html.parser")

    ics = reverse("feeds:event_ics", args=[event.pk])
    assert soup.find("a", href=ics).get_text(strip=True) == "Tilføj til min kalender"
    home_feed = f"webcal://testserver{reverse('feeds:home_ics', args=[tree.home_a.slug])}"
    assert soup.find("a", href=home_feed)
    assert ics in head_links(response, "text/calendar")


def test_partner_event_offers_the_organisation_calendar(client, tree, events):
    soup = BeautifulSoup(client.get(events["partner"].url).content, "html.parser")
    url = reverse("feeds:organisation_ics", args=[tree.organisation.slug])
    assert soup.find("a", href=f"webcal://testserver{url}")


def test_cancelled_event_offers_no_download(client, tree):
    event = make_event(tree.home_a, "Bankospil", cancelled=True)
    soup = BeautifulSoup(client.get(event.url).content, "html.parser")
    assert not soup.find("a", href=reverse("feeds:event_ics", args=[event.pk]))


def test_home_page_offers_its_calendar_and_news_feeds(client, tree):
    response = client.get(tree.home_a.url)
    soup = BeautifulSoup(response.content, "html.parser")

    ics = reverse("feeds:home_ics", args=[tree.home_a.slug])
    rss = reverse("feeds:home_news_rss", args=[tree.home_a.slug])
    assert soup.find("a", href=f"webcal://testserver{ics}")
    assert soup.find("a", href=f"http://testserver{rss}", type="application/rss+xml")
    assert head_links(response, "application/rss+xml") == {
        reverse("feeds:news_rss"): "Nyheder fra Tønder Kommunes botilbud",
        rss: "Nyheder fra Solgården",
    }
    assert head_links(response, "text/calendar") == {ics: "Arrangementer på Solgården"}


def test_news_page_has_its_home_feed_in_the_head(client, tree):
    news = make_news(tree.home_a, "Sommerfest")
    links = head_links(client.get(news.url), "application/rss+xml")
    assert reverse("feeds:home_news_rss", args=[tree.home_a.slug]) in links


def test_organisation_page_links_its_calendar(client, tree):
    url = tree.directory.url + f"{tree.organisation.slug}/"
    response = client.get(url)
    soup = BeautifulSoup(response.content, "html.parser")

    ics = reverse("feeds:organisation_ics", args=[tree.organisation.slug])
    assert soup.find("a", href=f"webcal://testserver{ics}")
    assert ics in head_links(response, "text/calendar")


@pytest.mark.parametrize("page", ["front", "about", "calendar"])
def test_every_page_has_the_news_feed_in_its_head(client, tree, page):
    response = client.get(getattr(tree, page).url)
    assert reverse("feeds:news_rss") in head_links(response, "application/rss+xml")


def test_not_found_page_has_the_news_feed_too(client, tree):
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    assert reverse("feeds:news_rss") in head_links(response, "application/rss+xml")


def test_event_json_ld(client, tree, events):
    image = make_image()
    event = events["partner"]
    event.image = image
    event.save()
    data = json_ld(client.get(event.url))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "Idrætsdag for alle"
    assert data["description"] == event.intro
    assert data["url"] == f"http://testserver{event.url}"
    assert dt.datetime.fromisoformat(data["startDate"]) == event.start
    assert dt.datetime.fromisoformat(data["endDate"]) == event.end
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {"@type": "Place", "name": "Fælleshuset"}
    assert data["organizer"]["name"] == "Tønder Idrætsforening"
    assert data["organizer"]["url"].endswith(f"/foreninger/{tree.organisation.slug}/")
    assert data["image"][0].startswith("http://testserver/")


def test_home_event_json_ld_names_home_and_address(client, tree, events):
    data = json_ld(client.get(events["home"].url))
    assert data["location"]["address"] == {
        "@type": "PostalAddress",
        "addressCountry": "DK",
        "streetAddress": "Skolegade 1",
        "postalCode": "6270",
        "addressLocality": "Tønder",
    }
    assert data["organizer"] == {
        "@type": "Organization",
        "name": "Solgården",
        "url": f"http://testserver{tree.home_a.url}",
    }
    assert "image" not in data


def test_cancelled_all_day_event_json_ld(client, tree):
    day = timezone.localdate() + dt.timedelta(days=5)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))
    event = make_event(tree.calendar, "Markedsdag", start=start, end=None, all_day=True)
    event.cancelled = True
    event.save()
    data = json_ld(client.get(event.url))

    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["startDate"] == data["endDate"] == day.isoformat()
    assert data["organizer"]["@type"] == "GovernmentOrganization"


def test_news_json_ld(client, tree):
    news = make_news(tree.home_a, "Sommerfest", image=make_image())
    publish(news)
    data = json_ld(client.get(news.url))

    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Sommerfest"
    assert data["url"] == data["mainEntityOfPage"] == f"http://testserver{news.url}"
    assert dt.datetime.fromisoformat(data["datePublished"]) == news.first_published_at
    assert dt.datetime.fromisoformat(data["dateModified"]) == news.last_published_at
    assert data["author"]["name"] == "Solgården"
    assert data["publisher"] == {
        "@type": "GovernmentOrganization",
        "name": "Tønder Kommune",
        "url": "http://testserver/",
    }
    assert data["image"][0].startswith("http://testserver/")


def test_hostile_title_is_inert_in_json_ld(client, tree):
    event = make_event(tree.home_a, HOSTILE, location=HOSTILE)
    news = make_news(tree.home_a, "Nyhed", intro=HOSTILE)
    for response, key in ((client.get(event.url), "name"), (client.get(news.url), "description")):
        html = response.content.decode()
        assert "<script>alert(1)" not in html
        assert "\\u003c/script\\u003e" in html
        assert json_ld(response)[key] == HOSTILE


def test_open_graph_tags(client, tree):
    news = make_news(tree.home_a, "Sommerfest", intro="Vi holder fest.", image=make_image())
    soup = BeautifulSoup(client.get(news.url).content, "html.parser")

    def og(name: str) -> str:
        return soup.head.find("meta", property=f"og:{name}")["content"]

    assert og("title") == "Sommerfest"
    assert og("type") == "article"
    assert og("description") == "Vi holder fest."
    assert og("url") == f"http://testserver{news.url}"
    assert og("locale") == "da_DK"
    assert og("image").startswith("http://testserver/")

    front = BeautifulSoup(client.get(tree.front.url).content, "html.parser")
    assert front.head.find("meta", property="og:type")["content"] == "website"
    assert not front.head.find("meta", property="og:image")


def test_organisation_page_open_graph_names_the_organisation(client, tree):
    soup = BeautifulSoup(
        client.get(tree.directory.url + f"{tree.organisation.slug}/").content, "html.parser"
    )
    assert soup.head.find("meta", property="og:title")["content"] == "Tønder Idrætsforening"


def test_share_image_costs_no_extra_query(client, tree, django_assert_max_num_queries):
    """og:image and JSON-LD reuse the hero's rendition: with or without an image the event
    page costs the same (the hero's rendition lookup is the one query an image adds)."""
    with_image = make_event(tree.home_a, "Med billede", image=make_image())
    without = make_event(tree.home_a, "Uden billede")
    client.get(with_image.url)
    client.get(without.url)
    with CaptureQueriesContext(connection) as plain:
        client.get(without.url)
    with django_assert_max_num_queries(len(plain) + 1):
        client.get(with_image.url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://samspil.dk/feeds/kalender.ics", "webcal://samspil.dk/feeds/kalender.ics"),
        ("http://localhost:8000/feeds/x.ics", "webcal://localhost:8000/feeds/x.ics"),
        ("/feeds/kalender.ics", "/feeds/kalender.ics"),
        ("webcal://samspil.dk/x.ics", "webcal://samspil.dk/x.ics"),
    ],
)
def test_webcal_filter(url, expected):
    assert webcal(url) == expected


def test_admin_preview_of_a_new_event_and_news_item_renders(client, tree):
    """A page not saved yet has no pk or URL: the feed links and JSON-LD must cope."""
    client.force_login(get_user_model().objects.create_superuser("admin", "a@example.dk", "pw"))
    start = timezone.localtime() + dt.timedelta(days=3)
    forms = {
        "eventpage": {
            "title": "Ny fest",
            "slug": "ny-fest",
            "start": start.strftime("%Y-%m-%d %H:%M"),
            "intro": "Kom!",
            "location": "Haven",
            "audience": "public",
            "max_party_size": "4",
            "body-count": "0",
        },
        "newspage": {
            "title": "Ny nyhed",
            "slug": "ny-nyhed",
            "date": timezone.localdate().isoformat(),
            "intro": "Nyt.",
            "body-count": "0",
        },
    }
    for model, data in forms.items():
        url = reverse("wagtailadmin_pages:preview_on_add", args=["home", model, tree.home_a.pk])
        assert client.post(url, data).json()["is_valid"], model
        response = client.get(url)
        assert response.status_code == 200, model
        assert json_ld(response)["description"] == data["intro"]


@pytest.mark.parametrize(
    ("line", "name", "street", "postcode", "town"),
    [
        ("Ribe Domkirke, Torvet 15, 6760 Ribe", "Ribe Domkirke", "Torvet 15", "6760", "Ribe"),
        ("Torvet 15, 6760 Ribe", "Torvet 15", "Torvet 15", "6760", "Ribe"),
        (
            "Kulturhus, Sal 2, Østergade 3, 6270 Tønder",
            "Kulturhus, Sal 2",
            "Østergade 3",
            "6270",
            "Tønder",
        ),
    ],
)
def test_imported_location_lines_become_place_and_postal_address(
    line, name, street, postcode, town
):
    from home.feeds import parse_location

    parsed_name, address = parse_location(line)
    assert parsed_name == name
    assert address["streetAddress"] == street
    assert (address["postalCode"], address["addressLocality"]) == (postcode, town)


def test_location_without_postcode_stays_a_name(client, tree):
    from home.feeds import parse_location

    assert parse_location("Fælleshuset") == ("Fælleshuset", None)


def test_imported_event_json_ld_has_a_postal_address(client, tree):
    event = make_event(
        tree.calendar,
        "Koncert i domkirken",
        location="Ribe Domkirke, Torvet 15, 6760 Ribe",
        organiser=tree.organisation,
    )
    data = json_ld(client.get(event.url))
    assert data["location"]["name"] == "Ribe Domkirke"
    assert data["location"]["address"]["postalCode"] == "6760"


def test_the_demos_imported_events_carry_a_postal_address_wherever_their_line_has_one(client, tree):
    """The demo association's calendar, imported as seed_demo does: every event whose
    LOCATION names a postcode gets a PostalAddress in its JSON-LD, the place as its name."""
    from home.demo_calendar import CHURCH, DEMO_ORGANISATION, import_demo_calendar
    from home.feeds import POSTCODE_TOWN

    Organisation.objects.create(name="Tønder Kirkekor", slug=DEMO_ORGANISATION)
    assert import_demo_calendar() is not None
    imported = EventPage.objects.live().filter(organiser__slug=DEMO_ORGANISATION)
    with_postcode = [
        event
        for event in imported
        if any(POSTCODE_TOWN.match(part.strip()) for part in event.location.split(","))
    ]
    assert with_postcode, "the demo calendar should hold an event at the church"
    for event in with_postcode:
        place = json_ld(client.get(event.url))["location"]
        postcode = next(
            match[1]
            for part in event.location.split(",")
            if (match := POSTCODE_TOWN.match(part.strip()))
        )
        assert place["address"]["@type"] == "PostalAddress", event.location
        assert place["address"]["postalCode"] == postcode
        assert postcode not in place["name"]
    church = next(event for event in with_postcode if event.location == CHURCH)
    place = json_ld(client.get(church.url))["location"]
    assert place["name"] == "Tønder Kristkirke"
    assert place["address"]["streetAddress"] == "Kirkepladsen"
