"""The calendar across homes: filters, past events, pagination and hostile query strings."""

import datetime as dt
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from home.models import Organisation
from home.models.events import Audience

from .conftest import make_event

# The calendar's pinned budget in tests/test_query_counts.py, for either view.
CALENDAR_QUERY_BUDGET = 9


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


# --- Month view, navigation, accessibility filter, calendar links (issue 5, part 5) --------


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


WEEKDAYS = ["Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag"]


def this_month_heading() -> str:
    return date_format(timezone.localdate(), "F Y").capitalize()


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def grid_cell(soup, day: dt.date):
    """The month grid's cell for `day` (None when the grid has no such day)."""
    time = soup.select_one(f".calendar-month td time[datetime='{day.isoformat()}']")
    return time.find_parent("td") if time else None


def cell_entries(soup, day: dt.date) -> list[tuple[str, str]]:
    """(time, title) of each event in the grid cell of `day`."""
    cell = grid_cell(soup, day)
    assert cell is not None, f"no cell for {day}"
    return [
        (
            entry.select_one(".calendar-entry__time").get_text(strip=True),
            entry.select_one(".calendar-entry__title").get_text(strip=True),
        )
        for entry in cell.select(".calendar-entry")
    ]


def month_url(tree, month: str, **params) -> str:
    return tree.calendar.url + "?" + urlencode({"visning": "maaned", "month": month, **params})


@pytest.fixture
def december(tree):
    """Events around this year's December: one evening, a three-day, an all-day, a new year's."""
    year = timezone.localdate().year
    return {
        "year": year,
        "party": make_event(
            tree.home_a,
            "Julefrokost",
            start=local(year, 12, 10, 18),
            end=local(year, 12, 10, 22),
        ),
        "fair": make_event(
            tree.home_b,
            "Juleudstilling",
            start=local(year, 12, 14, 10),
            end=local(year, 12, 16, 16),
        ),
        "lucia": make_event(
            tree.home_a, "Luciaoptog", start=local(year, 12, 13), end=None, all_day=True
        ),
        "newyear": make_event(
            tree.home_b,
            "Nytårsophold",
            start=local(year, 12, 30, 14),
            end=local(year + 1, 1, 2, 11),
        ),
        "november": make_event(tree.home_a, "Mortensaften", start=local(year, 11, 10, 18)),
    }


def test_month_view_is_a_table_with_monday_first_danish_weekdays_and_week_numbers(
    client, tree, december
):
    year = december["year"]
    soup = soup_of(client.get(month_url(tree, f"{year}-12")))
    table = soup.select_one(".calendar-month table")
    assert table.caption.get_text(strip=True) == f"Arrangementer i december {year}"
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    assert headers == ["Uge", *WEEKDAYS]
    assert all(th["scope"] == "col" for th in table.select("thead th"))
    first_row = table.select("tbody tr")[0]
    first = dt.date(year, 12, 1)
    assert first_row.th["scope"] == "row"
    assert first_row.th.get_text(" ", strip=True) == f"Uge {first.isocalendar().week}"
    # December 1st sits under its own weekday; the days before it belong to November.
    cells = first_row.select("td")
    assert cells[first.weekday()].time["datetime"] == first.isoformat()
    assert all(not cell.select("time") for cell in cells[: first.weekday()])
    assert soup.select_one("#results-heading").get_text(strip=True) == f"December {year}"


def test_month_view_puts_events_on_their_days(client, tree, december):
    year = december["year"]
    soup = soup_of(client.get(month_url(tree, f"{year}-12")))
    assert cell_entries(soup, dt.date(year, 12, 10)) == [("18.00–22.00", "Julefrokost")]
    assert cell_entries(soup, dt.date(year, 12, 13)) == [("Hele dagen", "Luciaoptog")]
    # A multi-day event is on each of its days.
    assert cell_entries(soup, dt.date(year, 12, 14)) == [("Fra 10.00", "Juleudstilling")]
    assert cell_entries(soup, dt.date(year, 12, 15)) == [("Hele dagen", "Juleudstilling")]
    assert cell_entries(soup, dt.date(year, 12, 16)) == [("Til 16.00", "Juleudstilling")]
    assert cell_entries(soup, dt.date(year, 12, 31)) == [("Hele dagen", "Nytårsophold")]
    assert cell_entries(soup, dt.date(year, 12, 11)) == []
    assert "Mortensaften" not in soup.select_one(".calendar-month").get_text()
    assert soup.select_one(".calendar-results__count").get_text(strip=True) == "4 arrangementer"


def test_month_view_shows_the_whole_month_even_days_gone_by(client, tree):
    today = timezone.localdate()
    past = today - dt.timedelta(days=400)
    make_event(tree.home_a, "Gammel bålaften", start=local(past.year, past.month, past.day, 19))
    soup = soup_of(client.get(month_url(tree, past.strftime("%Y-%m"))))
    assert cell_entries(soup, past) == [("19.00–21.00", "Gammel bålaften")]


def test_multi_day_all_day_event_and_one_ending_at_midnight(client, tree):
    year = timezone.localdate().year
    make_event(
        tree.home_a,
        "Sommerlejr",
        start=local(year, 6, 28),
        end=local(year, 7, 2),
        all_day=True,
    )
    make_event(tree.home_b, "Sankthans", start=local(year, 6, 23, 20), end=local(year, 6, 24))
    soup = soup_of(client.get(month_url(tree, f"{year}-06")))
    assert cell_entries(soup, dt.date(year, 6, 23)) == [("20.00–00.00", "Sankthans")]
    assert cell_entries(soup, dt.date(year, 6, 24)) == []
    assert cell_entries(soup, dt.date(year, 6, 28)) == [("Hele dagen", "Sommerlejr")]
    assert cell_entries(soup, dt.date(year, 6, 30)) == [("Hele dagen", "Sommerlejr")]
    soup = soup_of(client.get(month_url(tree, f"{year}-07")))
    assert cell_entries(soup, dt.date(year, 7, 2)) == [("Hele dagen", "Sommerlejr")]
    assert cell_entries(soup, dt.date(year, 7, 3)) == []


def test_month_view_defaults_to_this_month_and_marks_today(client, tree):
    today = timezone.localdate()
    make_event(
        tree.home_a,
        "Kaffe i dag",
        start=local(today.year, today.month, today.day, 10),
        end=local(today.year, today.month, today.day, 11),
    )
    soup = soup_of(client.get(tree.calendar.url, {"visning": "maaned"}))
    marked = soup.select('.calendar-month td[aria-current="date"]')
    assert len(marked) == 1
    assert marked[0].time["datetime"] == today.isoformat()
    assert "i dag" in marked[0].get_text()
    # The phone agenda marks it too, and lists only days with events.
    agenda_days = soup.select(".calendar-agenda > li")
    assert [day.time["datetime"] for day in agenda_days] == [today.isoformat()]
    assert agenda_days[0]["aria-current"] == "date"


def test_agenda_lists_only_days_with_events_with_their_events(client, tree, december):
    year = december["year"]
    soup = soup_of(client.get(month_url(tree, f"{year}-12")))
    days = {
        li.time["datetime"]: [a.get_text(strip=True) for a in li.select(".calendar-entry__title")]
        for li in soup.select(".calendar-agenda > li")
    }
    assert days == {
        f"{year}-12-10": ["Julefrokost"],
        f"{year}-12-13": ["Luciaoptog"],
        f"{year}-12-14": ["Juleudstilling"],
        f"{year}-12-15": ["Juleudstilling"],
        f"{year}-12-16": ["Juleudstilling"],
        f"{year}-12-30": ["Nytårsophold"],
        f"{year}-12-31": ["Nytårsophold"],
    }
    weekday = WEEKDAYS[dt.date(year, 12, 10).weekday()]
    assert soup.select_one(".calendar-agenda h3").get_text(strip=True) == f"{weekday} 10. december"


def test_previous_and_next_month_cross_the_year_boundary(client, tree, december):
    year = december["year"]
    soup = soup_of(client.get(month_url(tree, f"{year}-12", home=tree.home_b.pk)))
    nav = soup.select_one("nav.calendar-month-nav")
    following = nav.select_one("a[rel=next]")
    previous = nav.select_one("a[rel=prev]")
    assert following.get_text(" ", strip=True).startswith("Næste måned")
    assert f"januar {year + 1}" in following.get_text()
    assert f"november {year}" in previous.get_text()
    next_query = parse_qs(urlsplit(following["href"]).query)
    assert next_query == {
        "home": [str(tree.home_b.pk)],
        "month": [f"{year + 1}-01"],
        "visning": ["maaned"],
    }
    this_month = parse_qs(urlsplit(nav.find("a", string="Denne måned")["href"]).query)
    assert this_month["month"] == [timezone.localdate().strftime("%Y-%m")]

    january = soup_of(client.get(tree.calendar.url + following["href"]))
    assert january.select_one("#results-heading").get_text(strip=True) == f"Januar {year + 1}"
    assert cell_entries(january, dt.date(year + 1, 1, 1)) == [("Hele dagen", "Nytårsophold")]
    assert cell_entries(january, dt.date(year + 1, 1, 2)) == [("Til 11.00", "Nytårsophold")]
    back = january.select_one("nav.calendar-month-nav a[rel=prev]")
    assert parse_qs(urlsplit(back["href"]).query)["month"] == [f"{year}-12"]
    # The month select shows the month on display.
    assert january.select_one("#id_month option[selected]")["value"] == f"{year + 1}-01"


def test_months_beyond_the_select_are_reachable_but_not_endless(client, tree):
    far = timezone.localdate().year + 3
    soup = soup_of(client.get(month_url(tree, f"{far}-05")))
    assert soup.select_one("#filter-errors") is None
    assert soup.select_one("#id_month option[selected]")["value"] == f"{far}-05"
    soup = soup_of(client.get(month_url(tree, "1900-01")))
    assert "Vælg en måned fra listen" in soup.select_one("#filter-errors").get_text()
    assert soup.select_one("#results-heading").get_text(strip=True) == this_month_heading()


@pytest.fixture
def accessible_events(tree):
    soon = timezone.now() + dt.timedelta(days=2)
    return [
        make_event(tree.home_a, "Alt i orden", start=soon, step_free=True, hearing_loop=True),
        make_event(
            tree.home_b,
            "Trinfrit i Engbo",
            start=soon + dt.timedelta(hours=1),
            step_free=True,
            quiet_room=True,
        ),
        make_event(
            tree.home_a,
            "Teleslynge alene",
            start=soon + dt.timedelta(hours=2),
            hearing_loop=True,
            accessible_toilet=True,
        ),
        make_event(tree.home_a, "Ingen hjælpemidler", start=soon + dt.timedelta(hours=3)),
    ]


def test_accessibility_filter_needs_every_ticked_feature(client, tree, accessible_events):
    url = tree.calendar.url
    assert titles(client.get(url, {"tilgaengelighed": "trinfri"})) == [
        "Alt i orden",
        "Trinfrit i Engbo",
    ]
    assert titles(client.get(url, {"tilgaengelighed": ["trinfri", "teleslynge"]})) == [
        "Alt i orden"
    ]
    assert titles(client.get(url, {"tilgaengelighed": ["handicaptoilet", "teleslynge"]})) == [
        "Teleslynge alene"
    ]
    assert titles(client.get(url, {"tilgaengelighed": "stille-rum", "home": tree.home_a.pk})) == []
    assert titles(client.get(url, {"tilgaengelighed": "trinfri", "home": tree.home_b.pk})) == [
        "Trinfrit i Engbo"
    ]


def test_accessibility_filter_is_a_labelled_checkbox_group_that_remembers(
    client, tree, accessible_events
):
    soup = soup_of(client.get(tree.calendar.url, {"tilgaengelighed": "teleslynge"}))
    fieldset = soup.select_one("fieldset.calendar-filter__access")
    assert fieldset.legend.get_text(strip=True) == "Tilgængelighed"
    boxes = fieldset.select("input[type=checkbox][name=tilgaengelighed]")
    labels = {box["value"]: soup.select_one(f"label[for={box['id']}]").get_text() for box in boxes}
    assert labels == {
        "trinfri": "Trinfri adgang",
        "handicaptoilet": "Handicaptoilet",
        "teleslynge": "Teleslynge",
        "stille-rum": "Stille rum",
    }
    assert [box["value"] for box in boxes if box.has_attr("checked")] == ["teleslynge"]


@pytest.mark.parametrize(
    "query",
    [
        {"tilgaengelighed": "bogus"},
        {"tilgaengelighed": ["<b>x</b>", "step_free"]},
        {"tilgaengelighed": "x" * 5000},
    ],
)
def test_unknown_accessibility_values_are_reported_and_dropped(
    client, tree, accessible_events, query
):
    response = client.get(tree.calendar.url, query)
    soup = soup_of(response)
    assert (
        "Vi kender ikke alle de valgte ønsker til tilgængelighed"
        in soup.select_one("#filter-errors").get_text()
    )
    assert "<b>x</b>" not in response.content.decode()
    assert len(titles(response)) == 4


def test_known_accessibility_values_still_apply_beside_an_unknown_one(
    client, tree, accessible_events
):
    response = client.get(tree.calendar.url, {"tilgaengelighed": ["teleslynge", "bogus"]})
    assert "Vi kender ikke alle" in response.content.decode()
    assert titles(response) == ["Alt i orden", "Teleslynge alene"]


def test_unknown_view_is_reported_and_the_list_shown(client, tree, events):
    response = client.get(tree.calendar.url, {"visning": "kalender<script>"})
    soup = soup_of(response)
    assert "Vælg at se kalenderen som liste eller måned" in soup.select_one("#filter-errors").text
    assert soup.select_one(".calendar-month") is None
    assert len(titles(response)) == 4


def test_month_view_applies_the_filters(client, tree, december):
    year = december["year"]
    december["party"].step_free = True
    december["party"].save()
    soup = soup_of(client.get(month_url(tree, f"{year}-12", home=tree.home_b.pk)))
    assert cell_entries(soup, dt.date(year, 12, 10)) == []
    assert cell_entries(soup, dt.date(year, 12, 14)) == [("Fra 10.00", "Juleudstilling")]
    soup = soup_of(client.get(month_url(tree, f"{year}-12", tilgaengelighed="trinfri")))
    entries = soup.select(".calendar-month .calendar-entry__title")
    assert [entry.get_text(strip=True) for entry in entries] == ["Julefrokost"]


def test_switching_views_keeps_the_filters(client, tree, accessible_events):
    query = {"home": tree.home_a.pk, "tilgaengelighed": ["trinfri", "teleslynge"], "past": "1"}
    soup = soup_of(client.get(tree.calendar.url, query))
    views = soup.select_one("nav.calendar-views")
    assert views.find("a", string="Liste")["aria-current"] == "page"
    month_link = views.find("a", string="Måned")
    assert parse_qs(urlsplit(month_link["href"]).query) == {
        "home": [str(tree.home_a.pk)],
        "tilgaengelighed": ["trinfri", "teleslynge"],
        "past": ["1"],
        "visning": ["maaned"],
    }
    month = soup_of(client.get(tree.calendar.url + month_link["href"]))
    assert month.select_one("nav.calendar-views a[aria-current=page]").get_text() == "Måned"
    assert month.select_one("#results-heading").get_text(strip=True) == this_month_heading()
    assert month.select_one("#id_tilgaengelighed_0").has_attr("checked")
    # Submitting the filter form stays in the month view.
    assert month.select_one("form.calendar-filter input[name=visning]")["value"] == "maaned"
    list_link = month.select_one("nav.calendar-views").find("a", string="Liste")
    assert parse_qs(urlsplit(list_link["href"]).query) == {
        "home": [str(tree.home_a.pk)],
        "tilgaengelighed": ["trinfri", "teleslynge"],
        "past": ["1"],
    }


def test_view_links_leave_bad_values_behind(client, tree, events):
    soup = soup_of(client.get(tree.calendar.url, {"home": "abc", "audience": "relatives"}))
    month_link = soup.select_one("nav.calendar-views").find("a", string="Måned")
    assert parse_qs(urlsplit(month_link["href"]).query) == {
        "audience": ["relatives"],
        "visning": ["maaned"],
    }


def test_add_to_calendar_links_in_list_and_month_views(client, tree, december):
    year = december["year"]
    party = december["party"]
    ics = reverse("feeds:event_ics", args=[party.pk])
    listing = soup_of(client.get(tree.calendar.url, {"month": f"{year}-12", "past": "1"}))
    link = listing.find("a", href=ics)
    assert link.get_text(" ", strip=True) == "Tilføj til min kalender : Julefrokost"
    month = soup_of(client.get(month_url(tree, f"{year}-12")))
    grid_link = grid_cell(month, dt.date(year, 12, 10)).find("a", href=ics)
    assert grid_link.get_text(" ", strip=True) == "Tilføj Julefrokost til min kalender"
    assert month.select_one(".calendar-agenda").find("a", href=ics) is not None
    # A multi-day event offers it once, on its first day.
    fair_ics = reverse("feeds:event_ics", args=[december["fair"].pk])
    assert len(month.select(f".calendar-month a[href='{fair_ics}']")) == 1
    assert grid_cell(month, dt.date(year, 12, 14)).find("a", href=fair_ics) is not None


def test_whole_calendar_feed_is_offered_to_subscribe_and_download(client, tree, events):
    soup = soup_of(client.get(tree.calendar.url))
    feed = reverse("feeds:calendar_ics")
    section = soup.select_one("section.calendar-subscribe")
    subscribe = section.find("a", string="Abonnér på kalenderen")
    assert subscribe["href"] == f"webcal://testserver{feed}"
    assert section.find("a", href=feed).get_text(strip=True).startswith("Hent hele kalenderen")
    # With a home chosen, that home's own feed is offered as well.
    soup = soup_of(client.get(tree.calendar.url, {"home": tree.home_b.pk, "visning": "maaned"}))
    home_feed = reverse("feeds:home_ics", args=[tree.home_b.slug])
    home_link = soup.select_one("section.calendar-subscribe").find(
        "a", href=f"webcal://testserver{home_feed}"
    )
    assert home_link.get_text(strip=True) == "Abonnér på alle arrangementer på Engbo"


def test_cancelled_events_are_marked_and_not_offered_for_my_calendar(client, tree, december):
    year = december["year"]
    party = december["party"]
    party.cancelled = True
    party.save()
    ics = reverse("feeds:event_ics", args=[party.pk])
    listing = soup_of(client.get(tree.calendar.url, {"month": f"{year}-12", "past": "1"}))
    card = listing.find(id=f"event-{party.pk}")
    assert card.select_one(".badge").get_text(strip=True) == "Aflyst"
    assert listing.find("a", href=ics) is None
    month = soup_of(client.get(month_url(tree, f"{year}-12")))
    cell = grid_cell(month, dt.date(year, 12, 10))
    assert cell.select_one(".calendar-entry .badge-error").get_text(strip=True) == "Aflyst"
    assert cell.find("a", href=ics) is None


def test_cards_name_the_accessibility_features(client, tree, accessible_events):
    soup = soup_of(client.get(tree.calendar.url))
    card = soup.find(id=f"event-{accessible_events[0].pk}").find_parent("article")
    assert card.select_one(".event-card__access").get_text(strip=True) == (
        "Tilgængelighed: trinfri adgang, teleslynge"
    )
    plain = soup.find(id=f"event-{accessible_events[3].pk}").find_parent("article")
    assert plain.select_one(".event-card__access") is None


def fill_calendar(tree, count: int, first_day: dt.date) -> None:
    """`count` events with organiser, features and some cancelled, several days long."""
    for n in range(count):
        start = local(first_day.year, first_day.month, 1 + n % 27, 9 + n % 10)
        make_event(
            tree.home_a if n % 2 else tree.home_b,
            f"Aktivitet {n}",
            start=start,
            end=start + dt.timedelta(days=n % 3, hours=2),
            organiser=tree.organisation,
            step_free=True,
            hearing_loop=bool(n % 2),
            cancelled=n % 5 == 0,
            audience=Audience.PUBLIC if n % 3 else Audience.RELATIVES,
        )


def queries_for(client, url: str) -> int:
    client.get(url)  # warm per-process caches (content types, site root paths)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("view", ["liste", "maaned"])
def test_query_count_is_the_same_for_3_and_30_events(client, tree, django_assert_num_queries, view):
    next_month = (timezone.localdate().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    url = (
        tree.calendar.url
        + "?"
        + urlencode(
            {"visning": view, "month": next_month.strftime("%Y-%m"), "tilgaengelighed": "trinfri"}
        )
    )
    fill_calendar(tree, 3, next_month)
    few = queries_for(client, url)
    fill_calendar(tree, 27, next_month)
    with django_assert_num_queries(few):
        response = client.get(url)
    soup = soup_of(response)
    shown = soup.select(".event-card" if view == "liste" else ".calendar-agenda .calendar-entry")
    assert len(shown) >= 20
    assert few <= CALENDAR_QUERY_BUDGET
