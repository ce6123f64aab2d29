"""Demo facilities and bookings, read from ``facilities.json`` beside this file (data, not
code). Idempotent: runs once per database."""

import datetime as dt
import json
from pathlib import Path

from django.utils import timezone

from home.models import BotilbudPage, Organisation

from ..models import Booking, Facility, OpeningHours
from ..services import publish_booking_event

DATA = Path(__file__).with_name("facilities.json")


def _at(days: int, clock: str) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(clock)))


def seed_demo_facilities() -> int:
    """Create the demo rows directly (no mails: these people are invented); returns how many."""
    if Facility.objects.exists():
        return 0
    data = json.loads(DATA.read_text(encoding="utf-8"))
    homes = {home.slug: home for home in BotilbudPage.objects.all()}
    facilities, created = {}, 0
    for spec in data["facilities"]:
        home = homes.get(spec["home"])
        if home is None:
            continue
        kinds = set(spec["bookable_by"])
        facility = Facility.objects.create(
            botilbud=home,
            name=spec["name"],
            description=spec["description"],
            accessibility=spec["accessibility"],
            capacity=spec["capacity"],
            house_rules=spec["house_rules"],
            max_booking_hours=spec["max_booking_hours"],
            **{field: kind in kinds for kind, field in Facility.KIND_FIELDS.items()},
        )
        if home.image_id:
            facility.pictures.create(image_id=home.image_id, caption=home.title)
        OpeningHours.objects.bulk_create(
            OpeningHours(
                facility=facility,
                weekday=int(day),
                opens=dt.time.fromisoformat(opens),
                closes=dt.time.fromisoformat(closes),
            )
            for day, (opens, closes) in spec["hours"].items()
        )
        facilities[facility.name] = facility
        created += 1
    organisations = {o.slug: o for o in Organisation.objects.all()}
    for spec in data["bookings"]:
        facility = facilities.get(spec["facility"])
        if facility is None:
            continue
        home = homes.get(spec.get("requesting_home", ""))
        booking = Booking.objects.create(
            facility=facility,
            kind=spec["kind"],
            requesting_home=home,
            organisation=organisations.get(spec.get("organisation", "")),
            name=spec["name"],
            email=spec["email"],
            for_whom=spec["for_whom"],
            participants=spec["participants"],
            purpose=spec["purpose"],
            start=_at(spec["days"], spec["start"]),
            end=_at(spec["days"], spec["end"]),
            status=spec["status"],
            public_event=spec.get("public_event", False),
        )
        if booking.status == Booking.Status.APPROVED:
            publish_booking_event(booking, None)  # a public one appears in the calendar
        created += 1
    return created
