"""Anonymous pages from the page cache: served without a query, purged by what changes them,
never for someone signed in, never with relatives-only content, forms still protected."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dialog.models import Membership
from participation.models import EventSignup
from tests.conftest import make_event, make_news
from tests.test_relatives_only import make_relative, publish

SECRET_NEWS = "Hemmelig nyhed"


def outcome(response) -> str | None:
    return response.headers.get("X-Page-Cache")


@pytest.fixture
def relative(tree):
    return make_relative("soester@example.dk", tree.home_a, status=Membership.Status.APPROVED)


def test_anonymous_page_is_served_from_cache_then_purged_by_publish(
    client, tree, django_assert_num_queries
):
    news = publish(make_news(tree.home_a, "Høstfest i haven"))
    first = client.get(tree.home_a.url)
    assert outcome(first) == "miss"
    assert "Høstfest i haven" in first.content.decode()
    with django_assert_num_queries(0):
        second = client.get(tree.home_a.url)
    assert outcome(second) == "hit"
    assert second.content.count(b"csrfmiddlewaretoken") == first.content.count(
        b"csrfmiddlewaretoken"
    )

    news.title = "Høstfesten er flyttet"
    publish(news)
    third = client.get(tree.home_a.url)
    assert outcome(third) == "miss"
    assert "Høstfesten er flyttet" in third.content.decode()
    assert "Høstfest i haven" not in third.content.decode()


def test_a_publish_elsewhere_leaves_other_homes_cached(client, tree):
    client.get(tree.home_b.url)
    publish(make_news(tree.home_a, "Kun hos Solgården"))
    assert outcome(client.get(tree.home_b.url)) == "hit"
    assert outcome(client.get(tree.home_a.url)) == "miss"


def test_unpublish_move_and_delete_purge(client, tree):
    news = publish(make_news(tree.home_a, "Bliver trukket tilbage"))
    client.get(tree.home_a.url)
    news.unpublish()
    page = client.get(tree.home_a.url)
    assert outcome(page) == "miss"
    assert "Bliver trukket tilbage" not in page.content.decode()

    moved = publish(make_news(tree.home_a, "Flytter til Engbo"))
    client.get(tree.home_a.url), client.get(tree.home_b.url)
    moved.move(tree.home_b, pos="last-child")
    assert "Flytter til Engbo" not in client.get(tree.home_a.url).content.decode()
    assert "Flytter til Engbo" in client.get(tree.home_b.url).content.decode()

    client.get(tree.home_b.url)
    moved.refresh_from_db()
    moved.delete()
    page = client.get(tree.home_b.url)
    assert outcome(page) == "miss"
    assert "Flytter til Engbo" not in page.content.decode()


def test_organisation_change_purges_the_directory_and_calendar(client, tree):
    url = f"{tree.directory.url}{tree.organisation.slug}/"
    assert outcome(client.get(url)) == "miss"
    assert outcome(client.get(url)) == "hit"
    client.get(tree.calendar.url)
    tree.organisation.name = "Tønder Gymnastikforening"
    tree.organisation.save()
    page = client.get(url)
    assert outcome(page) == "miss"
    assert "Tønder Gymnastikforening" in page.content.decode()
    assert outcome(client.get(tree.calendar.url)) == "miss"


def test_a_facility_lent_out_or_withdrawn_purges_its_homes_page(client, tree):
    from facilities.models import Facility

    assert outcome(client.get(tree.home_a.url)) == "miss"
    client.get(tree.home_b.url)
    facility = Facility.objects.create(botilbud=tree.home_a, name="Sansehaven", description="-")
    page = client.get(tree.home_a.url)
    assert outcome(page) == "miss"
    assert "Sansehaven" in page.content.decode()
    assert outcome(client.get(tree.home_b.url)) == "hit"
    facility.shared = False
    facility.save()
    page = client.get(tree.home_a.url)
    assert outcome(page) == "miss"
    assert "Sansehaven" not in page.content.decode()
    client.get(tree.home_a.url)
    facility.delete()
    assert outcome(client.get(tree.home_a.url)) == "miss"


def test_etag_answers_not_modified(client, tree):
    first = client.get(tree.about.url)
    etag = first["ETag"]
    assert "public" in first["Cache-Control"] and "s-maxage=" in first["Cache-Control"]
    assert "Cookie" in first["Vary"]
    again = client.get(tree.about.url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again["ETag"] == etag


def test_page_with_a_form_is_shared_and_its_etag_is_the_same_for_everyone(tree):
    visitor, other = Client(), Client()
    first = visitor.get(tree.home_a.url)
    assert first["Cache-Control"].startswith("public, ")
    assert outcome(visitor.get(tree.home_a.url)) == "hit"
    hit = visitor.get(tree.home_a.url, headers={"if-none-match": first["ETag"]})
    assert hit.status_code == 304
    # Every visitor gets the same page: the first visitor's ETag is good for another.
    assert other.get(tree.home_a.url, headers={"if-none-match": first["ETag"]}).status_code == 304


def test_upcoming_lists_turn_over_at_midnight(client, tree, monkeypatch):
    client.get(tree.calendar.url)
    assert outcome(client.get(tree.calendar.url)) == "hit"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr("pagecache.store.timezone.localdate", lambda: tomorrow)
    assert outcome(client.get(tree.calendar.url)) == "miss"


def test_entry_ends_when_the_first_listed_event_ends(client, tree, monkeypatch):
    publish(
        make_event(
            tree.home_a,
            "Snart slut",
            start=timezone.now() - dt.timedelta(hours=1),
            end=timezone.now() + dt.timedelta(minutes=5),
        )
    )
    stored = {}
    real_put = __import__("pagecache.store", fromlist=["put"]).put

    def spy(key, entry, timeout):
        stored[key] = timeout
        return real_put(key, entry, timeout)

    monkeypatch.setattr("pagecache.middleware.store.put", spy)
    client.get(tree.home_a.url)
    assert 0 < next(iter(stored.values())) <= 5 * 60 + 1


def test_signed_in_relative_never_gets_or_leaves_a_cached_page(client, tree, relative):
    publish(make_news(tree.home_a, SECRET_NEWS, relatives_only=True))
    anonymous = Client()
    anonymous.get(tree.home_a.url)
    assert outcome(anonymous.get(tree.home_a.url)) == "hit"

    client.force_login(relative)
    page = client.get(tree.home_a.url)
    assert outcome(page) is None
    assert SECRET_NEWS in page.content.decode()
    assert "private" in page["Cache-Control"]

    # What the relative was shown is kept nowhere: a new anonymous visitor gets the public page.
    caches_cleared = Client()
    from django.core.cache import caches

    caches["pages"].clear()
    client.get(tree.home_a.url)
    fresh = caches_cleared.get(tree.home_a.url)
    assert outcome(fresh) == "miss"
    assert SECRET_NEWS not in fresh.content.decode()


def test_relatives_only_page_is_never_cached(client, tree, relative):
    secret = publish(make_news(tree.home_a, SECRET_NEWS, relatives_only=True))
    member = Client()
    member.force_login(relative)
    assert SECRET_NEWS in member.get(secret.url).content.decode()
    for _ in range(2):
        response = client.get(secret.url)
        assert response.status_code == 403
        assert outcome(response) is None
        assert SECRET_NEWS not in response.content.decode()


def test_magic_link_and_session_requests_bypass_the_cache(client, tree):
    client.get(tree.about.url)
    assert outcome(client.get(tree.about.url, {"sesame": "x"})) is None
    client.cookies["sessionid"] = "anything"
    assert outcome(client.get(tree.about.url)) is None


def test_form_error_page_is_not_cached(client, tree):
    url = f"{tree.calendar.url}?home=999999"
    assert outcome(client.get(url)) is None
    assert outcome(client.get(url)) is None
    assert outcome(client.get(tree.calendar.url + "?home=" + str(tree.home_a.pk))) == "miss"


def test_subscribe_box_on_a_cached_page_submits_with_csrf(tree):
    Client().get(tree.home_a.url)  # stored by someone else
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(tree.home_a.url)
    assert outcome(page) == "hit"
    assert 'name="csrfmiddlewaretoken" value=""' in page.content.decode()
    assert "csrftoken" not in visitor.cookies
    token = visitor.get(reverse("csrf_token")).json()["token"]
    assert "csrftoken" in visitor.cookies
    data = {
        "email": "ny@example.dk",
        "homes": [tree.home_a.pk],
        "frequency": "weekly",
        "consent": "on",
        "website": "",
    }
    refused = visitor.post(reverse("newsletters:subscribe"), data)
    assert refused.status_code == 403
    accepted = visitor.post(
        reverse("newsletters:subscribe"), {**data, "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 302, accepted.content.decode()[:500]
    assert accepted["Location"] == reverse("newsletters:thanks")


def test_signup_on_a_cached_event_page_submits_and_updates_seats_left(
    tree, django_capture_on_commit_callbacks
):
    event = make_event(tree.home_a, "Sommerfest", signup_enabled=True, capacity=2)
    Client().get(event.url)
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(event.url)
    assert outcome(page) == "hit"
    assert "Der er 2 ledige pladser" in page.content.decode()
    assert not page.cookies
    data = {
        "signup-name": "Karen Jensen",
        "signup-email": "karen@example.dk",
        "signup-party_size": "1",
        "signup-note": "",
        "signup-consent": "on",
        "signup-website": "",
        "csrfmiddlewaretoken": visitor.get(reverse("csrf_token")).json()["token"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(reverse("participation:event_signup", args=[event.pk]), data)
    assert response.status_code == 302
    assert EventSignup.objects.filter(event=event).count() == 1
    after = Client().get(event.url)
    assert outcome(after) == "miss"
    assert "Der er 1 ledig plads" in after.content.decode()


def test_answer_that_sets_a_cookie_is_not_kept(client, tree, monkeypatch):
    from home.models import StandardPage

    original = StandardPage.serve

    def serve(self, request, *args, **kwargs):
        response = original(self, request, *args, **kwargs)
        response.set_cookie("besoeg", "1")
        return response

    monkeypatch.setattr(StandardPage, "serve", serve)
    assert outcome(client.get(tree.about.url)) is None
    assert outcome(client.get(tree.about.url)) is None
