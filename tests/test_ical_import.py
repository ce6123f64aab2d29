"""Importing associations' own calendars (.ics): events in, updated in place, hostile files out
(issue 5, part 4)."""

import datetime as dt
import functools
import http.server
import re
import threading
import time
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry

from home import ical_import
from home.demo_calendar import DEMO_EVENTS, build_demo_ics, import_demo_calendar
from home.ical_import import MAX_FILE_BYTES, fetch_calendar, import_calendar
from home.models import CalendarImport, EventPage, Organisation, OrganisationIndexPage
from home.models.events import Audience
from home.tasks import import_all_organisation_calendars, import_organisation_calendar

from .conftest import make_event

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


# -- building calendars -------------------------------------------------------------------


def day(days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A local wall-clock time ``days`` from today."""
    date = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(date, dt.time(hour, minute), tzinfo=COPENHAGEN)


def stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def vevent(uid: str | None, summary: str, start: dt.datetime | None = None, *lines: str) -> str:
    start = start or day(7)
    head = [f"UID:{uid}"] if uid is not None else []
    body = [
        *head,
        f"SUMMARY:{summary}",
        f"DTSTART;TZID=Europe/Copenhagen:{stamp(start)}",
        *lines,
    ]
    if not any(line.startswith(("DTEND", "DURATION")) for line in lines):
        body.append(f"DTEND;TZID=Europe/Copenhagen:{stamp(start + dt.timedelta(hours=2))}")
    return "\r\n".join(["BEGIN:VEVENT", *body, "END:VEVENT"])


def ics(*events: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Samspil test//DA", *events]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def run_import(organisation, data: bytes, **kwargs) -> CalendarImport:
    return import_calendar(organisation, data, source=CalendarImport.Source.UPLOAD, **kwargs)


def imported(organisation) -> dict[str, EventPage]:
    return {
        page.source_uid: page
        for page in EventPage.objects.filter(organiser=organisation).exclude(source_uid="")
    }


def titles(response) -> list[str]:
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [h.get_text(strip=True) for h in soup.select(".event-card__title")]


@pytest.fixture
def club(tree) -> Organisation:
    return tree.organisation


# -- importing ------------------------------------------------------------------------------


def test_import_creates_live_events_in_the_calendar_and_on_the_organisation_page(
    client, tree, club
):
    record = run_import(
        club,
        ics(
            vevent(
                "badminton@tif",
                "Badminton for alle",
                day(3),
                "DESCRIPTION:Ketsjere kan lånes.",
                "LOCATION:Tønder Hallen",
                "URL:https://www.toender-if.dk/badminton",
            ),
            vevent("gaafodbold@tif", "Gå-fodbold", day(5)),
        ),
        filename="tif.ics",
    )
    assert record.ok and record.pk
    assert (record.created, record.updated, record.removed, record.skipped) == (2, 0, 0, 0)
    assert record.filename == "tif.ics"
    pages = imported(club)
    assert set(pages) == {"badminton@tif", "gaafodbold@tif"}
    badminton = pages["badminton@tif"]
    assert badminton.live and not badminton.has_unpublished_changes
    assert badminton.get_parent().specific == tree.calendar
    assert badminton.organiser == club
    assert badminton.audience == Audience.PUBLIC
    assert badminton.intro == "Ketsjere kan lånes."
    assert badminton.location == "Tønder Hallen"
    assert badminton.external_url == "https://www.toender-if.dk/badminton"
    assert badminton.start == day(3) and badminton.end == day(3, 12)
    assert badminton.slug.startswith(f"{club.slug}-")
    # No location in the file: the organisation's name stands in.
    assert pages["gaafodbold@tif"].location == club.name

    assert titles(client.get(tree.calendar.url))[:2] == ["Badminton for alle", "Gå-fodbold"]
    organisation_page = tree.directory.url + OrganisationIndexPage.organisation_path(club)
    assert titles(client.get(organisation_page)) == ["Badminton for alle", "Gå-fodbold"]
    assert client.get(badminton.url).status_code == 200


def test_reimport_updates_in_place_adds_new_and_removes_what_is_gone(tree, club):
    run_import(
        club,
        ics(
            vevent("a", "Generalforsamling", day(10)),
            vevent("b", "Sommerfest", day(20)),
            vevent("c", "Klubaften", day(30)),
        ),
    )
    before = imported(club)
    record = run_import(
        club,
        ics(
            vevent("a", "Generalforsamling (ny dato)", day(11)),
            vevent("b", "Sommerfest", day(20)),
            vevent("d", "Juletræsfest", day(40)),
        ),
    )
    assert (record.created, record.updated, record.removed) == (1, 1, 1)
    after = imported(club)
    assert set(after) == {"a", "b", "d"}
    assert after["a"].pk == before["a"].pk and after["b"].pk == before["b"].pk
    assert after["a"].title == "Generalforsamling (ny dato)"
    assert after["a"].draft_title == "Generalforsamling (ny dato)"
    assert after["a"].start == day(11)
    assert after["a"].slug == before["a"].slug
    assert not EventPage.objects.filter(pk=before["c"].pk).exists()
    assert EventPage.objects.filter(organiser=club).count() == 3
    # Pages were added and removed in batches; the tree is as treebeard would have left it.
    assert Page.find_problems() == ([], [], [], [], [])
    tree.calendar.refresh_from_db()
    assert tree.calendar.numchild == tree.calendar.get_children().count() == 3
    actions = PageLogEntry.objects.filter(page_id=before["c"].pk).values_list("action", flat=True)
    assert set(actions) == {"wagtail.create", "wagtail.delete"}
    # An editor's own page goes in after the imported ones.
    own = make_event(tree.calendar, "Idrætsdag")
    assert own.path > max(page.path for page in after.values())


def test_same_file_again_changes_nothing_at_a_flat_query_cost(
    tree, club, django_assert_max_num_queries
):
    data = ics(*(vevent(f"e{n}", f"Træning {n}", day(2 + n)) for n in range(60)))
    run_import(club, data)
    # Loading the organisation's pages is one query, whatever their number; unchanged pages
    # are not saved.
    with django_assert_max_num_queries(8):
        record = run_import(club, data)
    assert record.ok
    assert (record.created, record.updated, record.removed) == (0, 0, 0)


def test_editors_additions_survive_a_reimport(tree, club):
    run_import(club, ics(vevent("a", "Klubaften", day(10))))
    page = imported(club)["a"]
    page.audience = Audience.RELATIVES
    page.step_free = True
    page.save()
    run_import(club, ics(vevent("a", "Klubaften i hallen", day(10))))
    page.refresh_from_db()
    assert page.title == "Klubaften i hallen"
    assert page.audience == Audience.RELATIVES and page.step_free


def test_events_made_by_editors_are_never_touched(tree, club):
    own = make_event(tree.calendar, "Idrætsdag", organiser=club)
    record = run_import(club, ics(vevent("a", "Klubaften", day(10))))
    assert record.removed == 0
    assert EventPage.objects.filter(pk=own.pk).exists()


def test_another_organisations_uids_are_its_own(tree, club):
    choir = Organisation.objects.create(name="Tønder Kirkekor")
    run_import(club, ics(vevent("same-uid", "Klubaften", day(10))))
    run_import(choir, ics(vevent("same-uid", "Korprøve", day(10))))
    assert imported(club)["same-uid"].title == "Klubaften"
    assert imported(choir)["same-uid"].title == "Korprøve"


def test_the_import_is_logged_on_each_page_and_for_the_organisation(tree, club, admin_user):
    record = run_import(club, ics(vevent("a", "Klubaften", day(10))), user=admin_user)
    assert record.user == admin_user
    page = imported(club)["a"]
    entry = PageLogEntry.objects.get(page=page)
    assert entry.action == "wagtail.create" and entry.user == admin_user


def test_event_without_uid_gets_a_stable_one(tree, club):
    data = ics(vevent(None, "Loppemarked", day(12)))
    first = run_import(club, data)
    second = run_import(club, data)
    assert first.created == 1
    assert (second.created, second.updated, second.removed) == (0, 0, 0)
    (uid,) = imported(club)
    assert uid.startswith("samspil-")


def test_cancelled_private_and_links(tree, club):
    record = run_import(
        club,
        ics(
            vevent("aflyst", "Sankthans", day(10), "STATUS:CANCELLED"),
            vevent("privat", "Bestyrelsesmøde", day(11), "CLASS:PRIVATE"),
            vevent("js", "Klubaften", day(12), "URL:javascript:alert(1)"),
        ),
    )
    pages = imported(club)
    assert pages["aflyst"].cancelled
    assert "privat" not in pages
    assert record.skipped == 1 and "»Bestyrelsesmøde« er markeret som privat" in record.messages
    assert pages["js"].external_url == ""


def test_byte_order_mark_bare_newlines_and_folded_lines_are_fine(tree, club):
    data = ics(
        vevent("a", "Klubaften i hallen med kaffe og kage bagefter for alle medlemmer", day(5))
    )
    folded = data.replace(b"med kaffe", b"med\r\n  kaffe").replace(b"\r\n", b"\n")
    record = run_import(club, "\ufeff".encode() + folded)
    assert record.ok, record.messages
    assert imported(club)["a"].title.endswith("med kaffe og kage bagefter for alle medlemmer")


# -- time zones and all-day events ---------------------------------------------------------


def test_time_zones_utc_floating_and_all_day(tree, club):
    start = day(14)
    utc = start.astimezone(dt.UTC)
    date = start.date()
    run_import(
        club,
        ics(
            vevent("zoned", "I dansk tid", start),
            "\r\n".join(
                [
                    "BEGIN:VEVENT",
                    "UID:utc",
                    "SUMMARY:I UTC",
                    f"DTSTART:{utc:%Y%m%dT%H%M%S}Z",
                    "DURATION:PT90M",
                    "END:VEVENT",
                ]
            ),
            "\r\n".join(
                [
                    "BEGIN:VEVENT",
                    "UID:floating",
                    "SUMMARY:Uden tidszone",
                    f"DTSTART:{stamp(start)}",
                    "END:VEVENT",
                ]
            ),
            "\r\n".join(
                [
                    "BEGIN:VEVENT",
                    "UID:allday",
                    "SUMMARY:Udflugt",
                    f"DTSTART;VALUE=DATE:{date:%Y%m%d}",
                    f"DTEND;VALUE=DATE:{date + dt.timedelta(days=2):%Y%m%d}",
                    "END:VEVENT",
                ]
            ),
            "\r\n".join(
                [
                    "BEGIN:VEVENT",
                    "UID:oneday",
                    "SUMMARY:Loppemarked",
                    f"DTSTART;VALUE=DATE:{date:%Y%m%d}",
                    f"DTEND;VALUE=DATE:{date + dt.timedelta(days=1):%Y%m%d}",
                    "END:VEVENT",
                ]
            ),
        ),
    )
    pages = imported(club)
    assert pages["zoned"].start == start
    assert pages["utc"].start == start and pages["utc"].end == start + dt.timedelta(minutes=90)
    assert pages["floating"].start == start  # floating time is read as Danish time
    trip = pages["allday"]
    assert trip.all_day and timezone.localtime(trip.start).date() == date
    # DTEND of an all-day event is exclusive: a two-day trip ends on its second day.
    assert timezone.localtime(trip.end).date() == date + dt.timedelta(days=1)
    assert pages["oneday"].all_day and pages["oneday"].end is None


def test_unknown_and_self_defined_time_zones_are_read_as_danish_time(tree, club):
    start = day(14)
    hostile_zone = "\r\n".join(
        [
            "BEGIN:VTIMEZONE",
            "TZID:Egen/Zone",
            "BEGIN:STANDARD",
            "DTSTART:19700101T000000",
            "RRULE:FREQ=SECONDLY",  # evaluating this zone would never finish
            "TZOFFSETFROM:+0500",
            "TZOFFSETTO:+0500",
            "END:STANDARD",
            "END:VTIMEZONE",
        ]
    )
    events = [
        vevent("unknown", "Ukendt zone", start).replace("TZID=Europe/Copenhagen", "TZID=Mars/Base"),
        vevent("own", "Egen zone", start).replace("TZID=Europe/Copenhagen", "TZID=Egen/Zone"),
    ]
    began = time.monotonic()
    record = run_import(club, ics(hostile_zone, *events))
    assert time.monotonic() - began < 5
    assert record.ok and record.created == 2
    pages = imported(club)
    assert pages["unknown"].start == start and pages["own"].start == start
    assert "Tidszonen »Mars/Base« kendes ikke" in record.messages
    assert "Tidszonen »Egen/Zone« kendes ikke" in record.messages


# -- repeating events -------------------------------------------------------------------------


def test_repeating_event_is_expanded_inside_the_window_with_exdate_and_override(tree, club):
    start = day(2, 19)
    skipped_week = start + dt.timedelta(weeks=2)
    moved_week = start + dt.timedelta(weeks=3)
    record = run_import(
        club,
        ics(
            vevent(
                "traening",
                "Træning",
                start,
                "RRULE:FREQ=WEEKLY;COUNT=6",
                f"EXDATE;TZID=Europe/Copenhagen:{stamp(skipped_week)}",
            ),
            "\r\n".join(
                [
                    "BEGIN:VEVENT",
                    "UID:traening",
                    f"RECURRENCE-ID;TZID=Europe/Copenhagen:{stamp(moved_week)}",
                    "SUMMARY:Træning (flyttet til lørdag)",
                    f"DTSTART;TZID=Europe/Copenhagen:{stamp(moved_week + dt.timedelta(days=3))}",
                    "END:VEVENT",
                ]
            ),
        ),
    )
    assert record.ok and record.created == 5
    pages = imported(club)
    expected = {f"traening/{stamp(start + dt.timedelta(weeks=n))}" for n in (0, 1, 3, 4, 5)}
    assert set(pages) == expected
    moved = pages[f"traening/{stamp(moved_week)}"]
    assert moved.title == "Træning (flyttet til lørdag)"
    assert moved.start == moved_week + dt.timedelta(days=3)
    first = pages[f"traening/{stamp(start)}"]
    assert first.start == start and first.end == start + dt.timedelta(hours=2)


def test_all_day_series_with_extra_and_excluded_dates(tree, club):
    first = timezone.localdate() + dt.timedelta(days=5)

    def date(days: int) -> str:
        return f"{first + dt.timedelta(days=days):%Y%m%d}"

    record = run_import(
        club,
        ics(
            "\r\n".join(
                [
                    "BEGIN:VEVENT",
                    "UID:marked",
                    "SUMMARY:Loppemarked",
                    f"DTSTART;VALUE=DATE:{date(0)}",
                    "RRULE:FREQ=WEEKLY;COUNT=3",
                    f"EXDATE;VALUE=DATE:{date(7)}",
                    f"RDATE;VALUE=DATE:{date(3)}",
                    "END:VEVENT",
                ]
            )
        ),
    )
    assert record.ok
    pages = imported(club)
    assert set(pages) == {f"marked/{date(n)}" for n in (0, 3, 14)}
    assert all(page.all_day and page.end is None for page in pages.values())


def test_endless_repetition_is_bounded(tree, club):
    record = run_import(
        club,
        ics(
            vevent("daily", "Morgengymnastik", day(1, 8), "RRULE:FREQ=DAILY"),
            vevent("weekly", "Strikkeklub", day(1, 14), "RRULE:FREQ=WEEKLY"),
        ),
    )
    assert record.ok
    pages = imported(club)
    daily = [uid for uid in pages if uid.startswith("daily/")]
    weekly = [uid for uid in pages if uid.startswith("weekly/")]
    assert len(daily) == ical_import.MAX_OCCURRENCES
    assert "»Morgengymnastik« gentages mange gange" in record.messages
    # A year ahead: 52 or 53 weeks, never more.
    assert 52 <= len(weekly) <= 53
    assert max(page.start for page in pages.values()) <= timezone.now() + dt.timedelta(days=366)


def test_repeating_series_started_long_ago_keeps_its_past_pages(tree, club):
    start = day(-21, 19)
    data = ics(vevent("kor", "Korprøve", start, "RRULE:FREQ=WEEKLY;COUNT=6"))
    run_import(club, data)
    # Earlier imports made pages for occurrences that have since left the window.
    old = make_event(tree.calendar, "Korprøve", start=start, organiser=club)
    EventPage.objects.filter(pk=old.pk).update(source_uid=f"kor/{stamp(start)}")
    record = run_import(club, data)
    assert record.removed == 0
    assert EventPage.objects.filter(pk=old.pk).exists()


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("RRULE:FREQ=SECONDLY", "det gentages oftere end én gang om dagen"),
        ("RRULE:FREQ=HOURLY;COUNT=3", "det gentages oftere end én gang om dagen"),
        ("RRULE:FREQ=SOMETIMES", "gentagelsen kan ikke læses"),
        ("RRULE:FREQ=MONTHLY;BYSETPOS=1,2,3,4,5,6;BYDAY=MO", "gentagelsen er for indviklet"),
    ],
)
def test_unusable_repetition_skips_that_event(tree, club, rule, message):
    record = run_import(
        club, ics(vevent("odd", "Mærkelig", day(3), rule), vevent("ok", "Klubaften", day(4)))
    )
    assert record.ok and record.created == 1 and record.skipped == 1
    assert f"»Mærkelig« er sprunget over: {message}" in record.messages


def test_a_rule_that_never_matches_again_costs_little(tree, club):
    impossible = "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"  # 30 February
    began = time.monotonic()
    record = run_import(
        club, ics(*(vevent(f"x{n}", "Aldrig", day(3), impossible) for n in range(3)))
    )
    assert time.monotonic() - began < 5
    # Each is only its DTSTART, which is always the first occurrence.
    assert record.ok and record.created == 3


def test_too_much_repetition_work_refuses_the_file(tree, club, monkeypatch):
    monkeypatch.setattr("home.ical_import.events.EXPANSION_BUDGET_SECONDS", 0.0)
    record = run_import(club, ics(vevent("x", "Træning", day(3), "RRULE:FREQ=WEEKLY")))
    assert not record.ok
    assert "for tunge at beregne" in record.messages


# -- bad events, hostile text -----------------------------------------------------------------


def test_events_with_bad_dates_are_skipped_by_name_and_the_rest_imported(tree, club):
    record = run_import(
        club,
        ics(
            vevent("ok", "Klubaften", day(5)),
            "BEGIN:VEVENT\r\nUID:nostart\r\nSUMMARY:Uden start\r\nEND:VEVENT",
            "BEGIN:VEVENT\r\nUID:bad\r\nSUMMARY:Forkert dato\r\nDTSTART:2026-13-45\r\nEND:VEVENT",
            vevent(
                "backwards",
                "Baglæns",
                day(5),
                f"DTEND;TZID=Europe/Copenhagen:{stamp(day(4))}",
            ),
            vevent("far", "Om tusind år", day(365 * 1000)),
            vevent("long", "Evighedsmøde", day(5), "DURATION:P400D"),
        ),
    )
    assert record.ok
    assert (record.created, record.skipped) == (1, 5)
    for expected in (
        "»Uden start« er sprunget over: det har intet starttidspunkt.",
        "»Forkert dato« er sprunget over: starttidspunktet kan ikke læses.",
        "»Baglæns« er sprunget over: det slutter, før det begynder.",
        "»Om tusind år« er sprunget over: datoen",
        "»Evighedsmøde« er sprunget over: det varer mere end et år.",
    ):
        assert expected in record.messages
    assert set(imported(club)) == {"ok"}


def test_script_and_html_are_stored_as_plain_text(client, tree, club):
    run_import(
        club,
        ics(
            vevent(
                "x",
                "<b>Fest</b><script>alert('titel')</script>",
                day(5),
                "DESCRIPTION:<p>Kom &amp; vær med</p><script>document.cookie</script>"
                "<img src=x onerror=alert(1)>",
                "LOCATION:<i>Klubhuset</i>",
            )
        ),
    )
    page = imported(club)["x"]
    assert page.title == "Fest"
    assert page.intro == "Kom & vær med"
    assert page.location == "Klubhuset"
    html = client.get(page.url).content.decode()
    assert "<script>alert" not in html and "onerror" not in html


def test_escaped_markup_stays_inert_text(client, tree, club):
    run_import(
        club, ics(vevent("x", "Fest", day(5), "DESCRIPTION:&lt;script&gt;x()&lt;/script&gt;"))
    )
    page = imported(club)["x"]
    assert page.intro == "<script>x()</script>"
    assert "&lt;script&gt;x()&lt;/script&gt;" in client.get(page.url).content.decode()


def test_overlong_fields_are_truncated_to_fit(tree, club):
    long_url = "https://example.dk/" + "a" * 300
    record = run_import(
        club,
        ics(
            vevent(
                "x" * 400,
                "T" * 600,
                day(5),
                "DESCRIPTION:" + "Ord " * 500,
                "LOCATION:" + "L" * 500,
                f"URL:{long_url}",
            )
        ),
    )
    assert record.ok
    (page,) = imported(club).values()
    assert len(page.title) == 255 and page.title.endswith("…")
    assert len(page.intro) <= 400 and len(page.location) == 200
    assert page.external_url == ""
    assert len(page.source_uid) <= 255


# -- refused files ------------------------------------------------------------------------------


def nested(depth: int) -> bytes:
    opening = "".join(f"BEGIN:X-LAG{n}\r\n" for n in range(depth))
    closing = "".join(f"END:X-LAG{n}\r\n" for n in reversed(range(depth)))
    return ics(vevent("a", "Dybt", day(3)), opening + closing.rstrip("\r\n"))


REFUSED = {
    "too large": (b"BEGIN:VCALENDAR\r\n" + b"X" * MAX_FILE_BYTES, "Filen er for stor"),
    "empty": (b"", "Filen er tom"),
    "not utf-8": (
        ics(vevent("a", "Æbleskiver", day(3))).decode().encode("latin-1"),
        "ikke gemt som UTF-8",
    ),
    "html page": (b"<!doctype html><html><body>Kalender</body></html>", "ikke en kalenderfil"),
    "png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "ikke gemt som UTF-8"),
    "garbage": (b"BEGIN:VCALENDAR\r\nthis is not ical\r\n:::\r\n", "ikke en kalenderfil"),
    "unbalanced": (
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nEND:VCALENDAR\r\nEND:VEVENT\r\n",
        "ikke en kalenderfil",
    ),
    "nul bytes": (ics(vevent("a", "Nul\x00", day(3))), "ikke en kalenderfil"),
    "no events": (ics(), "ingen arrangementer"),
    "nested": (nested(ical_import.MAX_NESTING), "inden i hinanden"),
    "nested in params": (
        ics(
            vevent("a", "Dybt", day(3)),
            "\r\n".join(
                [
                    *(f"BEGIN;X=1:X-{n}" for n in range(ical_import.MAX_NESTING)),
                    *(f"END:X-{n}" for n in reversed(range(ical_import.MAX_NESTING))),
                ]
            ),
        ),
        "inden i hinanden",
    ),
    "too many events": (
        ics(*(f"BEGIN:VEVENT\r\nUID:{n}\r\nEND:VEVENT" for n in range(ical_import.MAX_EVENTS + 1))),
        "flere end 5.000 arrangementer",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_refused_file_changes_nothing_and_says_why(tree, club, case):
    data, message = REFUSED[case]
    run_import(club, ics(vevent("keep", "Klubaften", day(5))))
    before = {uid: (page.pk, page.title) for uid, page in imported(club).items()}
    record = run_import(club, data)
    assert not record.ok
    assert message in record.messages
    assert (record.created, record.updated, record.removed) == (0, 0, 0)
    assert {uid: (page.pk, page.title) for uid, page in imported(club).items()} == before


def test_too_many_events_after_expansion_is_refused(tree, club, monkeypatch):
    monkeypatch.setattr("home.ical_import.events.MAX_EVENTS", 50)
    record = run_import(club, ics(vevent("x", "Træning", day(3), "RRULE:FREQ=DAILY")))
    assert not record.ok and "flere end 50 arrangementer" in record.messages


def test_nesting_within_the_limit_is_fine(tree, club):
    record = run_import(club, nested(ical_import.MAX_NESTING - 1))
    assert record.ok and record.created == 1


def test_without_a_calendar_page_nothing_is_imported(tree, club):
    tree.calendar.delete()
    record = run_import(club, ics(vevent("a", "Klubaften", day(5))))
    assert not record.ok and "ingen kalenderside" in record.messages
    assert not imported(club)


def test_a_text_path_is_never_read_as_a_file(tree, club):
    record = run_import(club, b"/etc/passwd")
    assert not record.ok and "ikke en kalenderfil" in record.messages


# -- the upload screen ------------------------------------------------------------------------


@pytest.fixture
def admin(tree):
    return get_user_model().objects.create_superuser("admin", "admin@example.dk", "adgangskode")


def upload_url(organisation) -> str:
    return reverse("home_calendar_import", args=[organisation.pk])


def test_staff_of_a_home_may_not_import(client, tree, club, staff_a):
    client.force_login(staff_a)
    response = client.get(upload_url(club))
    assert response.status_code in (302, 403)
    upload = SimpleUploadedFile("k.ics", ics(vevent("a", "Indsneget", day(3))))
    response = client.post(upload_url(club), {"file": upload})
    assert response.status_code in (302, 403)
    assert not imported(club) and not CalendarImport.objects.exists()
    # The organisation list offers them no import button either.
    listing = client.get(reverse("wagtailsnippets_home_organisation:list"))
    assert listing.status_code == 200
    assert upload_url(club) not in listing.content.decode()


def test_admin_uploads_a_calendar_through_the_csrf_protected_form(tree, club, admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    listing = client.get(reverse("wagtailsnippets_home_organisation:list"))
    assert upload_url(club) in listing.content.decode()

    page = client.get(upload_url(club))
    assert page.status_code == 200
    assert "Importér kalender" in page.content.decode()
    token = BeautifulSoup(page.content, "html.parser").find(
        "input", {"name": "csrfmiddlewaretoken"}
    )
    data = ics(vevent("a", "Klubaften", day(3)), vevent("b", "Sommerfest", day(9)))

    refused = client.post(upload_url(club), {"file": SimpleUploadedFile("k.ics", data)})
    assert refused.status_code == 403
    assert not imported(club)

    response = client.post(
        upload_url(club),
        {"file": SimpleUploadedFile("k.ics", data), "csrfmiddlewaretoken": token["value"]},
    )
    assert response.status_code == 302
    record = CalendarImport.objects.get()
    assert record.ok and record.user == admin and record.filename == "k.ics"
    assert record.source == CalendarImport.Source.UPLOAD
    assert set(imported(club)) == {"a", "b"}
    result = client.get(response["Location"])
    text = BeautifulSoup(result.content, "html.parser").get_text(" ", strip=True)
    assert "Importen er gennemført" in text
    assert "Nye: 2. Opdaterede: 0. Fjernede: 0. Sprunget over: 0." in text


def test_admin_fetches_the_calendar_address_now(client, tree, club, admin, calendar_server):
    folder, base = calendar_server
    (folder / "kalender.ics").write_bytes(ics(vevent("a", "Klubaften", day(3))))
    club.ical_url = f"{base}/kalender.ics"
    club.save()
    client.force_login(admin)
    page = client.get(upload_url(club)).content.decode()
    assert club.ical_url in page and 'name="fetch"' in page
    response = client.post(upload_url(club), {"fetch": "1"}, follow=True)
    assert response.status_code == 200
    record = CalendarImport.objects.get()
    assert record.source == CalendarImport.Source.URL and record.user == admin
    assert set(imported(club)) == {"a"}


def test_upload_of_a_refused_file_shows_why(client, tree, club, admin):
    client.force_login(admin)
    response = client.post(
        upload_url(club),
        {"file": SimpleUploadedFile("billede.ics", b"\x89PNG\r\n\x1a\n")},
        follow=True,
    )
    text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert "Importen blev afvist" in text and "ikke gemt som UTF-8" in text


def test_too_large_upload_is_refused_before_it_is_read(client, tree, club, admin, monkeypatch):
    read = []
    monkeypatch.setattr(
        "home.ical_import.applying.read_calendar", lambda *args, **kwargs: read.append(1) or None
    )
    client.force_login(admin)
    big = SimpleUploadedFile("stor.ics", b"BEGIN:VCALENDAR\r\n" + b"X" * MAX_FILE_BYTES)
    response = client.post(upload_url(club), {"file": big})
    assert response.status_code == 200
    assert "Filen er for stor" in response.content.decode()
    assert not read and not CalendarImport.objects.exists()


# -- fetching from a calendar address ---------------------------------------------------------


class CalendarHandler(http.server.SimpleHTTPRequestHandler):
    elsewhere = {
        "/videre": "/kalender.ics",
        "/videre-til-fil": "file:///etc/passwd",
        "/videre-til-ftp": "ftp://127.0.0.1/kalender.ics",
    }

    def do_GET(self):
        if self.path in self.elsewhere:
            self.send_response(302)
            self.send_header("Location", self.elsewhere[self.path])
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def calendar_server(tmp_path):
    """An HTTP server on 127.0.0.1 serving the files in a temporary folder."""
    handler = functools.partial(CalendarHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_task_fetches_the_calendar_address_and_imports_it(tree, club, calendar_server):
    folder, base = calendar_server
    (folder / "kalender.ics").write_bytes(ics(vevent("a", "Klubaften", day(3))))
    club.ical_url = f"{base}/kalender.ics"
    club.save()
    result = import_organisation_calendar.enqueue(club.pk)
    assert result.return_value["ok"] and result.return_value["created"] == 1
    record = CalendarImport.objects.get()
    assert record.source == CalendarImport.Source.URL and record.filename == club.ical_url
    assert set(imported(club)) == {"a"}
    # Running it again is harmless.
    again = import_organisation_calendar.enqueue(club.pk)
    assert again.return_value["created"] == 0 and set(imported(club)) == {"a"}


def test_fetch_follows_web_redirects_only(tree, club, calendar_server):
    folder, base = calendar_server
    (folder / "kalender.ics").write_bytes(ics(vevent("a", "Klubaften", day(3))))
    club.ical_url = f"{base}/videre"
    assert fetch_calendar(club).ok
    for target in ("videre-til-fil", "videre-til-ftp"):
        club.ical_url = f"{base}/{target}"
        record = fetch_calendar(club)
        assert not record.ok and "http:// eller https://" in record.messages


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("findes-ikke.ics", None, "svarede med fejl 404"),
        ("stor.ics", b"X" * (MAX_FILE_BYTES + 1), "Kalenderen er for stor"),
        ("side.html", b"<html>ikke en kalender</html>", "ikke en kalenderfil"),
    ],
)
def test_fetch_errors_are_recorded_not_raised(tree, club, calendar_server, name, content, message):
    folder, base = calendar_server
    if content is not None:
        (folder / name).write_bytes(content)
    run_import(club, ics(vevent("keep", "Klubaften", day(5))))
    club.ical_url = f"{base}/{name}"
    club.save()
    result = import_organisation_calendar.enqueue(club.pk)
    assert result.return_value["ok"] is False
    record = CalendarImport.objects.get(pk=result.return_value["import"])
    assert not record.ok and message in record.messages
    assert set(imported(club)) == {"keep"}


def test_fetch_of_an_address_that_does_not_answer_is_recorded(tree, club, monkeypatch):
    monkeypatch.setattr("home.ical_import.fetching.FETCH_TIMEOUT_SECONDS", 1)
    club.ical_url = "http://127.0.0.1:9/kalender.ics"  # the discard port: nobody listens
    record = fetch_calendar(club)
    assert not record.ok and "kunne ikke hentes" in record.messages


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/kalender.ics", "data:text/calendar,x"]
)
def test_other_schemes_than_http_are_refused(tree, club, url, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("nothing may be opened")

    monkeypatch.setattr("urllib.request.build_opener", no_network)
    club.ical_url = url
    record = fetch_calendar(club)
    assert not record.ok and "http:// eller https://" in record.messages
    assert record.source == CalendarImport.Source.URL


def test_all_calendars_task_and_command(tree, club, calendar_server):
    folder, base = calendar_server
    (folder / "tif.ics").write_bytes(ics(vevent("a", "Klubaften", day(3))))
    (folder / "kor.ics").write_bytes(ics(vevent("b", "Korprøve", day(4))))
    club.ical_url = f"{base}/tif.ics"
    club.save()
    choir = Organisation.objects.create(name="Tønder Kirkekor", ical_url=f"{base}/kor.ics")
    Organisation.objects.create(name="Uden kalender")
    assert import_all_organisation_calendars.enqueue().return_value == 2
    assert set(imported(club)) == {"a"} and set(imported(choir)) == {"b"}

    from io import StringIO

    out = StringIO()
    call_command("import_calendars", stdout=out)
    output = out.getvalue()
    assert f"{club.slug}: ok, created 0, updated 0, removed 0, skipped 0" in output
    assert "2 calendars, 0 refused" in output


# -- the demo -------------------------------------------------------------------------------------


def test_demo_calendar_imports_and_imports_again_without_duplicates(tree):
    Organisation.objects.create(name="Tønder Kirkekor", slug="toender-kirkekor")
    data = build_demo_ics(timezone.localdate())
    assert data.count(b"BEGIN:VEVENT") == len(DEMO_EVENTS) == 6
    first = import_demo_calendar()
    assert first.ok and first.created >= 6 and not first.skipped
    second = import_demo_calendar()
    assert second.ok and (second.created, second.updated, second.removed) == (0, 0, 0)
    upcoming = EventPage.objects.live().upcoming().filter(organiser__slug="toender-kirkekor")
    assert upcoming.count() == first.created
    assert upcoming.filter(cancelled=True).count() == 1
    assert re.search(r"Fællessang på Solgården", " ".join(upcoming.values_list("title", flat=True)))


def test_an_event_people_signed_up_for_is_cancelled_not_deleted(
    club, django_capture_on_commit_callbacks
):
    """Gone from the association's file: cancelled, and the people signed up are told."""
    from django.core import mail

    from participation import services
    from participation.models import EventSignup

    both = ics(vevent("stays@tif", "Bliver", day(5)), vevent("goes@tif", "Forsvinder", day(5)))
    assert run_import(club, both).ok
    goes = EventPage.objects.get(title="Forsvinder")
    goes.signup_enabled = True
    goes.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_up_for_event(goes, name="Ida", email="ida@example.dk")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(club, ics(vevent("stays@tif", "Bliver", day(5))))
    assert (result.removed, result.updated) == (0, 1)
    goes.refresh_from_db()
    assert goes.cancelled and goes.live
    assert EventSignup.objects.get().status == EventSignup.Status.CONFIRMED
    assert [m.subject for m in mail.outbox] == ["Aflyst: Forsvinder"]


def test_an_event_without_its_own_page_links_to_the_association(club):
    club.website = "https://www.toender-if.dk"
    club.save()
    assert run_import(club, ics(vevent("plain@tif", "Gå-fodbold", day(4)))).ok
    assert imported(club)["plain@tif"].external_url == "https://www.toender-if.dk"
