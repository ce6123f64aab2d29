"""Booking workflows: ask, approve, decline, cancel, remind. Each runs in one transaction,
logs who did what (Wagtail's ``log()``), and queues its mails through the outbox, which sends
them only once the transaction commits.

Never double-booked: an approval takes the facility's row lock (``FOR UPDATE`` on
PostgreSQL; SQLite's IMMEDIATE transactions hold the database's write lock from the first
statement, see samspil/settings/base.py) before it looks for overlapping approved bookings,
so two approvals of the same facility happen one after the other. On PostgreSQL the
exclusion constraint ``booking_no_overlap`` (migration 0002) is the last word: an insert or
update that would overlap fails there, and is answered as a conflict here."""

import datetime as dt
import logging

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from access.rules import home_staff_addresses, is_staff_of, staff_home_ids
from outbox.links import absolute
from outbox.services import queue_mail, queue_mail_to_each

from .models import BookerKind, Booking, Facility

logger = logging.getLogger(__name__)

Status = Booking.Status
BOOKING_SALT = "facilities.booking"
FEED_SALT = "facilities.feed"
MAX_TOKEN = 200


class BookingRefused(Exception):
    """The booking breaks one of the facility's rules; ``messages`` say which, in Danish."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


class BookingConflict(BookingRefused):
    """The time is taken by an approved booking (found under the lock, or by the
    database's exclusion constraint)."""


class NotYourFacility(PermissionDenied):
    """Only the owning home's staff (and municipal admins) decide on its bookings."""


# --- Rules ------------------------------------------------------------------------------


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def booking_problems(
    facility: Facility,
    kind: str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime | None = None,
    exclude_pk: int | None = None,
) -> list[str]:
    """Every rule of the facility the booking breaks, as Danish sentences ([] when none).
    Reads the facility's opening hours and closed dates (two queries, or none when they are
    prefetched) and its approved bookings in the period (one query)."""
    now = now or timezone.now()
    problems = []
    if end <= start:
        return [_("Sluttidspunktet skal ligge efter starttidspunktet.")]
    if start < now:
        problems.append(_("Tidspunktet er overstået. Vælg et tidspunkt fremover."))
    if not facility.lends_to(kind):
        problems.append(
            _("%(facility)s kan ikke lånes af: %(kind)s.")
            % {"facility": facility.name, "kind": BookerKind(kind).label.lower()}
            if kind in BookerKind.values
            else _("Vælg, hvem du låner som.")
        )
    if end - start > facility.max_booking:
        problems.append(
            _("%(facility)s kan højst bookes i %(hours)s timer ad gangen.")
            % {"facility": facility.name, "hours": facility.max_booking_hours}
        )
    local_start, local_end = _local(start), _local(end)
    if local_start.date() != local_end.date() and local_end.time() != dt.time(0):
        problems.append(_("En booking skal begynde og slutte samme dag."))
    elif facility.closed_dates.filter(date=local_start.date()).exists():
        problems.append(_("%(facility)s er lukket den dag.") % {"facility": facility.name})
    elif not _within_opening_hours(facility, local_start, local_end):
        problems.append(_("Tidspunktet ligger uden for åbningstiden. Se åbningstiderne på siden."))
    taken = Booking.objects.approved().overlapping(facility.pk, start, end)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        problems.append(_("Tidspunktet er allerede booket. Vælg et andet tidspunkt."))
    return problems


def _within_opening_hours(facility: Facility, start: dt.datetime, end: dt.datetime) -> bool:
    """The whole booking lies inside one open period of its weekday (local time)."""
    end_time = end.time() if end.date() == start.date() else dt.time.max
    return any(
        hours.weekday == start.weekday()
        and hours.opens <= start.time()
        and end_time <= hours.closes
        for hours in facility.opening_hours.all()
    )


# --- Links ------------------------------------------------------------------------------


def booking_token(booking: Booking) -> str:
    return signing.dumps(booking.pk, salt=BOOKING_SALT, compress=True)


def booking_from_token(token: str) -> Booking:
    """The booking a link is for; a tampered or foreign token raises BadSignature."""
    if len(token) > MAX_TOKEN:
        raise signing.BadSignature("too long")
    pk = signing.loads(token, salt=BOOKING_SALT)
    if not isinstance(pk, int):
        raise signing.BadSignature("not a booking")
    booking = Booking.objects.select_related("facility__botilbud").filter(pk=pk).first()
    if booking is None:
        raise signing.BadSignature("gone")
    return booking


def feed_token(facility: Facility) -> str:
    """The secret part of the facility's iCal address for its home's staff."""
    return signing.dumps(facility.pk, salt=FEED_SALT)


def facility_from_feed_token(pk: int, token: str) -> Facility:
    if len(token) > MAX_TOKEN or signing.loads(token, salt=FEED_SALT) != pk:
        raise signing.BadSignature("not this facility")
    return Facility.objects.select_related("botilbud").get(pk=pk)


def feed_url(facility: Facility) -> str:
    return absolute(reverse("facilities:feed", args=[facility.pk, feed_token(facility)]))


def booking_links(booking: Booking) -> dict:
    token = booking_token(booking)
    return {
        "status_url": absolute(reverse("facilities:booking_status", args=[token])),
        "cancel_url": absolute(reverse("facilities:booking_cancel", args=[token])),
        "facility_url": absolute(reverse("facilities:detail", args=[booking.facility_id])),
        "admin_url": absolute(reverse("facilities_bookings:index")),
    }


def _mail_requester(booking: Booking, purpose: str, *, automatic: bool = True) -> None:
    queue_mail(
        key=f"booking:{booking.pk}:{purpose}",
        to=booking.email,
        template=f"facilities/email/booking_{purpose}",
        context=_mail_context(booking),
        automatic=automatic,
    )


def _mail_staff(booking: Booking, purpose: str) -> None:
    context = _mail_context(booking)
    home = booking.facility.botilbud
    queue_mail_to_each(
        home_staff_addresses(home.pk, home.email),
        key_prefix=f"booking:{booking.pk}:staff:{purpose}",
        template=f"facilities/email/booking_staff_{purpose}",
        context=context,
    )


def _mail_context(booking: Booking) -> dict:
    return {
        "booking": booking,
        "facility": booking.facility,
        "home": booking.facility.botilbud,
        "start": _local(booking.start),
        "end": _local(booking.end),
        **booking_links(booking),
    }


# --- Workflows --------------------------------------------------------------------------


def _locked_facility(pk: int) -> Facility:
    """The facility's row, locked until the transaction ends: one decision at a time."""
    return (
        Facility.objects.select_for_update(of=("self",))
        .select_related("botilbud")
        .prefetch_related("opening_hours")
        .get(pk=pk)
    )


def direct_booking_home(user, facility: Facility, kind: str, requesting_home_id: int | None):
    """The home a staff member books for without waiting for an answer, or None.

    Staff book directly for a home they work at (the requesting home), within the owning
    home's rules; the owning home's own staff book their own facility directly too."""
    if kind != BookerKind.STAFF or requesting_home_id is None:
        return None
    homes = staff_home_ids(user)
    if homes is not None and requesting_home_id not in homes:
        return None
    return requesting_home_id


def request_booking(
    facility: Facility,
    *,
    kind: str,
    name: str,
    email: str,
    for_whom: str,
    purpose: str,
    start: dt.datetime,
    end: dt.datetime,
    participants: int = 1,
    phone: str = "",
    public_event: bool = False,
    requesting_home_id: int | None = None,
    organisation_id: int | None = None,
    user=None,
) -> Booking:
    """Ask for the facility; staff booking for their own home get it at once (approved).
    Raises BookingRefused with the rules broken; nothing is stored then."""
    if user is not None and not user.is_authenticated:
        user = None  # an anonymous visitor: logged without a user
    direct_home = direct_booking_home(user, facility, kind, requesting_home_id)
    if kind == BookerKind.STAFF and direct_home is None:
        # Only a signed-in staff member names a home they book for.
        raise BookingRefused(_("Log ind som medarbejder for at booke på et botilbuds vegne."))
    try:
        with transaction.atomic():
            facility = _locked_facility(facility.pk)
            problems = booking_problems(facility, kind, start, end)
            if problems:
                raise BookingRefused(*problems)
            if participants > facility.capacity:
                raise BookingRefused(
                    _("Der er plads til højst %(capacity)s personer.")
                    % {"capacity": facility.capacity}
                )
            booking = Booking.objects.create(
                facility=facility,
                kind=kind,
                name=name,
                email=email,
                phone=phone,
                for_whom=for_whom,
                participants=participants,
                purpose=purpose,
                start=start,
                end=end,
                public_event=public_event,
                requesting_home_id=direct_home,
                organisation_id=organisation_id if kind == BookerKind.ASSOCIATION else None,
                booked_by=user if direct_home is not None else None,
                status=Status.APPROVED if direct_home is not None else Status.REQUESTED,
            )
            if direct_home is not None:
                booking.decided_by, booking.decided_at = user, timezone.now()
                booking.save(update_fields=["decided_by", "decided_at"])
                log(booking, "samspil.booking.book", user=user)
                publish_booking_event(booking, user)
                _mail_requester(booking, "approved", automatic=False)
                _mail_staff(booking, "booked")
            else:
                log(booking, "samspil.booking.request", user=user)
                _mail_requester(booking, "received", automatic=False)
                _mail_staff(booking, "requested")
    except IntegrityError as error:
        raise BookingConflict(
            _("Tidspunktet er allerede booket. Vælg et andet tidspunkt.")
        ) from error
    return booking


def _check_decider(user, booking: Booking) -> None:
    if not is_staff_of(user, booking.facility.botilbud_id):
        raise NotYourFacility(_("Du kan kun svare på bookinger af dit eget botilbuds faciliteter."))


def approve_booking(booking: Booking, *, user) -> Booking:
    """Approve a request if its time is still free; raises BookingConflict if another
    approved booking holds it, NotYourFacility for another home's staff."""
    _check_decider(user, booking)
    try:
        with transaction.atomic():
            facility = _locked_facility(booking.facility_id)
            booking = Booking.objects.select_for_update().get(pk=booking.pk)
            booking.facility = facility
            if booking.status != Status.REQUESTED:
                return booking
            taken = Booking.objects.approved().overlapping(facility.pk, booking.start, booking.end)
            if taken.exclude(pk=booking.pk).exists():
                raise BookingConflict(_("Tidspunktet er allerede booket. Vælg et andet tidspunkt."))
            booking.status = Status.APPROVED
            booking.decided_by, booking.decided_at = user, timezone.now()
            booking.save(update_fields=["status", "decided_by", "decided_at"])
            log(booking, "samspil.booking.approve", user=user)
            publish_booking_event(booking, user)
            _mail_requester(booking, "approved")
    except IntegrityError as error:
        # booking_no_overlap (PostgreSQL): a parallel approval got there first.
        raise BookingConflict(
            _("Tidspunktet er allerede booket. Vælg et andet tidspunkt.")
        ) from error
    return booking


def decline_booking(booking: Booking, *, user, reason: str) -> Booking:
    _check_decider(user, booking)
    if not reason.strip():
        raise BookingRefused(_("Skriv en begrundelse, så den, der spurgte, ved hvorfor."))
    with transaction.atomic():
        locked = Booking.objects.select_for_update().select_related("facility__botilbud")
        booking = locked.get(pk=booking.pk)
        if booking.status != Status.REQUESTED:
            return booking
        booking.status = Status.DECLINED
        booking.decided_by, booking.decided_at = user, timezone.now()
        booking.decision_reason = reason.strip()
        booking.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        log(booking, "samspil.booking.decline", user=user)
        _mail_requester(booking, "declined")
    return booking


def cancel_booking(booking: Booking, *, user=None, reason: str = "") -> Booking:
    """Cancel a request or an approved booking: by the one who asked (their link, no
    ``user``), or by the owning home's staff. Both sides get a mail; a calendar event made
    from the booking is marked cancelled."""
    if user is not None:
        _check_decider(user, booking)
    with transaction.atomic():
        locked = Booking.objects.select_for_update().select_related("facility__botilbud")
        booking = locked.get(pk=booking.pk)
        if booking.status not in (Status.REQUESTED, Status.APPROVED):
            return booking
        booking.status, booking.cancelled_at = Status.CANCELLED, timezone.now()
        if reason:
            booking.decision_reason = reason.strip()
        booking.save(update_fields=["status", "cancelled_at", "decision_reason"])
        log(booking, "samspil.booking.cancel", user=user, data={"by_staff": user is not None})
        if booking.event_id:
            event = booking.event
            event.cancelled, event.last_published_at = True, timezone.now()
            event.save(clean=False, update_fields=["cancelled", "last_published_at"])
        # The one who cancels asked for it; the other side is told automatically.
        _mail_requester(booking, "cancelled", automatic=user is not None)
        _mail_staff(booking, "cancelled")
    return booking


def publish_booking_event(booking: Booking, user) -> None:
    """An approved booking marked as a public event becomes an event in the calendar: a live
    EventPage under the owning home, organised by the association if one is named."""
    if not booking.public_event or booking.event_id:
        return
    from home.models import EventPage

    home = booking.facility.botilbud
    event = EventPage(
        title=booking.purpose.splitlines()[0][:200] or booking.facility.name,
        slug=slugify(f"{booking.facility.name}-{booking.pk}")[:200],
        start=booking.start,
        end=booking.end,
        intro=booking.purpose[:400],
        location=booking.facility.name,
        address=f"{home.street_address}, {home.postal_code} {home.city}",
        organiser_id=booking.organisation_id,
        # An association's event links to the association, as imported ones do.
        external_url=booking.organisation.website if booking.organisation_id else "",
        owner=user,
        live=False,
    )
    home.add_child(instance=event)
    # Published through a revision, as staff would (history, search index, page cache purge).
    event.save_revision(user=user, log_action=True).publish(user=user)
    booking.event = event
    booking.save(update_fields=["event"])


def queue_booking_reminders(today: dt.date | None = None) -> int:
    """A reminder for every approved booking starting tomorrow; the outbox key makes a second
    run the same day queue nothing new."""
    from outbox.models import OutgoingMail

    today = today or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min))
    bookings = (
        Booking.objects.approved()
        .filter(start__gte=start, start__lt=start + dt.timedelta(days=1))
        .select_related("facility__botilbud")
        .order_by("pk")
    )
    queued = 0
    with transaction.atomic():
        sent = set(
            OutgoingMail.objects.filter(
                key__in=[f"booking:{b.pk}:reminder" for b in bookings]
            ).values_list("key", flat=True)
        )
        for booking in bookings:
            if f"booking:{booking.pk}:reminder" not in sent:
                _mail_requester(booking, "reminder")
                queued += 1
    return queued
