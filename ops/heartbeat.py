"""The worker's heartbeat, through whatever task backend is configured.

The health check asks for a beat (a task) at most once a minute; any worker that runs it
writes the time into the shared cache, which every web process reads. It works the same for
django-tasks' database worker and for RQ workers: it only needs a task to be run.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import caches
from django_tasks import task

logger = logging.getLogger("samspil.ops")

SHARED_CACHE = "shared"
BEAT_KEY = "ops:worker-heartbeat"
ASKED_KEY = "ops:worker-heartbeat-asked"
# When the oldest ask still unanswered was made.
PENDING_KEY = "ops:worker-heartbeat-pending"
ASK_EVERY = 60
# A beat older than this, asked for before this, means no worker is running the queue.
MAX_AGE = 300


@task(queue_name="default")
def beat() -> float:
    """Runs on a worker: say it is alive. Running it twice does no harm."""
    now = time.time()
    caches[SHARED_CACHE].set(BEAT_KEY, now, None)
    return now


def worker_status() -> dict:
    """The last beat's age; asks for a new beat when the last ask is a minute old. "waiting"
    while an ask made less than five minutes ago is unanswered (a worker just started)."""
    store = caches[SHARED_CACHE]
    now = time.time()
    found = store.get_many([BEAT_KEY, PENDING_KEY, ASKED_KEY])
    beat_at, pending, asked = (found.get(k) for k in (BEAT_KEY, PENDING_KEY, ASKED_KEY))
    if pending is not None and beat_at is not None and beat_at >= pending:
        pending = None
        store.delete(PENDING_KEY)
    if asked is None or now - asked >= ASK_EVERY:
        store.set(ASKED_KEY, now, None)
        if pending is None:
            pending = now
            store.set(PENDING_KEY, now, None)
        beat.enqueue()
        beat_at = store.get(BEAT_KEY)  # an immediate backend has run it already
    age = None if beat_at is None else round(max(0.0, now - beat_at), 1)
    if age is not None and age <= MAX_AGE:
        state = "ok"
    elif pending is not None and now - pending < MAX_AGE:
        state = "waiting"
    else:
        state = "stale"
    return {"ok": state != "stale", "state": state, "last_beat_seconds_ago": age}
