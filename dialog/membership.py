"""Relatives' connections to homes: a relative asks, the home's staff approve or decline,
and either side can end it. Also the small queries the rest of the dialog relies on to
decide who may see and do what live in access.rules (re-exported here for the dialog).

Every change runs in one transaction, is logged (who, what, when), sends
``signals.membership_changed`` and queues its mails through the outbox, only on commit.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from access.cpr import contains_cpr
from access.rules import home_staff_addresses, is_relative, is_staff_of
from home.models import BotilbudPage
from outbox.links import absolute
from outbox.services import queue_mail, queue_mail_to_each

from . import signals
from .models import Membership

Status = Membership.Status
RELATION_MAX_LENGTH = 200

# Line breaks and other control characters have no place in a one-line description.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")

CPR_REFUSED = _(
    "Skriv ikke et CPR-nummer her. Et CPR-nummer er en følsom personoplysning, som vi "
    "ikke må gemme. Skriv i stedet med ord, hvordan du kender beboeren, f.eks. 'datter af "
    "en beboer'. Har personalet brug for mere, kontakter de dig."
)


class MembershipError(Exception):
    """A connection that cannot be asked for; ``message`` says why, in Danish."""

    message = _("Vi kunne ikke gemme din anmodning.")


class AlreadyConnected(MembershipError):
    message = _(
        "Du er allerede tilknyttet botilbuddet eller venter på svar. Du kan se det på din side."
    )

    def __init__(self, membership: Membership | None = None):
        super().__init__(str(self.message))
        self.membership = membership


class NotARelative(MembershipError):
    message = _(
        "Du er logget ind som medarbejder. Kun pårørende kan bede om at blive tilknyttet "
        "et botilbud."
    )


# --- Who is who -------------------------------------------------------------------------


# --- The relation text ------------------------------------------------------------------


def clean_relation(text: str) -> str:
    """The relation as it may be stored; raises ValidationError (in Danish) otherwise."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            _("Skriv, hvordan du er knyttet til botilbuddet, f.eks. »søster til en beboer«."),
            code="required",
        )
    if _CONTROL.search(text):
        raise ValidationError(_("Brug kun almindelige tegn på én linje."), code="invalid")
    if len(text) > RELATION_MAX_LENGTH:
        raise ValidationError(
            _("Skriv højst %(max)s tegn.") % {"max": RELATION_MAX_LENGTH}, code="max_length"
        )
    if contains_cpr(text):
        raise ValidationError(CPR_REFUSED, code="cpr")
    return text


NAME_MAX_LENGTH = 150


def clean_name(text: str) -> str:
    """The name a relative gives staff (optional); raises ValidationError (in Danish)."""
    text = " ".join((text or "").split())
    if _CONTROL.search(text):
        raise ValidationError(_("Brug kun almindelige tegn på én linje."), code="invalid")
    if len(text) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("Skriv højst %(max)s tegn.") % {"max": NAME_MAX_LENGTH}, code="max_length"
        )
    if contains_cpr(text):
        raise ValidationError(CPR_REFUSED, code="cpr")
    return text


def _set_name(user, name: str) -> None:
    """Staff see relatives by name: "Karen Marie Jensen" is stored as first name(s) and
    surname, so Django's get_full_name() (used by every staff screen) gives it back whole."""
    first, _sep, last = name.rpartition(" ")
    first, last = (first, last) if first else (last, "")
    user.first_name, user.last_name = first[:150], last[:150]
    user.save(update_fields=["first_name", "last_name"])


# --- Workflows --------------------------------------------------------------------------


def _changed(membership: Membership, action: str) -> None:
    signals.membership_changed.send(sender=Membership, membership=membership, action=action)


def _mail_relative(membership: Membership, purpose: str) -> None:
    relative = membership.relative
    if not relative.email:
        return
    queue_mail(
        key=f"dialog:membership:{membership.pk}:{purpose}",
        to=relative.email,
        template=f"dialog/email/membership_{purpose}",
        context={
            "membership": membership,
            "botilbud": membership.botilbud,
            "my_page_url": absolute(reverse("dialog:my_page")),
        },
    )


def _locked(membership: Membership) -> Membership:
    """The membership row, locked until the transaction ends, so two staff members
    deciding at once cannot both act on it."""
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("relative", "botilbud")
        .get(pk=membership.pk)
    )


def request_connection(user, botilbud: BotilbudPage, relation: str, name: str = "") -> Membership:
    """Ask to be connected to ``botilbud``; the home's staff are told by mail. A relative
    with a pending or approved connection there gets AlreadyConnected. A ``name`` given
    becomes the relative's name, which staff see beside the stated relation."""
    if not is_relative(user):
        raise NotARelative
    relation = clean_relation(relation)
    name = clean_name(name)
    with transaction.atomic():
        if name and name != user.get_full_name():
            _set_name(user, name)
        existing = Membership.objects.filter(
            relative=user, botilbud=botilbud, status__in=Membership.ACTIVE
        ).first()
        if existing is not None:
            raise AlreadyConnected(existing)
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    relative=user, botilbud=botilbud, relation=relation
                )
        except IntegrityError as error:
            # A parallel request for the same home won (the membership_one_active index).
            raise AlreadyConnected from error
        log(
            membership,
            "samspil.membership.request",
            user=user,
            data={"botilbud": botilbud.pk},
        )
        context = {
            "membership": membership,
            "relative": user,
            "botilbud": botilbud,
            "admin_url": absolute(reverse("dialog_memberships")),
        }
        queue_mail_to_each(
            home_staff_addresses(botilbud.pk),
            key_prefix=f"dialog:membership:{membership.pk}:requested",
            template="dialog/email/membership_requested",
            context=context,
        )
        _changed(membership, "requested")
    return membership


def _decide(membership: Membership, staff_user, status: str, action: str) -> Membership:
    if not is_staff_of(staff_user, membership.botilbud_id):
        raise PermissionDenied
    with transaction.atomic():
        membership = _locked(membership)
        # Answered already (a double click, or a colleague was faster): nothing changes.
        if membership.status != Status.PENDING:
            return membership
        membership.status = status
        membership.decided_at = timezone.now()
        membership.decided_by = staff_user
        membership.save(update_fields=["status", "decided_at", "decided_by"])
        log(
            membership,
            f"samspil.membership.{action}",
            user=staff_user,
            data={"botilbud": membership.botilbud_id},
        )
        _mail_relative(membership, str(status))
        _changed(membership, str(status))
    return membership


def approve(membership: Membership, staff_user) -> Membership:
    """Staff of the home approve a pending request; the relative is told by mail."""
    return _decide(membership, staff_user, Status.APPROVED, "approve")


def decline(membership: Membership, staff_user) -> Membership:
    """Staff of the home decline a pending request; the relative is told by mail."""
    return _decide(membership, staff_user, Status.DECLINED, "decline")


def end(membership: Membership, by_user) -> Membership:
    """End a pending or approved connection, by the relative themself or by the home's
    staff (then the relative is told by mail). Ending one that is over changes nothing."""
    by_relative = by_user is not None and by_user.pk == membership.relative_id
    if not by_relative and not is_staff_of(by_user, membership.botilbud_id):
        raise PermissionDenied
    with transaction.atomic():
        membership = _locked(membership)
        if membership.status not in Membership.ACTIVE:
            return membership
        was = membership.status
        membership.status = Status.ENDED
        membership.ended_at = timezone.now()
        membership.save(update_fields=["status", "ended_at"])
        log(
            membership,
            "samspil.membership.end",
            user=by_user,
            data={
                "botilbud": membership.botilbud_id,
                "by": "relative" if by_relative else "staff",
                "was": was,
            },
        )
        if not by_relative:
            _mail_relative(membership, "ended")
        _changed(membership, "ended")
    return membership


def memberships_of(user):
    """A relative's connections, newest first, with their homes (one query)."""
    return Membership.objects.filter(relative_id=user.pk).select_related("botilbud")
