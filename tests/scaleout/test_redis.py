"""REDIS_URL: the cache and the rate limits on the real Redis, and a clear() that clears only
its own keys."""

import uuid

import pytest
import redis
from django.core.cache import cache, caches
from django.urls import reverse

from access.ratelimit import SHARED_CACHE, over_limit
from newsletters.conf import setting
from samspil.cache import RedisCache

from .conftest import CACHE_REDIS_URL


def test_rate_limits_count_on_redis(redis_caches):
    shared = caches[SHARED_CACHE]
    assert isinstance(shared, RedisCache)
    assert [over_limit("t", "a", 2, 60) for _ in range(3)] == [False, False, True]
    assert over_limit("t", "b", 2, 60) is False
    # The counter is a Redis key with the window as its expiry.
    raw = redis.Redis.from_url(CACHE_REDIS_URL)
    keys = raw.keys(f"{redis_caches}:*")
    assert len(keys) == 2
    assert all(0 < raw.ttl(key) <= 60 for key in keys)


@pytest.mark.django_db
def test_the_subscribe_limit_holds_on_redis(client, redis_caches):
    limit = setting("RATE_LIMIT_PER_IP")
    url = reverse("newsletters:subscribe")
    statuses = [client.post(url, {"email": "x"}).status_code for _ in range(limit + 1)]
    assert 429 not in statuses[:limit]
    assert statuses[limit] == 429
    raw = redis.Redis.from_url(CACHE_REDIS_URL)
    assert raw.keys(f"{redis_caches}:*newsletters:rl:*")


def test_clearing_one_cache_leaves_the_other_and_rq_alone(redis_caches):
    raw = redis.Redis.from_url(CACHE_REDIS_URL)
    foreign = f"rq:queue:scaleout-test-{uuid.uuid4().hex}"
    raw.rpush(foreign, "job")
    try:
        cache.set("page", "html", 60)
        caches[SHARED_CACHE].incr_window("counter", 60)
        assert cache.get("page") == "html"
        cache.clear()
        assert cache.get("page") is None
        assert caches[SHARED_CACHE].get("counter") == 1  # the rate limits survive
        assert raw.lrange(foreign, 0, -1) == [b"job"]  # so does everything not ours
    finally:
        raw.delete(foreign)


def test_a_cache_without_prefix_refuses_to_clear():
    bare = RedisCache(CACHE_REDIS_URL, {})
    with pytest.raises(ValueError, match="KEY_PREFIX"):
        bare.clear()
