"""A facility's page (week calendar of free and taken times, and the booking form) against
the framework floor, with 5 and with 2,000 bookings.

Usage: python bench/facilities.py [--repetitions N] [--small N] [--large N]
Last line: one JSON object, {"floor": {...}, "facility_small": {...}, "facility_large":
{...}}, each with "median_ms" and "ratio_to_floor" (to the floor timed beside it), and the
pages with their "queries". Medians of in-process requests through Django's test client.
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


def build(small: int):
    from facilities.models import Facility, OpeningHours
    from home.models import BotilbudPage

    front, image = build_front_page()
    home = front.add_child(
        instance=BotilbudPage(
            title="Solgården",
            intro="Et botilbud for voksne.",
            target_group="Voksne med udviklingshæmning.",
            street_address="Skolegade 1",
            postal_code="6270",
            city="Tønder",
            image=image,
        )
    )
    facility = Facility.objects.create(
        botilbud=home, name="Spabad", description="Varmtvandsbassin med lift.", capacity=8
    )
    facility.pictures.create(image=image, caption="Spabadet")
    OpeningHours.objects.bulk_create(
        OpeningHours(facility=facility, weekday=day, opens=dt.time(0), closes=dt.time(23, 59))
        for day in range(7)
    )
    add_bookings(facility, 0, small)
    return facility


def add_bookings(facility, first: int, last: int) -> None:
    """Two-hour bookings back to back from tomorrow, half approved, half asked for."""
    from django.utils import timezone

    from facilities.models import Booking

    day = timezone.localdate() + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
    Booking.objects.bulk_create(
        Booking(
            facility=facility,
            kind="relative",
            name=f"Person {n}",
            email=f"p{n}@example.dk",
            for_whom="Familien",
            purpose="Bad",
            start=start + dt.timedelta(hours=2 * n),
            end=start + dt.timedelta(hours=2 * n + 2),
            status=Booking.Status.APPROVED if n % 2 else Booking.Status.REQUESTED,
        )
        for n in range(first, last)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repetitions", type=int, default=60)
    parser.add_argument("--small", type=int, default=5)
    parser.add_argument("--large", type=int, default=2000)
    args = parser.parse_args()
    teardown = setup_django()
    try:
        from django.test import Client
        from django.urls import reverse

        client = Client()
        with no_background_tasks():
            facility = build(args.small)
        url = reverse("facilities:detail", args=[facility.pk])

        def floor():
            return client.get("/__floor__/")

        def page():
            return client.get(url)

        results = {"floor": {"median_ms": round(median_ms(floor, args.repetitions), 3)}}
        results["floor"]["ratio_to_floor"] = 1.0
        for label, last in (("small", args.small), ("large", args.large)):
            if last > args.small:
                add_bookings(facility, args.small, last)
            queries = count_queries(client, url)
            page_ms, floor_ms = paired_medians_ms(page, floor, args.repetitions)
            results[f"facility_{label}"] = {
                "bookings": last,
                "median_ms": round(page_ms, 3),
                "ratio_to_floor": round(page_ms / floor_ms, 2),
                "queries": queries,
            }
        for name, row in results.items():
            print(f"{name:<16} {row['median_ms']:9.2f} ms  ratio {row['ratio_to_floor']:5.2f}")
        print(json.dumps(results))
    finally:
        teardown()


if __name__ == "__main__":
    main()
