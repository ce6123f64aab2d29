"""Notice-board screens paired with their home: the one place that creates, pairs, revokes
and recognises them.

A screen in the common room is a public address (``/<home>/skaerm/``), so unpaired it shows
PUBLIC photos only. Staff of the home create a ``ScreenDevice`` in the admin and get, once, a
pairing link ``/<home>/skaerm/?par=<secret>``; opened on the TV within ``PAIRING_HOURS`` and
only the first time, it sets a long-lived signed, HttpOnly cookie (Secure over https,
SameSite=Lax) naming the home and the secret, and redirects to the clean screen address. From
then on that TV, for that home only, is the HOME audience (public + *botilbuddet* photos,
never *mit netværk* or *ingen*), and may fetch those photos' renditions. Only a hash of the
secret is stored; a revoked device, a forged or tampered cookie, an expired or used link and
another home's cookie all count as unpaired, from the next request on.

Pairing, revocation and the first use of a device each day are logged with Wagtail's
``log()`` on the device.
"""

import datetime as dt
import hashlib
import secrets

from django.core import signing
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from wagtail.log_actions import log

from access import rules

from .models import ScreenDevice

COOKIE_NAME = "samspil_skaerm"
COOKIE_SALT = "residents.screens.cookie"
# Browsers keep a cookie at most 400 days; it is set again at every full screen load.
COOKIE_MAX_AGE = 400 * 24 * 60 * 60
PAIRING_PARAMETER = "par"
# Marks the answers only a paired screen gets (its page, content and the home's photos):
# the screen's service worker keeps them in a cache of their own.
PAIRED_HEADER = "X-Skaerm-Parret"
PAIRING_HOURS = 24
# How stale ``last_seen_at`` may get before a request writes it again.
SEEN_EVERY = dt.timedelta(minutes=10)

CREATE = "residents.screen.create"
PAIR = "residents.screen.pair"
REVOKE = "residents.screen.revoke"
# A link that names a device of the home but is used, expired or revoked: the sign of a
# link that went astray.
PAIR_REFUSED = "residents.screen.pair_refused"
SEEN = "residents.screen.seen"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_device(user, botilbud_id: int, name: str) -> tuple[ScreenDevice, str]:
    """A new screen of a home and its secret (to be shown once, in the pairing link)."""
    if not rules.is_staff_of(user, botilbud_id):
        raise Http404
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        device = ScreenDevice.objects.create(
            botilbud_id=botilbud_id, name=name, token_hash=_hash(secret), created_by=user
        )
        log(device, CREATE, user=user, data={"botilbud": botilbud_id})
    return device, secret


def revoke_device(user, device: ScreenDevice) -> None:
    if not rules.is_staff_of(user, device.botilbud_id):
        raise Http404
    if device.revoked_at is not None:
        return
    with transaction.atomic():
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
        log(device, REVOKE, user=user, data={"botilbud": device.botilbud_id})


def pair(botilbud_id: int, secret: str) -> ScreenDevice | None:
    """The device a pairing link names, if the link is for this home, unused, unrevoked and
    fresh; it is used up at once (one conditional UPDATE, so two requests at the same moment
    cannot both pair, on either database). A link that names a device of this home but is
    no longer good is logged as refused."""
    if not secret or len(secret) > 100:
        return None
    now = timezone.now()
    device = ScreenDevice.objects.filter(token_hash=_hash(secret), botilbud_id=botilbud_id).first()
    if device is None:
        return None
    fresh = device.created_at >= now - dt.timedelta(hours=PAIRING_HOURS)
    with transaction.atomic():
        used_up = (
            fresh
            and device.revoked_at is None
            and ScreenDevice.objects.filter(
                pk=device.pk, last_seen_at__isnull=True, revoked_at__isnull=True
            ).update(last_seen_at=now)
            == 1
        )
        if not used_up:
            reason = (
                "revoked" if device.revoked_at is not None else "expired" if not fresh else "used"
            )
            log(device, PAIR_REFUSED, data={"botilbud": botilbud_id, "reason": reason})
            return None
        device.last_seen_at = now
        log(device, PAIR, data={"botilbud": botilbud_id})
    device.secret = secret
    return device


def set_cookie(request, response, botilbud_id: int, secret: str) -> None:
    value = signing.dumps({"h": botilbud_id, "t": secret}, salt=COOKIE_SALT, compress=True)
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=COOKIE_MAX_AGE,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def _secret_in(request, botilbud_id: int) -> str | None:
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=COOKIE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("h") != botilbud_id:
        return None
    secret = value.get("t")
    return secret if isinstance(secret, str) and secret else None


def has_cookie_for(request, botilbud_id: int) -> bool:
    """The request carries a well-signed screen cookie naming this home (good or not)."""
    return _secret_in(request, botilbud_id) is not None


def paired_device(request, botilbud_id: int, *, touch: bool = False) -> ScreenDevice | None:
    """The unrevoked device of ``botilbud_id`` whose cookie this request carries, or None;
    one query. ``touch`` notes it as seen (a write every SEEN_EVERY at most, logged the
    first time each day)."""
    secret = _secret_in(request, botilbud_id)
    if secret is None:
        return None
    device = ScreenDevice.objects.filter(
        token_hash=_hash(secret), botilbud_id=botilbud_id, revoked_at__isnull=True
    ).first()
    if device is None:
        return None
    device.secret = secret
    if touch:
        _seen(device)
    return device


def _seen(device: ScreenDevice) -> None:
    now = timezone.now()
    last = device.last_seen_at
    if last is not None and now - last < SEEN_EVERY:
        return
    ScreenDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    if last is None or timezone.localdate(last) < timezone.localdate(now):
        log(device, SEEN, data={"botilbud": device.botilbud_id})
    device.last_seen_at = now


def is_paired(request, botilbud_id: int) -> bool:
    return paired_device(request, botilbud_id) is not None
