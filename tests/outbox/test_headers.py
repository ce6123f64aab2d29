"""Every mail carries our Message-ID (stable per row), Auto-Submitted, and digests their
list headers; subjects parse as they were written. Checked at a fake Postmark reached
through anymail's real backend, and with Python's email package (policy=default)."""

import datetime as dt
from email import message_from_bytes, policy

import pytest
from django.utils import timezone

from newsletters.models import DigestMail
from newsletters.sending import run_digests, send_queued
from outbox.message import OutboxMessage
from outbox.models import OutgoingMail
from outbox.services import deliver, queue_mail
from tests.conftest import make_news
from tests.newsletters.conftest import make_subscriber, publish

from .conftest import headers_of

pytestmark = pytest.mark.django_db

TEMPLATE = "participation/email/proposal_received"


def proposal_context():
    class Proposal:
        name = "Birthe"
        title = "Fællessang"

    class Home:
        title = "Solgården"

    return {"proposal": Proposal, "botilbud": Home}


def test_a_one_off_mail_has_our_message_id_and_auto_submitted(esp, settings):
    settings.DEFAULT_FROM_EMAIL = "Samspil <samspil@toender.dk>"
    row = queue_mail(key="k:1", to="a@example.dk", template=TEMPLATE, context=proposal_context())
    assert deliver(row.pk) == "sent"
    headers = headers_of(esp.messages[0])
    assert headers["Message-ID"] == row.message_id
    assert headers["Message-ID"].endswith("@toender.dk>")
    assert "localhost" not in headers["Message-ID"]
    assert headers["Auto-Submitted"] == "auto-generated"
    assert "List-Unsubscribe" not in headers
    row.refresh_from_db()
    assert row.esp_message_id and row.esp_message_id != row.message_id  # Postmark's own id


def test_a_resend_carries_the_same_message_id(esp):
    row = queue_mail(key="k:2", to="a@example.dk", template=TEMPLATE, context=proposal_context())
    esp.fail(503)
    assert deliver(row.pk) == "retry"
    esp.heal()
    assert deliver(row.pk, now=timezone.now() + dt.timedelta(hours=1)) == "sent"
    assert len(esp.messages) == 1
    assert headers_of(esp.messages[0])["Message-ID"] == row.message_id
    assert OutgoingMail.objects.get().attempts == 2


def test_digests_carry_list_id_and_one_click_unsubscribe(esp, tree):
    publish(make_news(tree.home_a, "Sommerfest"))
    subscriber = make_subscriber("p@example.dk", [tree.home_a])
    assert run_digests().sent == 1
    row = DigestMail.objects.get(subscriber=subscriber)
    headers = headers_of(esp.messages[0])
    assert headers["Message-ID"] == row.message_id
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["List-Id"] == "Nyhedsbrev fra Samspil <nyhedsbrev.toender.dk>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Unsubscribe"].startswith("<http")
    assert "/nyhedsbrev/afmeld/" in headers["List-Unsubscribe"]


def test_a_resent_digest_has_the_same_message_id(esp, tree):
    publish(make_news(tree.home_a, "Sommerfest"))
    make_subscriber("p@example.dk", [tree.home_a])
    now = timezone.now()
    esp.fail(500)
    assert run_digests(now=now).sent == 0
    esp.heal()
    assert send_queued(now=now + dt.timedelta(hours=1)).sent == 1
    row = DigestMail.objects.get()
    assert headers_of(esp.messages[0])["Message-ID"] == row.message_id


def test_subscription_mails_have_no_list_headers_and_are_asked_for(
    esp, tree, django_capture_on_commit_callbacks
):
    from newsletters.services import subscribe

    with django_capture_on_commit_callbacks(execute=True):
        subscribe(email="ny@example.dk", homes=[tree.home_a], frequency="weekly")
    row = DigestMail.objects.get(kind="confirm")
    assert row.automatic is False
    assert row.status == "sent"
    headers = headers_of(esp.messages[0])
    assert headers["Message-ID"] == row.message_id
    assert headers["Auto-Submitted"] == "auto-generated"
    assert "List-Id" not in headers and "List-Unsubscribe" not in headers


@pytest.mark.parametrize(
    "subject",
    [
        "Påmindelse: Sommerfest på Solgården i morgen kl. 14.00 – husk at melde afbud hvis du "
        "ikke kan komme",
        "Nyt fra Solgården, Æblehaven og 3 andre botilbud: 5 nyheder, 2 arrangementer, "
        "1 frivilligopslag",
        "A plain subject that is long enough to be folded by any generator that folds at 78",
        "Kort",
    ],
)
def test_subjects_parse_as_written(subject):
    message = OutboxMessage(subject, "Hej", "samspil@toender.dk", ["a@example.dk"])
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    assert parsed["Subject"] == subject
    assert all(len(line) <= 78 for line in message.message().as_bytes().splitlines()[:12])
