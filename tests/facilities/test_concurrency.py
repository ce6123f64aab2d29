"""Two staff members approving overlapping requests at the same moment: one wins, the other
is told the time is taken, and never are both approved."""

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction

from facilities import services
from facilities.models import Booking

from .conftest import at, make_booking

# serialized_rollback: transactional tests before this one leave the database flushed; this
# reloads the root page, site and collection the migrations made.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint needs PostgreSQL"
)


def race(first, second, staff, monkeypatch, *, lock: bool = True):
    """Approve both at once; the overlap check sleeps, so without serialisation both
    would see the time as free."""
    exists = services.Booking.objects.none().__class__.exists

    def slow_exists(self):
        found = exists(self)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(type(Booking.objects.all()), "exists", slow_exists)
    if not lock:
        # Without the facility's row lock only the database's constraint is left.
        monkeypatch.setattr(
            services,
            "_locked_facility",
            lambda pk: services.Facility.objects.select_related("botilbud").get(pk=pk),
        )
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def approve(booking):
        try:
            barrier.wait()
            services.approve_booking(booking, user=staff)
            outcomes.append("approved")
        except services.BookingConflict:
            outcomes.append("conflict")
        except Exception as error:  # reported below; a thread's exception is otherwise lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(b,)) for b in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes), errors


@on_postgresql
@pytest.mark.parametrize("lock", [True, False], ids=["row-lock", "constraint-only"])
def test_two_approvals_at_once_on_postgresql(facility, staff_a, monkeypatch, lock):
    first = make_booking(facility, at(2, 10), at(2, 12))
    second = make_booking(facility, at(2, 11), at(2, 13))
    outcomes, errors = race(first, second, staff_a, monkeypatch, lock=lock)
    assert errors == []
    assert outcomes == ["approved", "conflict"]
    assert Booking.objects.approved().count() == 1


@on_postgresql
def test_the_exclusion_constraint_refuses_overlapping_approved_rows(facility):
    make_booking(facility, at(2, 10), at(2, 12), status=Booking.Status.APPROVED)
    make_booking(facility, at(2, 11), at(2, 13))  # a request may overlap
    make_booking(facility, at(2, 12), at(2, 14), status=Booking.Status.APPROVED)  # back to back
    with pytest.raises(IntegrityError), transaction.atomic():
        make_booking(facility, at(2, 11), at(2, 13), status=Booking.Status.APPROVED)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock")
def test_two_approvals_at_once_on_sqlite():
    """On a database file, in a process of its own (see sqlite_race.py)."""
    script = Path(__file__).with_name("sqlite_race.py")
    done = subprocess.run(  # noqa: S603 (our own script, no outside input)
        [sys.executable, str(script)], capture_output=True, text=True, timeout=600, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"outcomes": ["approved", "conflict"], "errors": [], "approved": 1}
