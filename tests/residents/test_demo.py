"""The demo residents (residents/fixtures/demo.json): various consents, once only."""

import pytest
from django.contrib.auth import get_user_model

from home.services import ensure_home_staff_access
from residents.demo import seed_demo_residents
from residents.models import Resident
from residents.visibility import HOME, photos_for, public_photos, resident_album

from ..conftest import make_news
from .conftest import make_relative

pytestmark = pytest.mark.django_db


def test_demo_residents_cover_every_consent_and_run_once(tree):
    tree.home_a.slug = "solgaarden"
    tree.home_a.save()
    staff = get_user_model().objects.create_user("solgaarden", "s@example.dk", "x")
    staff.groups.add(ensure_home_staff_access(tree.home_a).group)
    karen = make_relative("karen.jensen@example.dk", tree.home_a)
    make_news(tree.home_a, "Nyt fra Solgården")

    assert seed_demo_residents() > 0
    levels = {r.first_name: r.consent_level for r in Resident.objects.all()}
    assert levels == {
        "Jens": "netvaerk",
        "Maria": "offentligt",
        "Ahmed": "botilbud",
        "Lise": "ingen",
    }
    captions = {photo.caption for photo in public_photos()}
    assert captions == {"Maria på stranden ved Rømø", "Havet en stille dag"}
    assert "Frokost i klitterne" in {
        p.caption for p in photos_for(HOME, botilbud_id=tree.home_a.pk)
    }
    jens = Resident.objects.get(first_name="Jens")
    entries = resident_album(jens, karen)
    assert entries[0].text == "Jens har plantet tomater i orangeriet i dag"
    assert entries[0].photo is not None
    assert seed_demo_residents() == 0
