"""Anymail's webhook views, made idempotent and robust for every ESP.

* **Each event counts once.** ESPs retry (Amazon SNS is at-least-once), so the same bounce
  or the same inbound reply may arrive several times. Each event is recorded in
  ReceivedWebhookEvent (unique: ESP, kind, key; inbound mail also by its Message-ID) in the
  transaction that hands it to the apps' receivers; one seen before is dropped. If a
  receiver fails, the record rolls back with it and the ESP's retry is handled in full.
* **A malformed body is the sender's error.** An authenticated request whose body anymail
  cannot parse (bad JSON, missing fields, wrong types) answers 400 with a log line, never
  500: an ESP retries a 500 for days and some disable the webhook. Configuration errors (a
  missing extra or key) still give 500, as they are ours to fix and the retry will pass.

Wired in samspil/urls.py through outbox.webhook_urls, under anymail's own URL names.
"""

import datetime as dt
import hashlib
import json
import logging
import re

from anymail.exceptions import (
    AnymailAPIError,
    AnymailConfigurationError,
    AnymailWebhookValidationFailure,
)
from anymail.signals import EventType
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseBadRequest
from django.utils import timezone

from .models import ReceivedWebhookEvent

logger = logging.getLogger(__name__)

Kind = ReceivedWebhookEvent.Kind
# What parsing an unexpected body raises inside anymail's views.
MALFORMED = (ValueError, KeyError, TypeError, AttributeError, IndexError, UnicodeError)
KEY_LENGTH = 255
# The ESPs retry for a few days at most; the records are kept a while longer, then deleted.
RETENTION_DAYS = 30


class MalformedWebhook(Exception):
    """The body of an authenticated webhook request could not be read."""


def _is_malformed(error: Exception) -> bool:
    if isinstance(error, AnymailAPIError):
        # Anymail's own "malformed/unparsable body" errors wrap the parse error (or carry
        # none); one wrapping e.g. an S3 or network error is a failure worth a retry.
        return error.__cause__ is None or isinstance(error.__cause__, MALFORMED)
    return isinstance(error, MALFORMED)


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _fit(key: str) -> str:
    return key if len(key) <= KEY_LENGTH else _digest(key.encode())


def _raw_digest(value) -> str:
    try:
        raw = json.dumps(value, sort_keys=True, default=str).encode()
    except (TypeError, ValueError):
        raw = repr(value).encode()
    return _digest(raw)


def message_id_of(message) -> str:
    """An inbound mail's Message-ID without its angle brackets ("" when it has none)."""
    try:
        value = message.get("Message-ID") if message is not None else None
    except Exception:  # a header the email package cannot decode
        return ""
    return str(value or "").strip().strip("<>").strip()[:KEY_LENGTH]


def _message_digest(message) -> str:
    try:
        return _digest(message.as_bytes())
    except Exception:  # the email package's generator refuses some broken messages
        return _digest(repr(message).encode())


def event_key(event, kind: str) -> tuple[str, str]:
    """(key, Message-ID) that identify one webhook event."""
    event_id = str(event.event_id or "")
    if kind == Kind.INBOUND:
        message_id = message_id_of(getattr(event, "message", None))
        if event_id:
            return _fit(event_id), message_id
        if message_id:
            return _fit(f"msgid:{message_id}"), message_id
        return _message_digest(getattr(event, "message", None)), ""
    recipient = event.recipient if isinstance(event.recipient, str) else ""
    base = event_id or _raw_digest(event.esp_event)
    return _fit(f"{base}|{event.event_type}|{recipient.strip().lower()}"), ""


def first_time(event, *, esp: str, kind: str) -> bool:
    """Record the event; False when it was recorded before (a redelivery)."""
    key, message_id = event_key(event, kind)
    try:
        with transaction.atomic():
            ReceivedWebhookEvent.objects.create(
                esp=esp[:40], kind=kind, key=key, message_id=message_id
            )
    except IntegrityError:
        logger.info("Webhook %s: %s event %s already handled, dropped", esp, kind, key[:80])
        return False
    return True


def prune_received(now=None) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(days=RETENTION_DAYS)
    deleted, _by_model = ReceivedWebhookEvent.objects.filter(received_at__lt=cutoff).delete()
    return deleted


def _normalised(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def configured_esp() -> str:
    """The ESP of EMAIL_BACKEND ("anymail.backends.postmark.EmailBackend" → "postmark")."""
    parts = settings.EMAIL_BACKEND.split(".")
    if len(parts) >= 3 and parts[:2] == ["anymail", "backends"]:
        return _normalised(parts[2])
    return ""


class RobustWebhookMixin:
    """Mixed in before an anymail webhook view class (see outbox.webhook_urls)."""

    def __init__(self, **kwargs):
        # Anymail reads each ESP's webhook settings when the view is made. For an ESP this
        # site does not use, missing settings mean "not here" (404); for the configured ESP
        # they stay an error (500, and outbox.checks says what is missing).
        self.not_set_up = False
        try:
            super().__init__(**kwargs)
        except AnymailConfigurationError:
            if _normalised(self.esp_name) == configured_esp():
                raise
            self.not_set_up = True

    def dispatch(self, request, *args, **kwargs):
        if self.not_set_up:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            # One transaction: the events' records and everything the receivers write.
            with transaction.atomic():
                return super().post(request, *args, **kwargs)
        except MalformedWebhook as error:
            logger.warning("Webhook %s: malformed body refused with 400 (%s)", self.esp_name, error)
            return HttpResponseBadRequest("Malformed webhook body")

    def run_validators(self, request):
        try:
            super().run_validators(request)
        except AnymailWebhookValidationFailure:
            raise  # a 400 already (and a security log line)
        except AnymailConfigurationError:
            # Some ESPs (Mandrill) read their key only when validating a POST.
            if _normalised(self.esp_name) != configured_esp():
                raise Http404 from None
            raise
        except Exception as error:
            # Validators that read the body (a signature over its JSON, SNS headers that
            # must match it) meet malformed bodies first.
            if isinstance(error, (AnymailAPIError, *MALFORMED)):
                raise MalformedWebhook(_describe(error)) from error
            raise

    def parse_events(self, request):
        try:
            events = list(super().parse_events(request))
        except Exception as error:
            if _is_malformed(error):
                raise MalformedWebhook(_describe(error)) from error
            raise
        return [
            event for event in events if first_time(event, esp=self.esp_name, kind=_kind_of(event))
        ]


def _kind_of(event) -> str:
    return Kind.INBOUND if event.event_type == EventType.INBOUND else Kind.TRACKING


def _describe(error: BaseException) -> str:
    try:
        text = str(error)
    except Exception:
        text = ""
    return f"{type(error).__name__}: {text}"[:300]


def robust_view_class(view_class):
    return type(f"Robust{view_class.__name__}", (RobustWebhookMixin, view_class), {})
