"""The message class every outbox sends: Django's, with a subject header that parsers read
as it was written, and a cheaper MIME boundary."""

import secrets
from email.header import Header

from django.conf import settings
from django.core.mail import EmailMultiAlternatives


def subject_header(subject: str) -> Header:
    """Django encodes a long subject with ``Header(value).encode()`` and the generator then
    writes ``Subject:`` followed by a folded line break, which Python's email package
    (policy=default) and other parsers read as a leading space. A Header that knows its
    name folds after the name instead."""
    try:
        subject.encode("ascii")
    except UnicodeEncodeError:
        return Header(subject, settings.DEFAULT_CHARSET, header_name="Subject")
    return Header(subject, "us-ascii", header_name="Subject")


class OutboxMessage(EmailMultiAlternatives):
    """Besides the subject: the MIME boundary is chosen here and checked against the
    bodies by a plain substring search. Left to itself, Python's generator compiles a fresh
    regular expression for every message's random boundary (its cache never hits): some
    13% of building the MIME message an SMTP backend sends, in a profile of
    bench/digests.py."""

    def message(self, *args, **kwargs):
        msg = super().message(*args, **kwargs)
        msg.replace_header("Subject", subject_header(str(self.subject)))
        if msg.is_multipart() and msg.get_boundary() is None:
            parts = [self.body, *(alternative.content for alternative in self.alternatives)]
            boundary = f"=_samspil_{secrets.token_hex(12)}"
            while any(boundary in part for part in parts):
                boundary = f"=_samspil_{secrets.token_hex(12)}"
            msg.set_boundary(boundary)
        return msg
