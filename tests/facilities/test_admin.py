"""Staff add facilities for their own home only, in the Wagtail admin."""

import pytest
from django.urls import reverse

from facilities.models import Facility

pytestmark = pytest.mark.django_db


def facility_form(home, **overrides) -> dict:
    data = {
        "botilbud": str(home.pk),
        "name": "Værksted",
        "description": "Træværksted med høvlebænke.",
        "capacity": "6",
        "max_booking_hours": "3",
        "shared": "on",
        "bookable_by_staff": "on",
        "opening_hours-TOTAL_FORMS": "1",
        "opening_hours-INITIAL_FORMS": "0",
        "opening_hours-MIN_NUM_FORMS": "0",
        "opening_hours-MAX_NUM_FORMS": "1000",
        "opening_hours-0-weekday": "0",
        "opening_hours-0-opens": "08:00",
        "opening_hours-0-closes": "20:00",
        "opening_hours-0-ORDER": "1",
        "opening_hours-0-id": "",
    }
    for prefix in ("pictures", "closed_dates"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def test_staff_add_a_facility_for_their_own_home_only(client, tree, staff_a):
    client.force_login(staff_a)
    add = reverse("facilities_admin:add")
    response = client.post(add, facility_form(tree.home_b))
    assert response.status_code == 200  # the form again, with the error
    assert not Facility.objects.exists()
    response = client.post(add, facility_form(tree.home_a))
    assert response.status_code == 302
    facility = Facility.objects.get()
    assert facility.botilbud_id == tree.home_a.pk
    assert facility.opening_hours.count() == 1


def test_markup_in_a_facility_text_is_refused(client, tree, staff_a):
    client.force_login(staff_a)
    data = facility_form(tree.home_a, description="<script>alert(1)</script>")
    response = client.post(reverse("facilities_admin:add"), data)
    assert response.status_code == 200
    assert "uden HTML-koder" in response.content.decode()
    assert not Facility.objects.exists()
