"""Telling a send error that may pass from one that will not, for every outbox (this one
and the newsletters' digests)."""

import smtplib

from django.core.mail import BadHeaderError


def is_permanent(error: Exception) -> bool:
    """Errors that will not pass by trying again: the address or the message is refused."""
    from anymail.exceptions import (
        AnymailAPIError,
        AnymailInvalidAddress,
        AnymailRecipientsRefused,
    )

    if isinstance(
        error,
        AnymailRecipientsRefused
        | AnymailInvalidAddress
        | BadHeaderError
        | smtplib.SMTPRecipientsRefused
        | smtplib.SMTPSenderRefused,
    ):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    status = getattr(error, "status_code", None)
    if isinstance(error, AnymailAPIError) and status:
        return 400 <= status < 500 and status not in (408, 409, 425, 429)
    return False


def describe(error: BaseException) -> str:
    """The error for the row; describing it must never be what breaks the run."""
    try:
        text = str(error)
    except Exception:  # some ESP errors format their HTTP response, which may be missing
        text = repr(getattr(error, "args", ""))
    return f"{type(error).__name__}: {text}"[:2000]
