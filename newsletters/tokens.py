"""Signed links: confirm (expires), manage (expires, long) and unsubscribe (never expires).

A token names the subscriber and their ``key``; deleting a subscriber voids every link to it,
and each purpose has its own salt, so one kind of link cannot be used as another.
"""

from django.core import signing

from .conf import setting
from .models import Subscriber

CONFIRM = "confirm"
MANAGE = "manage"
UNSUBSCRIBE = "unsubscribe"
PURPOSES = (CONFIRM, MANAGE, UNSUBSCRIBE)


class InvalidToken(Exception):
    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _signer(purpose: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"newsletters.{purpose}")


def make_token(subscriber: Subscriber, purpose: str) -> str:
    return _signer(purpose).sign_object([subscriber.pk, subscriber.key])


def _max_age(purpose: str) -> int | None:
    if purpose == CONFIRM:
        return setting("CONFIRM_MAX_AGE")
    if purpose == MANAGE:
        return setting("MANAGE_MAX_AGE")
    return None  # RFC 8058: an unsubscribe link in an old mail must still work


def read_token(token: str, purpose: str) -> Subscriber:
    """The subscriber a token names; InvalidToken if forged, tampered, expired or void."""
    if not isinstance(token, str) or len(token) > 300:
        raise InvalidToken
    try:
        value = _signer(purpose).unsign_object(token, max_age=_max_age(purpose))
    except signing.SignatureExpired as error:
        raise InvalidToken(expired=True) from error
    except (signing.BadSignature, ValueError) as error:
        raise InvalidToken from error
    if not (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], int)
        and isinstance(value[1], str)
    ):
        raise InvalidToken
    subscriber = Subscriber.objects.filter(pk=value[0], key=value[1]).first()
    if subscriber is None:
        raise InvalidToken
    return subscriber
