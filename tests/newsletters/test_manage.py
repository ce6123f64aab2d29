"""Manage by signed link: change, pause, unsubscribe, export, delete; one-click unsubscribe
(RFC 8058) on POST only; tampered, expired and foreign tokens refused with a Danish page."""

import json

import pytest
from django.core import signing
from django.test import override_settings

from newsletters.models import Subscriber, SubscriptionEvent, email_digest
from newsletters.tokens import CONFIRM, MANAGE, UNSUBSCRIBE, make_token

from .conftest import make_subscriber


@pytest.fixture
def ida(tree):
    return make_subscriber("ida@example.dk", [tree.home_a])


def manage_url(subscriber) -> str:
    return f"/nyhedsbrev/indstillinger/{make_token(subscriber, MANAGE)}/"


def unsubscribe_url(subscriber) -> str:
    return f"/nyhedsbrev/afmeld/{make_token(subscriber, UNSUBSCRIBE)}/"


def test_manage_page_changes_homes_and_frequency(client, tree, ida):
    url = manage_url(ida)
    page = client.get(url)
    assert page.status_code == 200
    assert "ida@example.dk" in page.content.decode()
    response = client.post(
        url, {"homes": [tree.home_a.pk, tree.home_b.pk], "frequency": "daily", "action": "save"}
    )
    assert response.status_code == 302
    ida.refresh_from_db()
    assert ida.frequency == "daily"
    assert set(ida.homes.all()) == {tree.home_a, tree.home_b}
    event = ida.events.get(action="changed")
    assert event.data["after"] == {
        "homes": sorted([tree.home_a.pk, tree.home_b.pk]),
        "frequency": "daily",
    }
    assert event.consent_version == "2026-1"


def test_manage_rejects_unknown_homes_without_losing_anything(client, tree, ida):
    response = client.post(
        manage_url(ida), {"homes": ["999999"], "frequency": "daily", "action": "save"}
    )
    assert response.status_code == 400
    assert "Vi kender ikke det botilbud" in response.content.decode()
    ida.refresh_from_db()
    assert ida.frequency == "weekly"
    assert list(ida.homes.all()) == [tree.home_a]


def test_pause_resume_and_unsubscribe_from_the_manage_page(client, ida):
    url = manage_url(ida)
    client.post(url, {"action": "pause"})
    ida.refresh_from_db()
    assert ida.status == "paused"
    client.post(url, {"action": "resume"})
    ida.refresh_from_db()
    assert ida.status == "active"
    response = client.post(url, {"action": "unsubscribe"})
    assert "Du er afmeldt" in response.content.decode()
    ida.refresh_from_db()
    assert ida.status == "unsubscribed"
    actions = set(ida.events.values_list("action", flat=True))
    assert {"paused", "resumed", "unsubscribed"} <= actions


def test_export_my_data_as_json(client, tree, ida):
    response = client.get(manage_url(ida) + "data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email"] == "ida@example.dk"
    assert data["homes"] == [{"id": tree.home_a.pk, "title": "Solgården"}]
    assert data["consent_version"] == "2026-1"


def test_delete_me_asks_first_then_erases(client, ida):
    url = manage_url(ida) + "slet/"
    assert client.get(url).status_code == 200
    assert Subscriber.objects.filter(pk=ida.pk).exists()
    response = client.post(url)
    assert response.status_code == 200
    assert not Subscriber.objects.filter(pk=ida.pk).exists()
    # The trail keeps what happened, but not the address.
    event = SubscriptionEvent.objects.get(action="deleted")
    assert event.subscriber is None
    assert event.email_hash == email_digest("ida@example.dk")
    assert not SubscriptionEvent.objects.filter(data__icontains="ida@").exists()
    # Links to the deleted subscription no longer work.
    assert client.get(manage_url(ida)).status_code == 400


def test_one_click_get_only_asks(client, ida):
    response = client.get(unsubscribe_url(ida))
    assert response.status_code == 200
    assert "Ja, afmeld mig" in response.content.decode()
    ida.refresh_from_db()
    assert ida.status == "active"


def test_one_click_post_unsubscribes_without_csrf_or_session(ida):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        unsubscribe_url(ida),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    ida.refresh_from_db()
    assert ida.status == "unsubscribed"
    assert ida.events.get(action="unsubscribed").data == {"via": "one-click"}
    # Twice is harmless.
    assert client.post(unsubscribe_url(ida)).status_code == 200
    assert ida.events.filter(action="unsubscribed").count() == 1


def test_manage_forms_still_need_csrf(ida):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post(manage_url(ida), {"action": "pause"}).status_code == 403


@pytest.mark.parametrize("kind", ["confirm", "manage", "unsubscribe"])
def test_tampered_tokens_are_refused_with_a_danish_page(client, ida, kind):
    purpose = {"confirm": CONFIRM, "manage": MANAGE, "unsubscribe": UNSUBSCRIBE}[kind]
    prefix = {"confirm": "bekraeft", "manage": "indstillinger", "unsubscribe": "afmeld"}[kind]
    token = make_token(ida, purpose)
    for bad in (
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        "garbage",
        "x" * 400,
        token.replace(":", "%0d%0a", 1),
        signing.TimestampSigner(salt="newsletters.other").sign_object([ida.pk, ida.key]),
    ):
        response = client.get(f"/nyhedsbrev/{prefix}/{bad}/")
        assert response.status_code in (400, 404), bad
        if response.status_code == 400:
            assert "Linket virker ikke" in response.content.decode()


def test_a_token_for_one_purpose_does_not_work_for_another(client, ida):
    token = make_token(ida, CONFIRM)
    assert client.get(f"/nyhedsbrev/afmeld/{token}/").status_code == 400
    assert client.post(f"/nyhedsbrev/afmeld/{token}/").status_code == 400
    ida.refresh_from_db()
    assert ida.status == "active"


def test_token_signed_with_another_key_is_refused(client, ida):
    with override_settings(SECRET_KEY="another-municipality"):
        token = make_token(ida, UNSUBSCRIBE)
    assert client.post(f"/nyhedsbrev/afmeld/{token}/").status_code == 400


def test_expired_confirmation_link_says_so(client, tree, ida):
    pending = make_subscriber("bo@example.dk", [tree.home_a], status="pending")
    token = make_token(pending, CONFIRM)
    with override_settings(NEWSLETTERS={"CONFIRM_MAX_AGE": -1}):
        response = client.get(f"/nyhedsbrev/bekraeft/{token}/")
    assert response.status_code == 410
    assert "Linket er udløbet" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_token_of_a_resubscribed_address_from_before_deletion_is_void(client, tree, ida):
    old = make_token(ida, UNSUBSCRIBE)
    ida.delete()
    make_subscriber("ida@example.dk", [tree.home_a])
    assert client.post(f"/nyhedsbrev/afmeld/{old}/").status_code == 400
