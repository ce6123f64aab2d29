"""Two people taking the last place at the same moment: one gets it, the other waits."""

import threading
import time

import pytest
from django.db import connection

from participation import services
from participation.models import EventSignup, EventSignupQuerySet

# serialized_rollback: transactional tests before this one (the browser tests) leave the
# database flushed; this reloads the root page, site and collection the migrations made.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL)"
)
def test_two_sign_ups_for_the_last_seat_at_once(tree, monkeypatch):
    from tests.conftest import make_event

    event = make_event(tree.home_a, "Sidste plads", signup_enabled=True, capacity=1)
    counted = EventSignupQuerySet.seats_taken

    def slow_count(self, event_id):
        # Without the event's row lock both would count 0 taken seats here.
        taken = counted(self, event_id)
        time.sleep(0.3)
        return taken

    monkeypatch.setattr(EventSignupQuerySet, "seats_taken", slow_count)
    start = threading.Barrier(2)
    errors = []

    def sign_up(email):
        try:
            start.wait()
            services.sign_up_for_event(event, name=email, email=email)
        except Exception as error:  # reported below; a thread's exception is otherwise lost
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=sign_up, args=(f"{name}@example.dk",)) for name in ("a", "b")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    statuses = sorted(EventSignup.objects.values_list("status", flat=True))
    assert statuses == [EventSignup.Status.CONFIRMED, EventSignup.Status.WAITLISTED]
