"""Rate limits hold across processes, count exactly, and trust X-Forwarded-For only when told."""

import datetime as dt
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from access.ratelimit import SHARED_CACHE, client_address, over_limit
from newsletters.conf import setting
from samspil.cache import DatabaseCache, RedisCache

REPO_ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PROCESSES, HITS, LIMIT = 2, 40, 50


def request_from(remote_addr: str, forwarded_for: str | None = None):
    headers = {"headers": {"X-Forwarded-For": forwarded_for}} if forwarded_for else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


# -- the client address -----------------------------------------------------------------------


def test_forged_forwarded_for_is_ignored_by_default():
    assert client_address(request_from("203.0.113.9", "10.0.0.1")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (1, "198.51.100.20", "198.51.100.20"),
        # A client that writes its own header only moves its lie further left.
        (1, "6.6.6.6, 198.51.100.20", "198.51.100.20"),
        (2, "6.6.6.6, 198.51.100.20, 10.0.0.2", "198.51.100.20"),
        (2, "198.51.100.20", "203.0.113.9"),  # fewer hops than proxies: the peer itself
        (1, "", "203.0.113.9"),
        (1, "not-an-address", "203.0.113.9"),
        (1, "2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        (1, "::ffff:198.51.100.20", "198.51.100.20"),
    ],
)
def test_trusted_proxies_name_the_client(settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(request_from("203.0.113.9", forwarded_for)) == expected


def test_ipv6_clients_count_by_their_64_network():
    first = client_address(request_from("2001:db8:1:2::1"))
    assert first == client_address(request_from("2001:db8:1:2:ffff:ffff:ffff:ffff"))
    assert first != client_address(request_from("2001:db8:1:3::1"))


@pytest.mark.django_db
def test_subscribe_limit_cannot_be_dodged_with_forwarded_for(client):
    limit = setting("RATE_LIMIT_PER_IP")
    url = reverse("newsletters:subscribe")
    statuses = [
        client.post(url, {"email": "x"}, headers={"X-Forwarded-For": f"10.0.{n}.1"}).status_code
        for n in range(limit + 1)
    ]
    assert 429 not in statuses[:limit]
    assert statuses[limit] == 429


# -- the counters ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_default_shared_cache_is_the_atomic_database_cache():
    assert isinstance(caches[SHARED_CACHE], DatabaseCache)
    assert [over_limit("t", "a", 2, 60) for _ in range(3)] == [False, False, True]
    assert over_limit("t", "b", 2, 60) is False  # identities count apart


@pytest.mark.django_db
def test_a_window_ends_and_the_next_starts_from_one(monkeypatch):
    shared = caches[SHARED_CACHE]
    start = timezone.now()
    assert [shared.incr_window("w", 60) for _ in range(3)] == [1, 2, 3]
    assert shared.get("w") == 3  # an ordinary cache entry
    monkeypatch.setattr("samspil.cache.timezone.now", lambda: start + dt.timedelta(seconds=61))
    assert shared.incr_window("w", 60) == 1
    assert shared.incr_window("w", 60) == 2


@pytest.mark.django_db
def test_culling_never_drops_a_live_counter(monkeypatch):
    shared = DatabaseCache("samspil_shared_cache", {"OPTIONS": {"MAX_ENTRIES": 2}})
    assert shared.incr_window("victim", 600) == 1
    for n in range(6):  # Django's culling would delete a third of the rows each time
        shared.set(f"filler-{n}", n, 600)
    assert shared.incr_window("victim", 600) == 2
    # Expired rows do go, when a new counter is made.
    later = timezone.now() + dt.timedelta(seconds=601)
    monkeypatch.setattr("samspil.cache.timezone.now", lambda: later)
    shared.incr_window("newcomer", 600)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM samspil_shared_cache")
        keys = {row[0].split(":")[-1] for row in cursor.fetchall()}
    assert keys == {"newcomer"}


def test_redis_counter_counts_and_expires():
    shared = RedisCache(REDIS_URL, {"KEY_PREFIX": f"samspil-test-{uuid.uuid4().hex}"})
    assert [shared.incr_window("r", 60) for _ in range(3)] == [1, 2, 3]
    key = shared.make_and_validate_key("r")
    client = shared._cache.get_client(key, write=True)
    assert 0 < client.ttl(key) <= 60  # a counter always has its window's end
    client.delete(key)
    assert shared.incr_window("r", 60) == 1


# -- two processes, one limit ----------------------------------------------------------------


def _worker_database_url(tmp_path: Path) -> str:
    """The database the test's own connection uses, as a DATABASE_URL for another process."""
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        parts = urlsplit(os.environ["DATABASE_URL"])
        return urlunsplit(parts._replace(path="/" + quote(settings["NAME"])))
    # The SQLite test database lives in this process's memory: share a file instead, with the
    # table that `make migrate` (createcachetable) makes.
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    subprocess.run(
        [sys.executable, "manage.py", "createcachetable"],
        cwd=REPO_ROOT,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "samspil.settings.test"},
        check=True,
        timeout=120,
    )
    return url


def _race(env: dict[str, str]) -> list[dict]:
    scope = f"race-{uuid.uuid4().hex}"
    start = time.time() + 4  # every worker has set Django up and connected by then
    command = [sys.executable, "-m", "tests.security.ratelimit_worker", scope]
    workers = [
        subprocess.Popen(  # noqa: S603 (our own interpreter and module, fixed arguments)
            [*command, str(LIMIT), str(HITS), str(start)],
            cwd=REPO_ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "samspil.settings.test", **env},
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    outcomes = []
    for worker in workers:
        out, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    return outcomes


def _assert_one_limit(outcomes: list[dict]) -> None:
    assert sum(o["allowed"] for o in outcomes) == LIMIT
    assert sum(o["refused"] for o in outcomes) == PROCESSES * HITS - LIMIT
    assert all(o["allowed"] > 0 for o in outcomes), "each process counted against the one limit"


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_one_limit_in_the_database(tmp_path):
    """PROCESSES × HITS hits at the same moment against one limit: exactly LIMIT get through,
    so no process's count was lost (PostgreSQL when DATABASE_URL names it, else SQLite)."""
    outcomes = _race({"DATABASE_URL": _worker_database_url(tmp_path), "REDIS_URL": ""})
    _assert_one_limit(outcomes)


def test_two_processes_share_one_limit_in_redis():
    outcomes = _race({"REDIS_URL": REDIS_URL})
    _assert_one_limit(outcomes)
