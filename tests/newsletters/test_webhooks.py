"""ESP events: hard bounces and complaints stop mail, N soft bounces in a row stop it, and a
forged or unauthenticated webhook is refused."""

import base64
import json

import pytest
from django.core import mail
from django.test import override_settings

from newsletters.models import Subscriber
from newsletters.sending import run_digests
from newsletters.tokens import UNSUBSCRIBE, make_token
from tests.conftest import make_news

from .conftest import make_subscriber, publish

URL = "/anymail/postmark/tracking/"
INBOUND_URL = "/anymail/postmark/inbound/"


def auth(secret: str = "anymail-test:webhook-secret") -> dict:  # noqa: S107 (test setting)
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def bounce(email: str, kind: str = "HardBounce", **extra) -> dict:
    return {
        "RecordType": "Bounce",
        "Type": kind,
        "ID": 42,
        "Email": email,
        "MessageID": "abc",
        "BouncedAt": "2026-05-01T10:00:00Z",
        "Description": "The server was unable to deliver your message",
        **extra,
    }


def post(client, payload: dict, **headers):
    return client.post(URL, json.dumps(payload), content_type="application/json", **headers)


@pytest.fixture
def ida(tree):
    return make_subscriber("ida@example.dk", [tree.home_a])


def test_hard_bounce_stops_all_mail_next_run(client, tree, ida):
    publish(make_news(tree.home_a, "Sommerfest"))
    response = post(client, bounce("IDA@example.dk"), **auth())
    assert response.status_code == 200
    ida.refresh_from_db()
    assert ida.status == Subscriber.Status.BOUNCED
    assert ida.events.filter(action="bounced", actor="esp").exists()
    assert run_digests().recipients == 0
    assert mail.outbox == []


def test_complaint_stops_all_mail(client, ida):
    payload = {
        "RecordType": "SpamComplaint",
        "Type": "SpamComplaint",
        "Email": "ida@example.dk",
        "ID": 7,
        "BouncedAt": "2026-05-01T10:00:00Z",
    }
    assert post(client, payload, **auth()).status_code == 200
    ida.refresh_from_db()
    assert ida.status == Subscriber.Status.COMPLAINED


@override_settings(NEWSLETTERS={"SOFT_BOUNCE_LIMIT": 3})
def test_soft_bounces_in_a_row_stop_mail_and_a_delivery_resets_the_count(client, ida):
    # Distinct bounces (distinct ids): a redelivered one counts once (test_idempotency).
    for number in range(2):
        post(client, bounce("ida@example.dk", "SoftBounce", ID=100 + number), **auth())
    ida.refresh_from_db()
    assert (ida.status, ida.soft_bounces) == ("active", 2)
    delivery = {
        "RecordType": "Delivery",
        "Recipient": "ida@example.dk",
        "DeliveredAt": "2026-05-01T10:00:00Z",
        "MessageID": "x",
    }
    post(client, delivery, **auth())
    ida.refresh_from_db()
    assert ida.soft_bounces == 0
    for number in range(3):
        post(client, bounce("ida@example.dk", "SoftBounce", ID=200 + number), **auth())
    ida.refresh_from_db()
    assert (ida.status, ida.soft_bounces) == ("bounced", 3)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        auth("anymail-test:wrong"),
        auth("someone:else"),
        {"HTTP_AUTHORIZATION": "Bearer anymail-test:webhook-secret"},
        {"HTTP_AUTHORIZATION": "Basic not-base64!!"},
    ],
)
def test_forged_or_unauthenticated_webhook_is_refused(client, ida, headers):
    response = post(client, bounce("ida@example.dk"), **headers)
    assert 400 <= response.status_code < 500
    ida.refresh_from_db()
    assert ida.status == Subscriber.Status.ACTIVE


def test_events_for_unknown_addresses_and_garbage_are_harmless(client, ida):
    assert post(client, bounce("nobody@example.dk"), **auth()).status_code == 200
    assert post(client, bounce(""), **auth()).status_code == 200
    assert post(client, {"RecordType": "Open"}, **auth()).status_code == 200
    ida.refresh_from_db()
    assert ida.status == Subscriber.Status.ACTIVE


def test_mailto_unsubscribe_through_inbound_webhook(client, ida):
    token = make_token(ida, UNSUBSCRIBE)
    payload = {
        "FromFull": {"Email": "ida@example.dk", "Name": ""},
        "ToFull": [{"Email": "afmeld@samspil.example", "Name": ""}],
        "Subject": f"afmeld {token}",
        "TextBody": "",
        "Headers": [],
    }
    response = client.post(
        INBOUND_URL, json.dumps(payload), content_type="application/json", **auth()
    )
    assert response.status_code == 200
    ida.refresh_from_db()
    assert ida.status == Subscriber.Status.UNSUBSCRIBED
    forged = {**payload, "Subject": "afmeld 123:forged:sig"}
    other = make_subscriber("bo@example.dk", [])
    client.post(INBOUND_URL, json.dumps(forged), content_type="application/json", **auth())
    other.refresh_from_db()
    assert other.status == Subscriber.Status.ACTIVE
