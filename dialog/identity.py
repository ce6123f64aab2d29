"""Relatives sign in by a link mailed to them (django-sesame); they have no password.

A link is asked for with an e-mail address; the answer on the page is the same whether
the address is known or not, so the form cannot be used to find out who uses Samspil.
The account of an unknown address is made on its first request. Staff and admins sign in
with their password only: a link is never made for them, and never accepted for them.
"""

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from sesame import settings as sesame_settings
from sesame.utils import get_query_string, get_user
from wagtail.log_actions import log

from access.nexturl import safe_next
from access.ratelimit import over_limit
from outbox.links import absolute
from outbox.services import queue_mail

# Sign-in links asked for per address, and per client address, in RATE_WINDOW seconds.
LIMIT_PER_ADDRESS = 5
LIMIT_PER_CLIENT = 20
RATE_WINDOW = 3600
# Tokens django-sesame makes are about 30 characters; anything much longer is not one.
TOKEN_MAX_LENGTH = 200
TOKEN_NAME = sesame_settings.TOKEN_NAME

# For the relatives' views: anonymous visitors go to the sign-in page, and come back after.
sign_in_required = login_required(login_url=reverse_lazy("dialog:sign_in"))


def may_use_link(user) -> bool:
    """Only relatives sign in by link: active, no usable password, no staff or admin rights."""
    return bool(
        user is not None
        and user.is_active
        and not user.is_staff
        and not user.is_superuser
        and not user.has_usable_password()
    )


def _has_password_sign_in(user) -> bool:
    return user.is_staff or user.is_superuser or user.has_usable_password()


def client_over_limit(ip: str) -> bool:
    return over_limit("dialog:sign_in:client", ip, LIMIT_PER_CLIENT, RATE_WINDOW)


def address_over_limit(email: str) -> bool:
    return over_limit("dialog:sign_in:address", email.lower(), LIMIT_PER_ADDRESS, RATE_WINDOW)


def link_minutes() -> int:
    return int((getattr(settings, "SESAME_MAX_AGE", None) or 1800) // 60)


def sign_in_url(user, next_path: str = "") -> str:
    """The absolute link that signs ``user`` in (after a click on the page it opens)."""
    url = absolute(reverse("dialog:sign_in_link")) + get_query_string(user)
    next_path = safe_next(next_path)
    if next_path:
        url += "&" + urlencode({"next": next_path})
    return url


def _accounts_for(email: str) -> list:
    User = get_user_model()
    return list(
        User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).order_by("pk")[:20]
    )


def _create_relative(email: str):
    """The account of a new relative: the address as username, no usable password."""
    User = get_user_model()
    try:
        with transaction.atomic():
            user = User(username=email, email=email)
            user.set_unusable_password()
            user.save()
    except IntegrityError:
        # The same address asked twice at once: the other request made the account.
        return User.objects.filter(username=email).first()
    log(user, "samspil.relative.create", user=user)
    return user


def send_sign_in_link(email: str, next_path: str = "") -> str:
    """Queue the mail an address gets when it asks for a sign-in link; returns what was
    sent ("link", "staff" or "") for logging and tests – never for the visitor to see.

    A relative (or an unknown address, whose account is made now) gets a link; an address
    that belongs to staff gets a reminder to sign in with their password; an inactive
    account gets nothing. Each request is its own mail (unique outbox key).
    """
    email = email.strip().lower()
    with transaction.atomic():
        accounts = _accounts_for(email)
        privileged = [user for user in accounts if _has_password_sign_in(user)]
        if privileged:
            if any(user.is_active for user in privileged):
                queue_mail(
                    key=f"dialog:login:staff:{uuid.uuid4().hex}",
                    to=email,
                    template="dialog/email/login_staff",
                    context={"admin_url": absolute(reverse("wagtailadmin_login"))},
                    automatic=False,  # asked for just now
                )
                return "staff"
            return ""
        relative = next((user for user in accounts if user.username == email), None)
        if relative is None:
            relative = accounts[0] if accounts else _create_relative(email)
        if relative is None or not may_use_link(relative):
            return ""
        queue_mail(
            key=f"dialog:login:{relative.pk}:{uuid.uuid4().hex}",
            to=relative.email or email,
            template="dialog/email/login",
            context={
                "sign_in_url": sign_in_url(relative, next_path),
                "minutes": link_minutes(),
                "request_url": absolute(reverse("dialog:sign_in")),
            },
            automatic=False,  # asked for just now: tried even after a bounce
        )
    return "link"


def _token_ok(token) -> bool:
    return isinstance(token, str) and 0 < len(token) <= TOKEN_MAX_LENGTH


def user_for_token(token) -> object | None:
    """The relative a token is for, without using it up (for the page a link opens:
    mail scanners open links too). None for a forged, expired or used token, and for
    anyone who is not a relative."""
    if not _token_ok(token):
        return None
    user = get_user(token, update_last_login=False)
    return user if may_use_link(user) else None


def redeem_token(token) -> object | None:
    """Use a token up and return its relative, ready for ``login``; None if it is not
    valid (see ``user_for_token``) or was used a moment ago by another request."""
    user = user_for_token(token)
    if user is None:
        return None
    now = timezone.now()
    # A one-time token is bound to the last sign-in time: moving it on with a conditional
    # UPDATE invalidates the token, and only one of two simultaneous requests can do it.
    moved = (
        get_user_model()
        .objects.filter(pk=user.pk, last_login=user.last_login)
        .update(last_login=now)
    )
    if moved != 1:
        return None
    user.last_login = now
    return user
