"""Two workers at once on PostgreSQL never send one digest twice (SKIP LOCKED + unique key)."""

import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings

from newsletters.models import DigestMail
from newsletters.sending import run_digests
from tests.conftest import make_news

from .conftest import make_subscriber, publish

# serialized_rollback: transactional tests before this one (the browser tests) leave the
# database flushed; this reloads the root page, site and collection the migrations made.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SKIP LOCKED needs PostgreSQL (DATABASE_URL)"
)
@override_settings(
    NEWSLETTERS={"BATCH_SIZE": 7, "SEND_CHUNK": 5},
    EMAIL_BACKEND="tests.newsletters.backends.SlowBackend",
)
def test_two_workers_at_once_send_no_duplicate(tree):
    publish(make_news(tree.home_a, "Sommerfest"))
    for n in range(60):
        make_subscriber(f"p{n}@example.dk", [tree.home_a])
    errors = []
    start = threading.Barrier(2)

    def worker():
        try:
            start.wait()
            run_digests()
        except Exception as error:  # reported below; a thread's exception is otherwise lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sent = Counter(message.to[0] for message in mail.outbox)
    assert len(sent) == 60
    assert set(sent.values()) == {1}
    assert DigestMail.objects.filter(status="sent").count() == 60
