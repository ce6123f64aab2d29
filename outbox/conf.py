"""The mail layer's settings, each with a default, read from ``settings.OUTBOX``."""

from django.conf import settings

DEFAULTS = {
    # Rows one sender claims at a time. Each accepted message is recorded before the next,
    # so a sender killed outright re-sends at most the one in flight; the rest of its claim
    # waits for the lease to run out.
    "CLAIM_SIZE": 100,
    # Messages one request carries where the ESP has a batch API (Postmark: up to 500; see
    # outbox.batch). A batch the ESP accepted is recorded in one UPDATE before the next
    # goes out, so a sender killed outright re-sends at most the one batch in flight.
    "SEND_BATCH": 50,
    # A claimed row belongs to its sender this long after the sender last renewed it (a
    # live sender renews every LEASE / 4). Keep it well above the ESP timeout (anymail's
    # REQUESTS_TIMEOUT, 30 s by default), so no single send can outlast it.
    "LEASE": 15 * 60,
    # Retries of errors that concern one row, with exponential backoff.
    "MAX_ATTEMPTS": 8,
    "RETRY_BASE": 60,
    "RETRY_MAX": 6 * 3600,
    # After a service-level error (401/403, 429, 5xx, timeouts) nothing is sent for PAUSE_BASE
    # seconds, doubling while the outage lasts, up to PAUSE_MAX.
    "PAUSE_BASE": 60,
    "PAUSE_MAX": 15 * 60,
    # Row-level errors of unknown kind in a row after which the service is taken to be down.
    "UNKNOWN_ERRORS_IN_A_ROW": 5,
    # Sent and failed one-off mails hold personal data: deleted after this many days.
    "RETENTION_DAYS": 30,
    # The send log is kept this long.
    "RUN_RETENTION_DAYS": 90,
    # The domain of our Message-IDs; empty takes DEFAULT_FROM_EMAIL's.
    "MESSAGE_ID_DOMAIN": "",
}


def setting(name: str):
    return getattr(settings, "OUTBOX", {}).get(name, DEFAULTS[name])
