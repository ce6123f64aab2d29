import pytest

from facilities.demo import seed_demo_facilities
from facilities.models import Booking, Facility

pytestmark = pytest.mark.django_db


def test_demo_facilities_and_bookings_are_seeded_once(tree):
    tree.home_a.slug, tree.home_b.slug = "solgaarden", "engbo"
    tree.home_a.save()
    tree.home_b.save()
    tree.organisation.slug = "toender-idraetsforening"
    tree.organisation.save()
    assert seed_demo_facilities() == 7
    assert Facility.objects.filter(botilbud=tree.home_a).count() == 2
    assert Booking.objects.approved().count() == 3
    public = Booking.objects.get(public_event=True)
    assert public.organisation == tree.organisation
    assert public.event is not None and public.event.live
    assert seed_demo_facilities() == 0
