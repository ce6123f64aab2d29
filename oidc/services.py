"""Accounts and rights from a provider's claims.

Staff: the account is found by the provider's subject (or, the first time, by the address
of an existing staff account), and its homes are then set to exactly what the directory's
groups map to (``DirectoryMapping``): editor groups added and removed, leadership given and
taken back. Every change is written to the user's history (``log``) and to the
``samspil.oidc`` logger. Relatives: the account is found by the MitID subject (or is the
relative signed in by link now), and their verified name fills their profile.
"""

import hashlib
import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from access.rules import is_relative

from . import claims as claim_reading
from .models import DirectoryMapping, ExternalIdentity, Provider

logger = logging.getLogger("samspil.oidc")


class SignInRefused(Exception):
    """The provider said who the person is, but Samspil will not sign them in; the message
    is for them (Danish)."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass
class HomeChanges:
    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    leader_of: list[int] = field(default_factory=list)
    leader_no_more: list[int] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.leader_of or self.leader_no_more)


def _username(provider: str, subject: str) -> str:
    # The subject itself can be long or an e-mail address; a digest is neither.
    return f"{provider}-{hashlib.sha256(subject.encode()).hexdigest()[:24]}"


def _identity(provider: str, subject: str) -> ExternalIdentity | None:
    return (
        ExternalIdentity.objects.select_related("user")
        .filter(provider=provider, subject=subject)
        .first()
    )


def _link(provider: str, subject: str, user) -> ExternalIdentity:
    identity = ExternalIdentity.objects.create(provider=provider, subject=subject, user=user)
    log(user, "samspil.oidc.link", user=user, data={"provider": provider})
    logger.info("oidc: %s identity linked to user %s", provider, user.pk)
    return identity


def _new_user(provider: str, subject: str, email: str, first: str, last: str, **flags):
    User = get_user_model()
    user = User(
        username=_username(provider, subject),
        email=email,
        first_name=first,
        last_name=last,
        **flags,
    )
    user.set_unusable_password()
    user.save()
    log(user, "samspil.oidc.create", user=user, data={"provider": provider})
    logger.info("oidc: %s account %s created", provider, user.pk)
    return user


def _touch(identity: ExternalIdentity) -> None:
    ExternalIdentity.objects.filter(pk=identity.pk).update(last_sign_in_at=timezone.now())


# --- Staff ----------------------------------------------------------------------------------


def _staff_account_by_email(email: str):
    """An existing staff account with this address, to link the first time: a password
    account or one marked staff, never a relative's, never a municipal admin's (who keep
    their own sign-in), and only when exactly one matches."""
    if not email:
        return None
    accounts = list(get_user_model().objects.filter(email__iexact=email)[:3])
    if any(is_relative(user) for user in accounts):
        raise SignInRefused(
            _(
                "Din e-mailadresse bruges allerede af en pårørende i Samspil. "
                "Kontakt kommunens administrator, så de kan hjælpe dig."
            ),
            "email_of_relative",
        )
    staff = [user for user in accounts if not user.is_superuser]
    if len(staff) > 1:
        raise SignInRefused(
            _("Der er flere brugere med din e-mailadresse. Kontakt kommunens administrator."),
            "email_ambiguous",
        )
    if (
        len(staff) == 1
        and ExternalIdentity.objects.filter(provider=Provider.STAFF, user=staff[0]).exists()
    ):
        return None
    return staff[0] if staff else None


def wanted_homes(groups: set[str]) -> tuple[set[int], set[int]]:
    """(homes to be staff of, homes to lead) for these directory groups; a leader is also
    staff of the home."""
    rows = DirectoryMapping.objects.filter(claim_value__in=groups).values_list(
        "botilbud_id", "role"
    )
    staff, leads = set(), set()
    for botilbud_id, role in rows:
        staff.add(botilbud_id)
        if role == DirectoryMapping.Role.LEADER:
            leads.add(botilbud_id)
    return staff, leads


def sync_staff_homes(user, groups: set[str]) -> HomeChanges:
    """Make ``user``'s homes exactly those the directory groups map to: editor groups of
    other homes are taken away, and leadership the directory no longer gives is ended.
    Groups that are not a home's editor group are left as they are."""
    HomeStaffAccess = apps.get_model("home.HomeStaffAccess")
    HomeDialogSettings = apps.get_model("dialog.HomeDialogSettings")
    BotilbudPage = apps.get_model("home.BotilbudPage")
    staff_homes, lead_homes = wanted_homes(groups)
    changes = HomeChanges()
    with transaction.atomic():
        current = dict(
            HomeStaffAccess.objects.filter(group__user=user).values_list("botilbud_id", "group_id")
        )
        to_add = sorted(staff_homes - current.keys())
        if to_add:
            from home.services import ensure_home_staff_access

            known = dict(
                HomeStaffAccess.objects.filter(botilbud_id__in=to_add).values_list(
                    "botilbud_id", "group_id"
                )
            )
            for home in BotilbudPage.objects.filter(pk__in=set(to_add) - known.keys()):
                known[home.pk] = ensure_home_staff_access(home).group_id
            user.groups.add(*known.values())
            changes.added = sorted(known)
        to_remove = sorted(current.keys() - staff_homes)
        if to_remove:
            user.groups.remove(*(current[pk] for pk in to_remove))
            changes.removed = to_remove

        leading = set(
            HomeDialogSettings.objects.filter(leader=user).values_list("botilbud_id", flat=True)
        )
        for botilbud_id in sorted(lead_homes - leading):
            settings_row, _created = HomeDialogSettings.objects.get_or_create(
                botilbud_id=botilbud_id
            )
            settings_row.leader = user
            settings_row.save(update_fields=["leader"])
            changes.leader_of.append(botilbud_id)
        no_more = sorted(leading - lead_homes)
        if no_more:
            HomeDialogSettings.objects.filter(botilbud_id__in=no_more, leader=user).update(
                leader=None
            )
            changes.leader_no_more = no_more
        if changes.any:
            log(
                user,
                "samspil.oidc.sync",
                user=user,
                data={
                    "added": changes.added,
                    "removed": changes.removed,
                    "leader_of": changes.leader_of,
                    "leader_no_more": changes.leader_no_more,
                },
            )
    logger.info(
        "oidc: staff homes of user %s synced (added %s, removed %s, leader of %s, "
        "no longer leader of %s)",
        user.pk,
        changes.added,
        changes.removed,
        changes.leader_of,
        changes.leader_no_more,
    )
    return changes


def sign_in_staff(claims: dict, groups_claim: str):
    """The staff account for these claims, its homes synced from the directory groups.

    Refused (``SignInRefused``) for a subject the provider did not send, an account that
    is switched off, and anyone whose groups give no home (after their old homes were
    taken away: leaving the directory's groups ends the rights at once). Municipal admins
    linked to the directory keep their rights whatever their groups say.
    """
    subject = claim_reading.subject(claims)
    if not subject:
        raise SignInRefused(_("Log ind kunne ikke bekræftes. Prøv igen."), "no_subject")
    groups = claim_reading.group_values(claims, groups_claim)
    first, last = claim_reading.person_name(claims)
    email = claim_reading.email(claims)
    with transaction.atomic():
        identity = _identity(Provider.STAFF, subject)
        if identity is None:
            user = _staff_account_by_email(email)
            if user is None:
                user = _new_user(Provider.STAFF, subject, email, first, last, is_staff=True)
            try:
                with transaction.atomic():
                    identity = _link(Provider.STAFF, subject, user)
            except IntegrityError:
                # The same person signing in twice at once: the other request linked it.
                identity = _identity(Provider.STAFF, subject)
        user = identity.user
        if not user.is_active:
            raise SignInRefused(_("Din bruger i Samspil er lukket."), "inactive")
        _update_staff_profile(user, email, first, last)
        _touch(identity)
    changes = sync_staff_homes(user, groups)
    if not user.is_superuser and not _has_homes(user):
        logger.warning("oidc: staff user %s has no home in the directory, refused", user.pk)
        raise SignInRefused(
            _(
                "Du er logget ind hos kommunen, men dine grupper giver ikke adgang til noget "
                "botilbud i Samspil. Kontakt din leder eller kommunens administrator."
            ),
            "no_home",
        )
    return user, changes


def _has_homes(user) -> bool:
    return apps.get_model("home.HomeStaffAccess").objects.filter(group__user=user).exists()


def _update_staff_profile(user, email: str, first: str, last: str) -> None:
    """The directory is where staff names and addresses are kept: follow it. A staff
    account made by a directory sign-in is marked staff (it has no password, and an
    account with neither would count as a relative's)."""
    fields = []
    for name, value in (("email", email), ("first_name", first), ("last_name", last)):
        if value and getattr(user, name) != value:
            setattr(user, name, value)
            fields.append(name)
    if not user.is_staff and not user.has_usable_password():
        user.is_staff = True
        fields.append("is_staff")
    if fields:
        user.save(update_fields=fields)


# --- Relatives ------------------------------------------------------------------------------


def sign_in_relative(claims: dict, current_user=None):
    """The relative's account for these (MitID) claims, their verified name on it.

    The first time, a relative who is signed in by link already gets MitID linked to that
    account; anyone else gets a new account. The claims never include a CPR number
    (``claims.without_personal_numbers`` has run), and none is stored.
    """
    subject = claim_reading.subject(claims)
    if not subject:
        raise SignInRefused(_("Log ind med MitID kunne ikke bekræftes. Prøv igen."), "no_subject")
    first, last = claim_reading.person_name(claims)
    with transaction.atomic():
        identity = _identity(Provider.RELATIVE, subject)
        if identity is None:
            if current_user is not None and is_relative(current_user):
                user = current_user
                if ExternalIdentity.objects.filter(provider=Provider.RELATIVE, user=user).exists():
                    raise SignInRefused(
                        _("Din bruger er allerede knyttet til et andet MitID."), "other_mitid"
                    )
            else:
                # The name is set below, as a verified name (and logged as one).
                user = _new_user(Provider.RELATIVE, subject, _free_email(claims), "", "")
            try:
                with transaction.atomic():
                    identity = _link(Provider.RELATIVE, subject, user)
            except IntegrityError:
                identity = _identity(Provider.RELATIVE, subject)
        user = identity.user
        if not is_relative(user):
            # A staff account never signs in through the relatives' door.
            raise SignInRefused(
                _("Medarbejdere logger ind via administrationen, ikke med MitID."), "not_relative"
            )
        fields = [
            name
            for name, value in (("first_name", first), ("last_name", last))
            if value and getattr(user, name) != value
        ]
        if fields:
            user.first_name, user.last_name = first or user.first_name, last or user.last_name
            user.save(update_fields=fields)
            log(user, "samspil.oidc.verified_name", user=user)
            logger.info("oidc: verified name set on relative %s", user.pk)
        _touch(identity)
    return user


def _free_email(claims: dict) -> str:
    """A broker's e-mail claim, if no account has that address yet (an address on an
    existing account is never taken over through a claim)."""
    email = claim_reading.email(claims)
    if not email:
        return ""
    User = get_user_model()
    taken = User.objects.filter(email__iexact=email) | User.objects.filter(username__iexact=email)
    return "" if taken.exists() else email
