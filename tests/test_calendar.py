"""The calendar across homes: filters, past events, pagination and hostile query strings."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from home.models import Organisation
from home.models.events import Audience

from .conftest import make_event


def titles(response) -> list[str]:
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [h.get_text(strip=True) for h in soup.select(".calendar-results .event-card__title")]


@pytest.fixture
def events(tree):
    now = timezone.now()
    choir = Organisation.objects.create(name="Tønder Kirkekor", kind=Organisation.Kind.ASSOCIATION)
    return {
        "a_soon": make_event(tree.home_a, "Bålaften", start=now + dt.timedelta(days=2)),
        "b_soon": make_event(
            tree.home_b, "Korsang", start=now + dt.timedelta(days=4), organiser=choir
        ),
        "a_later": make_event(
            tree.home_a,
            "Pårørendemøde",
            start=now + dt.timedelta(days=40),
            audience=Audience.RELATIVES,
        ),
        "past": make_event(tree.home_a, "Påskefrokost", start=now - dt.timedelta(days=30)),
        "municipal": make_event(
            tree.calendar,
            "Idrætsdag for alle",
            start=now + dt.timedelta(days=10),
            organiser=tree.organisation,
        ),
        "choir": choir,
    }


def test_calendar_lists_upcoming_events_across_homes_soonest_first(client, tree, events):
    assert titles(client.get(tree.calendar.url)) == [
        "Bålaften",
        "Korsang",
        "Idrætsdag for alle",
        "Pårørendemøde",
    ]


def test_past_events_hidden_by_default_and_shown_on_request(client, tree, events):
    assert "Påskefrokost" not in titles(client.get(tree.calendar.url))
    assert titles(client.get(tree.calendar.url, {"past": "1"}))[0] == "Påskefrokost"


def test_filter_by_home(client, tree, events):
    assert titles(client.get(tree.calendar.url, {"home": tree.home_b.pk})) == ["Korsang"]


def test_filter_by_organisation_and_audience(client, tree, events):
    assert titles(client.get(tree.calendar.url, {"organisation": events["choir"].slug})) == [
        "Korsang"
    ]
    assert titles(client.get(tree.calendar.url, {"audience": "relatives"})) == ["Pårørendemøde"]


def test_filter_by_month(client, tree, events):
    month = timezone.localtime(events["a_later"].start).strftime("%Y-%m")
    assert "Pårørendemøde" in titles(client.get(tree.calendar.url, {"month": month}))
    assert "Bålaften" not in titles(client.get(tree.calendar.url, {"month": month})) or (
        timezone.localtime(events["a_soon"].start).strftime("%Y-%m") == month
    )


def test_past_month_shows_that_months_events(client, tree, events):
    month = timezone.localtime(events["past"].start).strftime("%Y-%m")
    assert "Påskefrokost" in titles(client.get(tree.calendar.url, {"month": month}))


@pytest.mark.parametrize(
    "query",
    [
        {"home": "abc", "month": "13", "page": "-1"},
        {"home": "99999999", "organisation": "findes-ikke"},
        {"month": "2026-13", "audience": "<script>alert(1)</script>"},
        {"home": "1 OR 1=1", "page": "abc"},
        {"home": "9" * 40, "page": "9" * 40},
        {"month": "x" * 5000},
    ],
)
def test_malformed_filters_give_danish_message_and_unfiltered_list(client, tree, events, query):
    response = client.get(tree.calendar.url, query)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    alert = soup.select_one("#filter-errors")
    assert alert is not None
    assert "Nogle af dine valg kunne vi ikke bruge" in alert.get_text()
    assert "<script>" not in response.content.decode()
    assert titles(response) == ["Bålaften", "Korsang", "Idrætsdag for alle", "Pårørendemøde"]


def test_valid_filter_still_applies_beside_an_invalid_one(client, tree, events):
    response = client.get(tree.calendar.url, {"home": tree.home_b.pk, "month": "13"})
    assert titles(response) == ["Korsang"]
    assert "Vælg en måned fra listen" in response.content.decode()


def test_calendar_is_paginated_and_bad_page_numbers_fall_back(client, tree):
    start = timezone.now() + dt.timedelta(days=1)
    for n in range(25):
        make_event(tree.home_a, f"Aktivitet {n:02d}", start=start + dt.timedelta(hours=n))
    first = titles(client.get(tree.calendar.url))
    second = titles(client.get(tree.calendar.url, {"page": "2"}))
    assert len(first) == 20 and len(second) == 5
    assert titles(client.get(tree.calendar.url, {"page": "-1"})) == first
    assert titles(client.get(tree.calendar.url, {"page": "999"})) == second


def test_pagination_links_keep_the_filters(client, tree):
    start = timezone.now() + dt.timedelta(days=1)
    for n in range(21):
        make_event(tree.home_a, f"Aktivitet {n:02d}", start=start + dt.timedelta(hours=n))
    response = client.get(tree.calendar.url, {"home": tree.home_a.pk})
    soup = BeautifulSoup(response.content, "html.parser")
    next_link = soup.select_one("a[rel=next]")["href"]
    assert f"home={tree.home_a.pk}" in next_link and "page=2" in next_link


def test_organisation_directory_and_page_list_its_events(client, tree, events):
    directory = BeautifulSoup(client.get(tree.directory.url).content, "html.parser")
    assert "Tønder Kirkekor" in directory.get_text()
    response = client.get(tree.directory.url + events["choir"].slug + "/")
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "Tønder Kirkekor"
    assert [h.get_text(strip=True) for h in soup.select(".event-card__title")] == ["Korsang"]


def test_unknown_organisation_is_404_and_bad_kind_shows_all(client, tree, events):
    assert client.get(tree.directory.url + "findes-ikke/").status_code == 404
    response = client.get(tree.directory.url, {"kind": "<b>x</b>"})
    assert response.status_code == 200
    assert "Tønder Kirkekor" in response.content.decode()
