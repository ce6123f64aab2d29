"""Fixed-window counters in Django's cache, for the subscribe form."""

import hashlib

from django.core.cache import cache


def client_address(request) -> str:
    """Who is asking, for the limits. REMOTE_ADDR is the proxy's address behind a proxy; the
    deployment sets it from the proxy's header (gunicorn --forwarded-allow-ips), never from a
    header a client controls."""
    return request.META.get("REMOTE_ADDR", "")


def over_limit(scope: str, identity: str, limit: int, window: int) -> bool:
    """Count one attempt for ``identity``; True once it has made more than ``limit``."""
    digest = hashlib.sha256(identity.encode("utf-8", "replace")).hexdigest()[:32]
    key = f"newsletters:rl:{scope}:{digest}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, window)
        count = 1
    return count > limit
