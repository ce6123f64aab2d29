"""News and events "kun for pårørende og netværk": only the home's approved relatives (and
its staff) see them; the public, other homes' relatives and every feed, digest, sitemap and
search never do (issue 4, part 7)."""

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from dialog.models import Membership
from home.models import EventPage, NewsPage
from home.services import ensure_home_staff_access
from newsletters.digests import preview_digest

from .conftest import make_event, make_news
from .newsletters.conftest import make_subscriber

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SECRET_NEWS = "Hemmelig nyhed"
SECRET_EVENT = "Hemmeligt arrangement"


def publish(page):
    """Publish as the admin does (first and last publication times set)."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_relative(email: str, home=None, status: str = Membership.Status.APPROVED):
    user = get_user_model().objects.create_user(username=email, email=email)
    if home is not None:
        Membership.objects.create(
            relative=user, botilbud=home, relation="søster til en beboer", status=status
        )
    return user


@dataclass
class Content:
    news: NewsPage
    event: EventPage
    public_news: NewsPage
    public_event: EventPage


@pytest.fixture
def content(tree) -> Content:
    """At Solgården (home_a): one relatives-only and one public news item and event, all
    published (so digests count them as new), the events arranged with the organisation."""
    return Content(
        news=publish(make_news(tree.home_a, SECRET_NEWS, relatives_only=True)),
        event=publish(
            make_event(tree.home_a, SECRET_EVENT, organiser=tree.organisation, relatives_only=True)
        ),
        public_news=publish(make_news(tree.home_a, "Sommerfest i haven")),
        public_event=publish(make_event(tree.home_a, "Koncert", organiser=tree.organisation)),
    )


def listing_urls(tree) -> dict[str, str]:
    month = timezone.localtime(timezone.now() + dt.timedelta(days=3)).strftime("%Y-%m")
    return {
        "front": tree.front.url,
        "home": tree.home_a.url,
        "news archive": tree.home_a.news_archive_url(),
        "calendar": tree.calendar.url,
        "calendar of the home": f"{tree.calendar.url}?home={tree.home_a.pk}",
        "calendar month": f"{tree.calendar.url}?visning=maaned&month={month}",
        "directory": tree.directory.url,
        "organisation": f"{tree.directory.url}{tree.organisation.slug}/",
    }


def page_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def shows_secret(client, url: str) -> bool:
    text = page_text(client, url)
    return SECRET_NEWS in text or SECRET_EVENT in text


# --- The public and other homes' relatives never see them -----------------------------


@pytest.mark.parametrize("visitor", ["anonymous", "relative of another home", "pending"])
def test_listings_leave_them_out_for_everyone_but_the_homes_relatives(
    client, tree, content, visitor
):
    if visitor == "relative of another home":
        client.force_login(make_relative("bo@example.dk", tree.home_b))
    elif visitor == "pending":
        client.force_login(make_relative("bo@example.dk", tree.home_a, Membership.Status.PENDING))
    for name, url in listing_urls(tree).items():
        text = page_text(client, url)
        assert SECRET_NEWS not in text, name
        assert SECRET_EVENT not in text, name
        assert "Kun for pårørende" not in text, name
    # The public items beside them are listed as before.
    assert "Sommerfest i haven" in page_text(client, tree.home_a.url)
    assert "Koncert" in page_text(client, tree.calendar.url)


def test_signed_out_visitor_is_offered_the_sign_in_without_the_title(client, tree, content):
    """Signed out, the page says it is for the home's relatives and links to the sign-in,
    which brings the visitor back; its title and text stay hidden, and nothing keeps it."""
    for page in (content.news, content.event):
        response = client.get(page.url)
        assert response.status_code == 403
        body = response.content.decode()
        assert page.title not in body
        assert "Kun for pårørende og netværk" in body
        assert "no-store" in response["Cache-Control"]
        soup = BeautifulSoup(body, "html.parser")
        link = soup.select_one("main a.relatives-only__sign-in")["href"]
        assert link == f"{reverse('dialog:sign_in')}?{urlencode({'next': page.url})}"
        assert not soup.select('link[rel="canonical"]')
    # The link's "next" is honoured: once signed in as the home's relative, the page shows.
    client.force_login(make_relative("ane@example.dk", tree.home_a))
    assert client.get(content.news.url).status_code == 200


@pytest.mark.parametrize(
    "status",
    [
        "other home",
        Membership.Status.PENDING,
        Membership.Status.DECLINED,
        Membership.Status.ENDED,
    ],
)
def test_direct_address_is_404_not_403(client, tree, content, status):
    if status == "other home":
        client.force_login(make_relative("bo@example.dk", tree.home_b))
    else:
        client.force_login(make_relative("bo@example.dk", tree.home_a, status))
    for page in (content.news, content.event):
        response = client.get(page.url)
        assert response.status_code == 404
        assert page.title not in response.content.decode()
    assert client.get(content.public_news.url).status_code == 200


def test_staff_of_another_home_get_404(client, tree, content):
    staff_b = get_user_model().objects.create_user("medarbejder-b", "b@example.dk", "kode-b")
    staff_b.groups.add(ensure_home_staff_access(tree.home_b).group)
    client.force_login(staff_b)
    assert client.get(content.news.url).status_code == 404
    assert client.get(reverse("feeds:event_ics", args=[content.event.pk])).status_code == 404
    assert not shows_secret(client, tree.home_a.url)


def test_search_finds_them_only_for_the_homes_relatives(client, tree, content):
    def found(query: str) -> list[str]:
        response = client.get("/soeg/", {"q": query})
        soup = BeautifulSoup(response.content, "html.parser")
        return [a.get_text(strip=True) for a in soup.select(".search-results a")]

    assert found("Hemmelig nyhed") == []
    assert found("Hemmeligt arrangement") == []
    assert found("Sommerfest") == ["Sommerfest i haven"]
    client.force_login(make_relative("bo@example.dk", tree.home_b))
    assert found("Hemmelig nyhed") == []
    assert found("Hemmeligt arrangement") == []
    client.force_login(make_relative("ida@example.dk", tree.home_a))
    assert found("Hemmelig nyhed") == [SECRET_NEWS]
    assert found("Hemmeligt arrangement") == [SECRET_EVENT]


def test_sitemap_leaves_them_out(client, tree, content):
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own sitemap)
    locations = [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]
    assert content.public_news.full_url in locations
    assert content.public_event.full_url in locations
    assert content.news.full_url not in locations
    assert content.event.full_url not in locations


@pytest.mark.parametrize("signed_in", [False, True])
def test_news_feeds_never_carry_them(client, tree, content, signed_in):
    if signed_in:  # feeds are for feed readers, who are never signed in: the same for all
        client.force_login(make_relative("ida@example.dk", tree.home_a))
    for url in (
        reverse("feeds:news_rss"),
        reverse("feeds:home_news_rss", args=[tree.home_a.slug]),
    ):
        text = page_text(client, url)
        assert "Sommerfest i haven" in text
        assert SECRET_NEWS not in text


@pytest.mark.parametrize("signed_in", [False, True])
def test_calendar_feeds_never_carry_them(client, tree, content, signed_in):
    if signed_in:
        client.force_login(make_relative("ida@example.dk", tree.home_a))
    for url in (
        reverse("feeds:calendar_ics"),
        reverse("feeds:home_ics", args=[tree.home_a.slug]),
        reverse("feeds:organisation_ics", args=[tree.organisation.slug]),
    ):
        response = client.get(url)
        summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
        assert summaries == {"Koncert"}, url
        assert response["Cache-Control"] == "public, max-age=900"


def test_event_ics_download_only_for_those_who_may_open_the_page(client, tree, content):
    url = reverse("feeds:event_ics", args=[content.event.pk])
    assert client.get(url).status_code == 404
    client.force_login(make_relative("bo@example.dk", tree.home_b))
    assert client.get(url).status_code == 404
    client.force_login(make_relative("ida@example.dk", tree.home_a))
    response = client.get(url)
    assert response.status_code == 200
    assert SECRET_EVENT in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_digests_never_carry_them(tree, content):
    preview = preview_digest(tree.home_a)
    assert "Sommerfest i haven" in preview.text
    assert "Koncert" in preview.html
    assert SECRET_NEWS not in preview.text + preview.html
    assert SECRET_EVENT not in preview.text + preview.html


def test_digest_with_only_relatives_only_content_is_not_sent(tree):
    from newsletters.sending import run_digests

    publish(make_news(tree.home_b, SECRET_NEWS, relatives_only=True))
    publish(make_event(tree.home_b, SECRET_EVENT, relatives_only=True))
    make_subscriber("ida@example.dk", [tree.home_b])
    run = run_digests()
    assert (run.queued, run.skipped_empty) == (0, 1)


# --- The home's own relatives and staff see them ---------------------------------------


def test_approved_relative_sees_page_marked_and_privately_cached(client, tree, content):
    client.force_login(make_relative("ida@example.dk", tree.home_a))
    for page in (content.news, content.event):
        response = client.get(page.url)
        assert response.status_code == 200
        soup = BeautifulSoup(response.content, "html.parser")
        assert soup.h1.get_text(strip=True) == page.title
        assert "Kun for pårørende" in soup.select_one(".relatives-only-note").get_text()
        assert "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]


def test_approved_relative_sees_them_marked_in_the_homes_listings(client, tree, content):
    client.force_login(make_relative("ida@example.dk", tree.home_a))
    for name, url in listing_urls(tree).items():
        response = client.get(url)
        assert "private" in response["Cache-Control"], name
        soup = BeautifulSoup(response.content, "html.parser")
        if name == "news archive":
            titles = [SECRET_NEWS]
        elif name in ("front", "home"):
            titles = [SECRET_NEWS, SECRET_EVENT]
        else:
            titles = [SECRET_EVENT]
        for title in titles:
            link = soup.find("a", string=title)
            assert link is not None, (name, title)
            badge = link.find_next_sibling("span", class_="badge-info")
            assert badge is not None and badge.get_text() == "Kun for pårørende", (name, title)
        # Public items carry no badge.
        koncert = soup.find("a", string="Koncert")
        if koncert is not None:
            assert koncert.find_next_sibling("span", class_="badge-info") is None


def test_relative_of_two_homes_sees_only_what_each_home_shares(client, tree, content):
    other = publish(make_news(tree.home_b, "Engbos egen nyhed", relatives_only=True))
    ida = make_relative("ida@example.dk", tree.home_a)
    client.force_login(ida)
    assert client.get(other.url).status_code == 404
    assert "Engbos egen nyhed" not in page_text(client, tree.front.url)
    Membership.objects.create(
        relative=ida, botilbud=tree.home_b, relation="bror", status="approved"
    )
    assert client.get(other.url).status_code == 200
    assert "Engbos egen nyhed" in page_text(client, tree.front.url)


def test_staff_of_the_home_and_superusers_see_them(client, tree, content, staff_a):
    client.force_login(staff_a)
    assert client.get(content.news.url).status_code == 200
    assert client.get(content.event.url).status_code == 200
    assert shows_secret(client, tree.home_a.url)
    admin = get_user_model().objects.create_superuser("admin", "admin@example.dk", "kode")
    client.force_login(admin)
    assert client.get(content.event.url).status_code == 200


def test_membership_ended_closes_the_page_again(client, tree, content):
    ida = make_relative("ida@example.dk", tree.home_a)
    client.force_login(ida)
    assert client.get(content.news.url).status_code == 200
    Membership.objects.filter(relative=ida).update(status=Membership.Status.ENDED)
    assert client.get(content.news.url).status_code == 404
    assert not shows_secret(client, tree.home_a.url)


def test_preview_is_not_affected(tree, content):
    """Wagtail's preview renders without serve(): editors preview relatives-only pages."""
    response = content.news.make_preview_request()
    assert response.status_code == 200
    assert SECRET_NEWS in response.content.decode()


# --- Toggling the flag -----------------------------------------------------------------


def test_toggling_and_publishing_updates_the_cached_ical_feeds(client, tree):
    event = publish(make_event(tree.home_a, "Sommerkoncert", organiser=tree.organisation))
    urls = [
        reverse("feeds:calendar_ics"),
        reverse("feeds:home_ics", args=[tree.home_a.slug]),
        reverse("feeds:organisation_ics", args=[tree.organisation.slug]),
    ]
    etags = {}
    for url in urls:
        response = client.get(url)
        assert "Sommerkoncert" in response.content.decode()
        etags[url] = response["ETag"]
        assert client.get(url, HTTP_IF_NONE_MATCH=etags[url]).status_code == 304

    event.relatives_only = True
    publish(event)
    for url in urls:
        response = client.get(url, HTTP_IF_NONE_MATCH=etags[url])
        assert response.status_code == 200
        assert "Sommerkoncert" not in response.content.decode()

    event.relatives_only = False
    publish(event)
    for url in urls:
        assert "Sommerkoncert" in client.get(url).content.decode()


def test_a_draft_marking_changes_nothing_until_published(client, tree):
    news = publish(make_news(tree.home_a, "Udflugt til stranden"))
    news.relatives_only = True
    news.save_revision()  # saved as a draft: the live page is still public
    assert client.get(news.url).status_code == 200
    assert "Udflugt til stranden" in page_text(client, reverse("feeds:news_rss"))
    NewsPage.objects.get(pk=news.pk).get_latest_revision().publish()
    assert client.get(news.url).status_code == 403  # signed out: offered the sign-in
    assert "Udflugt til stranden" not in page_text(client, reverse("feeds:news_rss"))


# --- Editors ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", [NewsPage, EventPage])
def test_editors_have_the_field(model):
    form_class = model.get_edit_handler().get_form_class()
    assert "relatives_only" in form_class.base_fields


def test_an_event_in_the_shared_calendar_cannot_be_relatives_only(tree, staff_a):
    form_class = EventPage.get_edit_handler().get_form_class()
    start = timezone.localtime(timezone.now() + dt.timedelta(days=3))
    data = {
        "title": "Fælles koncert",
        "slug": "faelles-koncert",
        "start": start.strftime("%Y-%m-%d %H:%M"),
        "intro": "Kom og hør.",
        "location": "Torvet",
        "audience": "public",
        "max_party_size": "4",
        "relatives_only": "on",
        "body-count": "0",
    }
    in_calendar = form_class(
        data, instance=EventPage(), parent_page=tree.calendar, for_user=staff_a
    )
    assert not in_calendar.is_valid()
    assert "relatives_only" in in_calendar.errors
    at_home = form_class(data, instance=EventPage(), parent_page=tree.home_a, for_user=staff_a)
    at_home.is_valid()
    assert "relatives_only" not in at_home.errors


# --- Queries ---------------------------------------------------------------------------


def test_relatives_listing_costs_no_query_per_item(client, tree):
    """The membership check is a subquery of each listing: more items, same queries."""
    client.force_login(make_relative("ida@example.dk", tree.home_a))

    def count(url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def fill(n: int) -> None:
        for i in range(n):
            make_news(tree.home_a, f"Nyhed {n}-{i}", relatives_only=i % 2 == 0)
            make_event(tree.home_a, f"Arrangement {n}-{i}", relatives_only=i % 2 == 0)

    urls = [tree.front.url, tree.home_a.url, tree.calendar.url]
    fill(2)
    small = [count(url) for url in urls]
    fill(12)
    assert [count(url) for url in urls] == small


def test_the_sign_up_page_of_a_relatives_only_event_is_not_found_for_others(client, tree):
    from home.models import EventPage

    from .conftest import make_event

    event = make_event(tree.home_a, "Pårørendeaften", signup_enabled=True, relatives_only=True)
    assert EventPage.objects.filter(pk=event.pk, relatives_only=True).exists()
    url = f"/arrangementer/{event.pk}/tilmelding/"
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
