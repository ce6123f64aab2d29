"""Errors by scope, through anymail's real Postmark backend and a fake Postmark: one
recipient's error fails one row; the service's errors pause every sender, keep every row
and tell the admins; one connection carries a whole run."""

import datetime as dt
import smtplib

import pytest
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.core.mail import BadHeaderError
from django.utils import timezone

from newsletters.models import DigestMail
from newsletters.sending import Digests, run_digests, send_queued
from outbox import sender
from outbox.errors import Scope, classify
from outbox.models import MailService, SendRun
from tests.conftest import make_news
from tests.newsletters.conftest import make_subscriber, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def six(tree):
    publish(make_news(tree.home_a, "Sommerfest"))
    return [make_subscriber(f"p{n}@example.dk", [tree.home_a]) for n in range(6)]


def test_an_inactive_recipient_fails_one_row_and_one_connection_carries_the_run(esp, six):
    esp.inactive.add("p2@example.dk")
    run = run_digests()
    assert (run.sent, run.retried, run.failed) == (5, 0, 1)
    failed = DigestMail.objects.get(status="failed")
    assert failed.to_email == "p2@example.dk"
    assert "AnymailRecipientsRefused" in failed.error
    assert esp.connections == 1  # one keep-alive connection for the run
    assert esp.paths == {"/email/batch": 1}  # six messages, one request
    assert run.send.status == "finished"
    # Each row keeps the id the ESP gave its own message.
    ids = DigestMail.objects.filter(status="sent").values_list("esp_message_id", flat=True)
    assert len(set(ids)) == 5 and not any(i.startswith("<") for i in ids)


def test_batches_carry_at_most_send_batch_messages_and_one_request_per_row_without(
    esp, six, settings
):
    settings.OUTBOX = {**getattr(settings, "OUTBOX", {}), "SEND_BATCH": 4}
    run = run_digests()
    assert run.sent == 6
    assert esp.paths == {"/email/batch": 2}  # 4 + 2
    assert esp.batches == [4, 2]

    DigestMail.objects.all().delete()
    from newsletters.models import Subscriber

    Subscriber.objects.update(last_digest_period="", last_digest_at=None)
    esp.reset()
    settings.OUTBOX = {**getattr(settings, "OUTBOX", {}), "SEND_BATCH": 1}
    assert run_digests().sent == 6
    assert esp.paths == {"/email": 6}  # Postmark's single endpoint, one message each
    assert esp.connections == 1


def test_an_account_answer_to_a_batch_pauses_and_keeps_every_row(esp, six):
    esp.fail(422)  # "Your account is pending approval." for the whole request
    run = run_digests()
    assert (run.sent, run.failed, run.retried) == (0, 0, 6)
    assert run.send.status == "paused"
    assert MailService.objects.get(pk=1).problem == "account"
    assert DigestMail.objects.filter(status="retry").count() == 6


def test_a_refused_key_pauses_keeps_every_row_and_tells_the_admins(esp, six, admin_client):
    now = timezone.now()
    esp.fail(401)
    run = run_digests(now=now)
    assert (run.sent, run.failed) == (0, 0)
    assert run.send.status == "paused"
    assert DigestMail.objects.filter(status__in=["queued", "retry"]).count() == 6
    state = MailService.objects.get(pk=1)
    assert state.problem == "key"
    assert state.paused_until == now + dt.timedelta(seconds=60)
    dashboard = admin_client.get("/admin/").content.decode()
    assert "Mailtjenesten afviser vores nøgle – intet er sendt siden" in dashboard

    # While paused, no sender asks the ESP again; the pause doubles while it lasts.
    requests = esp.requests
    assert send_queued(now=now + dt.timedelta(seconds=30)).paused
    assert esp.requests == requests
    send_queued(now=now + dt.timedelta(seconds=61))
    state.refresh_from_db()
    assert state.paused_until == now + dt.timedelta(seconds=61 + 120)
    assert esp.requests == requests + 1

    esp.heal()
    assert send_queued(now=now + dt.timedelta(hours=1)).sent == 6
    assert not DigestMail.objects.exclude(status="sent").exists()
    state.refresh_from_db()
    assert (state.problem, state.pauses, state.paused_until) == ("", 0, None)
    assert state.last_sent_at is not None
    assert "Mailtjenesten" not in admin_client.get("/admin/").content.decode()


@pytest.mark.parametrize(
    ("error", "scope"),
    [
        (AnymailRecipientsRefused(), Scope.RECIPIENT),
        (AnymailAPIError("Invalid 'To' address: 'x@'", status_code=422), Scope.RECIPIENT),
        (AnymailAPIError("Your account is pending approval.", status_code=422), Scope.ACCOUNT),
        (AnymailAPIError("Invalid 'From' address: 'x'", status_code=422), Scope.ACCOUNT),
        (AnymailAPIError("bad token", status_code=401), Scope.KEY),
        (AnymailAPIError("forbidden", status_code=403), Scope.KEY),
        (AnymailAPIError("slow down", status_code=429), Scope.DOWN),
        (AnymailAPIError("oops", status_code=502), Scope.DOWN),
        (AnymailAPIError("too big", status_code=413), Scope.MESSAGE),
        (BadHeaderError("newline"), Scope.MESSAGE),
        (smtplib.SMTPRecipientsRefused({"a@b.dk": (550, b"no such user")}), Scope.RECIPIENT),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), Scope.KEY),
        (smtplib.SMTPDataError(451, b"try later"), Scope.DOWN),
        (smtplib.SMTPServerDisconnected("gone"), Scope.DOWN),
        (TimeoutError("slow"), Scope.DOWN),
        (RuntimeError("odd"), Scope.UNKNOWN),
    ],
)
def test_errors_are_told_apart_by_scope(error, scope):
    assert classify(error) is scope


def test_a_timeout_inside_anymail_is_an_outage():
    import requests

    try:
        try:
            raise requests.ReadTimeout("read timed out")
        except requests.ReadTimeout as cause:
            raise AnymailAPIError("Error posting to Postmark") from cause
    except AnymailAPIError as error:
        assert classify(error) is Scope.DOWN


def test_a_live_sender_renews_its_lease_and_the_sweeper_leaves_it(six, settings):
    settings.NEWSLETTERS = {**settings.NEWSLETTERS, "SENDING_LEASE": 60}
    run_digests(now=timezone.now() - dt.timedelta(days=1), trigger="test")  # builds + sends
    DigestMail.objects.update(status="queued")
    live = sender.Sender(Digests())
    rows = live.claim(6)
    assert len(rows) == 6
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    DigestMail.objects.update(claimed_at=an_hour_ago)  # as if the claim were old
    live.renewed -= 3600
    live.renew_if_due()
    assert sender.take_back(Digests(), timezone.now()) == 0  # renewed: still the sender's
    DigestMail.objects.update(claimed_at=an_hour_ago)  # now it stopped renewing: dead
    assert sender.take_back(Digests(), timezone.now()) == 6
    assert set(DigestMail.objects.values_list("status", flat=True)) == {"retry"}


def test_a_run_without_heartbeat_is_marked_killed(six):
    dead = SendRun.objects.create(
        outbox="digests", heartbeat_at=timezone.now() - dt.timedelta(hours=1)
    )
    alive = SendRun.objects.create(outbox="digests")
    sender.take_back(Digests(), timezone.now())
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, alive.status) == ("killed", "running")


def test_the_send_log_shows_a_killed_run_as_such(admin_client):
    from newsletters.models import DigestRun

    killed = SendRun.objects.create(outbox="digests", status=SendRun.Status.KILLED)
    DigestRun.objects.create(send=killed)
    response = admin_client.get("/admin/snippets/newsletters/digestrun/")
    assert response.status_code == 200
    assert "Afbrudt" in response.content.decode()
