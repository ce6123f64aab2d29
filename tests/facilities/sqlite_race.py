"""Two approvals of overlapping requests at once, on a SQLite *file* database (the embedded
default): run by test_concurrency in a process of its own, because the test suite's in-memory
SQLite shares one cache between threads, which refuses a second writer at once instead of
letting it wait for the write lock as a real database file does.

Prints one JSON object: {"outcomes": [...], "errors": [...], "approved": n}."""

import datetime as dt
import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.pop("DATABASE_URL", None)

from bench.common import build_front_page, no_background_tasks, setup_django


def main() -> None:
    teardown = setup_django()
    try:
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.utils import timezone

        from facilities import services
        from facilities.models import Booking, BookingQuerySet, Facility, OpeningHours
        from home.models import BotilbudPage

        assert connection.vendor == "sqlite"
        with no_background_tasks():
            front, _image = build_front_page()
            home = front.add_child(
                instance=BotilbudPage(
                    title="Solgården",
                    intro="Et botilbud.",
                    target_group="Voksne.",
                    street_address="Skolegade 1",
                    postal_code="6270",
                    city="Tønder",
                )
            )
        facility = Facility.objects.create(botilbud=home, name="Spabad", description="Bad.")
        OpeningHours.objects.create(
            facility=facility, weekday=0, opens=dt.time(0), closes=dt.time(23)
        )
        staff = get_user_model().objects.create_superuser("admin", "admin@example.dk", "x")
        day = timezone.now() + dt.timedelta(days=2)
        bookings = [
            Booking.objects.create(
                facility=facility,
                kind="relative",
                name=name,
                email=f"{name}@example.dk",
                for_whom=name,
                purpose="Bad",
                start=day + dt.timedelta(hours=offset),
                end=day + dt.timedelta(hours=offset + 2),
            )
            for name, offset in (("a", 0), ("b", 1))
        ]
        exists = BookingQuerySet.exists

        def slow_exists(self):
            # Without the write lock both approvals would see the time free here.
            found = exists(self)
            time.sleep(0.3)
            return found

        BookingQuerySet.exists = slow_exists
        barrier = threading.Barrier(2)
        outcomes, errors = [], []

        def approve(booking):
            try:
                barrier.wait()
                services.approve_booking(booking, user=staff)
                outcomes.append("approved")
            except services.BookingConflict:
                outcomes.append("conflict")
            except Exception as error:
                errors.append(repr(error))
            finally:
                connection.close()

        threads = [threading.Thread(target=approve, args=(b,)) for b in bookings]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        BookingQuerySet.exists = exists
        approved = Booking.objects.approved().count()
        print(json.dumps({"outcomes": sorted(outcomes), "errors": errors, "approved": approved}))
    finally:
        teardown()


if __name__ == "__main__":
    main()
