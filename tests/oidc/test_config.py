"""Without a provider process: what is shown and answered when the providers are switched
off or on, the claims Samspil reads and drops, the start-up check, and query budgets."""

import pytest
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.test import override_settings

from home.models import HomeStaffAccess
from home.services import ensure_home_staff_access
from oidc import claims
from oidc.models import DirectoryMapping
from oidc.services import sync_staff_homes

FULL = {
    "CLIENT_ID": "samspil",
    "CLIENT_SECRET": "hemmeligt",
    "AUTHORIZATION_ENDPOINT": "https://login.example/authorize",
    "TOKEN_ENDPOINT": "https://login.example/token",
    "USERINFO_ENDPOINT": "https://login.example/userinfo",
    "JWKS_ENDPOINT": "https://login.example/keys",
}
BOTH_ON = {"staff": {**FULL, "LABEL": "Tønder Kommune"}, "relative": FULL}
BOTH_OFF = {"staff": {}, "relative": {}}


@pytest.mark.django_db
@override_settings(SAMSPIL_OIDC=BOTH_OFF)
def test_switched_off_no_buttons_and_no_endpoints(client):
    assert "oidc-sign-in" not in client.get("/dialog/log-ind/").content.decode()
    assert "oidc-sign-in" not in client.get("/admin/login/").content.decode()
    for path in ("/log-ind/personale/start/", "/log-ind/mitid/svar/?code=a&state=b"):
        assert client.get(path).status_code == 404


@pytest.mark.django_db
@override_settings(SAMSPIL_OIDC=BOTH_ON)
def test_switched_on_buttons_on_both_sign_in_pages(client):
    relatives = client.get("/dialog/log-ind/", {"next": "/dialog/"}).content.decode()
    assert 'href="/log-ind/mitid/start/?next=%2Fdialog%2F"' in relatives
    assert "Log ind med MitID" in relatives
    admin = client.get("/admin/login/", {"next": "/admin/pages/"}).content.decode()
    assert "Log ind med Tønder Kommune" in admin
    assert 'href="/log-ind/personale/start/?next=%2Fadmin%2Fpages%2F"' in admin
    # The password form stays beside it.
    assert 'name="password"' in admin


@pytest.mark.django_db
@override_settings(SAMSPIL_OIDC={"staff": BOTH_ON["staff"], "relative": {}})
def test_each_provider_is_switched_on_by_itself(client):
    assert "oidc-sign-in" not in client.get("/dialog/log-ind/").content.decode()
    assert "Log ind med Tønder Kommune" in client.get("/admin/login/").content.decode()
    assert client.get("/log-ind/mitid/start/").status_code == 404
    start = client.get("/log-ind/personale/start/", {"next": "https://evil.example/"})
    assert start.status_code == 302
    assert start["Location"].startswith("https://login.example/authorize?")
    assert "code_challenge=" in start["Location"] and "nonce=" in start["Location"]
    assert start["Cache-Control"].startswith("max-age=0")
    assert client.session["oidc_login_next"] == ""


@pytest.mark.django_db
def test_password_sign_in_works_beside_the_providers(client, staff_a):
    with override_settings(SAMSPIL_OIDC=BOTH_ON):
        response = client.post(
            "/admin/login/", {"username": "medarbejder-a", "password": "adgangskode-a"}
        )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == staff_a.pk


def test_half_made_configuration_fails_the_check():
    with override_settings(SAMSPIL_OIDC={"staff": {"CLIENT_ID": "x"}, "relative": {}}):
        errors = [e for e in run_checks() if e.id == "oidc.E001"]
    assert len(errors) == 1
    assert "OIDC_STAFF_TOKEN_ENDPOINT" in errors[0].msg
    with override_settings(SAMSPIL_OIDC=BOTH_ON):
        assert not [e for e in run_checks() if e.id == "oidc.E001"]


@pytest.mark.parametrize(
    "name",
    ["cpr", "cprNumberIdentifier", "dk.cpr", "mitid.cpr_number", "nin", "eidas:nin", "CPR"],
)
def test_personal_number_claims_are_dropped(name):
    assert claims.without_personal_numbers({name: "0101804321", "sub": "x"}) == {"sub": "x"}


def test_other_claims_are_kept():
    kept = {"sub": "x", "name": "Karen", "given_name": "K", "nickname": "Kaj", "groups": []}
    assert claims.without_personal_numbers(kept) == kept


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["a", "b", " c "], {"a", "b", "c"}),
        ("a", {"a"}),
        (None, set()),
        ({"a": 1}, set()),
        (42, set()),
        (["a", 7, None, "", "x" * 300], {"a"}),
    ],
)
def test_group_claim_is_read_defensively(value, expected):
    assert claims.group_values({"groups": value}, "groups") == expected


def test_person_name_from_name_or_parts():
    assert claims.person_name({"name": "Karen Marie Nørgaard"}) == ("Karen Marie", "Nørgaard")
    assert claims.person_name({"given_name": "Bo", "family_name": "Holm"}) == ("Bo", "Holm")
    assert claims.person_name({"name": 17}) == ("", "")


@pytest.mark.django_db
def test_sync_costs_the_same_for_one_home_and_many(tree, django_assert_max_num_queries):
    """Directory groups → homes: with the homes' editor groups made, a sign-in costs the
    same queries for 1 home as for 6 (the page tree is not walked per home)."""
    from tests.conftest import make_home

    homes = [tree.home_a, tree.home_b] + [make_home(tree.front, f"Bo {n}") for n in range(4)]
    for home in homes:
        ensure_home_staff_access(home)
        DirectoryMapping.objects.create(claim_value=f"g{home.pk}", botilbud=home)
    one = get_user_model().objects.create(username="en")
    many = get_user_model().objects.create(username="mange")
    with django_assert_max_num_queries(11) as one_queries:
        sync_staff_homes(one, {f"g{tree.home_a.pk}"})
    with django_assert_max_num_queries(11) as many_queries:
        sync_staff_homes(many, {f"g{home.pk}" for home in homes})
    assert len(many_queries) <= len(one_queries)
    assert HomeStaffAccess.objects.filter(group__user=many).count() == 6
    with django_assert_max_num_queries(11):
        sync_staff_homes(many, set())
    assert not HomeStaffAccess.objects.filter(group__user=many).exists()


@pytest.mark.django_db
def test_a_relative_deleting_their_data_deletes_their_mitid_link(tree):
    from dialog.privacy import delete_relative
    from oidc.models import ExternalIdentity

    relative = get_user_model().objects.create(username="relative-x")
    relative.set_unusable_password()
    relative.save()
    ExternalIdentity.objects.create(provider="relative", subject="mitid-sub", user=relative)
    delete_relative(relative)
    assert not ExternalIdentity.objects.exists()


@pytest.mark.django_db
@override_settings(SAMSPIL_OIDC=BOTH_ON)
def test_starting_sign_in_is_rate_limited(client, monkeypatch):
    from oidc import views

    monkeypatch.setattr(views, "START_LIMIT", 3)
    for _attempt in range(3):
        assert client.get("/log-ind/mitid/start/").status_code == 302
    response = client.get("/log-ind/mitid/start/")
    assert response.status_code == 429
    assert "Vent lidt" in response.content.decode()


@pytest.mark.django_db
def test_directory_mapping_is_for_municipal_admins_only(client, tree, staff_a):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.dk", "pw")
    listing = "/admin/snippets/oidc/directorymapping/"
    client.force_login(staff_a)
    assert client.get(listing).status_code in (302, 403, 404)
    client.force_login(admin)
    assert client.get(listing).status_code == 200
    response = client.post(
        listing + "add/",
        {"claim_value": "sg-solgaarden", "botilbud": tree.home_a.pk, "role": "leader"},
    )
    assert response.status_code == 302
    mapping = DirectoryMapping.objects.get()
    assert (mapping.botilbud_id, mapping.role) == (tree.home_a.pk, "leader")
    duplicate = client.post(
        listing + "add/",
        {"claim_value": "sg-solgaarden", "botilbud": tree.home_a.pk, "role": "leader"},
    )
    assert duplicate.status_code == 200  # the form again, with the error
    assert DirectoryMapping.objects.count() == 1
