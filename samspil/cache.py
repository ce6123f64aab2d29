"""The shared cache: what every web process must see alike, rate-limit counters above all.

Django's own backends count with ``add()`` then ``incr()``. ``DatabaseCache.incr`` is a read
followed by a write (BaseCache.incr: get, then set), so two processes that read the same value
both write value + 1 and one hit is lost; ``RedisCache.incr`` checks that the key exists and then
INCRs, so a key that expires between the two comes back without a timeout and never expires. Each
backend here adds ``incr_window(key, window)``: count one hit on a fixed window that starts with
the key's first hit, atomically across processes, and return the count so far.
"""

import base64
import pickle
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache.backends import db, redis
from django.db import connections, models, router, transaction
from django.utils import timezone


class DatabaseCache(db.DatabaseCache):
    """Django's database cache with an atomic window counter, and culling that spares live rows.

    Atomic because the counter's row is read and written in one transaction holding its lock:
    ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the connection opens every transaction with
    ``BEGIN IMMEDIATE`` (samspil/settings/base.py), which takes the database's write lock first.
    """

    def incr_window(self, key: str, window: int) -> int:
        key = self.make_and_validate_key(key)
        db_alias = router.db_for_write(self.cache_model_class)
        connection = connections[db_alias]
        quote = connection.ops.quote_name
        table = quote(self._table)
        cache_key, value_column, expires = quote("cache_key"), quote("value"), quote("expires")
        now = timezone.now().replace(microsecond=0)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db_alias), connection.cursor() as cursor:
            # Two first hits at once: one row is inserted, the other insert waits and does
            # nothing, and both go on to the locked read below.
            cursor.execute(
                f"INSERT INTO {table} ({cache_key}, {value_column}, {expires}) "  # noqa: S608
                f"VALUES (%s, %s, %s) ON CONFLICT ({cache_key}) DO NOTHING",
                [key, self._encode(0), self._adapt(connection, now + timedelta(seconds=window))],
            )
            if cursor.rowcount == 1:
                # A new counter: the table only grows here, so here is where it is swept.
                self._delete_expired(connection, cursor, now)
            cursor.execute(
                f"SELECT {value_column}, {expires} FROM {table} "  # noqa: S608
                f"WHERE {cache_key} = %s{lock}",
                [key],
            )
            stored, stored_expires = cursor.fetchone()
            window_ends = self._to_datetime(connection, stored_expires)
            if window_ends <= now:  # an old window: this hit starts the next one
                count, window_ends = 1, now + timedelta(seconds=window)
            else:
                stored = connection.ops.process_clob(stored)
                count = pickle.loads(base64.b64decode(stored.encode())) + 1  # noqa: S301 (our rows)
            cursor.execute(
                f"UPDATE {table} SET {value_column} = %s, {expires} = %s "  # noqa: S608
                f"WHERE {cache_key} = %s",
                [self._encode(count), self._adapt(connection, window_ends), key],
            )
        return count

    def _cull(self, db, cursor, now, num):
        """Past MAX_ENTRIES Django deletes a third of the rows, live counters included, so a
        flood of new identities would reset everyone's limits. Only expired rows go here."""
        self._delete_expired(connections[db], cursor, now)

    def _encode(self, value) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    @staticmethod
    def _adapt(connection, moment: datetime):
        if not settings.USE_TZ:
            moment = timezone.make_naive(moment, UTC)
        return connection.ops.adapt_datetimefield_value(moment)

    @staticmethod
    def _to_datetime(connection, value) -> datetime:
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(
            expression
        ) + expression.get_db_converters(connection):
            value = converter(value, expression, connection)
        if timezone.is_naive(value):
            value = timezone.make_aware(value, UTC)
        return value

    def _delete_expired(self, connection, cursor, now: datetime) -> None:
        quote = connection.ops.quote_name
        cursor.execute(
            f"DELETE FROM {quote(self._table)} WHERE {quote('expires')} < %s",  # noqa: S608
            [self._adapt(connection, now)],
        )


class RedisCache(redis.RedisCache):
    """Django's Redis cache with an atomic window counter: SET NX EX and INCR in one MULTI."""

    def incr_window(self, key: str, window: int) -> int:
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        pipeline = client.pipeline(transaction=True)
        pipeline.set(key, 0, ex=window, nx=True)
        pipeline.incr(key)
        return int(pipeline.execute()[1])

    def clear(self) -> bool:
        """Django's RedisCache.clear() is FLUSHDB: the whole database, the other cache's keys
        and RQ's queues with it. This deletes the keys of this cache's KEY_PREFIX only."""
        if not self.key_prefix:
            raise ValueError("A Samspil Redis cache needs a KEY_PREFIX to clear only its own keys.")
        client = self._cache.get_client(None, write=True)
        pattern = f"{self.key_prefix}:*"
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
        return True
