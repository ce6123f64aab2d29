"""Dialog fixtures: two connected relatives of Solgården, one of Engbo, one unconnected
person, and staff of each home."""

import pytest
from django.contrib.auth import get_user_model

from dialog.models import Membership
from home.services import ensure_home_staff_access


def make_relative(email: str, *homes, status=Membership.Status.APPROVED):
    user = get_user_model().objects.create_user(username=email, email=email)
    user.set_unusable_password()
    user.save()
    for home in homes:
        Membership.objects.create(
            relative=user, botilbud=home, relation="Søster til en beboer", status=status
        )
    return user


@pytest.fixture
def relative_a(tree):
    return make_relative("anna.relative@example.dk", tree.home_a)


@pytest.fixture
def relative_b(tree):
    return make_relative("bo.relative@example.dk", tree.home_a)


@pytest.fixture
def relative_engbo(tree):
    return make_relative("erik.relative@example.dk", tree.home_b)


@pytest.fixture
def outsider(tree):
    return make_relative("ulla.udenfor@example.dk")


@pytest.fixture
def staff_b(tree):
    user = get_user_model().objects.create_user("medarbejder-b", "b@example.dk", "adgangskode-b")
    user.groups.add(ensure_home_staff_access(tree.home_b).group)
    return user
