"""Settings for the sender processes the fault tests and bench/mail.py start: the test
settings, with anymail's real Postmark backend pointed at the fake ESP (FAKE_ESP_URL) and
the lease, pause and claim size short enough for a test (MAIL_* variables)."""

import os

from samspil.settings.test import *  # noqa: F403

EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
ANYMAIL = {
    **ANYMAIL,  # noqa: F405
    "POSTMARK_SERVER_TOKEN": "fake-server-token",
    "POSTMARK_API_URL": os.environ["FAKE_ESP_URL"],
    "REQUESTS_TIMEOUT": float(os.environ.get("MAIL_ESP_TIMEOUT", "5")),
}
OUTBOX = {
    "LEASE": float(os.environ.get("MAIL_LEASE", "900")),
    "PAUSE_BASE": float(os.environ.get("MAIL_PAUSE", "60")),
    "SEND_BATCH": int(os.environ.get("MAIL_SEND_BATCH", "50")),
}
NEWSLETTERS = {
    **NEWSLETTERS,  # noqa: F405
    "SENDING_LEASE": float(os.environ.get("MAIL_LEASE", "900")),
    "SEND_CHUNK": int(os.environ.get("MAIL_CLAIM_SIZE", "100")),
    "BATCH_SIZE": int(os.environ.get("MAIL_BATCH_SIZE", "1000")),
}
MEDIA_ROOT = os.environ.get("MAIL_MEDIA_ROOT", MEDIA_ROOT)  # noqa: F405
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
