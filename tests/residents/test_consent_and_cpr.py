"""Consent history is append-only and logged; CPR-like text is refused in resident names,
posts, captions and relations, with a Danish message and never a 500."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from residents import services
from residents.models import ConsentLevel, PhotoConsent, Resident, ResidentPost

from .conftest import GIVEN, upload

pytestmark = pytest.mark.django_db
CPR = "Jens 010190-1234"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_consent_history_is_append_only_and_every_change_logged(tree, people):
    per = people["per"]
    services.record_consent(
        people["staff_a"], per, ConsentLevel.HOME, PhotoConsent.GivenBy.GUARDIAN
    )
    services.withdraw_consent(people["staff_a"], per, GIVEN)
    assert per.consent_level == ConsentLevel.NONE
    assert list(per.consents.values_list("level", flat=True)) == ["ingen", "botilbud", "offentligt"]
    first = per.consents.last()
    first.level = ConsentLevel.PUBLIC
    with pytest.raises(ValidationError):
        first.save()
    with pytest.raises(ValidationError):
        first.delete()
    entries = ModelLogEntry.objects.filter(action="residents.consent", object_id=str(per.pk))
    assert entries.count() == 3
    assert entries.order_by("-timestamp", "-pk").first().data["to"] == "ingen"
    assert entries.first().user == people["staff_a"]


def test_only_the_home_staff_change_consent(tree, people):
    with pytest.raises(PermissionDenied):
        services.record_consent(people["staff_b"], people["per"], ConsentLevel.PUBLIC, GIVEN)
    with pytest.raises(PermissionDenied):
        services.record_consent(people["network_a"], people["anna"], ConsentLevel.PUBLIC, GIVEN)
    url = reverse("residents_admin_consent", args=[people["per"].pk])
    assert login(people["staff_b"]).get(url).status_code == 403
    staff = login(people["staff_a"])
    assert staff.get(url).status_code == 200
    response = staff.post(
        url, {"level": "netvaerk", "given_by": "vaerge", "given_on": "2026-11-30", "note": ""}
    )
    assert response.status_code == 302
    assert people["per"].consent_level == ConsentLevel.NETWORK
    assert staff.post(url, {"level": "alle", "given_by": "x"}).status_code == 200
    assert people["per"].consent_level == ConsentLevel.NETWORK


@pytest.mark.parametrize(
    "call",
    [
        lambda s, p, t: services.create_resident(s, t.home_a.pk, CPR),
        lambda s, p, t: services.create_resident(s, t.home_a.pk, "Jens", "0101901234"),
        lambda s, p, t: services.write_post(s, p["per"], "Per (010190 1234) var i haven"),
        lambda s, p, t: services.save_photo(s, t.home_a.pk, upload(), caption=CPR),
        lambda s, p, t: services.request_connection(p["home_relative"], p["per"], CPR),
        lambda s, p, t: services.record_consent(s, p["per"], "ingen", GIVEN, note=CPR),
    ],
)
def test_cpr_like_text_is_refused_everywhere(tree, people, call):
    before = (Resident.objects.count(), ResidentPost.objects.count())
    with pytest.raises(ValidationError) as error:
        call(people["staff_a"], people, tree)
    assert error.value.code in ("cpr", "invalid")
    assert (Resident.objects.count(), ResidentPost.objects.count()) == before


def test_cpr_in_admin_forms_is_a_danish_400(tree, people, photo_of):
    staff = login(people["staff_a"])
    response = staff.post(
        reverse("residents_admin_index"),
        {"botilbud": tree.home_a.pk, "first_name": CPR, "level": "ingen", "given_by": "beboer"},
    )
    assert response.status_code == 400
    assert "CPR-nummer" in response.content.decode()
    response = staff.post(
        reverse("residents_admin_post", args=[people["per"].pk]), {"text": "Ring 0101901234"}
    )
    assert response.status_code == 200 and "CPR-nummer" in response.content.decode()
    assert not ResidentPost.objects.exists()
    photo = photo_of(people["per"])
    response = staff.post(reverse("residents_admin_photo", args=[photo.pk]), {"caption": CPR})
    assert "CPR-nummer" in response.content.decode()
    photo.refresh_from_db()
    assert photo.caption == ""


def test_staff_write_a_post_with_the_resident(tree, people):
    staff = login(people["staff_a"])
    url = reverse("residents_admin_post", args=[people["anna"].pk])
    response = staff.post(
        url, {"text": "Anna har plantet tomater i orangeriet i dag", "written_with_resident": "on"}
    )
    assert response.status_code == 302
    post = ResidentPost.objects.get()
    assert post.written_with_resident and post.written_by == people["staff_a"]
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(post.pk)).exists()
    assert login(people["staff_b"]).post(url, {"text": "x"}).status_code == 403


def test_staff_admin_screens_are_danish(tree, people, photo_of):
    from ..test_admin_english_words import ENGLISH, visible_text

    photo = photo_of(people["per"])
    PhotoReport = photo.reports.model
    PhotoReport.objects.create(photo=photo, reporter=people["home_relative"], reason="Fjern")
    staff = login(people["staff_a"])
    for url in (
        reverse("residents_admin_index"),
        reverse("residents_admin_consent", args=[people["per"].pk]),
        reverse("residents_admin_post", args=[people["per"].pk]),
        reverse("residents_admin_upload"),
        reverse("residents_admin_photos"),
        reverse("residents_admin_photo", args=[photo.pk]),
        reverse("residents_admin_reports"),
    ):
        response = staff.get(url)
        assert response.status_code == 200, url
        found = ENGLISH.findall(visible_text(response.content.decode()))
        assert not found, (url, found)
