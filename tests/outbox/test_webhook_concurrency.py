"""The same webhook event delivered twice at the same moment (two ESP retries racing, on
PostgreSQL) is handled once: the second request waits on the unique index, then drops it."""

import base64
import json
import threading
import time

import pytest
from anymail.signals import tracking
from django.db import connection
from django.test import Client, override_settings

from newsletters.models import Subscriber
from outbox.models import ReceivedWebhookEvent
from tests.newsletters.conftest import make_subscriber

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SECRET = "anymail-test:webhook-secret"


def slow_receiver(sender, event, esp_name, **kwargs):
    time.sleep(0.3)  # holds the transaction open, so the two requests overlap


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
@override_settings(NEWSLETTERS={"SOFT_BOUNCE_LIMIT": 3})
def test_two_deliveries_of_one_event_at_once_count_once(tree):
    ida = make_subscriber("ida@example.dk", [tree.home_a])
    payload = json.dumps(
        {
            "RecordType": "Bounce",
            "Type": "SoftBounce",
            "ID": 77,
            "Email": "ida@example.dk",
            "BouncedAt": "2026-05-01T10:00:00Z",
        }
    )
    auth = "Basic " + base64.b64encode(SECRET.encode()).decode()
    statuses, errors = [], []
    start = threading.Barrier(2)

    def deliver():
        try:
            start.wait()
            response = Client().post(
                "/anymail/postmark/tracking/",
                payload,
                content_type="application/json",
                HTTP_AUTHORIZATION=auth,
            )
            statuses.append(response.status_code)
        except Exception as error:  # reported below; a thread's exception is otherwise lost
            errors.append(error)
        finally:
            connection.close()

    tracking.connect(slow_receiver, dispatch_uid="test.slow")
    try:
        threads = [threading.Thread(target=deliver) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        tracking.disconnect(dispatch_uid="test.slow")
    assert errors == []
    assert statuses == [200, 200]
    ida.refresh_from_db()
    assert (ida.status, ida.soft_bounces) == (Subscriber.Status.ACTIVE, 1)
    assert ReceivedWebhookEvent.objects.count() == 1
