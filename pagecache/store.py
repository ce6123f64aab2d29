"""The page cache's store: entries, tags, purges.

An entry is one anonymous response to one address (host, path, query) on one local date, so
"upcoming" lists turn over at midnight by themselves. Each entry carries tags: ``page:<pk>``
for the page that rendered it, ``under:<pk>`` for each of that page's ancestors, the page
type's topic tags (``events``, ``organisations``) and ``site`` (menus, footer, settings).
A purge stamps a tag with the time; an entry stored from a request that began before any
of its tags' stamps is stale. That stays right when a render that started before a publish
is stored after it, and when another process or machine purged (the stamps live in the
same cache as the entries).

The common case costs two cache reads per hit: the entry and the purge generation. Only
when something was purged since the entry was stored are its tags' stamps read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

logger = logging.getLogger("samspil.pagecache")

GENERATION_KEY = "pagecache:generation"
# Raised when what an entry holds changes meaning (2: forms with blank tokens, no placeholder),
# so entries stored by the previous release are never served by this one.
ENTRY_FORMAT = 2
# A stamp outlives every entry it can make stale.
STAMP_GRACE = 60


def config() -> dict:
    defaults = {
        "ENABLED": True,
        "CACHE": "pages",
        "TIMEOUT": 600,
        "SHARED_MAX_AGE": 60,
        "MAX_QUERY_LENGTH": 200,
    }
    return {**defaults, **getattr(settings, "PAGECACHE", {})}


def page_cache():
    return caches[config()["CACHE"]]


@dataclass
class Entry:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    etag: str
    tags: list[str]
    started: float
    generation: int
    has_csrf: bool  # holds forms (their CSRF tokens blank: js/csrf.js fills them)
    shared_max_age: int = field(default=0)


def entry_key(host: str, path: str, query: str, today: dt.date | None = None) -> str:
    today = today or timezone.localdate()
    digest = hashlib.sha256(f"{host}\n{path}\n{query}".encode()).hexdigest()
    return f"pagecache:entry:{ENTRY_FORMAT}:{today.isoformat()}:{digest}"


def stamp_key(tag: str) -> str:
    return f"pagecache:stamp:{tag}"


def seconds_to_midnight(now: dt.datetime | None = None) -> int:
    now = timezone.localtime(now)
    midnight = timezone.make_aware(
        dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time.min),
        now.tzinfo,
    )
    return max(1, int((midnight - now).total_seconds()))


def lookup(key: str) -> tuple[Entry | None, int]:
    """The entry at ``key`` when none of its tags was purged after its render began, and the
    purge generation now (a miss stores it with its entry: read before the render, it makes
    a purge during the render show)."""
    store = page_cache()
    found = store.get_many([key, GENERATION_KEY])
    entry, current = found.get(key), found.get(GENERATION_KEY, 0)
    if entry is None or entry.generation == current:
        return entry, current
    stamps = store.get_many([stamp_key(tag) for tag in entry.tags])
    if any(stamp >= entry.started for stamp in stamps.values()):
        store.delete(key)
        return None, current
    return entry, current


def put(key: str, entry: Entry, timeout: int) -> bool:
    """Keep ``entry`` unless one of its tags was purged while it was being rendered."""
    store = page_cache()
    stamps = store.get_many([stamp_key(tag) for tag in entry.tags])
    if any(stamp >= entry.started for stamp in stamps.values()):
        return False
    store.set(key, entry, timeout)
    return True


def purge_tags(tags: set[str], reason: str = "") -> None:
    """Make every entry carrying one of ``tags`` stale, in every process that shares the cache."""
    if not tags:
        return
    store = page_cache()
    now = time.time()
    timeout = config()["TIMEOUT"] + STAMP_GRACE
    store.set_many({stamp_key(tag): now for tag in tags}, timeout)
    # The generation tells readers that some stamp changed; add-then-incr is atomic in Redis
    # and in one process; elsewhere a lost increment only makes readers check stamps later.
    store.add(GENERATION_KEY, 0, None)
    try:
        store.incr(GENERATION_KEY)
    except ValueError:
        store.set(GENERATION_KEY, 1, None)
    logger.info("page cache purged: %s", reason, extra={"tags": sorted(tags)})
