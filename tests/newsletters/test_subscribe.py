"""Subscribe with double opt-in: one click confirms; known addresses learn nothing new."""

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from newsletters.models import DigestMail, Subscriber, SubscriptionEvent
from newsletters.sending import run_digests
from newsletters.tasks import send_outbox_mail

from .backends import scripted
from .conftest import link_path, make_subscriber

URL = "/nyhedsbrev/"


def post(client, capture, **data):
    payload = {"email": "ida@example.dk", "frequency": "weekly", "consent": "on", **data}
    with capture(execute=True):
        return client.post(URL, payload)


def test_central_page_preselects_the_home_from_the_link(client, tree):
    response = client.get(f"{URL}?home={tree.home_b.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{tree.home_b.pk}" checked' in html
    assert f'value="{tree.home_a.pk}" checked' not in html
    assert 'name="website"' in html  # the honeypot


def test_home_page_has_a_subscribe_box_for_that_home(client, tree):
    from bs4 import BeautifulSoup

    html = client.get(tree.home_a.url).content.decode()
    box = BeautifulSoup(html, "html.parser").select_one("section.newsletter-box form")
    assert box["action"] == "/nyhedsbrev/"
    homes = {i["value"]: i.has_attr("checked") for i in box.select('input[name="homes"]')}
    # Every home can be chosen; this one is ticked already.
    assert homes == {str(tree.home_a.pk): True, str(tree.home_b.pk): False}
    checked = box.select_one('input[name="frequency"][checked]')
    assert checked["value"] == "weekly"
    assert box.select_one('input[name="consent"]') is not None


def test_double_opt_in_one_click_confirms(client, tree, django_capture_on_commit_callbacks):
    response = post(
        client, django_capture_on_commit_callbacks, homes=[tree.home_a.pk, tree.home_b.pk]
    )
    assert response.status_code == 302
    assert response.url == "/nyhedsbrev/tak/"
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.consent_version == "2026-1"
    assert subscriber.consented_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ida@example.dk"]
    assert "Bekræft" in message.subject
    assert message.alternatives[0][1] == "text/html"

    response = client.get(link_path(message.body, "bekraeft"))
    assert response.status_code == 200
    assert "Du er tilmeldt" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.confirmed_at is not None
    actions = list(subscriber.events.order_by("timestamp", "pk").values_list("action", flat=True))
    assert actions == ["subscribed", "confirmed"]
    assert set(subscriber.events.values_list("consent_version", flat=True)) == {"2026-1"}


def test_replayed_confirmation_changes_nothing(client, tree, django_capture_on_commit_callbacks):
    post(client, django_capture_on_commit_callbacks, homes=[tree.home_a.pk])
    path = link_path(mail.outbox[0].body, "bekraeft")
    client.get(path)
    response = client.get(path)
    assert response.status_code == 200
    assert "allerede brugt" in response.content.decode()
    assert SubscriptionEvent.objects.filter(action="confirmed").count() == 1


def test_known_address_gets_same_answer_and_a_manage_link(
    client, tree, django_capture_on_commit_callbacks
):
    existing = make_subscriber("ida@example.dk", [tree.home_a], frequency="monthly")
    response = post(
        client, django_capture_on_commit_callbacks, email="IDA@Example.dk", homes=[tree.home_b.pk]
    )
    assert response.status_code == 302
    assert response.url == "/nyhedsbrev/tak/"
    existing.refresh_from_db()
    assert existing.status == Subscriber.Status.ACTIVE
    assert existing.frequency == "monthly"  # nothing about a known subscription changes
    assert list(existing.homes.all()) == [tree.home_a]
    assert Subscriber.objects.count() == 1
    assert len(mail.outbox) == 1
    assert "/nyhedsbrev/indstillinger/" in mail.outbox[0].body


def test_unsubscribed_address_can_sign_up_again_with_double_opt_in(
    client, tree, django_capture_on_commit_callbacks
):
    make_subscriber("ida@example.dk", [tree.home_a], status="unsubscribed")
    post(client, django_capture_on_commit_callbacks, homes=[tree.home_b.pk])
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert list(subscriber.homes.all()) == [tree.home_b]
    assert "/nyhedsbrev/bekraeft/" in mail.outbox[0].body


@pytest.mark.parametrize(
    "email",
    [
        "ikke-en-adresse",
        "ida@",
        "ida@example.dk\r\nBcc: victim@example.com",
        "ida@example.dk\nSubject: hi",
        "ida@exa\x00mple.dk",
        "jørgen@example.dk",  # internationalised local part: not accepted by Django's validator
        "a" * 250 + "@example.dk",
        "ida@example.dk, bo@example.dk",
        "",
    ],
)
def test_bad_addresses_get_a_danish_message_and_no_mail(
    client, tree, django_capture_on_commit_callbacks, email
):
    response = post(client, django_capture_on_commit_callbacks, email=email, homes=[tree.home_a.pk])
    assert response.status_code == 400
    html = response.content.decode()
    assert "e-mailadresse" in html
    assert Subscriber.objects.count() == 0
    assert mail.outbox == []


def test_internationalised_domain_is_accepted_and_stored_as_idna(
    client, tree, django_capture_on_commit_callbacks
):
    post(client, django_capture_on_commit_callbacks, email="ida@møller.dk", homes=[tree.home_a.pk])
    assert Subscriber.objects.get().email == "ida@" + "møller.dk".encode("idna").decode()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("homes", [["999999"], ["abc"], ["1; DROP TABLE"], []])
def test_unknown_or_missing_homes_are_refused(
    client, tree, django_capture_on_commit_callbacks, homes
):
    response = post(client, django_capture_on_commit_callbacks, homes=homes)
    assert response.status_code == 400
    assert "botilbud" in response.content.decode()
    assert Subscriber.objects.count() == 0


def test_unpublished_home_is_refused(client, tree, django_capture_on_commit_callbacks):
    tree.home_b.unpublish()
    response = post(client, django_capture_on_commit_callbacks, homes=[tree.home_b.pk])
    assert response.status_code == 400
    assert Subscriber.objects.count() == 0


def test_bad_frequency_and_missing_consent_are_refused(
    client, tree, django_capture_on_commit_callbacks
):
    response = post(
        client, django_capture_on_commit_callbacks, homes=[tree.home_a.pk], frequency="hourly"
    )
    assert response.status_code == 400
    response = post(client, django_capture_on_commit_callbacks, homes=[tree.home_a.pk], consent="")
    assert response.status_code == 400
    assert "Sæt kryds" in response.content.decode()
    assert Subscriber.objects.count() == 0


def test_honeypot_gets_the_same_answer_and_stores_nothing(
    client, tree, django_capture_on_commit_callbacks
):
    response = post(
        client, django_capture_on_commit_callbacks, homes=[tree.home_a.pk], website="http://spam"
    )
    assert response.status_code == 302
    assert response.url == "/nyhedsbrev/tak/"
    assert Subscriber.objects.count() == 0
    assert mail.outbox == []


@override_settings(NEWSLETTERS={"RATE_LIMIT_PER_ADDRESS": 2, "RATE_LIMIT_PER_IP": 100})
def test_flood_on_one_address_is_rate_limited(client, tree, django_capture_on_commit_callbacks):
    statuses = [
        post(client, django_capture_on_commit_callbacks, homes=[tree.home_a.pk]).status_code
        for _ in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
    assert len(mail.outbox) == 2


@override_settings(NEWSLETTERS={"RATE_LIMIT_PER_IP": 3, "RATE_LIMIT_PER_ADDRESS": 100})
def test_flood_from_one_client_is_rate_limited(client, tree, django_capture_on_commit_callbacks):
    statuses = [
        post(
            client,
            django_capture_on_commit_callbacks,
            email=f"p{n}@example.dk",
            homes=[tree.home_a.pk],
        ).status_code
        for n in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    response = client.post(URL, {"email": "x@example.dk"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 400  # another client is not limited
    assert (
        "For mange"
        in post(client, django_capture_on_commit_callbacks, homes=[tree.home_a.pk]).content.decode()
    )


def test_confirmation_goes_through_the_outbox_once(
    client, tree, django_capture_on_commit_callbacks
):
    post(client, django_capture_on_commit_callbacks, homes=[tree.home_a.pk])
    row = DigestMail.objects.get()
    event = SubscriptionEvent.objects.get(action="subscribed")
    assert (row.kind, row.period_key, row.status) == ("confirm", f"confirm:{event.pk}", "sent")
    assert "samspil-confirm-link-slot" in row.body.body_text  # the link is personal, not stored
    send_outbox_mail.enqueue(row.pk)  # a task run twice sends once
    assert len(mail.outbox) == 1
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers  # asked for, not a list


def test_confirmation_that_fails_to_send_is_retried_by_the_next_run(
    client, tree, django_capture_on_commit_callbacks
):
    with override_settings(EMAIL_BACKEND=scripted({1: ConnectionResetError("reset")})):
        post(client, django_capture_on_commit_callbacks, homes=[tree.home_a.pk])
    row = DigestMail.objects.get()
    assert (row.status, row.attempts) == ("retry", 1)
    assert mail.outbox == []

    run = run_digests(now=timezone.now() + dt.timedelta(minutes=2))
    assert run.sent == 1
    row.refresh_from_db()
    assert row.status == "sent"
    response = client.get(link_path(mail.outbox[0].body, "bekraeft"))
    assert "Du er tilmeldt" in response.content.decode()
