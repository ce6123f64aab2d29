"""The headers every outgoing mail carries, set in one place.

- ``Message-ID`` on the site's own mail domain, made when the row is queued and stored with
  it, so a resend carries the same id (and a receiver that saw the first copy can tell).
- ``Auto-Submitted: auto-generated`` (RFC 3834): every mail here is written by the program,
  so out-of-office replies and autoresponders leave it alone.
- Subjects on one line: whatever an editor typed, no line breaks, no runs of spaces.
"""

import secrets
import time

from django.conf import settings

from .conf import setting


def message_id_domain() -> str:
    domain = setting("MESSAGE_ID_DOMAIN")
    if not domain:
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ")
    return domain.lower()


def new_message_id(kind: str = "mail") -> str:
    """``<kind.time.random@domain>``: unique without asking the DNS for the host's name
    (which gives ``@localhost`` on many servers, as Django's make_msgid does)."""
    return f"<{kind}.{time.time_ns():x}.{secrets.token_hex(6)}@{message_id_domain()}>"


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def standard_headers(message_id: str) -> dict[str, str]:
    return {"Message-ID": message_id, "Auto-Submitted": "auto-generated"}
