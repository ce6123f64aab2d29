"""``/healthz``: what a load balancer or monitor asks. No personal data, no settings."""

from __future__ import annotations

import logging
import time
import uuid

from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .heartbeat import SHARED_CACHE, worker_status

logger = logging.getLogger("samspil.ops")


def _timed(check) -> dict:
    start = time.perf_counter()
    try:
        result = check() or {}
        ok = result.pop("ok", True)
    except Exception:
        logger.exception("health check failed", extra={"check": check.__name__})
        result, ok = {}, False
    return {"ok": ok, "ms": round((time.perf_counter() - start) * 1000, 1), **result}


def database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def cache() -> dict:
    key, value = "ops:healthz", uuid.uuid4().hex
    shared = caches[SHARED_CACHE]
    shared.set(key, value, 30)
    return {"ok": shared.get(key) == value}


def worker() -> dict:
    return worker_status()


@never_cache
@require_safe
def healthz(request):
    """200 when the database, the shared cache and a worker answer; 503 when one does not
    (a worker that has not beaten in five minutes, not one that just started)."""
    checks = {"database": _timed(database), "cache": _timed(cache)}
    checks["worker"] = _timed(worker) if checks["cache"]["ok"] else {"ok": False}
    ok = all(check["ok"] for check in checks.values())
    if not ok:
        logger.warning("unhealthy", extra={"checks": checks})
    return JsonResponse({"status": "ok" if ok else "fail", **checks}, status=200 if ok else 503)
