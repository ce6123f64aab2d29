import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from facilities.models import Booking, Facility, OpeningHours
from home.services import ensure_home_staff_access


@pytest.fixture
def facility(tree):
    """Solgården's spa bath: open every day 08–22, at most 3 hours, 8 people."""
    facility = Facility.objects.create(
        botilbud=tree.home_a,
        name="Spabad",
        description="Varmtvandsbassin med lift.",
        capacity=8,
        max_booking_hours=3,
        bookable_by_volunteers=False,
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(facility=facility, weekday=day, opens=dt.time(8), closes=dt.time(22))
        for day in range(7)
    )
    return facility


@pytest.fixture
def staff_b(tree):
    user = get_user_model().objects.create_user("medarbejder-b", "b@example.dk", "adgangskode-b")
    user.groups.add(ensure_home_staff_access(tree.home_b).group)
    return user


def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def make_booking(facility, start, end, status=Booking.Status.REQUESTED, **fields):
    fields.setdefault("kind", "relative")
    fields.setdefault("name", "Karen Jensen")
    fields.setdefault("email", "karen@example.dk")
    fields.setdefault("for_whom", "Karen og hendes bror")
    fields.setdefault("purpose", "Hyggeligt bad")
    return Booking.objects.create(facility=facility, start=start, end=end, status=status, **fields)


def form_data(**overrides) -> dict:
    day = timezone.localdate() + dt.timedelta(days=2)
    data = {
        "booking-kind": "relative",
        "booking-name": "Karen Jensen",
        "booking-email": "karen@example.dk",
        "booking-phone": "",
        "booking-for_whom": "Engbo, 4 beboere og 2 medarbejdere",
        "booking-participants": "6",
        "booking-date": day.isoformat(),
        "booking-start_time": "14:00",
        "booking-end_time": "16:00",
        "booking-purpose": "Afslapning i spabadet.",
        "booking-consent": "on",
        "booking-website": "",
    }
    data.update(overrides)
    return data
