"""Dialogindstillinger: per home, who leads it (escalations go to them), the promised answer
times, and who is on its staff. The municipal admin (a superuser) sets them for every home;
a home's leader for their own home, without the municipal admin.

Every change runs in one transaction and is logged with Wagtail's log() on the home's
settings row (who, what, when); the log keeps ids and numbers, never a person's address.
Changing an answer time applies to threads started afterwards: a thread's due date is set
when it starts (dialog.timeliness.set_due_at).
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from access.rules import home_staff_users
from home.models import BotilbudPage, HomeStaffAccess
from home.services import ensure_home_staff_access

from .models import HomeDialogSettings

CHANGE = "samspil.dialog.settings"
ADD_STAFF = "samspil.dialog.staff_add"
REMOVE_STAFF = "samspil.dialog.staff_remove"

# Working days a home may promise: at least one, and a month of working days at most.
MIN_RESPONSE_DAYS = 1
MAX_RESPONSE_DAYS = 20


class SettingsRefused(Exception):
    """A change that is not allowed; ``message`` is Danish and meant for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def settings_for(botilbud: BotilbudPage) -> HomeDialogSettings:
    """The home's settings row, made with the model's defaults the first time."""
    row, _created = HomeDialogSettings.objects.get_or_create(botilbud=botilbud)
    return row


def led_home_ids(user) -> list[int] | None:
    """The homes whose settings ``user`` may change: None means every home (superusers);
    a leader their own; [] for everyone else."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    return list(
        HomeDialogSettings.objects.filter(leader=user)
        .order_by("botilbud_id")
        .values_list("botilbud_id", flat=True)
    )


def may_manage_home(user, botilbud_id: int) -> bool:
    homes = led_home_ids(user)
    return homes is None or botilbud_id in homes


def _require(user, botilbud: BotilbudPage) -> None:
    if not may_manage_home(user, botilbud.pk):
        raise PermissionDenied


def _locked_settings(botilbud: BotilbudPage) -> HomeDialogSettings:
    settings_for(botilbud)
    return (
        HomeDialogSettings.objects.select_for_update(of=("self",))
        .select_related("leader")
        .get(botilbud=botilbud)
    )


@dataclass(frozen=True)
class SettingsChange:
    leader: object | None
    concern_response_days: int
    other_response_days: int
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    contact_hours: str = ""


# Logged with their values before and after; the contact fields by name only.
LOGGED_VALUES = ("leader", "concern_response_days", "other_response_days")
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email", "contact_hours")


def update_home_settings(
    botilbud: BotilbudPage, user, change: SettingsChange
) -> tuple[HomeDialogSettings, list[str]]:
    """Save the leader and answer times; returns the row and the names of changed fields
    (nothing is written or logged when nothing changed). The leader must be one of the
    home's staff: escalations go to them, and they must be able to open the threads."""
    _require(user, botilbud)
    for days in (change.concern_response_days, change.other_response_days):
        if not MIN_RESPONSE_DAYS <= days <= MAX_RESPONSE_DAYS:
            raise SettingsRefused(
                _("En svarfrist skal være mellem %(min)s og %(max)s arbejdsdage.")
                % {"min": MIN_RESPONSE_DAYS, "max": MAX_RESPONSE_DAYS}
            )
    with transaction.atomic():
        row = _locked_settings(botilbud)
        if (
            change.leader is not None
            and change.leader.pk != row.leader_id
            and not home_staff_users(botilbud.pk).filter(pk=change.leader.pk).exists()
        ):
            raise SettingsRefused(
                _("Lederen skal være medarbejder på %(home)s. Tilføj vedkommende først.")
                % {"home": botilbud.title}
            )
        # A leader may hand the home to another leader (they keep their staff rights), but
        # only the municipal admin may leave a home without one.
        if not user.is_superuser and change.leader is None:
            raise SettingsRefused(
                _("Et botilbud skal have en leder. Vælg den nye leder i stedet for ingen.")
            )
        before = {
            "leader": row.leader_id,
            "concern_response_days": row.concern_response_days,
            "other_response_days": row.other_response_days,
            **{field: getattr(row, field) for field in CONTACT_FIELDS},
        }
        after = {
            "leader": change.leader.pk if change.leader is not None else None,
            "concern_response_days": change.concern_response_days,
            "other_response_days": change.other_response_days,
            **{field: getattr(change, field).strip() for field in CONTACT_FIELDS},
        }
        changed = [field for field in before if before[field] != after[field]]
        if not changed:
            return row, []
        row.leader = change.leader
        for field in ("concern_response_days", "other_response_days", *CONTACT_FIELDS):
            setattr(row, field, after[field])
        row.save(
            update_fields=[
                "leader",
                "concern_response_days",
                "other_response_days",
                *CONTACT_FIELDS,
            ]
        )
        logged = [field for field in changed if field in LOGGED_VALUES]
        log(
            row,
            CHANGE,
            user=user,
            data={
                "botilbud": botilbud.pk,
                "changed": changed,
                "before": {field: before[field] for field in logged},
                "after": {field: after[field] for field in logged},
            },
        )
    return row, changed


def staff_account_for(email: str):
    """An active staff account (one that signs in with a password) with this address."""
    email = (email or "").strip()
    if not email:
        return None
    return (
        get_user_model()
        .objects.filter(email__iexact=email, is_active=True)
        # Django marks an unusable password (relatives, magic-link only) with a leading "!".
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .order_by("pk")
        .first()
    )


def add_staff(botilbud: BotilbudPage, user, email: str):
    """Put the staff account with ``email`` into the home's editor group; returns it.
    Relatives' accounts (no password) cannot be made staff this way."""
    _require(user, botilbud)
    member = staff_account_for(email)
    if member is None:
        raise SettingsRefused(
            _(
                "Der findes ingen medarbejderkonto med den e-mail. Bed kommunens "
                "administrator om at oprette kontoen, og prøv så igen."
            )
        )
    with transaction.atomic():
        access = ensure_home_staff_access(botilbud)
        if member.groups.filter(pk=access.group_id).exists():
            raise SettingsRefused(
                _("%(who)s er allerede medarbejder på %(home)s.")
                % {"who": member.get_full_name() or member.email, "home": botilbud.title}
            )
        member.groups.add(access.group)
        log(
            settings_for(botilbud),
            ADD_STAFF,
            user=user,
            data={"botilbud": botilbud.pk, "member": member.pk},
        )
    return member


def remove_staff(botilbud: BotilbudPage, user, member_id: int):
    """Take a staff member out of the home's editor group; returns them. The home's
    leader stays (name another leader first), and nobody removes themselves."""
    _require(user, botilbud)
    access = HomeStaffAccess.objects.filter(botilbud=botilbud).select_related("group").first()
    member = (
        home_staff_users(botilbud.pk).filter(pk=member_id).first() if access is not None else None
    )
    if member is None:
        raise SettingsRefused(_("Den medarbejder er ikke medarbejder på botilbuddet."))
    if member.pk == user.pk:
        raise SettingsRefused(_("Du kan ikke fjerne dig selv. Bed en anden leder om det."))
    with transaction.atomic():
        row = _locked_settings(botilbud)
        if row.leader_id == member.pk:
            raise SettingsRefused(
                _("%(who)s er botilbuddets leder. Vælg en anden leder først.")
                % {"who": member.get_full_name() or member.email}
            )
        member.groups.remove(access.group)
        log(row, REMOVE_STAFF, user=user, data={"botilbud": botilbud.pk, "member": member.pk})
    return member


def homes_without_leader(home_ids: list[int] | None = None):
    """Homes with nobody to escalate to (no leader, or an inactive one), by title."""
    homes = BotilbudPage.objects.order_by("title").only("pk", "title")
    if home_ids is not None:
        homes = homes.filter(pk__in=home_ids)
    led = HomeDialogSettings.objects.filter(leader__isnull=False, leader__is_active=True)
    return homes.exclude(pk__in=led.values("botilbud_id"))
