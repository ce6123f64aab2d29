"""One suppression list by address: a hard bounce or complaint from the ESP stops every
automatic mail to the address, whichever app sends it; mail the person asks for just then
is still tried; a delivery or an opt-in lifts a bounce, only staff a complaint."""

import base64
import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from wagtail.models import ModelLogEntry

from dialog import posting
from dialog.identity import send_sign_in_link
from dialog.models import StaffPreference, Thread
from dialog.notifications import send_staff_summaries
from home.models import EventPage
from newsletters import services as newsletter_services
from newsletters.digests import build_digests
from newsletters.models import DigestMail, Subscriber
from newsletters.sending import run_digests, send_queued
from outbox import suppression
from outbox.models import OutgoingMail, SuppressedAddress
from outbox.services import deliver, queue_mail, send_pending
from participation import services as participation
from participation.models import EventSignup
from tests.conftest import make_event, make_news
from tests.dialog.conftest import make_relative
from tests.newsletters.conftest import make_subscriber, publish

TRACKING = "/anymail/postmark/tracking/"
Reason = SuppressedAddress.Reason
Status = OutgoingMail.Status


def auth() -> dict:
    secret = "anymail-test:webhook-secret"
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def postmark(client, payload: dict):
    response = client.post(TRACKING, json.dumps(payload), content_type="application/json", **auth())
    assert response.status_code == 200, response.content
    return response


def hard_bounce(client, address: str, event_id: int = 1, at: str = "2026-05-01T10:00:00Z"):
    return postmark(
        client,
        {
            "RecordType": "Bounce",
            "Type": "HardBounce",
            "ID": event_id,
            "Email": address,
            "MessageID": f"m-{event_id}",
            "BouncedAt": at,
            "Description": "Mailbox does not exist",
        },
    )


def complaint(client, address: str, event_id: int = 2):
    return postmark(
        client,
        {
            "RecordType": "SpamComplaint",
            "Type": "SpamComplaint",
            "ID": event_id,
            "Email": address,
            "MessageID": f"c-{event_id}",
            "BouncedAt": "2026-05-01T10:00:00Z",
        },
    )


def delivery(client, address: str, at: dt.datetime):
    return postmark(
        client,
        {
            "RecordType": "Delivery",
            "Recipient": address,
            "DeliveredAt": at.isoformat(),
            "MessageID": f"d-{at.timestamp()}",
        },
    )


def rows_to(address: str):
    return OutgoingMail.objects.filter(to_email=address)


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


@pytest.fixture
def signup_event(tree):
    return make_event(
        tree.home_a,
        "Sommerfest",
        start=timezone.now() + dt.timedelta(days=3),
        signup_enabled=True,
        capacity=1,
        max_party_size=2,
    )


# --- The list itself ----------------------------------------------------------------------------


def test_a_hard_bounce_and_a_complaint_from_the_webhook_suppress_the_address(client, db):
    hard_bounce(client, "Ida@Example.dk")
    row = SuppressedAddress.objects.get()
    assert (row.address, row.reason, row.esp, row.source_event_id) == (
        "ida@example.dk",
        Reason.BOUNCE,
        "Postmark",
        "1",
    )
    assert "Mailbox does not exist" in row.description
    assert suppression.is_suppressed("IDA@example.dk ", automatic=True)
    assert not suppression.is_suppressed("ida@example.dk", automatic=False)
    complaint(client, "ida@example.dk")
    row.refresh_from_db()
    assert row.reason == Reason.COMPLAINT
    # A later bounce does not weaken a complaint.
    hard_bounce(client, "ida@example.dk", event_id=3)
    row.refresh_from_db()
    assert row.reason == Reason.COMPLAINT
    actions = list(ModelLogEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [suppression.SUPPRESS, suppression.CHANGE]


def test_a_soft_bounce_suppresses_nothing(client, db):
    postmark(
        client,
        {
            "RecordType": "Bounce",
            "Type": "SoftBounce",
            "ID": 9,
            "Email": "ida@example.dk",
            "BouncedAt": "2026-05-01T10:00:00Z",
        },
    )
    assert not SuppressedAddress.objects.exists()


def test_a_later_delivery_lifts_a_bounce_but_an_older_one_does_not(client, db):
    hard_bounce(client, "ida@example.dk")
    since = SuppressedAddress.objects.get().since
    delivery(client, "ida@example.dk", since - dt.timedelta(minutes=5))  # arrived late
    assert SuppressedAddress.objects.filter(address="ida@example.dk").exists()
    delivery(client, "ida@example.dk", since + dt.timedelta(minutes=5))
    assert not SuppressedAddress.objects.exists()
    assert ModelLogEntry.objects.filter(action=suppression.LIFT).count() == 1


def test_a_complaint_is_lifted_by_staff_only(client, tree):
    complaint(client, "ida@example.dk")
    delivery(client, "ida@example.dk", timezone.now() + dt.timedelta(hours=1))
    subscriber = make_subscriber("ida@example.dk", [tree.home_a], status="pending")
    newsletter_services.confirm_subscription(subscriber)
    assert SuppressedAddress.objects.filter(reason=Reason.COMPLAINT).exists()
    staff = get_user_model().objects.create_superuser("admin", "admin@example.dk", "x")
    assert suppression.lift("ida@example.dk", user=staff)
    assert not SuppressedAddress.objects.exists()
    entry = ModelLogEntry.objects.get(action=suppression.LIFT)
    assert entry.user_id == staff.pk
    assert entry.data["reason"] == Reason.COMPLAINT


def test_a_confirmed_opt_in_lifts_a_bounce(client, tree):
    hard_bounce(client, "ida@example.dk")
    subscriber = newsletter_services.subscribe(
        email="ida@example.dk", homes=[tree.home_a], frequency="weekly"
    )
    assert newsletter_services.confirm_subscription(subscriber)
    assert not SuppressedAddress.objects.exists()


# --- Every kind of automatic mail stops, requested mail is tried ---------------------------------


def test_digests_stop_for_an_address_bounced_by_any_apps_mail(client, tree):
    publish(make_news(tree.home_a, "Sommerfest"))
    make_subscriber("ida@example.dk", [tree.home_a])
    make_subscriber("bo@example.dk", [tree.home_a])
    hard_bounce(client, "ida@example.dk")  # e.g. a bounced dialog notification
    run = run_digests()
    assert run.sent == 1
    assert [message.to for message in mail.outbox] == [["bo@example.dk"]]
    assert not DigestMail.objects.filter(to_email="ida@example.dk").exists()


def test_a_digest_queued_before_the_bounce_is_not_sent_after_it(client, tree):
    publish(make_news(tree.home_a, "Sommerfest"))
    make_subscriber("ida@example.dk", [tree.home_a])
    now = timezone.now()
    assert build_digests(frequencies=["weekly"], now=now).queued == 1
    hard_bounce(client, "ida@example.dk")
    counts = send_queued(now=now)
    assert (counts.sent, counts.failed) == (0, 1)
    assert mail.outbox == []
    row = DigestMail.objects.get()
    assert (row.status, row.error) == (DigestMail.Status.FAILED, "suppressed: bounce")


def test_the_subscription_confirmation_is_still_tried(
    client, tree, django_capture_on_commit_callbacks
):
    hard_bounce(client, "ida@example.dk")
    with django_capture_on_commit_callbacks(execute=True):
        newsletter_services.subscribe(
            email="ida@example.dk", homes=[tree.home_a], frequency="weekly"
        )
    assert len(sent_to("ida@example.dk")) == 1


def test_event_reminders_and_cancellations_stop_but_the_signup_confirmation_goes(
    client, tree, signup_event, django_capture_on_commit_callbacks
):
    hard_bounce(client, "karen@example.dk")
    with django_capture_on_commit_callbacks(execute=True):
        result = participation.sign_up_for_event(
            signup_event, name="Karen", email="karen@example.dk"
        )
    assert [m.to for m in mail.outbox] == [["karen@example.dk"]]  # asked for: tried
    mail.outbox.clear()
    EventPage.objects.filter(pk=signup_event.pk).update(start=timezone.now() + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert participation.queue_event_reminders() == 1
        EventPage.objects.filter(pk=signup_event.pk).update(cancelled=True)
        signup_event.refresh_from_db()
        assert participation.notify_event_cancelled(signup_event) == 1
        participation.cancel_signup(result.signup)
    assert mail.outbox == []
    failed = rows_to("karen@example.dk").filter(status=Status.FAILED)
    assert sorted(row.key.split(":")[2] for row in failed) == [
        "cancelled",
        "event_cancelled",
        "reminder",
    ]
    assert {row.error for row in failed} == {"suppressed: bounce"}


def test_a_waiting_list_promotion_stops(
    client, tree, signup_event, django_capture_on_commit_callbacks
):
    first = participation.sign_up_for_event(signup_event, name="A", email="a@example.dk")
    participation.sign_up_for_event(signup_event, name="Bo", email="bo@example.dk")
    hard_bounce(client, "bo@example.dk")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        [promoted] = participation.cancel_signup(first.signup)
    assert promoted.email == "bo@example.dk"
    assert promoted.status == EventSignup.Status.CONFIRMED
    assert sent_to("bo@example.dk") == []
    row = rows_to("bo@example.dk").get(key__endswith=":promoted")
    assert row.status == Status.FAILED


def test_dialog_notifications_and_summaries_stop_but_a_sign_in_link_goes(
    client, tree, staff_a, django_capture_on_commit_callbacks
):
    relative = make_relative("anna@example.dk", tree.home_a)
    colleague = get_user_model().objects.create_user("kollega", "kollega@example.dk", "x")
    colleague.groups.add(staff_a.groups.first())
    StaffPreference.objects.create(user=colleague, mode=StaffPreference.Mode.SUMMARY)
    hard_bounce(client, "anna@example.dk", event_id=11)
    complaint(client, "a@example.dk", event_id=12)  # staff_a
    complaint(client, "kollega@example.dk", event_id=13)
    with django_capture_on_commit_callbacks(execute=True):
        thread = posting.start_thread(
            botilbud=tree.home_a,
            author=relative,
            kind=Thread.Kind.QUESTION,
            subject="Besøg",
            body="Må vi komme søndag?",
        )
        posting.post_message(thread, author=staff_a, body="Ja, gerne.", by_staff=True)
        assert send_staff_summaries() == 1
    assert mail.outbox == []
    for address in ("anna@example.dk", "a@example.dk", "kollega@example.dk"):
        rows = rows_to(address)
        assert rows.exists()
        assert set(rows.values_list("status", flat=True)) == {Status.FAILED}
    with django_capture_on_commit_callbacks(execute=True):
        assert send_sign_in_link("anna@example.dk") == "link"
    assert len(sent_to("anna@example.dk")) == 1


def test_a_mail_queued_before_the_bounce_is_checked_again_before_sending(client, db):
    row = queue_mail(
        key="k:1",
        to="ida@example.dk",
        template="participation/email/volunteer_received",
        context={"volunteer": {"name": "Ida"}, "call": {"title": "Gåtur"}, "call_url": "/"},
    )
    assert row.status == Status.QUEUED and row.automatic
    hard_bounce(client, "ida@example.dk")
    assert deliver(row.pk) == Status.FAILED
    row.refresh_from_db()
    assert row.error == "suppressed: bounce"
    assert mail.outbox == []
    assert send_pending() == {}  # nothing left to send


def test_requested_mail_queued_for_a_suppressed_address_is_sent(client, db):
    complaint(client, "ida@example.dk")
    row = queue_mail(
        key="k:2",
        to="ida@example.dk",
        template="participation/email/volunteer_received",
        context={"volunteer": {"name": "Ida"}, "call": {"title": "Gåtur"}, "call_url": "/"},
        automatic=False,
    )
    assert deliver(row.pk) == Status.SENT
    assert len(mail.outbox) == 1


# --- The admin --------------------------------------------------------------------------------


def admin_user(username: str, *codenames: str):
    user = get_user_model().objects.create_user(username, f"{username}@example.dk", "pw")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="newsletters", codename__in=codenames),
    )
    return user


LIST = "/admin/snippets/outbox/suppressedaddress/"


def test_staff_with_the_subscriber_permission_see_and_lift_suppressions(client, tree):
    complaint(client, "ida@example.dk")
    row = SuppressedAddress.objects.get()
    viewer = admin_user("kommune", "view_subscriber")
    client.force_login(viewer)
    page = client.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "ida@example.dk" in html and "Markeret som spam" in html
    assert client.post(f"{LIST}delete/{row.pk}/").status_code in (302, 403)
    assert SuppressedAddress.objects.exists()  # viewing is not lifting

    client.logout()
    lifter = admin_user("kommune2", "view_subscriber", "change_subscriber")
    client.force_login(lifter)
    confirm = client.get(f"{LIST}delete/{row.pk}/")
    assert confirm.status_code == 200
    assert "Skal spærringen af ida@example.dk ophæves?" in confirm.content.decode()
    assert "Ja, ophæv spærringen" in confirm.content.decode()
    assert "Ophæv spærring" in client.get(LIST).content.decode()
    assert client.post(f"{LIST}delete/{row.pk}/").status_code == 302
    assert not SuppressedAddress.objects.exists()
    entry = ModelLogEntry.objects.get(action=suppression.LIFT)
    assert entry.user_id == lifter.pk


def test_staff_suppress_an_address_by_hand_and_others_see_nothing(client, tree, staff_a):
    lifter = admin_user("kommune", "view_subscriber", "change_subscriber")
    client.force_login(lifter)
    response = client.post(f"{LIST}add/", {"address": " Bo@Example.dk "})
    assert response.status_code == 302, response.context["form"].errors
    row = SuppressedAddress.objects.get()
    assert (row.address, row.reason) == ("bo@example.dk", Reason.MANUAL)
    entry = ModelLogEntry.objects.get(action=suppression.SUPPRESS)
    assert entry.user_id == lifter.pk

    client.logout()
    client.force_login(staff_a)  # home staff without the subscriber permission
    assert client.get(LIST).status_code == 404  # access.scope: the list does not exist for them


def test_subscriber_rows_keep_their_own_status(client, tree):
    ida = make_subscriber("ida@example.dk", [tree.home_a])
    hard_bounce(client, "ida@example.dk")
    ida.refresh_from_db()
    assert ida.status == Subscriber.Status.BOUNCED
