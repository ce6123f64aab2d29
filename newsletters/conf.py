"""The app's settings, each with a default, read from ``settings.NEWSLETTERS``."""

from django.conf import settings

DEFAULTS = {
    # Bump when the consent text changes; every subscriber keeps the version they agreed to.
    "CONSENT_VERSION": "2026-1",
    # A confirmation link works this long; a manage link in a mail this long.
    "CONFIRM_MAX_AGE": 7 * 24 * 3600,
    "MANAGE_MAX_AGE": 120 * 24 * 3600,
    # Subscribe attempts per hour: per client address and per e-mail address.
    "RATE_LIMIT_PER_IP": 20,
    "RATE_LIMIT_PER_ADDRESS": 3,
    "RATE_LIMIT_WINDOW": 3600,
    # Subscribers per build batch, and outbox rows one sender claims at a time. Each accepted
    # mail is recorded before the next (outbox.sender), so a sender killed outright re-sends
    # at most the one in flight; the rest of its claim waits until SENDING_LEASE (renewed
    # while the sender lives) has run out.
    "BATCH_SIZE": 1000,
    "SEND_CHUNK": 100,
    # Retries of errors of unknown kind, with exponential backoff from RETRY_BASE seconds
    # (service outages pause instead, see outbox.conf; they never fail a row).
    "MAX_ATTEMPTS": 8,
    "RETRY_BASE": 60,
    "RETRY_MAX": 6 * 3600,
    # A claimed row whose sender has not renewed it this long belongs to a dead sender.
    "SENDING_LEASE": 15 * 60,
    # Soft bounces in a row that stop all mail to an address.
    "SOFT_BOUNCE_LIMIT": 3,
    # Events this many days ahead are "in the coming weeks".
    "EVENT_HORIZON_DAYS": 42,
    # Sent outbox rows are pruned after this many days.
    "OUTBOX_RETENTION_DAYS": 90,
    # The mailto half of List-Unsubscribe; empty leaves only the https link.
    "UNSUBSCRIBE_MAILTO": "",
}


def setting(name: str):
    return getattr(settings, "NEWSLETTERS", {}).get(name, DEFAULTS[name])
