"""The calendar and its feeds with many events, and importing an association's .ics.

Usage: python bench/events.py [--repetitions N] [--small N] [--large N] [--import-events N]
Builds a calendar with --small events, counts each URL's queries, grows it to --large events
(2,000 by default) and counts again; then times each URL alternately with the framework floor
(a bare view rendering base.html through the same routing and middleware). Finally it imports
an .ics file with --import-events events (1,000 by default) for one organisation, and imports
it again unchanged and once more with every event moved.
Last line: one JSON object with the figures.
"""

import argparse
import datetime as dt
import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    build_front_page,
    count_queries,
    no_background_tasks,
    paired_medians_ms,
    peak_rss_mb,
    setup_django,
)


def build_site():
    from django.utils import timezone

    from home.models import BotilbudPage, EventIndexPage, Organisation

    front, image = build_front_page()
    homes = [
        front.add_child(
            instance=BotilbudPage(
                title=title,
                intro="Et botilbud for voksne.",
                target_group="Voksne med udviklingshæmning.",
                street_address="Skolegade 1",
                postal_code="6270",
                city="Tønder",
            )
        )
        for title in ("Solgården", "Engbo")
    ]
    calendar = front.add_child(
        instance=EventIndexPage(title="Kalender", slug="kalender", show_in_menus=True)
    )
    organisations = [
        Organisation.objects.create(name=name, description="En forening i Tønder.")
        for name in ("Tønder Idrætsforening", "LEV Tønder", "SIND Sønderjylland", "Tønder Kor")
    ]
    from home.models import NewsPage

    for n in range(30):
        homes[n % 2].add_child(
            instance=NewsPage(title=f"Nyhed {n}", intro="Det skete i dag.", image=image)
        )
    return {
        "front": front,
        "homes": homes,
        "calendar": calendar,
        "organisations": organisations,
        "image": image,
        # Events from now on, a few hours apart: 2,000 fill about a year of the calendar.
        "start": timezone.now() + dt.timedelta(hours=1),
    }


def add_events(site, first: int, last: int) -> None:
    from home.models import EventPage

    for n in range(first, last):
        home = site["homes"][n % 2]
        start = site["start"] + dt.timedelta(hours=4 * n)
        home.add_child(
            instance=EventPage(
                title=f"Arrangement {n}",
                start=start,
                end=start + dt.timedelta(hours=2),
                intro="Kom og vær med – der er kaffe og kage.",
                location="Fælleshuset",
                address="Skolegade 1, 6270 Tønder",
                organiser=site["organisations"][n % len(site["organisations"])],
                step_free=n % 3 == 0,
                signup_enabled=n % 5 == 0,
                capacity=20 if n % 5 == 0 else None,
            )
        )


def urls(site) -> dict[str, str]:
    from django.urls import reverse

    from home.models import EventPage

    home = site["homes"][0]
    event = EventPage.objects.filter(signup_enabled=True).order_by("pk").first()
    month = site["start"].strftime("%Y-%m")
    calendar = site["calendar"].url
    return {
        "calendar": calendar,
        "calendar_filtered": f"{calendar}?home={home.pk}&step_free=on",
        "calendar_month": f"{calendar}?visning=maaned&month={month}",
        "calendar_ics": reverse("feeds:calendar_ics"),
        "home_ics": reverse("feeds:home_ics", args=[home.slug]),
        "event_ics": reverse("feeds:event_ics", args=[event.pk]),
        "event_with_signup": event.url,
        "news_rss": reverse("feeds:news_rss"),
    }


@contextmanager
def feed_cache_off():
    """The calendar feeds without their cache: built from the database on every request."""
    from django.core.cache.backends.dummy import DummyCache

    import home.feeds

    cached, home.feeds.cache = home.feeds.cache, DummyCache("bench", {})
    try:
        yield
    finally:
        home.feeds.cache = cached


def build_ics(organisation_slug: str, count: int, shift_hours: int = 0) -> bytes:
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event

    copenhagen = ZoneInfo("Europe/Copenhagen")
    calendar = Calendar()
    calendar.add("prodid", "-//Samspil bench//DA")
    calendar.add("version", "2.0")
    first = dt.datetime.now(copenhagen).replace(minute=0, second=0, microsecond=0)
    for n in range(count):
        event = Event()
        start = first + dt.timedelta(hours=6 * n + 24 + shift_hours)
        event.add("uid", f"{organisation_slug}-{n}@forening.example.dk")
        event.add("summary", f"Foreningsaften {n}")
        event.add("description", "Vi mødes i klubhuset. Alle er velkomne.")
        event.add("location", "Klubhuset, Sønderport 3, 6270 Tønder")
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(hours=2))
        event.add("dtstamp", first)
        calendar.add_component(event)
    return calendar.to_ical()


def time_import(organisation, data: bytes) -> tuple[float, dict]:
    from home.ical_import import import_calendar
    from home.models import CalendarImport

    start = time.perf_counter()
    result = import_calendar(organisation, data, source=CalendarImport.Source.UPLOAD)
    seconds = time.perf_counter() - start
    assert result.ok, result.messages
    counts = {
        "created": result.created,
        "updated": result.updated,
        "removed": result.removed,
        "skipped": result.skipped,
    }
    return seconds, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repetitions", type=int, default=30)
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--large", type=int, default=2000)
    parser.add_argument("--import-events", type=int, default=1000)
    args = parser.parse_args()
    teardown = setup_django()
    try:
        from django.test import Client

        client = Client()
        with no_background_tasks():
            site = build_site()
            add_events(site, 0, args.small)
        page_urls = urls(site)
        queries_small = {name: count_queries(client, url) for name, url in page_urls.items()}
        with feed_cache_off():
            uncached_small = count_queries(client, page_urls["calendar_ics"])
        with no_background_tasks():
            add_events(site, args.small, args.large)
        page_urls = urls(site)
        queries_large = {name: count_queries(client, url) for name, url in page_urls.items()}

        def floor():
            return client.get("/__floor__/")

        results = {}
        for name, url in page_urls.items():
            page_ms, floor_ms = paired_medians_ms(
                lambda url=url: client.get(url), floor, args.repetitions
            )
            results[name] = {
                "median_ms": round(page_ms, 3),
                "floor_ms": round(floor_ms, 3),
                "ratio_to_floor": round(page_ms / floor_ms, 2),
                "queries_small": queries_small[name],
                "queries_large": queries_large[name],
            }

        # The whole-calendar feed built on every request (its cache switched off), as when
        # something changed since the last fetch.
        url = page_urls["calendar_ics"]
        with feed_cache_off():
            page_ms, floor_ms = paired_medians_ms(
                lambda: client.get(url), floor, max(args.repetitions // 3, 5)
            )
            results["calendar_ics_uncached"] = {
                "median_ms": round(page_ms, 3),
                "floor_ms": round(floor_ms, 3),
                "ratio_to_floor": round(page_ms / floor_ms, 2),
                "queries_small": uncached_small,
                "queries_large": count_queries(client, url),
            }

        organisation = site["organisations"][0]
        with no_background_tasks():
            data = build_ics(organisation.slug, args.import_events)
            first_s, first_counts = time_import(organisation, data)
            again_s, again_counts = time_import(organisation, data)
            moved_s, moved_counts = time_import(
                organisation, build_ics(organisation.slug, args.import_events, shift_hours=1)
            )
        results["ics_import"] = {
            "events": args.import_events,
            "bytes": len(data),
            "first_s": round(first_s, 2),
            "unchanged_s": round(again_s, 2),
            "all_moved_s": round(moved_s, 2),
            "first": first_counts,
            "unchanged": again_counts,
            "all_moved": moved_counts,
        }
        results["events_in_calendar"] = args.large
        results["peak_rss_mb"] = round(peak_rss_mb(), 1)

        rows = [*page_urls, "calendar_ics_uncached"]
        width = max(len(name) for name in rows)
        print(f"{'url':<{width}}  median_ms  floor_ms  ratio  queries {args.small} → {args.large}")
        for name in rows:
            row = results[name]
            print(
                f"{name:<{width}}  {row['median_ms']:9.2f}  {row['floor_ms']:8.2f}  "
                f"{row['ratio_to_floor']:5.2f}  {row['queries_small']} → {row['queries_large']}"
            )
        imported = results["ics_import"]
        print(
            f"ics import of {args.import_events} events: first {imported['first_s']} s, "
            f"unchanged {imported['unchanged_s']} s, all moved {imported['all_moved_s']} s"
        )
        print(json.dumps(results))
    finally:
        teardown()


if __name__ == "__main__":
    main()
