"""A facility's bookings as an iCalendar feed (RFC 5545, ``icalendar``) for the owning
home's staff: approved bookings and open requests from a month back, with who booked."""

import datetime as dt

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from home.feeds import PRODID, ics_response, site_host

from .models import Booking, Facility

PAST_DAYS = 30


def facility_calendar(facility: Facility, request) -> Calendar:
    since = timezone.now() - dt.timedelta(days=PAST_DAYS)
    bookings = (
        Booking.objects.holding()
        .filter(facility=facility, end__gte=since)
        .select_related("requesting_home", "organisation")
        .order_by("start", "pk")
    )
    calendar = Calendar.new(
        prodid=PRODID,
        name=_("%(facility)s – bookinger") % {"facility": facility.name},
        uid=f"facility-{facility.pk}@{site_host()}",
    )
    calendar.add("X-WR-TIMEZONE", settings.TIME_ZONE)
    zone = timezone.get_default_timezone()
    for booking in bookings:
        pending = booking.status == Booking.Status.REQUESTED
        who = booking.for_whom or booking.name
        summary = _("Forespurgt: %(who)s") % {"who": who} if pending else who
        calendar.add_component(
            Event.new(
                uid=f"booking-{booking.pk}@{site_host()}",
                stamp=booking.decided_at or booking.created_at,
                summary=summary,
                description="\n".join(
                    part
                    for part in (booking.purpose, booking.name, booking.email, booking.phone)
                    if part
                ),
                location=facility.name,
                status="TENTATIVE" if pending else "CONFIRMED",
                start=booking.start.astimezone(zone),
                end=booking.end.astimezone(zone),
            )
        )
    return calendar


def facility_ics(request, facility: Facility) -> HttpResponse:
    response = ics_response(facility_calendar(facility, request))
    # Names of borrowers: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
