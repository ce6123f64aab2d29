"""Signed reply addresses: ``svar+<token>@<DIALOG_REPLY_DOMAIN>``.

A notification's Reply-To names the thread and the person it was sent to; a reply to it
becomes that person's message in that thread (dialog.inbound). The token is signed with
django.core.signing (HMAC over SECRET_KEY, its own salt) and carries when it was made, so a
forged, altered or too old address is refused.

Why not ``signing.dumps``: its base64 is case-sensitive and its ``:`` is not allowed in the
local part of an address, while mail servers, address books and people retyping an address
may change its case. So the token is all lowercase – ids and timestamp in base 36, the HMAC
in hex, joined by dots – and is read case-insensitively:
``svar+<thread>.<user>.<timestamp>.<signature>@svar.samspil.example``.
"""

import datetime as dt
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac
from django.utils.http import base36_to_int, int_to_base36

SALT = "dialog.reply_address"
LOCAL_PREFIX = "svar"
DEFAULT_DOMAIN = "svar.samspil.example"
# A reply address works this long after the mail was sent (people answer old mails too).
DEFAULT_MAX_AGE = dt.timedelta(days=180)
SIGNATURE_LENGTH = 32  # hex characters: 128 bits of the HMAC-SHA256

_TOKEN = re.compile(r"^[0-9a-z]{1,13}\.[0-9a-z]{1,13}\.[0-9a-z]{1,13}\.[0-9a-f]{32}$")


class InvalidReplyAddress(Exception):
    """Not one of ours, altered, or expired."""


class _HexSigner(signing.Signer):
    """Django's Signer (salted HMAC, key rotation through SECRET_KEY_FALLBACKS) with a
    lowercase hex signature, so that the token survives a change of case."""

    def signature(self, value, key=None):
        key = key or self.key
        return salted_hmac(self.salt + "signer", value, key, algorithm=self.algorithm).hexdigest()[
            :SIGNATURE_LENGTH
        ]


def _signer() -> _HexSigner:
    return _HexSigner(salt=SALT, sep=".", algorithm="sha256")


def reply_domain() -> str:
    return getattr(settings, "DIALOG_REPLY_DOMAIN", DEFAULT_DOMAIN).lower()


def max_age() -> dt.timedelta:
    return getattr(settings, "DIALOG_REPLY_MAX_AGE", DEFAULT_MAX_AGE)


def make_token(thread_id: int, user_id: int, *, issued_at: float | None = None) -> str:
    issued = int(time.time() if issued_at is None else issued_at)
    value = ".".join(int_to_base36(part) for part in (thread_id, user_id, issued))
    return _signer().sign(value)


def reply_address(thread_id: int, user_id: int, *, issued_at: float | None = None) -> str:
    """The address a reply from ``user_id`` about ``thread_id`` is sent to."""
    token = make_token(thread_id, user_id, issued_at=issued_at)
    return f"{LOCAL_PREFIX}+{token}@{reply_domain()}"


@dataclass(frozen=True)
class ReplyTarget:
    thread_id: int
    user_id: int
    issued_at: float


def read_token(token: str, *, now: float | None = None) -> ReplyTarget:
    token = token.strip().lower()
    if not _TOKEN.match(token):
        raise InvalidReplyAddress("malformed")
    try:
        value = _signer().unsign(token)
    except signing.BadSignature as error:
        raise InvalidReplyAddress("bad signature") from error
    thread_id, user_id, issued = (base36_to_int(part) for part in value.split("."))
    age = (time.time() if now is None else now) - issued
    if age > max_age().total_seconds() or age < -300:  # a clock a few minutes off is fine
        raise InvalidReplyAddress("expired")
    return ReplyTarget(thread_id, user_id, issued)


def token_from_address(address: str) -> str | None:
    """The token of ``svar+<token>@<our reply domain>``, or None for any other address."""
    local, at, domain = (address or "").strip().lower().rpartition("@")
    if not at or domain != reply_domain():
        return None
    prefix, plus, token = local.partition("+")
    if prefix != LOCAL_PREFIX or not plus or not token:
        return None
    return token


def read_address(address: str, *, now: float | None = None) -> ReplyTarget:
    token = token_from_address(address)
    if token is None:
        raise InvalidReplyAddress("not a reply address")
    return read_token(token, now=now)
