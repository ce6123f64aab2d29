"""One digest per person per period across all followed homes; empty ones are not sent."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from newsletters.digests import build_digests
from newsletters.models import DigestMail, DigestRun, Subscriber, period_key
from newsletters.sending import run_digests
from tests.conftest import make_call, make_event, make_home, make_image, make_news

from .conftest import make_subscriber, publish


@pytest.fixture
def third_home(tree):
    return make_home(tree.front, "Kærhuset")


def fill_homes(tree, *homes):
    image = make_image("Have")
    for home in homes:
        publish(make_news(home, f"Sommerfest på {home.title}", image=image))
        publish(make_event(home, f"Koncert på {home.title}", organiser=tree.organisation))
        publish(make_call(home, f"Hjælp i haven på {home.title}"))


def test_person_following_three_homes_gets_one_digest(tree, third_home):
    fill_homes(tree, tree.home_a, tree.home_b, third_home)
    make_subscriber("ida@example.dk", [tree.home_a, tree.home_b, third_home])
    run = run_digests()
    assert (run.queued, run.sent, run.skipped_empty, run.failed) == (1, 1, 0, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    for home in (tree.home_a, tree.home_b, third_home):
        assert f"Sommerfest på {home.title}" in message.body
        assert f"Koncert på {home.title}" in html
        assert f"Hjælp i haven på {home.title}" in html
    assert message.subject == (
        "Nyt fra Engbo, Kærhuset og 1 andet botilbud: 3 nyheder, 3 arrangementer, 3 frivilligopslag"
    )
    assert 'lang="da"' in html
    assert 'alt="' in html
    assert "prefers-color-scheme: dark" in html
    assert "Tønder Idrætsforening" in message.body  # the organiser
    assert "Afmeld nyhedsbrevet" in message.body


def test_list_unsubscribe_headers(tree):
    fill_homes(tree, tree.home_a)
    make_subscriber("ida@example.dk", [tree.home_a])
    run_digests()
    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = (part.strip() for part in headers["List-Unsubscribe"].split(","))
    assert https.startswith("<http") and "/nyhedsbrev/afmeld/" in https
    assert mailto.startswith("<mailto:afmeld@samspil.example?subject=afmeld%20")
    serialized = mail.outbox[0].message().as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in serialized


def test_nothing_new_means_no_mail(tree):
    make_subscriber("ida@example.dk", [tree.home_b])
    fill_homes(tree, tree.home_a)  # news only at a home Ida does not follow
    run = run_digests()
    assert (run.queued, run.sent, run.skipped_empty) == (0, 0, 1)
    assert mail.outbox == []
    assert DigestMail.objects.count() == 0


def test_old_news_is_not_new(tree):
    news = publish(make_news(tree.home_a, "Gammel nyhed"))
    long_ago = timezone.now() - dt.timedelta(days=60)
    type(news).objects.filter(pk=news.pk).update(first_published_at=long_ago)
    make_subscriber("ida@example.dk", [tree.home_a])
    assert run_digests().skipped_empty == 1
    assert mail.outbox == []


def test_second_run_in_the_same_period_sends_nothing_and_next_period_only_new(tree):
    fill_homes(tree, tree.home_a)
    make_subscriber("ida@example.dk", [tree.home_a])
    now = timezone.now()
    assert run_digests(now=now).sent == 1
    assert run_digests(now=now + dt.timedelta(minutes=5)).recipients == 0
    assert len(mail.outbox) == 1
    next_week = now + dt.timedelta(days=7)
    assert run_digests(now=next_week).skipped_empty == 1  # nothing published since
    assert len(mail.outbox) == 1


def test_paused_unsubscribed_pending_and_bounced_get_nothing(tree):
    fill_homes(tree, tree.home_a)
    for n, status in enumerate(["paused", "unsubscribed", "pending", "bounced", "complained"]):
        make_subscriber(f"p{n}@example.dk", [tree.home_a], status=status)
    assert run_digests().recipients == 0
    assert mail.outbox == []


def test_frequency_option_only_handles_that_frequency(tree):
    fill_homes(tree, tree.home_a)
    make_subscriber("daily@example.dk", [tree.home_a], frequency="daily")
    make_subscriber("monthly@example.dk", [tree.home_a], frequency="monthly")
    run = run_digests(frequency="daily")
    assert run.sent == 1
    assert mail.outbox[0].to == ["daily@example.dk"]
    monthly = Subscriber.objects.get(email="monthly@example.dk")
    assert monthly.last_digest_period == ""


def test_unpublished_home_and_private_news_are_left_out(tree):
    fill_homes(tree, tree.home_a, tree.home_b)
    make_subscriber("ida@example.dk", [tree.home_a, tree.home_b])
    tree.home_b.unpublish()
    run_digests()
    assert "Engbo" not in mail.outbox[0].body
    assert "Solgården" in mail.outbox[0].subject


def test_marker_and_outbox_row_are_written_together(tree):
    fill_homes(tree, tree.home_a)
    subscriber = make_subscriber("ida@example.dk", [tree.home_a])
    now = timezone.now()
    build_digests(frequencies=["weekly"], now=now)
    subscriber.refresh_from_db()
    row = DigestMail.objects.get()
    assert row.status == "queued"
    assert row.period_key == subscriber.last_digest_period == period_key("weekly", now)
    assert subscriber.last_digest_at == now


def test_dry_run_counts_and_writes_nothing(tree):
    fill_homes(tree, tree.home_a)
    make_subscriber("ida@example.dk", [tree.home_a])
    make_subscriber("bo@example.dk", [tree.home_b])
    out = StringIO()
    call_command("send_digests", "--dry-run", stdout=out)
    assert "would send 1, skipped empty 1" in out.getvalue()
    assert mail.outbox == []
    assert DigestMail.objects.count() == 0
    assert DigestRun.objects.count() == 0
    assert Subscriber.objects.filter(last_digest_period="").count() == 2


def test_command_prints_counts(tree):
    fill_homes(tree, tree.home_a)
    make_subscriber("ida@example.dk", [tree.home_a])
    make_subscriber("bo@example.dk", [tree.home_b])
    out = StringIO()
    call_command("send_digests", "--frequency", "weekly", stdout=out)
    assert out.getvalue().startswith("sent 1, skipped empty 1, failed 0")
    run = DigestRun.objects.get()
    assert (run.sent, run.skipped_empty, run.failed) == (1, 1, 0)
    assert run.finished_at is not None


def test_worker_task_does_the_same(tree):
    from newsletters.tasks import send_due_digests

    fill_homes(tree, tree.home_a)
    make_subscriber("ida@example.dk", [tree.home_a])
    result = send_due_digests.enqueue()
    assert result.return_value["sent"] == 1
    assert DigestRun.objects.get().trigger == "task"
    assert len(mail.outbox) == 1


def test_hostile_titles_cannot_inject_headers_or_markup(tree):
    publish(make_news(tree.home_a, "Fest\r\nBcc: victim@example.com <script>alert(1)</script>"))
    make_subscriber("ida@example.dk", [tree.home_a])
    run = run_digests()
    assert run.sent == 1
    message = mail.outbox[0]
    assert message.bcc == []
    assert "Bcc" not in message.extra_headers
    assert "<script>" not in message.alternatives[0][0]
    assert "\n" not in message.subject
