"""Public page types against the framework floor, and their query counts at 5 and 500 items.

Usage: python bench/pages.py [--repetitions N] [--small N] [--large N]
Last line: one JSON object, {"floor": {...}, "<page type>": {"median_ms", "ratio_to_floor",
"queries_small", "queries_large"}, ...}. Times are medians of in-process requests through
Django's test client (same URL routing and middleware as the real site), uncached; each
page is timed alternately with the floor, and its ratio is to the floor measured beside it.
"""

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    build_front_page,
    count_queries,
    median_ms,
    no_background_tasks,
    paired_medians_ms,
    setup_django,
)


def build_site(small: int):
    from django.utils import timezone

    from home.models import (
        BotilbudPage,
        EventIndexPage,
        Organisation,
        OrganisationIndexPage,
        StandardPage,
    )

    front, image = build_front_page()
    homes = []
    for title in ("Solgården", "Engbo"):
        homes.append(
            front.add_child(
                instance=BotilbudPage(
                    title=title,
                    intro="Et botilbud for voksne.",
                    target_group="Voksne med udviklingshæmning.",
                    street_address="Skolegade 1",
                    postal_code="6270",
                    city="Tønder",
                    image=image,
                    facilities=[
                        ("facility", {"name": "Spabad", "description": "", "shared": True})
                    ],
                )
            )
        )
    calendar = front.add_child(
        instance=EventIndexPage(title="Kalender", slug="kalender", show_in_menus=True)
    )
    directory = front.add_child(
        instance=OrganisationIndexPage(title="Foreninger", slug="foreninger", show_in_menus=True)
    )
    about = front.add_child(
        instance=StandardPage(title="Om Samspil", slug="om", show_in_menus=True)
    )
    organisations = [
        Organisation.objects.create(name=name, description="En forening i Tønder.")
        for name in ("Tønder Idrætsforening", "LEV Tønder", "SIND Sønderjylland", "Tønder Kor")
    ]
    site = {
        "front": front,
        "homes": homes,
        "calendar": calendar,
        "directory": directory,
        "about": about,
        "organisations": organisations,
        "image": image,
        "start": timezone.now() + dt.timedelta(hours=1),
    }
    for home in homes:
        add_items(site, home, 0, small)
    return site


def add_items(site, home, first: int, last: int) -> None:
    from home.models import EventPage, NewsPage, VolunteerCallPage

    for n in range(first, last):
        home.add_child(
            instance=NewsPage(
                title=f"Nyhed {n}",
                intro="Det skete i dag.",
                image=site["image"],
                body=[("text", "<p>Vi havde en dejlig dag i haven.</p>")],
            )
        )
        start = site["start"] + dt.timedelta(hours=n)
        home.add_child(
            instance=EventPage(
                title=f"Arrangement {n}",
                start=start,
                end=start + dt.timedelta(hours=2),
                intro="Kom og vær med.",
                location="Fælleshuset",
                image=site["image"],
                organiser=site["organisations"][n % len(site["organisations"])],
            )
        )
        home.add_child(
            instance=VolunteerCallPage(
                title=f"Opslag {n}",
                summary="Vi søger hjælp.",
                when="Tirsdage",
                contact_name="Mette",
            )
        )


def urls(site) -> dict[str, str]:
    from home.models import EventPage, NewsPage, VolunteerCallPage

    home = site["homes"][1]  # the home that grows from small to large
    org = site["organisations"][0]
    return {
        "front": site["front"].url,
        "botilbud": home.url,
        "botilbud_news": home.url + "nyheder/",
        "news": NewsPage.objects.filter(botilbud=home).order_by("pk").first().url,
        "event": EventPage.objects.filter(botilbud=home).order_by("pk").first().url,
        "volunteer_call": VolunteerCallPage.objects.filter(botilbud=home)
        .order_by("pk")
        .first()
        .url,
        "calendar": site["calendar"].url,
        "calendar_filtered": f"{site['calendar'].url}?home={home.pk}",
        "organisations": site["directory"].url,
        "organisation": f"{site['directory'].url}{org.slug}/",
        "standard": site["about"].url,
        "search": "/soeg/?q=dejlig",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repetitions", type=int, default=60)
    parser.add_argument("--small", type=int, default=5)
    parser.add_argument("--large", type=int, default=500)
    args = parser.parse_args()
    teardown = setup_django()
    try:
        from django.test import Client

        client = Client()
        with no_background_tasks():
            site = build_site(args.small)
        page_urls = urls(site)
        queries_small = {name: count_queries(client, url) for name, url in page_urls.items()}
        with no_background_tasks():
            add_items(site, site["homes"][1], args.small, args.large)
        page_urls = urls(site)
        queries_large = {name: count_queries(client, url) for name, url in page_urls.items()}

        def floor():
            return client.get("/__floor__/")

        floor_ms = median_ms(floor, args.repetitions)
        results = {"floor": {"median_ms": round(floor_ms, 3), "ratio_to_floor": 1.0}}
        for name, url in page_urls.items():
            page_ms, floor_beside_ms = paired_medians_ms(
                lambda url=url: client.get(url), floor, args.repetitions
            )
            results[name] = {
                "median_ms": round(page_ms, 3),
                "ratio_to_floor": round(page_ms / floor_beside_ms, 2),
                "queries_small": queries_small[name],
                "queries_large": queries_large[name],
            }
        width = max(len(name) for name in results)
        print(f"{'page':<{width}}  median_ms  ratio  queries {args.small} → {args.large}")
        for name, row in results.items():
            timing = f"{row['median_ms']:9.2f}  {row['ratio_to_floor']:5.2f}"
            queries = f"{row.get('queries_small', '')} → {row.get('queries_large', '')}"
            print(f"{name:<{width}}  {timing}  {queries}")
        print(json.dumps(results))
    finally:
        teardown()


if __name__ == "__main__":
    main()
