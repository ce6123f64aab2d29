"""Who is who, and who may see or act on what: the one place every view, queryset, admin
chooser, bulk action, API and search asks.

The roles:
- a **municipal admin** (a superuser) sees and does everything;
- **staff** of a home are members of its editor group (``home.HomeStaffAccess``); a person
  can work at several homes;
- a home's **leader** is named in its dialog settings (and is one of its staff);
- a **relative** signs in by magic link only and has approved connections to homes
  (``dialog.Membership``); pending and ended connections grant nothing;
- a holder of the **subscriber permission** (``newsletters.view_subscriber``) may list the
  newsletter's subscribers.

This module sits below the apps: it reads their models through the app registry when asked,
never imports their services or views, and none of its answers depend on import order.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q


def _model(label: str):
    return apps.get_model(label)


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# --- Municipal admins and permission holders ------------------------------------------------


def is_municipal_admin(user) -> bool:
    return _signed_in(user) and user.is_superuser


def may_list_subscribers(user) -> bool:
    """The newsletter's subscriber list (addresses) is for holders of its view permission."""
    return _signed_in(user) and user.has_perm("newsletters.view_subscriber")


# --- Staff ----------------------------------------------------------------------------------


# Answers about a person's homes are asked many times in one request (menus, hooks, scope,
# the view itself). They are kept on the user object, as Django keeps ``_perm_cache``, and
# dropped whenever a home's staff or leader changes anywhere in this process (``_generation``,
# bumped by the signals in ``access.apps``), so a change is seen by the next question.
_generation = 0


def forget_homes() -> None:
    """Staff groups, editor groups or leaders changed: recompute every memoised answer."""
    global _generation
    _generation += 1


def _memo(user, name: str, compute):
    key = f"_samspil_{name}"
    held = getattr(user, key, None)
    if held is not None and held[0] == _generation:
        return held[1]
    value = compute()
    setattr(user, key, (_generation, value))
    return value


def staff_home_ids(user) -> list[int] | None:
    """The homes whose staff ``user`` belongs to (their editor groups): None means every
    home (municipal admins); [] for anyone who is staff nowhere (relatives, anonymous)."""
    if not _signed_in(user):
        return []
    if user.is_superuser:
        return None
    return list(
        _memo(
            user,
            "staff_homes",
            lambda: tuple(
                _model("home.HomeStaffAccess")
                .objects.filter(group__in=user.groups.all())
                .order_by("botilbud_id")
                .values_list("botilbud_id", flat=True)
            ),
        )
    )


def is_staff_anywhere(user) -> bool:
    homes = staff_home_ids(user)
    return homes is None or bool(homes)


def is_staff_of(user, botilbud_id: int | None) -> bool:
    """True when ``user`` may act for the home's staff (its editor group, or an admin)."""
    if botilbud_id is None or not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    return botilbud_id in staff_home_ids(user)


def home_staff_users(botilbud_id: int):
    """The active members of the home's editor group (its staff), as a queryset."""
    groups = _model("home.HomeStaffAccess").objects.filter(botilbud_id=botilbud_id)
    return get_user_model().objects.filter(is_active=True, groups__in=groups.values("group_id"))


def home_staff_addresses(botilbud_id: int | None, *extra: str) -> list[str]:
    """Where a home's staff are reached, each address once and in lower case: its editor
    group's addresses (never another home's staff, nor admins who are not on the home's
    staff), and any ``extra`` address (the home's own, a call's contact)."""
    addresses = {address.strip().lower() for address in extra if address and address.strip()}
    if botilbud_id is not None:
        emails = home_staff_users(botilbud_id).values_list("email", flat=True)
        addresses.update(email.strip().lower() for email in emails if email and email.strip())
    return sorted(addresses)


def staff_home_q(user, field: str = "botilbud_id") -> Q:
    """Rows whose home (``field``) ``user`` works at: everything for admins, nothing for
    anyone who is staff nowhere. One subquery in the caller's own statement."""
    if not _signed_in(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    homes = _model("home.HomeStaffAccess").objects.filter(group__user=user)
    return Q(**{f"{field}__in": homes.values("botilbud_id")})


# --- Leaders --------------------------------------------------------------------------------


def leader_home_ids(user) -> list[int]:
    """The homes whose dialog settings name ``user`` as leader."""
    if not _signed_in(user):
        return []
    return list(
        _memo(
            user,
            "leader_homes",
            lambda: tuple(
                _model("dialog.HomeDialogSettings")
                .objects.filter(leader=user)
                .order_by("botilbud_id")
                .values_list("botilbud_id", flat=True)
            ),
        )
    )


def is_leader_of(user, botilbud_id: int | None) -> bool:
    """The home's leader (or a municipal admin), who sees its overdue dialog and reads."""
    if botilbud_id is None or not _signed_in(user):
        return False
    return user.is_superuser or botilbud_id in leader_home_ids(user)


# --- Relatives ------------------------------------------------------------------------------


def is_relative(user) -> bool:
    """A relative signs in by magic link only: an active account without a usable
    password and without staff or admin rights."""
    return bool(
        _signed_in(user)
        and not user.is_staff
        and not user.is_superuser
        and not user.has_usable_password()
    )


def _approved():
    membership = _model("dialog.Membership")
    return membership.objects.filter(status=membership.Status.APPROVED)


def is_connected(user, botilbud_id: int | None) -> bool:
    """True when ``user`` has an approved connection to the home."""
    if botilbud_id is None or not _signed_in(user):
        return False
    # Served by the membership_one_active unique index (relative, botilbud).
    return _approved().filter(relative_id=user.pk, botilbud_id=botilbud_id).exists()


def connected_home_ids(user) -> list[int]:
    """The homes ``user`` has an approved connection to (none for anonymous users)."""
    if not _signed_in(user):
        return []
    return list(
        _approved()
        .filter(relative_id=user.pk)
        .order_by("botilbud_id")
        .values_list("botilbud_id", flat=True)
    )


# --- Relatives-only content -----------------------------------------------------------------


def relatives_only_access_q(user, field: str = "botilbud_id") -> Q:
    """Rows whose home (``field``) opens its relatives-only content to ``user``: the homes the
    user is an approved relative of, or on the staff of. Two subqueries inside the caller's
    own statement, so a listing costs no extra query however many items it holds."""
    if not _signed_in(user):
        return Q(pk__in=[])
    approved = _approved().filter(relative_id=user.pk).values("botilbud_id")
    staff = _model("home.HomeStaffAccess").objects.filter(group__user=user)
    return Q(**{f"{field}__in": approved}) | Q(**{f"{field}__in": staff.values("botilbud_id")})


def may_see_relatives_only(user, botilbud_id: int | None) -> bool:
    """Whether ``user`` may open a relatives-only page or file of this home (one query,
    none for anonymous visitors)."""
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    if botilbud_id is None:
        return False
    homes = _model("home.BotilbudPage").objects.filter(pk=botilbud_id)
    return homes.filter(relatives_only_access_q(user, "pk")).exists()


# --- Dialog threads -------------------------------------------------------------------------


def may_read_thread(user, thread) -> bool:
    """Staff of the thread's home; its own relative (private threads); the home's connected
    relatives (shared threads once something in them is published, or their own)."""
    if not _signed_in(user):
        return False
    if is_staff_of(user, thread.botilbud_id):
        return True
    private = thread.visibility == thread.Visibility.PRIVATE
    if private and thread.relative_id != user.pk:
        return False
    if not is_connected(user, thread.botilbud_id):
        return False
    return private or thread.last_message_at is not None or thread.started_by_id == user.pk


# --- Residents' networks --------------------------------------------------------------------


def network_resident_q(user, field: str = "pk") -> Q:
    """Residents (``field`` holds a resident's id) in whose network ``user`` is: an approved
    connection to the resident AND an approved connection to the resident's home (ending
    the home connection ends the network too). One subquery in the caller's statement."""
    if not _signed_in(user):
        return Q(pk__in=[])
    connection = _model("residents.ResidentConnection")
    approved_homes = _approved().filter(relative_id=user.pk).values("botilbud_id")
    residents = connection.objects.filter(
        relative_id=user.pk,
        status=connection.Status.APPROVED,
        resident__botilbud_id__in=approved_homes,
    ).values("resident_id")
    return Q(**{f"{field}__in": residents})


def is_in_network(user, resident) -> bool:
    """True when ``user`` belongs to the resident's own network (see network_resident_q)."""
    if not _signed_in(user):
        return False
    return (
        _model("residents.Resident")
        .objects.filter(pk=resident.pk)
        .filter(network_resident_q(user))
        .exists()
    )


def may_open_resident_album(user, resident) -> bool:
    """A resident's album ("Min hverdag") is for their own network and their home's staff."""
    return is_staff_of(user, resident.botilbud_id) or is_in_network(user, resident)


def may_manage_residents(user, botilbud_id: int | None) -> bool:
    """Residents, consents, photos and posts are kept by the home's staff."""
    return is_staff_of(user, botilbud_id)
