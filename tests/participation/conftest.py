import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from home.services import ensure_home_staff_access
from tests.conftest import make_call, make_event


@pytest.fixture
def event(tree):
    """A sign-up event at Solgården with two seats, in three days."""
    return make_event(
        tree.home_a,
        "Sommerfest",
        start=timezone.now() + dt.timedelta(days=3),
        signup_enabled=True,
        capacity=2,
        max_party_size=3,
    )


@pytest.fixture
def call(tree):
    return make_call(
        tree.home_a, "Gåtur-ven", people_needed=1, contact_email="kontakt@solgaarden.dk"
    )


@pytest.fixture
def staff_b(tree):
    user = get_user_model().objects.create_user("medarbejder-b", "b@example.dk", "adgangskode-b")
    user.groups.add(ensure_home_staff_access(tree.home_b).group)
    return user


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (outbox sends) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def signup_data(**overrides) -> dict:
    data = {
        "signup-name": "Karen Jensen",
        "signup-email": "karen@example.dk",
        "signup-party_size": "1",
        "signup-note": "",
        "signup-consent": "on",
        "signup-website": "",
    }
    data.update(overrides)
    return data
