"""Public views: the facilities across homes, a facility's week and its booking form, a
booking's own page and cancellation (signed links), and the staff's iCal feed. Thin:
validation in forms, workflows in services."""

from django.core import signing
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from access.ratelimit import client_address, over_limit
from home.models.base import prefetch_renditions

from . import availability, feeds, services
from .forms import BookingForm
from .models import Booking, Facility, FacilityPicture

# Booking requests per client address per hour.
RATE_LIMIT = 20
RATE_WINDOW = 3600
PICTURE = "fill-800x450-c50"
CARD_PICTURE = "fill-640x360-c50"


def _pictures():
    return Prefetch(
        "pictures", queryset=FacilityPicture.objects.select_related("image").order_by("sort_order")
    )


@require_safe
def facility_index(request):
    facilities = list(
        Facility.objects.bookable()
        .select_related("botilbud")
        .prefetch_related(_pictures())
        .order_by("botilbud__title", "name")
    )
    prefetch_renditions(
        [f.pictures.all()[0].image for f in facilities if f.pictures.all()], CARD_PICTURE
    )
    return TemplateResponse(request, "facilities/facility_index.html", {"facilities": facilities})


def _facility(pk: int) -> Facility:
    return get_object_or_404(
        Facility.objects.bookable()
        .select_related("botilbud")
        .prefetch_related(_pictures(), "opening_hours"),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def facility_detail(request, pk: int):
    facility = _facility(pk)
    today = timezone.localdate()
    monday = availability.parse_week(request.GET.get("uge"), today)
    prefetch_renditions([p.image for p in facility.pictures.all()], PICTURE)
    context = {"facility": facility, "home": facility.botilbud, "today": today}
    status = 200
    if request.method == "POST":
        if over_limit("facilities:booking", client_address(request), RATE_LIMIT, RATE_WINDOW):
            return TemplateResponse(request, "facilities/too_many.html", status=429)
        form = BookingForm(request.POST, facility=facility, user=request.user, prefix="booking")
        if form.is_bot():
            return redirect("facilities:detail", facility.pk)
        if form.is_valid():
            try:
                booking = services.request_booking(
                    facility, user=request.user, **form.for_service()
                )
            except services.BookingRefused as refused:
                for message in refused.messages:
                    form.add_error(None, message)
                status = 409 if isinstance(refused, services.BookingConflict) else 400
            else:
                return redirect("facilities:booking_status", services.booking_token(booking))
        else:
            status = 400
        if form.cleaned_data.get("date"):
            day = form.cleaned_data["date"]
            monday = availability.parse_week(day.isoformat(), today)
    else:
        form = BookingForm(facility=facility, user=request.user, prefix="booking")
    context.update(form=form, week=availability.week_of(facility, monday))
    return TemplateResponse(request, "facilities/facility.html", context, status=status)


def _bad_link(request):
    return TemplateResponse(request, "facilities/bad_link.html", status=404)


def _booking(token: str) -> Booking | None:
    try:
        return services.booking_from_token(token)
    except signing.BadSignature:
        return None


@require_safe
def booking_status(request, token: str):
    booking = _booking(token)
    if booking is None:
        return _bad_link(request)
    return TemplateResponse(
        request,
        "facilities/booking_status.html",
        {"booking": booking, "facility": booking.facility, "token": token},
    )


@require_http_methods(["GET", "POST"])
def booking_cancel(request, token: str):
    """GET only asks (mail scanners follow links); POST cancels."""
    booking = _booking(token)
    if booking is None:
        return _bad_link(request)
    if request.method == "POST":
        booking = services.cancel_booking(booking)
    return TemplateResponse(
        request,
        "facilities/booking_cancel.html",
        {"booking": booking, "facility": booking.facility, "token": token},
    )


@require_safe
def feed(request, pk: int, token: str):
    """The facility's bookings as iCalendar, for its home's staff (the address is secret,
    signed for this facility; the admin shows it only to them)."""
    try:
        facility = services.facility_from_feed_token(pk, token)
    except (signing.BadSignature, Facility.DoesNotExist) as error:
        raise Http404 from error
    return feeds.facility_ics(request, facility)
