"""The outbox never loses a digest and never sends one twice: retries, failures, crashes."""

import datetime as dt
import smtplib
from collections import Counter

import pytest
from anymail.exceptions import AnymailAPIError
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from newsletters.models import DigestMail
from newsletters.sending import run_digests, send_queued
from tests.conftest import make_news

from .backends import Crash, scripted
from .conftest import link_path, make_subscriber, publish


@pytest.fixture
def six_subscribers(tree):
    publish(make_news(tree.home_a, "Sommerfest"))
    return [make_subscriber(f"p{n}@example.dk", [tree.home_a]) for n in range(6)]


def recipients() -> Counter:
    return Counter(message.to[0] for message in mail.outbox)


def test_a_timeout_pauses_the_run_and_keeps_every_row_for_the_next_attempt(six_subscribers):
    now = timezone.now()
    with override_settings(EMAIL_BACKEND=scripted({2: ConnectionResetError("reset")})):
        run = run_digests(now=now)
    assert (run.sent, run.retried, run.failed) == (1, 1, 0)
    assert run.send.status == "paused"
    row = DigestMail.objects.get(status="retry")
    assert row.attempts == 1
    assert row.next_attempt_at == now + dt.timedelta(seconds=60)  # the pause
    assert "ConnectionResetError" in row.error
    assert row.body.body_html  # the shared content; links are filled in when it is sent
    assert DigestMail.objects.filter(status="queued").count() == 4  # given back, untouched

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        assert send_queued(now=now + dt.timedelta(seconds=30)).sent == 0  # paused still
        assert send_queued(now=now + dt.timedelta(seconds=61)).sent == 5
    row.refresh_from_db()
    assert (row.status, row.attempts, row.error) == ("sent", 2, "")
    assert row.esp_message_id == row.message_id
    assert set(recipients().values()) == {1}
    assert len(recipients()) == 6


def test_an_unknown_error_is_retried_with_backoff_and_run_goes_on(six_subscribers):
    now = timezone.now()
    with override_settings(EMAIL_BACKEND=scripted({2: RuntimeError("odd")})):
        run = run_digests(now=now)
    assert (run.sent, run.retried, run.failed) == (5, 1, 0)
    row = DigestMail.objects.get(status="retry")
    assert row.next_attempt_at == now + dt.timedelta(seconds=60)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        assert send_queued(now=now + dt.timedelta(seconds=30)).sent == 0  # not yet due
        assert send_queued(now=now + dt.timedelta(seconds=61)).sent == 1
    assert sorted(recipients().values()) == [1] * 6


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"p1@example.dk": (550, b"no such user")}),
        AnymailAPIError("Invalid 'To' address: p1@example", status_code=422),
    ],
)
def test_permanent_error_marks_the_row_failed_and_the_run_goes_on(six_subscribers, error):
    with override_settings(EMAIL_BACKEND=scripted({1: error})):
        run = run_digests()
    assert (run.sent, run.retried, run.failed) == (5, 0, 1)
    assert DigestMail.objects.filter(status="failed").count() == 1
    assert DigestMail.objects.filter(status="sent").count() == 5


def test_too_many_attempts_fail_for_good(six_subscribers):
    with override_settings(
        EMAIL_BACKEND=scripted({"*": RuntimeError("odd")}), NEWSLETTERS={"MAX_ATTEMPTS": 2}
    ):
        now = timezone.now()
        run_digests(now=now)
        send_queued(now=now + dt.timedelta(days=1))
    # Five unknown errors in a row look like an outage: the sixth waits, not failed.
    assert DigestMail.objects.filter(status="failed").count() == 5


def test_esp_outage_mid_run_loses_nothing_and_the_next_run_resumes(six_subscribers):
    outage = {n: AnymailAPIError("503", status_code=503) for n in range(3, 100)}
    now = timezone.now()
    with override_settings(EMAIL_BACKEND=scripted(outage)):
        run = run_digests(now=now)
    assert run.sent == 2
    assert DigestMail.objects.filter(status="sent").count() == 2
    assert DigestMail.objects.exclude(status="sent").count() == 4
    assert not DigestMail.objects.filter(status="failed").exists()

    later = now + dt.timedelta(hours=1)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        run_digests(now=later)
    assert DigestMail.objects.filter(status="sent").count() == 6
    assert sorted(recipients().values()) == [1] * 6


@override_settings(NEWSLETTERS={"BATCH_SIZE": 2, "SEND_CHUNK": 2})
def test_crash_while_building_then_rerun_sends_each_exactly_once(six_subscribers, monkeypatch):
    from newsletters import digests

    real = digests.DigestRenderer.render
    calls = {"n": 0}

    def render_then_crash(self, recipient, sections):
        calls["n"] += 1
        if calls["n"] == 4:  # in the second batch: the first batch is committed, this is not
            raise Crash
        return real(self, recipient, sections)

    monkeypatch.setattr(digests.DigestRenderer, "render", render_then_crash)
    with pytest.raises(Crash):
        run_digests()
    assert DigestMail.objects.count() == 2
    monkeypatch.setattr(digests.DigestRenderer, "render", real)
    run_digests()
    assert DigestMail.objects.count() == 6
    assert sorted(recipients().values()) == [1] * 6


@override_settings(NEWSLETTERS={"SEND_CHUNK": 4})
def test_crash_while_sending_then_rerun_sends_each_exactly_once(six_subscribers):
    now = timezone.now()
    with override_settings(EMAIL_BACKEND=scripted({3: Crash()})), pytest.raises(Crash):
        run_digests(now=now)
    assert len(mail.outbox) == 2
    statuses = Counter(DigestMail.objects.values_list("status", flat=True))
    # Two went out, one was in flight when the process stopped, the rest are queued again.
    assert statuses == {"sent": 2, "sending": 1, "queued": 3}

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        run_digests(now=now + dt.timedelta(minutes=1))
        assert DigestMail.objects.filter(status="sending").count() == 1  # lease not over
        run_digests(now=now + dt.timedelta(minutes=20))
    assert DigestMail.objects.filter(status="sent").count() == 6
    assert sorted(recipients().values()) == [1] * 6


def test_content_is_stored_once_and_links_are_personal(tree):
    """Followers of the same homes share one stored body; each mail still carries its own
    signed links, filled in when it is sent."""
    from newsletters.digests import MANAGE_SLOT, UNSUBSCRIBE_SLOT
    from newsletters.models import DigestBody

    publish(make_news(tree.home_a, "Sommerfest"))
    for n in range(3):
        make_subscriber(f"same{n}@example.dk", [tree.home_a])
    make_subscriber("both@example.dk", [tree.home_a, tree.home_b])
    publish(make_news(tree.home_b, "Banko"))
    assert run_digests().sent == 4
    assert DigestBody.objects.count() == 2
    assert DigestMail.objects.values("body").distinct().count() == 2
    shared = DigestBody.objects.exclude(body_html__contains="Banko").get()
    assert shared.mails.count() == 3
    assert MANAGE_SLOT in shared.body_html and UNSUBSCRIBE_SLOT in shared.body_text
    manage_links = set()
    for message in mail.outbox:
        html = message.alternatives[0].content
        assert MANAGE_SLOT not in html and UNSUBSCRIBE_SLOT not in message.body
        manage_links.add(link_path(message.body, "indstillinger"))
        assert max(len(line.encode()) for line in html.splitlines()) <= 998
    assert len(manage_links) == 4
