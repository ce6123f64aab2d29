"""Sign-in with the municipality's identity provider (staff) and MitID (relatives), against
a real OpenID Connect provider in a second process (see conftest)."""

import json
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import management
from django.test import Client
from wagtail.models import ModelLogEntry, Page

from access.rules import staff_home_ids
from access.scope import scope_queryset
from dialog.models import HomeDialogSettings
from home.models import HomeStaffAccess, NewsPage
from home.services import ensure_home_staff_access
from oidc.models import DirectoryMapping, ExternalIdentity

from .conftest import callback_path, log_in_at_provider, sign_in, start

pytestmark = pytest.mark.django_db(transaction=False)

CPR = "0101804321"
User = get_user_model()


def _staff_homes(user) -> set[int]:
    return set(
        HomeStaffAccess.objects.filter(group__user=user).values_list("botilbud_id", flat=True)
    )


@pytest.fixture
def mapped(tree):
    """Directory group "sg-solgaarden" → Solgården (staff), "sg-engbo-ledere" → Engbo
    (leader)."""
    DirectoryMapping.objects.create(claim_value="sg-solgaarden", botilbud=tree.home_a)
    DirectoryMapping.objects.create(
        claim_value="sg-engbo-ledere", botilbud=tree.home_b, role=DirectoryMapping.Role.LEADER
    )
    return tree


# --- Staff ----------------------------------------------------------------------------------


def test_staff_member_of_one_group_sees_only_that_home(client, providers_on, mapped):
    providers_on.person(
        "anna",
        given_name="Anna",
        family_name="Holm",
        email="anna.holm@toender.dk",
        groups=["sg-solgaarden", "alle-medarbejdere"],
    )
    response = sign_in(client, "staff", "anna")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    user = User.objects.get(email="anna.holm@toender.dk")
    assert (user.first_name, user.last_name, user.is_staff) == ("Anna", "Holm", True)
    assert not user.has_usable_password()
    assert _staff_homes(user) == {mapped.home_a.pk}
    # access.scope: of the homes' own pages (drafts, which only their staff see) the admin
    # shows Solgården's and not Engbo's; access.rules names Solgården as the one home.
    assert staff_home_ids(user) == [mapped.home_a.pk]
    draft_a = mapped.home_a.add_child(instance=NewsPage(title="Kladde A", intro="x", live=False))
    mapped.home_b.add_child(instance=NewsPage(title="Kladde B", intro="x", live=False))
    drafts = scope_queryset(user, Page.objects.filter(live=False))
    assert set(drafts.values_list("pk", flat=True)) == {draft_a.pk}
    assert user.has_perm("wagtailadmin.access_admin")
    page = client.get("/admin/")
    assert page.status_code == 200
    assert int(client.session["_auth_user_id"]) == user.pk
    edit_own = client.get(f"/admin/pages/{mapped.home_a.pk}/edit/")
    edit_other = client.get(f"/admin/pages/{mapped.home_b.pk}/edit/")
    assert edit_own.status_code == 200
    assert edit_other.status_code in (302, 403, 404)
    assert ExternalIdentity.objects.filter(provider="staff", user=user).count() == 1
    assert ModelLogEntry.objects.filter(action="samspil.oidc.sync").count() == 1


def test_group_removed_in_directory_loses_the_home(client, providers_on, mapped):
    providers_on.person("bo", email="bo@toender.dk", groups=["sg-solgaarden", "sg-engbo-ledere"])
    assert sign_in(client, "staff", "bo").status_code == 302
    user = User.objects.get(email="bo@toender.dk")
    assert _staff_homes(user) == {mapped.home_a.pk, mapped.home_b.pk}
    assert HomeDialogSettings.objects.get(botilbud=mapped.home_b).leader == user

    # The directory takes Bo out of Engbo's leaders: the next sign-in ends both rights.
    providers_on.person("bo", email="bo@toender.dk", groups=["sg-solgaarden"])
    fresh = Client()
    assert sign_in(fresh, "staff", "bo").status_code == 302
    assert _staff_homes(user) == {mapped.home_a.pk}
    assert HomeDialogSettings.objects.get(botilbud=mapped.home_b).leader is None
    entry = ModelLogEntry.objects.filter(action="samspil.oidc.sync").order_by("pk").last()
    assert entry.data["removed"] == [mapped.home_b.pk]
    assert entry.data["leader_no_more"] == [mapped.home_b.pk]

    # Out of every mapped group: no home left, and no sign-in either (Danish, 403).
    providers_on.person("bo", email="bo@toender.dk", groups=["alle-medarbejdere"])
    last = Client()
    response = sign_in(last, "staff", "bo")
    assert response.status_code == 403
    assert "giver ikke adgang til noget botilbud" in response.content.decode()
    assert _staff_homes(user) == set()
    assert "_auth_user_id" not in last.session


def test_manually_given_other_groups_stay(client, providers_on, mapped):
    """Only homes' editor groups follow the directory; a subscriber-list group stays."""
    from django.contrib.auth.models import Group

    providers_on.person("cia", email="cia@toender.dk", groups=["sg-solgaarden"])
    sign_in(client, "staff", "cia")
    user = User.objects.get(email="cia@toender.dk")
    other = Group.objects.create(name="Nyhedsbrev")
    user.groups.add(other, ensure_home_staff_access(mapped.home_b).group)
    sign_in(Client(), "staff", "cia")
    assert set(user.groups.values_list("name", flat=True)) >= {"Nyhedsbrev"}
    assert _staff_homes(user) == {mapped.home_a.pk}


def test_existing_password_staff_account_is_linked_by_address(
    client, providers_on, staff_a, mapped
):
    providers_on.person("a", email="a@example.dk", groups=["sg-solgaarden"])
    assert sign_in(client, "staff", "a").status_code == 302
    assert ExternalIdentity.objects.get(provider="staff").user == staff_a
    assert User.objects.filter(email__iexact="a@example.dk").count() == 1


def test_staff_address_of_a_relative_is_refused(client, providers_on, mapped):
    relative = User.objects.create(username="soster@example.dk", email="soster@example.dk")
    relative.set_unusable_password()
    relative.save()
    providers_on.person("soster", email="soster@example.dk", groups=["sg-solgaarden"])
    response = sign_in(client, "staff", "soster")
    assert response.status_code == 403
    assert "bruges allerede af en pårørende" in response.content.decode()
    assert _staff_homes(relative) == set()


def test_next_stays_inside_the_admin(client, providers_on, mapped):
    providers_on.person("dan", email="dan@toender.dk", groups=["sg-solgaarden"])
    response = sign_in(client, "staff", "dan", next="/admin/pages/")
    assert response["Location"] == "/admin/pages/"
    response = sign_in(Client(), "staff", "dan", next="https://evil.example/")
    assert response["Location"] == "/admin/"


# --- Relatives (MitID) ----------------------------------------------------------------------


def test_relative_via_mitid_gets_verified_name_and_no_cpr(client, providers_on, tree, caplog):
    caplog.set_level("DEBUG")
    providers_on.person("mitid-karen", given_name="Karen", family_name="Nørgaard", cpr=CPR)
    response = sign_in(client, "relative", "mitid-karen")
    assert response.status_code == 302
    assert response["Location"] == "/dialog/"
    identity = ExternalIdentity.objects.select_related("user").get(provider="relative")
    user = identity.user
    assert user.get_full_name() == "Karen Nørgaard"
    assert not user.has_usable_password() and not user.is_staff
    page = client.get("/dialog/")
    assert page.status_code == 200
    assert "Karen Nørgaard" in page.content.decode()
    # The CPR number reached Samspil's backend in two claims; it is nowhere in the database
    # (every table, dumped) and nowhere in the log.
    dump = _dump_database()
    assert CPR not in dump and CPR[:6] + "-" + CPR[6:] not in dump
    assert CPR not in caplog.text
    assert ModelLogEntry.objects.filter(action="samspil.oidc.verified_name").count() == 1


def test_relative_signed_in_by_link_gets_mitid_linked(client, providers_on, tree):
    relative = User.objects.create(username="lis@example.dk", email="lis@example.dk")
    relative.set_unusable_password()
    relative.save()
    client.force_login(relative, backend="sesame.backends.ModelBackend")
    providers_on.person("mitid-lis", given_name="Lis", family_name="Berg", cpr=CPR)
    assert sign_in(client, "relative", "mitid-lis").status_code == 302
    relative.refresh_from_db()
    assert relative.get_full_name() == "Lis Berg"
    assert ExternalIdentity.objects.get(provider="relative").user == relative
    # The next time, MitID alone finds the same account.
    fresh = Client()
    sign_in(fresh, "relative", "mitid-lis")
    assert int(fresh.session["_auth_user_id"]) == relative.pk


def test_staff_account_never_signs_in_through_mitid(client, providers_on, staff_a):
    sub = providers_on.person("mitid-anna", given_name="Anna", family_name="A")
    ExternalIdentity.objects.create(provider="relative", subject=sub, user=staff_a)
    response = sign_in(client, "relative", "mitid-anna")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def _dump_database() -> str:
    from io import StringIO

    out = StringIO()
    management.call_command("dumpdata", stdout=out, format="json")
    return json.dumps(json.loads(out.getvalue()), ensure_ascii=False)


# --- Forged and broken callbacks ------------------------------------------------------------


def test_forged_state_is_refused_in_danish(client, providers_on, mapped):
    providers_on.person("eva", email="eva@toender.dk", groups=["sg-solgaarden"])
    callback = log_in_at_provider(start(client, "staff"), "eva")
    parts = urlsplit(callback)
    query = parse_qs(parts.query)
    query["state"] = ["forfalsket"]
    forged = urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
    response = client.get(callback_path(forged))
    assert response.status_code == 400
    assert "Log ind kunne ikke bekræftes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_callback_without_a_sign_in_in_progress(client, providers_on, tree):
    response = client.get("/log-ind/personale/svar/", {"code": "x", "state": "y"})
    assert response.status_code == 400
    assert "Log ind kunne ikke bekræftes" in response.content.decode()


def test_forged_nonce_is_refused_in_danish(client, providers_on, mapped):
    """The browser's authorization request carries another nonce than the one Samspil
    keeps: the provider signs that one into the ID token, and Samspil refuses it."""
    providers_on.person("finn", email="finn@toender.dk", groups=["sg-solgaarden"])
    authorize = urlsplit(start(client, "staff"))
    query = parse_qs(authorize.query)
    query["nonce"] = ["forfalsket-nonce"]
    tampered = urlunsplit(authorize._replace(query=urlencode(query, doseq=True)))
    response = client.get(callback_path(log_in_at_provider(tampered, "finn")))
    assert response.status_code == 400
    assert "Log ind kunne ikke bekræftes" in response.content.decode()
    assert not User.objects.filter(email="finn@toender.dk").exists()


def test_replayed_callback_is_refused(client, providers_on, mapped):
    providers_on.person("gry", email="gry@toender.dk", groups=["sg-solgaarden"])
    callback = callback_path(log_in_at_provider(start(client, "staff"), "gry"))
    assert client.get(callback).status_code == 302
    again = client.get(callback)
    assert again.status_code == 400


def test_provider_error_answer(client, providers_on, tree):
    location = start(client, "relative")
    state = parse_qs(urlsplit(location).query)["state"][0]
    response = client.get("/log-ind/mitid/svar/", {"error": "access_denied", "state": state})
    assert response.status_code == 400
    assert "Du blev ikke logget ind med MitID" in response.content.decode()


def test_wrong_password_at_provider_never_reaches_samspil(client, providers_on, tree):
    providers_on.person("hans", email="hans@toender.dk", groups=[])
    with pytest.raises(AssertionError):
        log_in_at_provider(start(client, "staff"), "hans", "forkert")


def test_unreachable_provider_is_a_danish_502(client, providers_on, settings, mapped):
    providers_on.person("ida", email="ida@toender.dk", groups=["sg-solgaarden"])
    callback = callback_path(log_in_at_provider(start(client, "staff"), "ida"))
    staff = dict(settings.SAMSPIL_OIDC["staff"], TOKEN_ENDPOINT="http://127.0.0.1:18699/token")
    settings.SAMSPIL_OIDC = {**settings.SAMSPIL_OIDC, "staff": staff}
    response = client.get(callback)
    assert response.status_code == 502
    assert "Vi kunne ikke få svar fra Tønder Kommune" in response.content.decode()
