"""Fixed-window rate limits (sign-in links, subscribe, sign-up, posting), shared by all processes.

The counters live in the "shared" cache (samspil/cache.py: the database by default, Redis when
REDIS_URL is set), so a limit holds however many web processes or servers answer the requests.
"""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import caches

SHARED_CACHE = "shared"
# One IPv6 customer is handed a /64 (or more); counting single addresses would give them 2**64.
IPV6_PREFIX = 64


def client_address(request) -> str:
    """Who is asking, as the limits count them: the client's IP address (an IPv6 client by its
    /64 network).

    Behind ``TRUSTED_PROXY_COUNT`` proxies of our own, each proxy appends the address it was
    reached from to X-Forwarded-For, so the client is the entry that many places from the right:
    whatever a client writes into the header itself stands further left and is never read.
    Without that setting the header is ignored and REMOTE_ADDR, the connecting peer, is used.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies:
            address = hops[-proxies]
    return _limit_identity(address) or request.META.get("REMOTE_ADDR", "")


def _limit_identity(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def over_limit(scope: str, identity: str, limit: int, window: int) -> bool:
    """Count one attempt for ``identity``; True once it has made more than ``limit`` in the
    ``window`` seconds since its first attempt. On the database cache the hit is part of the
    caller's transaction: ask before opening one that may roll back."""
    digest = hashlib.sha256(identity.encode("utf-8", "replace")).hexdigest()[:32]
    key = f"newsletters:rl:{scope}:{digest}"
    return caches[SHARED_CACHE].incr_window(key, window) > limit
