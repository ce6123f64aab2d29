"""The outbox for one-off mails: queued on commit, sent once, retried when it may pass."""

import datetime as dt
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from outbox.models import OutgoingMail
from outbox.services import deliver, queue_mail, send_pending

pytestmark = pytest.mark.django_db

TEMPLATE = "participation/email/proposal_received"


def context():
    class Proposal:
        name = "Birthe"
        title = "Fællessang & <kage>"

    class Home:
        title = "Solgården"

    return {"proposal": Proposal, "botilbud": Home}


def test_a_key_is_queued_once_and_sent_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_mail(key="k:1", to="a@example.dk", template=TEMPLATE, context=context())
        again = queue_mail(key="k:1", to="a@example.dk", template=TEMPLATE, context=context())
    assert first.pk == again.pk
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Tak for dit forslag til Solgården"
    assert "Fællessang & <kage>" in mail.outbox[0].body  # plain text, not HTML-escaped
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_mail(key="k:2", to="a@example.dk", template=TEMPLATE, context=context())
    assert len(callbacks) == 1
    assert not mail.outbox


def test_transient_errors_are_retried_and_permanent_ones_fail(settings):
    mail_row = queue_mail(key="k:3", to="a@example.dk", template=TEMPLATE, context=context())
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send",
        side_effect=smtplib.SMTPServerDisconnected("down"),
    ):
        assert deliver(mail_row.pk) == OutgoingMail.Status.RETRY
    mail_row.refresh_from_db()
    assert mail_row.attempts == 1 and mail_row.next_attempt_at is not None
    # A dropped connection pauses sending (the service is down, not this mail): the sweeper
    # leaves it until the pause is over.
    assert send_pending() == {}
    after_pause = timezone.now() + dt.timedelta(minutes=2)
    assert send_pending(now=after_pause) == {"sent": 1}
    assert len(mail.outbox) == 1
    # Sending again does nothing.
    assert deliver(mail_row.pk) == OutgoingMail.Status.SENT
    assert len(mail.outbox) == 1

    other = queue_mail(key="k:4", to="b@example.dk", template=TEMPLATE, context=context())
    refused = smtplib.SMTPRecipientsRefused({"b@example.dk": (550, b"no such user")})
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=refused):
        assert deliver(other.pk, now=after_pause) == OutgoingMail.Status.FAILED


def test_old_sent_and_failed_mails_are_deleted_and_waiting_ones_kept():
    import datetime as dt
    import io

    from django.core.management import call_command
    from django.utils import timezone

    old = timezone.now() - dt.timedelta(days=31)
    for key, status in (("k:sent", "sent"), ("k:failed", "failed"), ("k:retry", "retry")):
        row = queue_mail(key=key, to="a@example.dk", template=TEMPLATE, context=context())
        OutgoingMail.objects.filter(pk=row.pk).update(status=status, created_at=old)
    recent = queue_mail(key="k:recent", to="a@example.dk", template=TEMPLATE, context=context())
    OutgoingMail.objects.filter(pk=recent.pk).update(status="sent")
    call_command("send_outbox", stdout=io.StringIO())
    assert set(OutgoingMail.objects.values_list("key", flat=True)) == {"k:retry", "k:recent"}
