"""Send errors by scope: does the error concern this one mail, or the mail service?

- ``RECIPIENT``: the address is invalid or inactive (the ESP refuses it). That row fails.
- ``MESSAGE``: this message cannot be sent as it is (a bad header, too large). That row fails.
- ``KEY`` / ``ACCOUNT`` / ``DOWN``: our key is refused (401/403), the account may not send
  (a 422 that is not about the recipient), or the service is down or throttling (5xx, 429,
  timeouts, refused connections). Nothing is wrong with the row: the whole run pauses and
  every row waits for the next attempt.
- ``UNKNOWN``: anything else. The row is retried with backoff and fails after MAX_ATTEMPTS.
"""

import enum
import smtplib

from django.core.mail import BadHeaderError


class Scope(enum.Enum):
    RECIPIENT = "recipient"
    MESSAGE = "message"
    KEY = "key"
    ACCOUNT = "account"
    DOWN = "down"
    UNKNOWN = "unknown"

    @property
    def is_service(self) -> bool:
        return self in (Scope.KEY, Scope.ACCOUNT, Scope.DOWN)


# Words in an ESP's 400/422 answer that say the recipient is what it refuses (Postmark's
# "Invalid 'To' address", "inactive recipient"; Mailgun's "to parameter is not a valid
# address"; SendGrid's "does not contain a valid address").
RECIPIENT_WORDS = (
    "inactive recipient",
    "invalid 'to'",
    "'to' address",
    "recipient address",
    "not a valid address",
    "valid email address",
)
# SMTP replies about one mailbox (RFC 5321/3463): no such user, mailbox full or disabled.
SMTP_RECIPIENT_CODES = {450, 550, 551, 552, 553}
SMTP_AUTH_CODES = {530, 534, 535, 538}


def _chain(error: BaseException):
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def classify(error: BaseException) -> Scope:
    from anymail.exceptions import (
        AnymailAPIError,
        AnymailInvalidAddress,
        AnymailRecipientsRefused,
        AnymailUnsupportedFeature,
    )

    if isinstance(error, AnymailRecipientsRefused | AnymailInvalidAddress):
        return Scope.RECIPIENT
    if isinstance(error, BadHeaderError | AnymailUnsupportedFeature):
        return Scope.MESSAGE
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return Scope.RECIPIENT
    if isinstance(error, smtplib.SMTPSenderRefused):
        return Scope.ACCOUNT
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return Scope.KEY
    if isinstance(error, smtplib.SMTPResponseException):
        if error.smtp_code in SMTP_AUTH_CODES:
            return Scope.KEY
        if error.smtp_code in SMTP_RECIPIENT_CODES:
            return Scope.RECIPIENT
        return Scope.DOWN if 400 <= error.smtp_code < 500 else Scope.ACCOUNT
    if isinstance(error, AnymailAPIError):
        status = getattr(error, "status_code", None)
        if status in (401, 403):
            return Scope.KEY
        if status is not None and (status in (408, 425, 429) or status >= 500):
            return Scope.DOWN
        if status in (400, 422):
            text = describe(error).lower()
            if any(words in text for words in RECIPIENT_WORDS):
                return Scope.RECIPIENT
            return Scope.ACCOUNT
        if status == 413:
            return Scope.MESSAGE
        if status is not None:
            return Scope.ACCOUNT  # 404 and the like: our configuration, not this mail
    for cause in _chain(error):
        if isinstance(cause, TimeoutError | ConnectionError | smtplib.SMTPServerDisconnected):
            return Scope.DOWN
        if _is_requests_transport_error(cause):
            return Scope.DOWN
    return Scope.UNKNOWN


def _is_requests_transport_error(error: BaseException) -> bool:
    try:
        import requests
    except ImportError:  # anymail's HTTP backends need it; SMTP alone does not
        return False
    return isinstance(error, requests.Timeout | requests.ConnectionError)


def describe(error: BaseException) -> str:
    """The error for the row; describing it must never be what breaks the run."""
    try:
        text = str(error)
    except Exception:  # some ESP errors format their HTTP response, which may be missing
        text = repr(getattr(error, "args", ""))
    return f"{type(error).__name__}: {text}"[:2000]
