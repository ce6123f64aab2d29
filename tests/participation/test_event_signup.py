"""Event sign-up: seats, the waiting list, cancel links, reminders, and bad input."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from outbox.models import OutgoingMail
from participation import services
from participation.models import EventSignup
from tests.conftest import make_event

from .conftest import signup_data

Status = EventSignup.Status


def post_signup(client, event, on_commit, **overrides):
    with on_commit():
        return client.post(
            reverse("participation:event_signup", args=[event.pk]), signup_data(**overrides)
        )


def cancel_url_from(message) -> str:
    match = re.search(r"http://\S+/tilmelding/(\S+)/afmeld/", message.body)
    assert match, message.body
    return f"/tilmelding/{match.group(1)}/afmeld/"


def test_sign_up_gets_a_place_and_a_confirmation_with_cancel_link(client, event, on_commit):
    response = post_signup(client, event, on_commit)
    assert response.status_code == 302
    signup = EventSignup.objects.get()
    assert signup.status == Status.CONFIRMED
    assert signup.email == "karen@example.dk"
    page = client.get(response["Location"])
    assert "Du er tilmeldt" in page.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["karen@example.dk"]
    assert message.subject == "Du er tilmeldt: Sommerfest"
    assert cancel_url_from(message)
    assert OutgoingMail.objects.get().status == OutgoingMail.Status.SENT


def test_full_event_puts_newcomers_on_the_waiting_list(client, event, on_commit):
    post_signup(client, event, on_commit, **{"signup-party_size": "2"})
    post_signup(client, event, on_commit, **{"signup-email": "ole@example.dk"})
    statuses = list(EventSignup.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [Status.CONFIRMED, Status.WAITLISTED]
    assert mail.outbox[-1].subject == "Du er på venteliste: Sommerfest"
    assert "Der er fuldt" in client.get(event.url).content.decode()


def test_a_party_that_does_not_fit_waits_and_nobody_jumps_the_queue(client, event, on_commit):
    post_signup(client, event, on_commit)
    post_signup(
        client, event, on_commit, **{"signup-email": "b@example.dk", "signup-party_size": "3"}
    )
    post_signup(client, event, on_commit, **{"signup-email": "c@example.dk"})
    by_email = dict(EventSignup.objects.values_list("email", "status"))
    assert by_email == {
        "karen@example.dk": Status.CONFIRMED,
        "b@example.dk": Status.WAITLISTED,
        "c@example.dk": Status.WAITLISTED,
    }


def test_cancel_link_asks_first_then_cancels_and_promotes_the_first_waiting(
    client, event, on_commit
):
    post_signup(client, event, on_commit, **{"signup-party_size": "2"})
    post_signup(client, event, on_commit, **{"signup-email": "ole@example.dk"})
    post_signup(client, event, on_commit, **{"signup-email": "eva@example.dk"})
    url = cancel_url_from(mail.outbox[0])

    # A mail scanner following the link cancels nothing.
    assert client.get(url).status_code == 200
    assert EventSignup.objects.get(email="karen@example.dk").status == Status.CONFIRMED

    with on_commit():
        response = client.post(url)
    assert "Du er afmeldt" in response.content.decode()
    statuses = dict(EventSignup.objects.values_list("email", "status"))
    assert statuses["karen@example.dk"] == Status.CANCELLED
    assert statuses["ole@example.dk"] == Status.CONFIRMED
    assert statuses["eva@example.dk"] == Status.CONFIRMED  # two seats were freed
    promoted = [m for m in mail.outbox if m.subject.startswith("Du har fået en plads")]
    assert sorted(m.to[0] for m in promoted) == ["eva@example.dk", "ole@example.dk"]
    # Cancelling twice changes nothing and promotes nobody again.
    with on_commit():
        client.post(url)
    assert len([m for m in mail.outbox if m.subject.startswith("Du har fået")]) == 2


def test_same_email_twice_keeps_one_signup_and_resends_the_confirmation(client, event, on_commit):
    post_signup(client, event, on_commit)
    response = post_signup(client, event, on_commit, **{"signup-email": " KAREN@example.dk "})
    assert EventSignup.objects.count() == 1
    assert "igen=1" in response["Location"]
    assert "allerede tilmeldt" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 2
    # Within the hour, a third try sends nothing more.
    post_signup(client, event, on_commit)
    assert len(mail.outbox) == 2


def test_signing_up_again_after_cancelling_is_allowed(client, event, on_commit):
    post_signup(client, event, on_commit)
    services.cancel_signup(EventSignup.objects.get())
    post_signup(client, event, on_commit)
    assert list(EventSignup.objects.values_list("status", flat=True).order_by("pk")) == [
        Status.CANCELLED,
        Status.CONFIRMED,
    ]


def test_sign_up_after_the_deadline_is_refused_with_a_message(client, tree, on_commit):
    event = make_event(
        tree.home_a,
        "Juletur",
        signup_enabled=True,
        signup_deadline=timezone.now() - dt.timedelta(hours=1),
    )
    response = post_signup(client, event, on_commit)
    assert response.status_code == 409
    assert "Tilmeldingen er lukket" in response.content.decode()
    assert not EventSignup.objects.exists()
    assert "Tilmeldingen er lukket." in client.get(event.url).content.decode()


def test_cancelled_event_and_event_without_signup_take_no_signups(client, tree, on_commit):
    cancelled = make_event(tree.home_a, "Aflyst fest", signup_enabled=True, cancelled=True)
    assert post_signup(client, cancelled, on_commit).status_code == 409
    plain = make_event(tree.home_a, "Åbent hus")
    assert post_signup(client, plain, on_commit).status_code == 409
    assert not EventSignup.objects.exists()


def test_unpublished_event_is_not_found(client, event, on_commit):
    event.unpublish()
    assert post_signup(client, event, on_commit).status_code == 404
    assert client.get(reverse("participation:event_signup", args=[987654])).status_code == 404


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        "MQ:1tX:abc",
        "x" * 500,
        "<img src=x onerror=alert(1)>",
    ],
)
def test_tampered_cancel_links_are_refused(client, event, on_commit, token):
    post_signup(client, event, on_commit)
    for url in (f"/tilmelding/{token}/afmeld/", f"/tilmelding/{token}/"):
        response = client.post(url) if url.endswith("afmeld/") else client.get(url)
        assert response.status_code == 404
        assert "Linket virker ikke" in response.content.decode()
    assert EventSignup.objects.get().status == Status.CONFIRMED


def test_a_signature_for_another_purpose_is_not_a_cancel_link(client, event, on_commit):
    from django.core import signing

    post_signup(client, event, on_commit)
    signup = EventSignup.objects.get()
    foreign = signing.dumps(signup.pk, salt="newsletters.confirm")
    assert client.post(f"/tilmelding/{foreign}/afmeld/").status_code == 404
    assert EventSignup.objects.get().status == Status.CONFIRMED


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"signup-party_size": "4"}, "Vælg et antal fra listen."),
        ({"signup-party_size": "abc"}, "Vælg et antal fra listen."),
        ({"signup-party_size": "-1"}, "Vælg et antal fra listen."),
        ({"signup-email": "ikke-en-mail"}, "Skriv en gyldig e-mailadresse"),
        ({"signup-email": "a@b.dk\r\nBcc: x@y.dk"}, "Skriv en gyldig e-mailadresse"),
        ({"signup-name": ""}, "Skriv dit navn."),
        ({"signup-consent": ""}, "Sæt kryds"),
        ({"signup-note": "x" * 1_000_000}, "højst have 1000 tegn"),
    ],
)
def test_bad_input_gets_a_danish_message_and_stores_nothing(
    client, event, on_commit, overrides, message
):
    response = post_signup(client, event, on_commit, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EventSignup.objects.exists()
    assert not mail.outbox


def test_html_in_name_and_note_is_stored_as_text_and_shown_inert(client, event, on_commit):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = post_signup(
        client, event, on_commit, **{"signup-name": hostile, "signup-note": hostile}
    )
    signup = EventSignup.objects.get()
    assert signup.name == hostile
    html = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_honeypot_stores_nothing(client, event, on_commit):
    response = post_signup(client, event, on_commit, **{"signup-website": "http://spam"})
    assert response.status_code == 302
    assert not EventSignup.objects.exists()


def test_sign_up_is_rate_limited_per_address(client, event, on_commit):
    for n in range(20):
        post_signup(client, event, on_commit, **{"signup-email": f"p{n}@example.dk"})
    response = post_signup(client, event, on_commit, **{"signup-email": "last@example.dk"})
    assert response.status_code == 429
    assert "For mange forsøg" in response.content.decode()


def test_csrf_is_required(event):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("participation:event_signup", args=[event.pk]), signup_data())
    assert response.status_code == 403
    assert not EventSignup.objects.exists()


def test_reminder_mails_go_out_once_the_day_before(tree, on_commit):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(14)))
    event = make_event(tree.home_a, "Banko", start=start, signup_enabled=True)
    later = make_event(tree.home_a, "Koncert", signup_enabled=True)
    with on_commit():
        kept = services.sign_up_for_event(event, name="A", email="a@example.dk").signup
        gone = services.sign_up_for_event(event, name="B", email="b@example.dk").signup
        services.sign_up_for_event(later, name="C", email="c@example.dk")
        services.cancel_signup(gone)
    mail.outbox.clear()
    with on_commit():
        assert services.queue_event_reminders() == 1
    assert [m.to for m in mail.outbox] == [[kept.email]]
    assert mail.outbox[0].subject == "På gensyn i morgen: Banko"
    with on_commit():
        assert services.queue_event_reminders() == 0
    assert len(mail.outbox) == 1


def test_more_seats_after_publishing_move_the_waiting_list_up(event, on_commit):
    with on_commit():
        for name in ("a", "b", "c"):
            services.sign_up_for_event(event, name=name, email=f"{name}@example.dk")
    assert EventSignup.objects.get(email="c@example.dk").status == Status.WAITLISTED
    event.capacity = 3
    with on_commit():
        event.save_revision().publish()
    assert EventSignup.objects.get(email="c@example.dk").status == Status.CONFIRMED
    assert mail.outbox[-1].subject.startswith("Du har fået en plads")


def test_every_signup_change_is_logged(event, on_commit):
    with on_commit():
        first = services.sign_up_for_event(event, name="a", email="a@example.dk", party_size=2)
        services.sign_up_for_event(event, name="b", email="b@example.dk")
        services.cancel_signup(first.signup)
    actions = list(ModelLogEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "samspil.signup.create",
        "samspil.signup.create",
        "samspil.signup.cancel",
        "samspil.signup.promote",
    ]


def test_event_page_shows_seats_and_the_form(client, event):
    html = client.get(event.url).content.decode()
    assert "Der er 2 ledige pladser." in html
    assert 'name="signup-email"' in html
    assert reverse("participation:event_signup", args=[event.pk]) in html


def test_sign_ups_are_deleted_a_month_after_the_event(tree, on_commit):
    past = make_event(tree.home_a, "Sommerfest 2025", start=timezone.now() - dt.timedelta(days=40))
    recent = make_event(tree.home_a, "Høstfest", start=timezone.now() - dt.timedelta(days=5))
    for event in (past, recent):
        EventSignup.objects.create(event=event, name="A", email="a@example.dk", status="confirmed")
    assert services.purge_old_signups() == 1
    assert list(EventSignup.objects.values_list("event_id", flat=True)) == [recent.pk]


def test_a_companion_call_must_belong_to_the_events_home(tree):
    from django.core.exceptions import ValidationError

    from tests.conftest import make_call

    other_home_call = make_call(tree.home_b, "Ledsager i Engbo")
    own_call = make_call(tree.home_a, "Ledsager på Solgården")
    event = make_event(tree.home_a, "Tur til stranden")
    event.volunteer_call = other_home_call
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "samme botilbud" in str(error.value)
    event.volunteer_call = own_call
    event.full_clean()
    event.save()


def test_cancelling_the_event_mails_everyone_signed_up_once(event, on_commit):
    with on_commit():
        for name in ("a", "b", "c"):
            services.sign_up_for_event(event, name=name, email=f"{name}@example.dk")
        services.cancel_signup(EventSignup.objects.get(email="a@example.dk"))
    mail.outbox.clear()
    event.cancelled = True
    with on_commit():
        event.save_revision().publish()
    assert sorted(m.to[0] for m in mail.outbox) == ["b@example.dk", "c@example.dk"]
    assert {m.subject for m in mail.outbox} == {"Aflyst: Sommerfest"}
    with on_commit():
        event.save_revision().publish()
    assert len(mail.outbox) == 2
