"""/healthz: the database, the shared cache and a worker's heartbeat; JSON log lines."""

import json
import logging
import time

import pytest
from django.core.cache import caches

from ops import heartbeat
from ops.logging import JsonFormatter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_heartbeat():
    shared = caches[heartbeat.SHARED_CACHE]
    shared.delete_many([heartbeat.BEAT_KEY, heartbeat.ASKED_KEY, heartbeat.PENDING_KEY])
    yield
    shared.delete_many([heartbeat.BEAT_KEY, heartbeat.ASKED_KEY, heartbeat.PENDING_KEY])


def test_healthy_when_database_cache_and_worker_answer(client):
    # The test settings' immediate task backend is the worker: it beats at once.
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["cache"]["ok"]
    assert body["worker"]["state"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_waiting_while_no_worker_has_run_the_first_beat(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"] == {
        "ok": True,
        "state": "waiting",
        "last_beat_seconds_ago": None,
        "ms": response.json()["worker"]["ms"],
    }


def test_stale_worker_is_503(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    shared = caches[heartbeat.SHARED_CACHE]
    long_ago = time.time() - heartbeat.MAX_AGE - 120
    shared.set_many(
        {
            heartbeat.BEAT_KEY: long_ago - 600,
            heartbeat.PENDING_KEY: long_ago,
            heartbeat.ASKED_KEY: long_ago,
        }
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["worker"]["state"] == "stale"
    assert body["worker"]["last_beat_seconds_ago"] > heartbeat.MAX_AGE


def test_database_down_is_503(client, monkeypatch):
    class Broken:
        def __enter__(self):
            raise RuntimeError("database gone")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr("ops.views.connection", type("C", (), {"cursor": lambda self: Broken()})())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


def test_json_log_line_keeps_extra_fields():
    record = logging.LogRecord(
        "samspil.pagecache", logging.INFO, __file__, 1, "purged: %s", ("x",), None
    )
    record.tags = ["page:0001"]
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "purged: x"
    assert line["level"] == "INFO"
    assert line["logger"] == "samspil.pagecache"
    assert line["tags"] == ["page:0001"]
    assert line["time"].endswith("+00:00")
