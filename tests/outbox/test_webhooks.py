"""ESP webhooks, every ESP through anymail's documented payload shapes: an event delivered
again counts once (tracking by event id, inbound mail by event id and Message-ID), and an
authenticated but malformed body answers 400 with a log line, never 500."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import re

import pytest
from django.core.checks import Error, Warning
from django.test import override_settings

from dialog import posting
from dialog.models import Message, Thread
from dialog.reply_address import reply_address
from newsletters.models import Subscriber
from outbox import checks
from outbox.models import ReceivedWebhookEvent, SuppressedAddress
from tests.dialog.conftest import make_relative
from tests.newsletters.conftest import make_subscriber

SECRET = "anymail-test:webhook-secret"
MAILGUN_KEY = "mailgun-signing-key"
ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}


def auth() -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}


def post(client, url: str, body, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data, content_type="application/json", **auth(), **headers)


# --- Documented payload shapes, one hard bounce each ----------------------------------------


def postmark_bounce(email: str, event_id: int = 42) -> dict:
    return {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "TypeCode": 1,
        "ID": event_id,
        "Email": email,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "BouncedAt": "2026-05-01T10:00:00Z",
        "Description": "The server was unable to deliver your message",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist",
    }


def postmark_soft_bounce(email: str, event_id: int) -> dict:
    return {**postmark_bounce(email, event_id), "Type": "SoftBounce", "TypeCode": 4096}


def mailgun_failed(email: str, event_id: str = "G9Bn5sl1TC6nu79C8C0bwg") -> dict:
    timestamp, token = "1534109600", "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    signature = hmac.new(
        MAILGUN_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": "failed",
            "severity": "permanent",
            "reason": "bounce",
            "id": event_id,
            "timestamp": 1534109600.089676,
            "recipient": email,
            "message": {"headers": {"message-id": "20180812211200.1.ABC@example.com"}},
            "delivery-status": {"code": 550, "message": "5.1.1 user unknown"},
        },
    }


def sendgrid_bounce(email: str, event_id: str = "sg-event-1") -> list:
    return [
        {
            "email": email,
            "timestamp": 1534109600,
            "event": "bounce",
            "type": "bounce",
            "sg_event_id": event_id,
            "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
            "reason": "500 unknown recipient",
            "status": "5.0.0",
        }
    ]


def brevo_bounce(email: str) -> dict:
    return {
        "event": "hard_bounce",
        "email": email,
        "id": 1234567,
        "date": "2026-05-01 10:00:00",
        "ts_event": 1604933654,
        "message-id": "<201798300811.5787683@relay.domain.com>",
        "reason": "550 5.1.1 user unknown",
    }


def mailjet_bounce(email: str) -> dict:
    return {
        "event": "bounce",
        "time": 1433333949,
        "MessageID": 19421777835146490,
        "email": email,
        "blocked": False,
        "hard_bounce": True,
        "error_related_to": "recipient",
        "error": "user unknown",
    }


def ses_notification(email: str, sns_id: str = "9f8e7d6c-0000-4000-8000-000000000001"):
    ses_event = {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [
                {
                    "emailAddress": email,
                    "action": "failed",
                    "status": "5.1.1",
                    "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                }
            ],
            "timestamp": "2026-05-01T10:00:00.000Z",
            "feedbackId": "0100-feedback",
        },
        "mail": {
            "timestamp": "2026-05-01T09:59:59.000Z",
            "messageId": "0100-ses-message-id",
            "source": "samspil@example.dk",
            "destination": [email],
        },
    }
    return sns(ses_event, sns_id)


def sns(message, sns_id: str) -> tuple[dict, dict]:
    body = {
        "Type": "Notification",
        "MessageId": sns_id,
        "TopicArn": "arn:aws:sns:eu-west-1:123456789012:ses-events",
        "Message": message if isinstance(message, str) else json.dumps(message),
        "Timestamp": "2026-05-01T10:00:01.000Z",
        "SignatureVersion": "1",
    }
    headers = {
        "HTTP_X_AMZ_SNS_MESSAGE_TYPE": "Notification",
        "HTTP_X_AMZ_SNS_MESSAGE_ID": sns_id,
    }
    return body, headers


def ses_bounce(email: str) -> dict:
    return ses_notification(email)


ESPS = {
    "postmark": ("/anymail/postmark/tracking/", postmark_bounce),
    "mailgun": ("/anymail/mailgun/tracking/", mailgun_failed),
    "sendgrid": ("/anymail/sendgrid/tracking/", sendgrid_bounce),
    "brevo": ("/anymail/brevo/tracking/", brevo_bounce),
    "mailjet": ("/anymail/mailjet/tracking/", mailjet_bounce),
    "amazon_ses": ("/anymail/amazon_ses/tracking/", ses_bounce),
}


def deliver(client, esp: str, email: str):
    url, payload = ESPS[esp]
    body = payload(email)
    headers = {}
    if esp == "amazon_ses":
        body, headers = body
    return post(client, url, body, **headers)


@override_settings(ANYMAIL=ANYMAIL)
@pytest.mark.parametrize("esp", list(ESPS))
def test_a_hard_bounce_redelivered_three_times_counts_once(client, tree, esp):
    ida = make_subscriber("ida@example.dk", [tree.home_a])
    for _ in range(3):
        assert deliver(client, esp, "ida@example.dk").status_code == 200
    assert SuppressedAddress.objects.get().address == "ida@example.dk"
    ida.refresh_from_db()
    assert ida.status == Subscriber.Status.BOUNCED
    assert ida.events.filter(action="bounced").count() == 1
    assert ReceivedWebhookEvent.objects.filter(kind="tracking").count() == 1


@override_settings(ANYMAIL=ANYMAIL, NEWSLETTERS={"SOFT_BOUNCE_LIMIT": 3})
def test_a_soft_bounce_delivered_three_times_counts_once(client, tree):
    ida = make_subscriber("ida@example.dk", [tree.home_a])
    for _ in range(3):
        post(client, "/anymail/postmark/tracking/", postmark_soft_bounce("ida@example.dk", 7))
    ida.refresh_from_db()
    assert (ida.status, ida.soft_bounces) == (Subscriber.Status.ACTIVE, 1)
    post(client, "/anymail/postmark/tracking/", postmark_soft_bounce("ida@example.dk", 8))
    ida.refresh_from_db()
    assert ida.soft_bounces == 2


@override_settings(ANYMAIL=ANYMAIL)
def test_one_sns_notification_for_two_recipients_is_two_events(client, tree):
    body, headers = ses_notification("ida@example.dk")
    message = json.loads(body["Message"])
    message["bounce"]["bouncedRecipients"].append(
        {"emailAddress": "bo@example.dk", "status": "5.1.1", "action": "failed"}
    )
    body["Message"] = json.dumps(message)
    for _ in range(2):
        assert post(client, "/anymail/amazon_ses/tracking/", body, **headers).status_code == 200
    assert set(SuppressedAddress.objects.values_list("address", flat=True)) == {
        "ida@example.dk",
        "bo@example.dk",
    }
    assert ReceivedWebhookEvent.objects.count() == 2


# --- Malformed bodies ---------------------------------------------------------------------------

SES_TRACKING = "/anymail/amazon_ses/tracking/"


def ses_case(message):
    body, headers = sns(message, "sns-malformed")
    return SES_TRACKING, json.dumps(body), headers


MALFORMED = {
    "postmark-not-json": ("/anymail/postmark/tracking/", "{not json", {}),
    "postmark-a-list": ("/anymail/postmark/tracking/", "[1, 2]", {}),
    "postmark-inbound-no-fields": ("/anymail/postmark/inbound/", '{"FromFull": 3}', {}),
    "sendgrid-not-json": ("/anymail/sendgrid/tracking/", "<xml/>", {}),
    "sendgrid-not-a-list-of-events": ("/anymail/sendgrid/tracking/", '{"email": 1}', {}),
    "brevo-not-json": ("/anymail/brevo/tracking/", "{{", {}),
    "brevo-a-list": ("/anymail/brevo/tracking/", "[1]", {}),
    "mailjet-not-json": ("/anymail/mailjet/tracking/", "nope", {}),
    "mailjet-numbers": ("/anymail/mailjet/tracking/", "[1, 2]", {}),
    "ses-not-json": (SES_TRACKING, "nope", {"HTTP_X_AMZ_SNS_MESSAGE_TYPE": "Notification"}),
    "ses-message-not-json": ses_case("{broken"),
    "ses-message-a-list": ses_case("[1, 2]"),
    "ses-unknown-type": (
        SES_TRACKING,
        json.dumps({"Type": "Surprise", "MessageId": "x"}),
        {"HTTP_X_AMZ_SNS_MESSAGE_TYPE": "Surprise", "HTTP_X_AMZ_SNS_MESSAGE_ID": "x"},
    ),
}


@override_settings(ANYMAIL=ANYMAIL)
@pytest.mark.parametrize("case", list(MALFORMED))
def test_an_authenticated_malformed_body_answers_400_with_a_log_line(client, db, caplog, case):
    url, body, headers = MALFORMED[case]
    response = post(client, url, body, **headers)
    assert response.status_code == 400
    assert any(
        "malformed body refused" in record.getMessage() and record.levelname == "WARNING"
        for record in caplog.records
    )
    assert not ReceivedWebhookEvent.objects.exists()


@override_settings(ANYMAIL=ANYMAIL)
@pytest.mark.parametrize(
    "body", ["{not json", json.dumps({"signature": {"token": "x"}}), json.dumps([1])]
)
def test_mailgun_bodies_without_a_readable_signature_answer_400(client, db, body):
    assert post(client, "/anymail/mailgun/tracking/", body).status_code == 400


@override_settings(ANYMAIL=ANYMAIL)
def test_an_unauthenticated_request_is_still_refused(client, db):
    response = client.post(
        "/anymail/postmark/tracking/",
        json.dumps(postmark_bounce("ida@example.dk")),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not SuppressedAddress.objects.exists()


@override_settings(ANYMAIL=ANYMAIL)
def test_a_failing_receiver_rolls_back_the_record_so_the_retry_is_handled(
    client, tree, monkeypatch
):
    from outbox import suppression

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(suppression, "suppress", broken)
    client.raise_request_exception = False
    assert deliver(client, "postmark", "ida@example.dk").status_code == 500
    assert not ReceivedWebhookEvent.objects.exists()
    monkeypatch.undo()
    assert deliver(client, "postmark", "ida@example.dk").status_code == 200
    assert SuppressedAddress.objects.filter(address="ida@example.dk").exists()


# --- Inbound: the same reply twice is one message -------------------------------------------------


def inbound_reply(thread, user, *, message_id: str, esp_id: str, text="Tak, det passer fint."):
    address = reply_address(thread.pk, user.pk)
    return {
        "FromFull": {"Email": user.email, "Name": "Anna"},
        "ToFull": [{"Email": address, "Name": ""}],
        "OriginalRecipient": address,
        "Subject": "Re: Ny besked",
        "TextBody": text,
        "HtmlBody": "",
        "Headers": [{"Name": "Message-ID", "Value": f"<{message_id}>"}],
        "MessageID": esp_id,
    }


@pytest.fixture
def thread(tree):
    relative = make_relative("anna@example.dk", tree.home_a)
    return posting.start_thread(
        botilbud=tree.home_a,
        author=relative,
        kind=Thread.Kind.QUESTION,
        subject="Besøg",
        body="Må vi komme søndag?",
    )


def replies(thread):
    return Message.objects.filter(thread=thread, source=Message.Source.EMAIL)


@override_settings(ANYMAIL=ANYMAIL)
def test_the_same_inbound_reply_delivered_twice_is_one_message(client, thread):
    payload = inbound_reply(
        thread, thread.relative, message_id="reply-1@mail.example", esp_id="pm-1"
    )
    for _ in range(2):
        assert post(client, "/anymail/postmark/inbound/", payload).status_code == 200
    assert replies(thread).count() == 1


@override_settings(ANYMAIL=ANYMAIL)
def test_the_same_mail_with_a_new_event_id_is_one_message(client, thread):
    """The ESP's retry (or a second route) with a new id: the mail's Message-ID decides."""
    for esp_id in ("pm-1", "pm-2"):
        payload = inbound_reply(
            thread, thread.relative, message_id="reply-1@mail.example", esp_id=esp_id
        )
        assert post(client, "/anymail/postmark/inbound/", payload).status_code == 200
    assert replies(thread).count() == 1
    another = inbound_reply(
        thread, thread.relative, message_id="reply-2@mail.example", esp_id="pm-3", text="Og mere"
    )
    post(client, "/anymail/postmark/inbound/", another)
    assert replies(thread).count() == 2


@override_settings(ANYMAIL=ANYMAIL)
def test_an_inbound_mail_redelivered_through_ses_is_one_message(client, thread):
    address = reply_address(thread.pk, thread.relative.pk)
    raw = (
        f"From: Anna <{thread.relative.email}>\r\nTo: {address}\r\n"
        "Subject: Re: Ny besked\r\nMessage-ID: <ses-reply@mail.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nVi kommer kl. 14.\r\n"
    )
    ses_event = {
        "notificationType": "Received",
        "mail": {
            "timestamp": "2026-05-01T10:00:00.000Z",
            "source": thread.relative.email,
            "messageId": "ses-inbound-1",
            "destination": [address],
        },
        "receipt": {
            "recipients": [address],
            "spamVerdict": {"status": "PASS"},
            "action": {"type": "SNS", "encoding": "BASE64"},
        },
        "content": base64.b64encode(raw.encode()).decode(),
    }
    body, headers = sns(ses_event, "sns-inbound-1")
    for _ in range(2):
        response = post(client, "/anymail/amazon_ses/inbound/", body, **headers)
        assert response.status_code == 200
    [message] = replies(thread)
    assert message.body == "Vi kommer kl. 14."


# --- The system check ------------------------------------------------------------------------


SETTING_NAMED = re.compile(r"ANYMAIL\['(\w+)'\]")


@pytest.mark.parametrize(
    ("backend", "anymail", "expected"),
    [
        ("django.core.mail.backends.smtp.EmailBackend", {}, []),
        ("anymail.backends.postmark.EmailBackend", {"WEBHOOK_SECRET": "a:b"}, []),
        ("anymail.backends.postmark.EmailBackend", {}, ["outbox.W001:WEBHOOK_SECRET"]),
        (
            "anymail.backends.mailgun.EmailBackend",
            {"WEBHOOK_SECRET": "a:b"},
            ["outbox.W001:MAILGUN_WEBHOOK_SIGNING_KEY"],
        ),
        (
            "anymail.backends.mailgun.EmailBackend",
            {"WEBHOOK_SECRET": "a:b", "MAILGUN_WEBHOOK_SIGNING_KEY": "k"},
            [],
        ),
        ("anymail.backends.amazon_ses.EmailBackend", {"WEBHOOK_SECRET": "a:b"}, []),
    ],
)
def test_the_system_check_names_what_the_esp_needs(backend, anymail, expected):
    with override_settings(EMAIL_BACKEND=backend, ANYMAIL=anymail):
        found = [
            problem.id + ":" + SETTING_NAMED.search(problem.msg).group(1)
            for problem in checks.check_esp()
        ]
    assert found == expected


def test_the_system_check_asks_for_the_amazon_ses_extra(monkeypatch):
    monkeypatch.setattr(checks, "_installed", lambda module: module != "boto3")
    with override_settings(
        EMAIL_BACKEND="anymail.backends.amazon_ses.EmailBackend",
        ANYMAIL={"WEBHOOK_SECRET": "a:b"},
    ):
        [problem] = checks.check_esp()
    assert isinstance(problem, Error) and problem.id == "outbox.E001"
    assert "django-anymail[amazon-ses]" in problem.hint


def test_a_missing_webhook_setting_is_a_warning(settings):
    settings.EMAIL_BACKEND = "anymail.backends.sendgrid.EmailBackend"
    settings.ANYMAIL = {}
    [problem] = checks.check_esp()
    assert isinstance(problem, Warning)
    assert "ANYMAIL_WEBHOOK_SECRET" in problem.hint


def test_old_event_records_are_forgotten_by_send_outbox(db):
    from django.core.management import call_command
    from django.utils import timezone

    old = ReceivedWebhookEvent.objects.create(esp="Postmark", kind="tracking", key="old")
    ReceivedWebhookEvent.objects.filter(pk=old.pk).update(
        received_at=timezone.now() - dt.timedelta(days=31)
    )
    ReceivedWebhookEvent.objects.create(esp="Postmark", kind="tracking", key="new")
    call_command("send_outbox", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(ReceivedWebhookEvent.objects.values_list("key", flat=True)) == ["new"]


def test_webhooks_of_an_esp_not_set_up_here_do_not_exist(db, client, settings):
    """Mailgun needs its signing key; without it (and with another ESP configured) its
    webhook is a 404, not a 500 an ESP would retry for days."""
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"WEBHOOK_SECRET": "anymail-test:webhook-secret"}
    auth = "Basic " + base64.b64encode(b"anymail-test:webhook-secret").decode()
    for url in (
        "/anymail/mailgun/tracking/",
        "/anymail/unisender_go/tracking/",
        "/anymail/mandrill/tracking/",
    ):
        response = client.post(url, b"{}", content_type="application/json", HTTP_AUTHORIZATION=auth)
        assert response.status_code == 404, url


def test_the_configured_esp_missing_its_key_stays_an_error(client, settings):
    settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    settings.ANYMAIL = {"WEBHOOK_SECRET": "anymail-test:webhook-secret"}
    auth = "Basic " + base64.b64encode(b"anymail-test:webhook-secret").decode()
    client.raise_request_exception = False
    response = client.post(
        "/anymail/mailgun/tracking/",
        b"{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 500
