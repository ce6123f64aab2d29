"""Sign-ups, the waiting list, volunteers and proposals: each workflow runs in one
transaction, logs who did what, and queues its mails only on commit (through the outbox)."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from access.rules import home_staff_addresses
from home.models import BotilbudPage, EventPage, VolunteerCallPage
from outbox.links import absolute
from outbox.services import queue_mail, queue_mail_to_each

from .models import ActivityProposal, EventSignup, VolunteerSignup

logger = logging.getLogger(__name__)

SignupStatus = EventSignup.Status
CANCEL_SALT = "participation.signup"


class SignupClosed(Exception):
    """Sign-up is not open for this event (off, cancelled, past its deadline)."""


class CallClosed(Exception):
    """The volunteer call is filled, closed or expired."""


# --- Links ----------------------------------------------------------------------------


def signup_token(signup: EventSignup) -> str:
    return signing.dumps(signup.pk, salt=CANCEL_SALT, compress=True)


def signup_from_token(token: str) -> EventSignup:
    """The sign-up a link is for; a tampered or foreign token raises signing.BadSignature."""
    if len(token) > 200:
        raise signing.BadSignature("too long")
    pk = signing.loads(token, salt=CANCEL_SALT)
    if not isinstance(pk, int):
        raise signing.BadSignature("not a sign-up")
    signup = EventSignup.objects.select_related("event").filter(pk=pk).first()
    if signup is None:
        raise signing.BadSignature("gone")
    return signup


def signup_links(signup: EventSignup) -> dict:
    token = signup_token(signup)
    return {
        "status_url": absolute(reverse("participation:signup_status", args=[token])),
        "cancel_url": absolute(reverse("participation:signup_cancel", args=[token])),
        "event_url": signup.event.get_full_url(),
    }


# --- Event sign-up ----------------------------------------------------------------------


def signup_deadline(event: EventPage) -> dt.datetime:
    return event.signup_deadline or event.start


def signup_is_open(event: EventPage, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return bool(
        event.signup_enabled and not event.cancelled and event.live and now < signup_deadline(event)
    )


EVENT_FIELDS = (
    "title",
    "url_path",
    "live",
    "start",
    "end",
    "all_day",
    "location",
    "address",
    "cancelled",
    "signup_enabled",
    "signup_deadline",
    "capacity",
    "max_party_size",
)


def _locked_event(event_id: int) -> EventPage:
    """The event row, locked until the transaction ends (PostgreSQL: FOR UPDATE; SQLite
    serialises writers with its IMMEDIATE transactions), so seats are counted by one
    sign-up or cancellation at a time."""
    return EventPage.objects.select_for_update(of=("self",)).only(*EVENT_FIELDS).get(pk=event_id)


def seats_left(event: EventPage) -> int | None:
    if event.capacity is None:
        return None
    return max(event.capacity - EventSignup.objects.seats_taken(event.pk), 0)


@dataclass
class SignupResult:
    signup: EventSignup
    created: bool


# Mails the person asks for as they sign up (the answer to the form); every other sign-up
# mail (promotion, reminder, cancellations) is automatic and stops at a suppressed address.
REQUESTED_SIGNUP_MAILS = frozenset({SignupStatus.CONFIRMED, SignupStatus.WAITLISTED})


def _mail_signup(signup: EventSignup, purpose: str, key_suffix: str = "") -> None:
    queue_mail(
        key=f"signup:{signup.pk}:{purpose}{key_suffix}",
        to=signup.email,
        template=f"participation/email/signup_{purpose}",
        context={"signup": signup, "event": signup.event, **signup_links(signup)},
        automatic=purpose not in REQUESTED_SIGNUP_MAILS,
    )


def sign_up_for_event(
    event: EventPage, *, name: str, email: str, party_size: int = 1, note: str = ""
) -> SignupResult:
    """A place if one is free for the whole party, else the waiting list. The same address
    twice gets its existing sign-up back (and its confirmation again), not a second place."""
    email = email.strip().lower()
    try:
        with transaction.atomic():
            event = _locked_event(event.pk)
            if not signup_is_open(event):
                raise SignupClosed
            existing = EventSignup.objects.active().filter(event=event, email=email).first()
            if existing is not None:
                existing.event = event
                # At most one repeat per hour, so the form cannot be used to flood an inbox.
                _mail_signup(existing, existing.status, f":again:{timezone.now():%Y%m%d%H}")
                return SignupResult(existing, created=False)
            left = seats_left(event)
            fits = left is None or party_size <= left
            # Nobody jumps the queue: with people waiting, a newcomer waits too.
            waiting = EventSignup.objects.filter(event=event, status=SignupStatus.WAITLISTED)
            status = (
                SignupStatus.CONFIRMED if fits and not waiting.exists() else SignupStatus.WAITLISTED
            )
            signup = EventSignup.objects.create(
                event=event,
                name=name,
                email=email,
                party_size=party_size,
                note=note,
                status=status,
            )
            log(signup, "samspil.signup.create", data={"status": status})
            _mail_signup(signup, status)
    except IntegrityError:
        # The same address in a parallel request won the race: that sign-up stands.
        existing = EventSignup.objects.active().filter(event=event, email=email).first()
        if existing is None:
            raise
        return SignupResult(existing, created=False)
    return SignupResult(signup, created=True)


def cancel_signup(signup: EventSignup) -> list[EventSignup]:
    """Cancel a sign-up and give the freed seats to the waiting list; returns who moved up."""
    with transaction.atomic():
        event = _locked_event(signup.event_id)
        signup = EventSignup.objects.select_for_update().get(pk=signup.pk)
        if signup.status == SignupStatus.CANCELLED:
            return []
        was_confirmed = signup.status == SignupStatus.CONFIRMED
        signup.status = SignupStatus.CANCELLED
        signup.cancelled_at = timezone.now()
        signup.save(update_fields=["status", "cancelled_at"])
        signup.event = event
        log(signup, "samspil.signup.cancel")
        _mail_signup(signup, "cancelled")
        return _promote(event) if was_confirmed else []


def promote_from_waiting_list(event: EventPage) -> list[EventSignup]:
    """Fill free seats from the waiting list (after a cancellation or more seats)."""
    with transaction.atomic():
        return _promote(_locked_event(event.pk))


def _promote(event: EventPage) -> list[EventSignup]:
    """First come, first served among those whose whole party fits; call with the lock held."""
    if event.cancelled or event.start <= timezone.now():
        return []
    left = seats_left(event)
    promoted = []
    waiting = EventSignup.objects.filter(event=event, status=SignupStatus.WAITLISTED)
    for signup in waiting.order_by("created_at", "pk"):
        if left is not None and signup.party_size > left:
            continue
        signup.status = SignupStatus.CONFIRMED
        signup.promoted_at = timezone.now()
        signup.save(update_fields=["status", "promoted_at"])
        signup.event = event
        log(signup, "samspil.signup.promote")
        _mail_signup(signup, "promoted")
        promoted.append(signup)
        if left is not None:
            left -= signup.party_size
            if left <= 0:
                break
    return promoted


def queue_event_reminders(today: dt.date | None = None) -> int:
    """Queue a reminder for every confirmed sign-up to an event starting tomorrow; the
    outbox key makes a second run the same day queue nothing new."""
    today = today or timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    end = start + dt.timedelta(days=1)
    signups = (
        EventSignup.objects.filter(
            status=SignupStatus.CONFIRMED,
            event__start__gte=start,
            event__start__lt=end,
            event__cancelled=False,
            event__live=True,
        )
        .select_related("event")
        .order_by("pk")
    )
    queued = 0
    with transaction.atomic():
        for signup in signups:
            if _queue_once(signup, "reminder"):
                queued += 1
    return queued


def notify_event_cancelled(event: EventPage) -> int:
    """Tell everyone signed up (or waiting) that the event is cancelled; once per sign-up."""
    if not event.cancelled:
        return 0
    queued = 0
    with transaction.atomic():
        for signup in EventSignup.objects.active().filter(event=event).order_by("pk"):
            signup.event = event
            if _queue_once(signup, "event_cancelled"):
                queued += 1
    return queued


# Sign-ups are kept this long after their event ended (staff may follow up), then deleted.
SIGNUP_RETENTION = dt.timedelta(days=30)


def purge_old_signups(now: dt.datetime | None = None) -> int:
    """Delete the sign-ups of events that ended more than SIGNUP_RETENTION ago, as the
    consent text promises; returns how many went."""
    cutoff = (now or timezone.now()) - SIGNUP_RETENTION
    deleted, _by_model = EventSignup.objects.filter(event__ends_at__lt=cutoff).delete()
    if deleted:
        logger.info("Deleted %s sign-ups of events that ended before %s", deleted, cutoff)
    return deleted


def _queue_once(signup: EventSignup, purpose: str) -> bool:
    from outbox.models import OutgoingMail

    key = f"signup:{signup.pk}:{purpose}"
    if OutgoingMail.objects.filter(key=key).exists():
        return False
    _mail_signup(signup, purpose)
    return True


# --- Volunteers -------------------------------------------------------------------------


def call_is_open(call: VolunteerCallPage, accepted: int | None = None) -> bool:
    if accepted is None:
        accepted = VolunteerSignup.objects.filter(
            call=call, status=VolunteerSignup.Status.ACCEPTED
        ).count()
    return call.is_open and call.live and accepted < call.people_needed


def _locked_call(call_id: int) -> VolunteerCallPage:
    return VolunteerCallPage.objects.select_for_update(of=("self",)).get(pk=call_id)


def volunteer_for_call(
    call: VolunteerCallPage,
    *,
    name: str,
    email: str,
    phone: str = "",
    message: str = "",
    availability: str = "",
) -> SignupResult:
    email = email.strip().lower()
    with transaction.atomic():
        call = _locked_call(call.pk)
        if not call_is_open(call):
            raise CallClosed
        existing = VolunteerSignup.objects.filter(
            call=call, email=email, status__in=["pending", "accepted"]
        ).first()
        if existing is not None:
            return SignupResult(existing, created=False)
        signup = VolunteerSignup.objects.create(
            call=call,
            name=name,
            email=email,
            phone=phone,
            message=message,
            availability=availability,
        )
        log(signup, "samspil.volunteer.create")
        context = {"volunteer": signup, "call": call, "call_url": call.get_full_url()}
        queue_mail(
            key=f"volunteer:{signup.pk}:received",
            to=signup.email,
            template="participation/email/volunteer_received",
            context=context,
            automatic=False,  # the answer to the form just sent
        )
        context["admin_url"] = absolute(reverse("participation_volunteers:index"))
        queue_mail_to_each(
            home_staff_addresses(call.botilbud_id, call.contact_email),
            key_prefix=f"volunteer:{signup.pk}:staff",
            template="participation/email/volunteer_staff",
            context=context,
        )
    return SignupResult(signup, created=True)


def decide_volunteer(signup: VolunteerSignup, *, accept: bool, user) -> VolunteerSignup:
    """Accept or decline a volunteer; either way they get a mail. Accepting the last place
    fills the call, which then stops taking sign-ups (the count is what closes it)."""
    with transaction.atomic():
        call = _locked_call(signup.call_id)
        signup = VolunteerSignup.objects.select_for_update().get(pk=signup.pk)
        if signup.status != VolunteerSignup.Status.PENDING:
            return signup
        signup.status = (
            VolunteerSignup.Status.ACCEPTED if accept else VolunteerSignup.Status.DECLINED
        )
        signup.decided_at = timezone.now()
        signup.decided_by = user
        signup.save(update_fields=["status", "decided_at", "decided_by"])
        log(signup, f"samspil.volunteer.{'accept' if accept else 'decline'}", user=user)
        queue_mail(
            key=f"volunteer:{signup.pk}:{signup.status}",
            to=signup.email,
            template=f"participation/email/volunteer_{signup.status}",
            context={
                "volunteer": signup,
                "call": call,
                "call_url": call.get_full_url(),
            },
        )
    return signup


# --- Proposals --------------------------------------------------------------------------


def propose_activity(
    botilbud: BotilbudPage,
    *,
    name: str,
    email: str,
    phone: str = "",
    title: str,
    description: str,
    when: str = "",
) -> ActivityProposal:
    with transaction.atomic():
        proposal = ActivityProposal.objects.create(
            botilbud=botilbud,
            name=name,
            email=email,
            phone=phone,
            title=title,
            description=description,
            when=when,
        )
        log(proposal, "samspil.proposal.create")
        context = {
            "proposal": proposal,
            "botilbud": botilbud,
            "admin_url": absolute(reverse("participation_proposals:index")),
        }
        queue_mail(
            key=f"proposal:{proposal.pk}:received",
            to=proposal.email,
            template="participation/email/proposal_received",
            context=context,
            automatic=False,  # the answer to the form just sent
        )
        queue_mail_to_each(
            home_staff_addresses(botilbud.pk),
            key_prefix=f"proposal:{proposal.pk}:staff",
            template="participation/email/proposal_staff",
            context=context,
        )
    return proposal


def mark_proposal_handled(proposal: ActivityProposal, *, user) -> ActivityProposal:
    with transaction.atomic():
        updated = ActivityProposal.objects.filter(
            pk=proposal.pk, status=ActivityProposal.Status.NEW
        ).update(status=ActivityProposal.Status.HANDLED)
        if updated:
            proposal.status = ActivityProposal.Status.HANDLED
            log(proposal, "samspil.proposal.handled", user=user)
    return proposal
