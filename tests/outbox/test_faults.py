"""Fault tests: real ``manage.py send_digests`` processes, anymail's real Postmark backend,
a fake Postmark on 127.0.0.1. Each counts deliveries per recipient at the ESP: 0 missing,
at most one batch (SEND_BATCH messages, one email/batch request) sent twice per killed
sender, none otherwise.

Runs on SQLite (the test database is copied to a file the processes share) and on
PostgreSQL (the processes use the test database itself)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from home.models import BotilbudPage
from newsletters.models import Subscriber
from tests.conftest import make_news
from tests.fake_esp import FakePostmark
from tests.newsletters.conftest import publish

# serialized_rollback: the rows must be committed for other processes to see them; this
# reloads the root page, site and collection the migrations made, for the tests after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]
SUBSCRIBERS = 200
LEASE = 2.0  # seconds; renewed every LEASE / 4 by a live sender
# How long a test waits for a process to get going (Django's start-up, building the
# digests): generous, as a busy machine is slow to start processes. Waits, not timings.
START = 300
SEND_BATCH = 10  # messages per request to the ESP: what a killed sender may send twice


def add_subscribers(home: BotilbudPage, count: int) -> list[str]:
    emails = [f"p{n:04d}@example.dk" for n in range(count)]
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=email, status=Subscriber.Status.ACTIVE, consent_version="2026-1")
        for email in emails
    )
    Subscriber.homes.through.objects.bulk_create(
        Subscriber.homes.through(subscriber_id=subscriber.pk, botilbudpage_id=home.pk)
        for subscriber in subscribers
    )
    return emails


class World:
    """The shared database, the fake ESP and the sender processes."""

    def __init__(self, esp: FakePostmark, emails: list[str], tmp_path: Path):
        self.esp = esp
        self.emails = emails
        db = connection.settings_dict
        if connection.vendor == "sqlite":
            self.sqlite_path = tmp_path / "shared.sqlite3"
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM INTO '{self.sqlite_path}'")
            self.database_url = f"sqlite:///{self.sqlite_path}"
        else:
            self.sqlite_path = None
            password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
            self.database_url = (
                f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            )

    def sender(self, **env) -> subprocess.Popen:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.outbox.mail_settings",
            "DATABASE_URL": self.database_url,
            "DATABASE_CONN_MAX_AGE": "0",
            "FAKE_ESP_URL": self.esp.url,
            "MAIL_LEASE": str(LEASE),
            "MAIL_PAUSE": "1",
            "MAIL_CLAIM_SIZE": "25",
            "MAIL_BATCH_SIZE": "50",
            "MAIL_SEND_BATCH": str(SEND_BATCH),
            **{key: str(value) for key, value in env.items()},
        }
        return subprocess.Popen(
            [sys.executable, "manage.py", "send_digests"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, **env) -> subprocess.CompletedProcess:
        process = self.sender(**env)
        stdout, stderr = process.communicate(timeout=START * 2)
        assert process.returncode == 0, stderr
        return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)

    def query(self, sql: str) -> list[tuple]:
        if self.sqlite_path:
            with sqlite3.connect(self.sqlite_path, timeout=20) as db:
                return db.execute(sql).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    def statuses(self) -> dict[str, int]:
        return dict(
            self.query("SELECT status, COUNT(*) FROM newsletters_digestmail GROUP BY status")
        )

    def send_log(self) -> list[str]:
        return [row[0] for row in self.query("SELECT status FROM outbox_sendrun ORDER BY id")]

    def service(self) -> tuple:
        rows = self.query("SELECT problem, failing_since FROM outbox_mailservice WHERE id = 1")
        return rows[0] if rows else ("", None)

    def missing(self) -> int:
        return sum(1 for email in self.emails if self.esp.deliveries[email] == 0)

    def duplicates(self) -> int:
        return sum(count - 1 for count in self.esp.deliveries.values() if count > 1)


@pytest.fixture
def world(tree, tmp_path):
    publish(make_news(tree.home_a, "Sommerfest"))
    emails = add_subscribers(tree.home_a, SUBSCRIBERS)
    with FakePostmark(delay=0.005) as esp:
        yield World(esp, emails, tmp_path)


def test_kill_9_mid_run_re_sends_at_most_the_one_batch_in_flight(world):
    sender = world.sender()
    world.esp.wait_for(SUBSCRIBERS * 3 // 10, timeout=START)
    sender.send_signal(signal.SIGKILL)
    sender.wait(timeout=30)
    assert world.send_log() == ["running"]  # as the killed process left it
    assert 0 < world.statuses().get("sent", 0) < SUBSCRIBERS
    time.sleep(LEASE + 0.5)  # the dead sender's lease runs out; nothing renews it
    world.run()
    assert world.missing() == 0
    assert world.duplicates() <= SEND_BATCH  # the one request in flight, at most
    assert world.statuses() == {"sent": SUBSCRIBERS}
    assert world.send_log() == ["killed", "finished"]


def test_sigterm_mid_run_finishes_the_mail_in_hand_and_sends_nothing_twice(world):
    sender = world.sender()
    world.esp.wait_for(SUBSCRIBERS * 3 // 10, timeout=START)
    sender.send_signal(signal.SIGTERM)
    _stdout, stderr = sender.communicate(timeout=30)
    assert sender.returncode == 0, stderr
    assert world.send_log() == ["stopped"]
    statuses = world.statuses()
    assert "sending" not in statuses  # the mail in hand was recorded, the rest given back
    assert statuses["sent"] == world.esp.delivered
    world.run()  # at once: nothing waits for a lease
    assert world.missing() == 0
    assert world.duplicates() == 0
    assert world.statuses() == {"sent": SUBSCRIBERS}
    assert world.send_log() == ["stopped", "finished"]


@pytest.mark.parametrize("senders", [2, 4])
def test_concurrent_senders_send_each_digest_once(world, senders):
    processes = [world.sender() for _ in range(senders)]
    for process in processes:
        _stdout, stderr = process.communicate(timeout=START * 2)
        assert process.returncode == 0, stderr  # no deadlock, no lock timeout
    assert world.missing() == 0
    assert world.duplicates() == 0
    assert world.statuses() == {"sent": SUBSCRIBERS}
    assert world.send_log() == ["finished"] * senders
    assert max(world.esp.batches) == SEND_BATCH  # sent in batches, not one by one


@pytest.mark.parametrize(
    ("fault", "problem"),
    [("500", "down"), ("timeout", "down"), ("401", "key"), ("422", "account")],
)
def test_an_outage_pauses_keeps_every_row_and_the_next_run_sends_the_rest(world, fault, problem):
    sender = world.sender(MAIL_ESP_TIMEOUT=0.3)
    world.esp.wait_for(50, timeout=START)
    if fault == "timeout":
        world.esp.hang(1.0, for_seconds=1.5)
    else:
        world.esp.fail(int(fault), seconds=1.5)
    _stdout, stderr = sender.communicate(timeout=START)
    assert sender.returncode == 0, stderr
    assert world.send_log() == ["paused"]
    statuses = world.statuses()
    assert "failed" not in statuses and "sending" not in statuses
    assert statuses["sent"] < SUBSCRIBERS
    assert world.service()[0] == problem
    assert stderr.count("sending paused until") == 1  # one clear line, not one per mail

    time.sleep(2.0)  # the outage is over, and so is the pause
    world.run()
    assert world.missing() == 0
    assert world.duplicates() == 0
    assert world.statuses() == {"sent": SUBSCRIBERS}
    assert world.service() == ("", None)


def test_a_slow_esp_is_not_overtaken_by_the_next_run(world):
    """Each claim takes far longer to send than the lease: a live sender renews it, so a
    second run started meanwhile takes nothing back and nothing goes out twice.

    The ESP stays slow until the second run has started (however long a busy machine takes
    to start it): 0.5 s per message, 2 per request, so each request (1 s) stays within the
    lease (5 s here, renewed every 1.25 s) but the claim of 200 takes 100 s or more."""
    lease = 5.0
    world.esp.delay = 0.5
    first = world.sender(MAIL_CLAIM_SIZE=SUBSCRIBERS, MAIL_SEND_BATCH=2, MAIL_LEASE=lease)
    world.esp.wait_for(10, timeout=START)
    time.sleep(lease * 1.25)
    second = world.sender(MAIL_SEND_BATCH=2, MAIL_LEASE=lease)
    deadline = time.monotonic() + START
    while len(world.send_log()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert first.poll() is None  # the first is still sending its one claim
    time.sleep(lease)  # the second run sweeps at its start, before it builds and sends
    world.esp.delay = 0.005
    _stdout, stderr = second.communicate(timeout=START * 2)
    assert second.returncode == 0, stderr
    _stdout, stderr = first.communicate(timeout=START * 2)
    assert first.returncode == 0, stderr
    # The second run began (and swept) while the first was still sending its one claim.
    (overlap,) = world.query(
        "SELECT COUNT(*) FROM outbox_sendrun AS first, outbox_sendrun AS second "
        "WHERE second.id > first.id AND second.started_at < first.finished_at"
    )
    assert overlap == (1,)
    assert world.missing() == 0
    assert world.duplicates() == 0
    assert world.send_log() == ["finished", "finished"]
