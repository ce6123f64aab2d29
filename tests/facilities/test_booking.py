"""Asking for a facility, staff answering, cancelling, reminders, and bad input."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from facilities import services
from facilities.models import Booking, ClosedDate
from outbox.models import OutgoingMail
from outbox.suppression import suppress

from .conftest import at, form_data, make_booking

pytestmark = pytest.mark.django_db


def url(facility):
    return reverse("facilities:detail", args=[facility.pk])


def test_public_list_and_page_show_the_bookable_facility(client, facility):
    response = client.get(reverse("facilities:index"))
    assert response.status_code == 200
    assert "Spabad" in response.content.decode()
    page = client.get(url(facility)).content.decode()
    assert "Ledige tider" in page and "Ledig" in page


def test_a_facility_not_lent_out_is_not_public(client, facility):
    facility.shared = False
    facility.save()
    assert client.get(url(facility)).status_code == 404
    assert "Spabad" not in client.get(reverse("facilities:index")).content.decode()


def test_request_is_stored_and_both_sides_get_mail(client, facility, staff_a, on_commit):
    with on_commit():
        response = client.post(url(facility), form_data())
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.REQUESTED
    assert booking.for_whom == "Engbo, 4 beboere og 2 medarbejdere"
    keys = set(OutgoingMail.objects.values_list("key", flat=True))
    assert f"booking:{booking.pk}:received" in keys
    assert f"booking:{booking.pk}:staff:requested:a@example.dk" in keys
    assert ModelLogEntry.objects.filter(action="samspil.booking.request").count() == 1
    recipients = {m.to[0] for m in mail.outbox}
    assert {"karen@example.dk", "a@example.dk"} <= recipients


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


BAD_INPUT = [
    ({"booking-start_time": "06:00", "booking-end_time": "07:00"}, "uden for åbningstiden"),
    ({"booking-date": (timezone.localdate() - dt.timedelta(days=3)).isoformat()}, "overstået"),
    ({"booking-start_time": "10:00", "booking-end_time": "16:00"}, "højst bookes i 3 timer"),
    ({"booking-kind": "volunteer"}, "kan ikke lånes af"),
    ({"booking-purpose": "<script>alert(1)</script>"}, "uden HTML-koder"),
    ({"booking-for_whom": '<img src=x onerror="alert(1)">'}, "uden HTML-koder"),
    ({"booking-purpose": "Til Jens 010203-1234 og hans hjælper"}, "CPR-nummer"),
    ({"booking-purpose": "x" * 100_000}, "Teksten er for lang"),
    ({"booking-name": "y" * 5000}, "Teksten er for lang"),
    ({"booking-participants": "9"}, "højst 8 personer"),
    ({"booking-date": "i morgen"}, "Skriv datoen"),
    ({"booking-kind": "staff"}, "Log ind som medarbejder"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUT)
def test_bad_input_gets_a_danish_message_and_stores_nothing(client, facility, overrides, message):
    response = client.post(url(facility), form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Booking.objects.exists()
    assert not OutgoingMail.objects.exists()


def test_overlap_with_an_approved_booking_is_refused(client, facility):
    make_booking(facility, at(2, 15), at(2, 17), status=Booking.Status.APPROVED)
    response = client.post(url(facility), form_data())
    assert response.status_code == 400
    assert "allerede booket" in response.content.decode()
    assert Booking.objects.count() == 1


def test_closed_date_is_refused(client, facility):
    ClosedDate.objects.create(facility=facility, date=at(2, 0).date(), reason="Rengøring")
    response = client.post(url(facility), form_data())
    assert "lukket den dag" in response.content.decode()
    assert not Booking.objects.exists()


def test_week_calendar_shows_taken_times_without_names(client, facility):
    make_booking(facility, at(1, 10), at(1, 12), status=Booking.Status.APPROVED, name="Hemmelig")
    page = client.get(url(facility)).content.decode()
    week = client.get(url(facility) + f"?uge={at(1, 0).date().isoformat()}").content.decode()
    assert "Optaget" in week
    assert "Hemmelig" not in page + week and "karen@example.dk" not in page + week


def test_bad_week_parameter_falls_back_to_this_week(client, facility):
    for value in ("9999-99-99", "x" * 300, "0001-01-01"):
        assert client.get(url(facility), {"uge": value}).status_code == 200


def test_staff_approve_and_the_requester_is_mailed(facility, staff_a):
    booking = make_booking(facility, at(2, 10), at(2, 12))
    services.approve_booking(booking, user=staff_a)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.APPROVED and booking.decided_by == staff_a
    assert OutgoingMail.objects.filter(key=f"booking:{booking.pk}:approved").exists()
    assert ModelLogEntry.objects.filter(action="samspil.booking.approve", user=staff_a).exists()


def test_decline_needs_a_reason_which_is_mailed(facility, staff_a):
    booking = make_booking(facility, at(2, 10), at(2, 12))
    with pytest.raises(services.BookingRefused):
        services.decline_booking(booking, user=staff_a, reason="  ")
    services.decline_booking(booking, user=staff_a, reason="Vi har selv brug for badet.")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DECLINED
    declined = OutgoingMail.objects.get(key=f"booking:{booking.pk}:declined")
    assert "Vi har selv brug for badet." in declined.body_text


def test_staff_of_another_home_never_decide(client, facility, staff_b):
    booking = make_booking(facility, at(2, 10), at(2, 12))
    with pytest.raises(services.NotYourFacility):
        services.approve_booking(booking, user=staff_b)
    with pytest.raises(services.NotYourFacility):
        services.decline_booking(booking, user=staff_b, reason="Nej")
    with pytest.raises(services.NotYourFacility):
        services.cancel_booking(booking, user=staff_b)
    client.force_login(staff_b)
    decide = reverse("facilities_decide", args=[booking.pk])
    assert client.post(decide, {"action": "approve"}).status_code == 404
    index = client.get(reverse("facilities_bookings:index")).content.decode()
    assert "Karen Jensen" not in index
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REQUESTED


def test_admin_decide_view_approves_for_own_staff(client, facility, staff_a):
    booking = make_booking(facility, at(2, 10), at(2, 12))
    client.force_login(staff_a)
    assert "Karen Jensen" in client.get(reverse("facilities_bookings:index")).content.decode()
    response = client.post(reverse("facilities_decide", args=[booking.pk]), {"action": "approve"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.APPROVED


def test_approving_an_overlapping_request_is_refused(facility, staff_a):
    first = make_booking(facility, at(2, 10), at(2, 12))
    second = make_booking(facility, at(2, 11), at(2, 13))
    services.approve_booking(first, user=staff_a)
    with pytest.raises(services.BookingConflict):
        services.approve_booking(second, user=staff_a)
    second.refresh_from_db()
    assert second.status == Booking.Status.REQUESTED


def test_back_to_back_bookings_do_not_overlap(facility, staff_a):
    first = make_booking(facility, at(2, 10), at(2, 12))
    second = make_booking(facility, at(2, 12), at(2, 14))
    services.approve_booking(first, user=staff_a)
    services.approve_booking(second, user=staff_a)
    assert Booking.objects.approved().count() == 2


def test_staff_of_the_requesting_home_book_directly(client, facility, staff_b, on_commit):
    client.force_login(staff_b)
    data = form_data(
        **{"booking-kind": "staff", "booking-requesting_home": str(facility.botilbud_id)}
    )
    response = client.post(url(facility), data)
    assert response.status_code == 400  # not their home: they may not book on its behalf
    home_b = (
        staff_b.groups.get().name
        and facility.botilbud.get_siblings()
        .exclude(pk=facility.botilbud_id)
        .filter(title="Engbo")
        .get()
    )
    data["booking-requesting_home"] = str(home_b.pk)
    response = client.post(url(facility), data)
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.APPROVED
    assert booking.requesting_home_id == home_b.pk and booking.booked_by == staff_b


def test_direct_booking_keeps_the_owning_homes_rules(client, facility, staff_b, tree):
    client.force_login(staff_b)
    data = form_data(
        **{
            "booking-kind": "staff",
            "booking-requesting_home": str(tree.home_b.pk),
            "booking-start_time": "21:00",
            "booking-end_time": "23:00",
        }
    )
    response = client.post(url(facility), data)
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_cancel_by_link_frees_the_time_and_tells_both(client, facility, staff_a):
    booking = make_booking(facility, at(2, 10), at(2, 12), status=Booking.Status.APPROVED)
    token = services.booking_token(booking)
    cancel = reverse("facilities:booking_cancel", args=[token])
    assert client.get(cancel).status_code == 200
    booking.refresh_from_db()
    assert booking.status == Booking.Status.APPROVED  # GET only asks
    client.post(cancel)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    keys = set(OutgoingMail.objects.values_list("key", flat=True))
    assert f"booking:{booking.pk}:cancelled" in keys
    assert f"booking:{booking.pk}:staff:cancelled:a@example.dk" in keys


@pytest.mark.parametrize("token", ["forged", "A" * 300, "<script>"])
def test_forged_links_are_404(client, token):
    assert client.get(reverse("facilities:booking_status", args=[token])).status_code == 404
    assert client.post(reverse("facilities:booking_cancel", args=[token])).status_code == 404


def test_reminders_the_day_before_once_and_not_to_suppressed(facility):
    tomorrow = make_booking(facility, at(1, 10), at(1, 12), status=Booking.Status.APPROVED)
    make_booking(facility, at(2, 10), at(2, 12), status=Booking.Status.APPROVED)
    make_booking(facility, at(1, 14), at(1, 15), email="anden@example.dk")  # only asked for
    assert services.queue_booking_reminders() == 1
    assert services.queue_booking_reminders() == 0
    reminder = OutgoingMail.objects.get(key=f"booking:{tomorrow.pk}:reminder")
    assert reminder.status == OutgoingMail.Status.QUEUED
    other = make_booking(
        facility, at(1, 16), at(1, 17), status=Booking.Status.APPROVED, email="bounce@example.dk"
    )
    suppress("bounce@example.dk", "bounce")
    services.queue_booking_reminders()
    assert OutgoingMail.objects.get(key=f"booking:{other.pk}:reminder").status == "failed"


def test_rate_limit_answers_429(client, facility, monkeypatch):
    from facilities import views

    monkeypatch.setattr(views, "RATE_LIMIT", 1)
    client.post(url(facility), form_data())
    response = client.post(url(facility), form_data(**{"booking-start_time": "18:00"}))
    assert response.status_code == 429
    assert Booking.objects.count() == 1


def test_public_event_booking_becomes_a_calendar_event(facility, staff_a, tree):
    booking = make_booking(
        facility, at(3, 10), at(3, 12), public_event=True, purpose="Åbent bål for alle"
    )
    services.approve_booking(booking, user=staff_a)
    booking.refresh_from_db()
    event = booking.event
    assert event is not None and event.live and event.botilbud_id == tree.home_a.pk
    assert event.title == "Åbent bål for alle" and event.location == "Spabad"
    from home.models import EventPage

    assert EventPage.objects.live().public().upcoming().filter(pk=event.pk).exists()
    services.cancel_booking(booking, user=staff_a)
    event.refresh_from_db()
    assert event.cancelled


def test_feed_needs_the_signed_address(client, facility):
    make_booking(facility, at(2, 10), at(2, 12), status=Booking.Status.APPROVED)
    good = reverse("facilities:feed", args=[facility.pk, services.feed_token(facility)])
    response = client.get(good)
    assert response.status_code == 200
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and "Karen og hendes bror" in body
    assert response["Cache-Control"] == "private, no-store"
    forged = reverse("facilities:feed", args=[facility.pk, "forged"])
    assert client.get(forged).status_code == 404
    other = reverse("facilities:feed", args=[facility.pk + 1, services.feed_token(facility)])
    assert client.get(other).status_code == 404


def test_overview_for_municipal_admins_only(client, facility, staff_a, tree, django_user_model):
    make_booking(
        facility,
        at(2, 10),
        at(2, 12),
        status=Booking.Status.APPROVED,
        kind="staff",
        requesting_home=tree.home_b,
    )
    make_booking(
        facility,
        at(3, 10),
        at(3, 11),
        status=Booking.Status.APPROVED,
        kind="association",
        organisation=tree.organisation,
    )
    client.force_login(staff_a)
    assert client.get(reverse("facilities_overview")).status_code in (302, 403)
    admin = django_user_model.objects.create_superuser("admin", "admin@example.dk", "x")
    client.force_login(admin)
    page = client.get(reverse("facilities_overview")).content.decode()
    assert 'data-count="approved">2<' in page and 'data-count="hours">3,0<' in page
    assert "Engbo: 1" in page and "Tønder Idrætsforening: 1" in page


def test_staff_edit_only_their_own_facilities(client, facility, staff_b, staff_a):
    client.force_login(staff_b)
    edit = reverse("facilities_admin:edit", args=[facility.pk])
    assert client.get(edit).status_code == 404
    assert "Spabad" not in client.get(reverse("facilities_admin:index")).content.decode()
    client.force_login(staff_a)
    assert client.get(edit).status_code == 200
    assert "Spabad" in client.get(reverse("facilities_admin:index")).content.decode()


def test_access_scope_treats_bookings_as_personal(facility, staff_a, staff_b):
    from access.scope import PERSONAL_MODELS, scope_queryset

    booking = make_booking(facility, at(2, 10), at(2, 12))
    assert "facilities.booking" in PERSONAL_MODELS
    assert list(scope_queryset(staff_a, Booking.objects.all())) == [booking]
    assert not scope_queryset(staff_b, Booking.objects.all()).exists()


def test_home_page_links_its_bookable_facilities(client, facility, tree):
    page = client.get(tree.home_a.url).content.decode()
    assert reverse("facilities:detail", args=[facility.pk]) in page
