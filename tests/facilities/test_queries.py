"""The facility page's week calendar costs the same queries with 5 bookings as with 2,000."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from facilities.models import Booking

from .conftest import at

pytestmark = pytest.mark.django_db


def add_bookings(facility, count: int, first: int = 0) -> None:
    """Two-hour bookings back to back from tomorrow at 08:00, both approved and asked for."""
    start = at(1, 8)
    Booking.objects.bulk_create(
        Booking(
            facility=facility,
            kind="relative",
            name=f"Person {n}",
            email=f"p{n}@example.dk",
            for_whom="Familien",
            purpose="Bad",
            start=start + dt.timedelta(hours=2 * n),
            end=start + dt.timedelta(hours=2 * n + 2),
            status=Booking.Status.APPROVED if n % 2 else Booking.Status.REQUESTED,
        )
        for n in range(first, first + count)
    )


def queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_availability_costs_constant_queries(client, facility, django_assert_max_num_queries):
    url = reverse("facilities:detail", args=[facility.pk])
    add_bookings(facility, 5)
    small = queries(client, url)
    add_bookings(facility, 1995, first=5)
    assert Booking.objects.count() == 2000
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200
    assert "Optaget" in response.content.decode()
    assert queries(client, url) == small
    assert small <= 12


def test_a_home_page_looks_up_its_facilities_only_when_it_lends_some_out(client, tree):
    from facilities.models import Facility

    lent = Facility.objects.create(botilbud=tree.home_a, name="Sansehaven", description="-")
    kept = Facility.objects.create(
        botilbud=tree.home_b, name="Værkstedet", description="-", shared=False
    )
    lending, not_lending = queries(client, tree.home_a.url), queries(client, tree.home_b.url)
    assert lending == not_lending + 1
    lending_page = client.get(tree.home_a.url).content.decode()
    assert reverse("facilities:detail", args=[lent.pk]) in lending_page
    other_page = client.get(tree.home_b.url).content.decode()
    assert reverse("facilities:detail", args=[kept.pk]) not in other_page
    assert "Værkstedet" not in other_page
