"""Dialogindstillinger: the municipal admin and a home's leader name the leader, change the
answer times and the staff of that home; other staff get 403, unknown homes 404, bad
input a Danish form error; every change is logged, and new threads use the new times."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from access.rules import home_staff_users
from dialog import home_settings, posting
from dialog.models import HomeDialogSettings, Thread
from dialog.timeliness import response_days
from dialog.workdays import add_working_days
from home.services import ensure_home_staff_access
from tests.conftest import make_home

from .conftest import make_relative


@pytest.fixture
def admin_user(tree):
    return get_user_model().objects.create_superuser("kommune", "admin@toender.dk", "kode-admin")


@pytest.fixture
def leader_a(tree, staff_a):
    """staff_a leads Solgården."""
    HomeDialogSettings.objects.create(botilbud=tree.home_a, leader=staff_a)
    return staff_a


@pytest.fixture
def colleague_a(tree):
    user = get_user_model().objects.create_user(
        "kollega-a", "kollega@example.dk", "kode-k", first_name="Karl", last_name="Kold"
    )
    user.groups.add(ensure_home_staff_access(tree.home_a).group)
    return user


def settings_url(home) -> str:
    return reverse("dialog_home_settings", args=[home.pk])


def post_settings(client, home, **data):
    payload = {"action": "settings", "concern_response_days": "2", "other_response_days": "5"}
    payload.update(data)
    return client.post(settings_url(home), payload)


def test_municipal_admin_names_a_leader_and_changes_answer_times(client, tree, admin_user, staff_a):
    client.force_login(admin_user)
    page = client.get(settings_url(tree.home_a))
    assert page.status_code == 200
    assert "Dialogindstillinger for Solgården" in page.content.decode()

    response = post_settings(
        client,
        tree.home_a,
        leader=str(staff_a.pk),
        concern_response_days="1",
        other_response_days="3",
    )
    assert response.status_code == 302
    row = HomeDialogSettings.objects.get(botilbud=tree.home_a)
    assert (row.leader_id, row.concern_response_days, row.other_response_days) == (staff_a.pk, 1, 3)
    entry = ModelLogEntry.objects.get(action=home_settings.CHANGE)
    assert entry.user_id == admin_user.pk
    assert entry.data["after"] == {
        "leader": staff_a.pk,
        "concern_response_days": 1,
        "other_response_days": 3,
    }
    assert entry.data["before"]["leader"] is None
    # The log shows Danish words for the action.
    assert entry.message == "Dialogindstillinger ændret"


def test_new_threads_get_the_home_s_new_answer_time(client, tree, admin_user, staff_a):
    client.force_login(admin_user)
    post_settings(client, tree.home_a, leader=str(staff_a.pk), concern_response_days="7")
    relative = make_relative("karen@example.dk", tree.home_a)
    thread = posting.start_thread(
        botilbud=tree.home_a,
        author=relative,
        kind=Thread.Kind.CONCERN,
        subject="Medicin",
        body="Hjælp.",
    )
    thread.refresh_from_db()
    assert response_days(thread) == 7
    # Seven working days from the start, not the old two.
    assert thread.due_at == add_working_days(thread.created_at, 7)


def test_leader_edits_own_home_but_not_another(client, tree, leader_a, staff_b):
    client.force_login(leader_a)
    assert client.get(reverse("dialog_settings")).status_code == 200
    assert client.get(settings_url(tree.home_a)).status_code == 200
    response = post_settings(client, tree.home_a, leader=str(leader_a.pk), other_response_days="4")
    assert response.status_code == 302
    assert HomeDialogSettings.objects.get(botilbud=tree.home_a).other_response_days == 4

    assert client.get(settings_url(tree.home_b)).status_code == 403
    assert post_settings(client, tree.home_b, other_response_days="9").status_code == 403
    assert not HomeDialogSettings.objects.filter(botilbud=tree.home_b).exists()


def test_staff_who_do_not_lead_get_403(client, tree, staff_b, leader_a):
    client.force_login(staff_b)
    assert client.get(reverse("dialog_settings")).status_code == 403
    assert client.get(settings_url(tree.home_b)).status_code == 403
    assert client.get(settings_url(tree.home_a)).status_code == 403
    assert post_settings(client, tree.home_a, leader=str(staff_b.pk)).status_code == 403
    assert HomeDialogSettings.objects.get(botilbud=tree.home_a).leader_id == leader_a.pk


def test_settings_menu_item_shown_to_admin_and_leader_only(client, tree, leader_a, staff_b):
    client.force_login(leader_a)
    assert reverse("dialog_settings") in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(staff_b)
    assert (
        reverse("dialog_settings") not in client.get(reverse("wagtailadmin_home")).content.decode()
    )


def test_unknown_and_huge_home_ids_are_404(client, tree, admin_user):
    client.force_login(admin_user)
    for pk in (999_999, 2**31, 2**63, 10**30):
        assert client.get(f"/admin/dialog/indstillinger/{pk}/").status_code == 404, pk
    assert client.get("/admin/dialog/indstillinger/abc/").status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("concern_response_days", "0", "Skriv et antal arbejdsdage mellem 1 og 20."),
        ("concern_response_days", "21", "Skriv et antal arbejdsdage mellem 1 og 20."),
        ("other_response_days", "99999999999999999999999", "mellem 1 og 20"),
        ("other_response_days", "to", "Skriv et helt antal arbejdsdage"),
        ("other_response_days", "", "Skriv et antal arbejdsdage."),
        ("leader", "99999999999999999999999", "Vælg en af botilbuddets medarbejdere"),
        ("leader", "abc", "Vælg en af botilbuddets medarbejdere"),
    ],
)
def test_bad_input_gives_a_danish_form_error(client, tree, admin_user, field, value, message):
    client.force_login(admin_user)
    response = post_settings(client, tree.home_a, **{field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ModelLogEntry.objects.filter(action=home_settings.CHANGE).exists()


def test_leader_must_be_staff_of_that_home(client, tree, admin_user, staff_b):
    client.force_login(admin_user)
    response = post_settings(client, tree.home_a, leader=str(staff_b.pk))
    assert response.status_code == 400
    assert "Vælg en af botilbuddets medarbejdere som leder." in response.content.decode()


def test_a_leader_cannot_leave_the_home_without_leader(client, tree, leader_a):
    client.force_login(leader_a)
    response = post_settings(client, tree.home_a, leader="")
    assert response.status_code == 400
    assert "Et botilbud skal have en leder" in response.content.decode()
    assert HomeDialogSettings.objects.get(botilbud=tree.home_a).leader_id == leader_a.pk


def test_unchanged_settings_write_no_log(client, tree, leader_a):
    client.force_login(leader_a)
    response = post_settings(client, tree.home_a, leader=str(leader_a.pk))
    assert response.status_code == 302
    assert not ModelLogEntry.objects.filter(action=home_settings.CHANGE).exists()


def test_leader_adds_and_removes_staff_of_own_home(client, tree, leader_a):
    newcomer = get_user_model().objects.create_user(
        "ny", "Ny.Medarbejder@toender.dk", "kode-ny", first_name="Nina", last_name="Ny"
    )
    client.force_login(leader_a)
    response = client.post(
        settings_url(tree.home_a), {"action": "add_staff", "email": "ny.medarbejder@toender.dk"}
    )
    assert response.status_code == 302
    assert home_staff_users(tree.home_a.pk).filter(pk=newcomer.pk).exists()
    page = client.get(settings_url(tree.home_a)).content.decode()
    assert "Nina Ny (Ny.Medarbejder@toender.dk)" in page

    response = client.post(
        settings_url(tree.home_a), {"action": "remove_staff", "member": str(newcomer.pk)}
    )
    assert response.status_code == 302
    assert not home_staff_users(tree.home_a.pk).filter(pk=newcomer.pk).exists()
    actions = list(
        ModelLogEntry.objects.filter(
            action__in=[home_settings.ADD_STAFF, home_settings.REMOVE_STAFF]
        ).values_list("action", "data")
    )
    assert sorted(action for action, _data in actions) == [
        home_settings.ADD_STAFF,
        home_settings.REMOVE_STAFF,
    ]
    assert all(data["member"] == newcomer.pk for _action, data in actions)


def test_relatives_cannot_be_made_staff_and_unknown_addresses_are_refused(client, tree, leader_a):
    relative = make_relative("karen@example.dk", tree.home_a)
    client.force_login(leader_a)
    for email in ("karen@example.dk", "ingen@example.dk"):
        response = client.post(settings_url(tree.home_a), {"action": "add_staff", "email": email})
        assert response.status_code == 400
        assert "Der findes ingen medarbejderkonto med den e-mail." in response.content.decode()
    assert not home_staff_users(tree.home_a.pk).filter(pk=relative.pk).exists()
    response = client.post(settings_url(tree.home_a), {"action": "add_staff", "email": "x"})
    assert response.status_code == 400
    assert "Skriv en gyldig e-mail" in response.content.decode()


def test_leader_cannot_remove_self_or_touch_another_home_s_staff(
    client, tree, leader_a, colleague_a, staff_b
):
    client.force_login(leader_a)
    for member, expected in (
        (leader_a, "Du kan ikke fjerne dig selv."),
        (staff_b, "ikke medarbejder på botilbuddet"),
    ):
        response = client.post(
            settings_url(tree.home_a),
            {"action": "remove_staff", "member": str(member.pk)},
            follow=True,
        )
        assert expected in response.content.decode()
    for raw in ("99999999999999999999999999", "-1", "abc", ""):
        response = client.post(
            settings_url(tree.home_a), {"action": "remove_staff", "member": raw}, follow=True
        )
        assert response.status_code == 200
    assert home_staff_users(tree.home_a.pk).filter(pk=leader_a.pk).exists()
    assert home_staff_users(tree.home_b.pk).filter(pk=staff_b.pk).exists()
    # Another home's staff list is not the leader's to change.
    response = client.post(
        settings_url(tree.home_b), {"action": "remove_staff", "member": str(staff_b.pk)}
    )
    assert response.status_code == 403
    assert home_staff_users(tree.home_b.pk).filter(pk=staff_b.pk).exists()


def test_the_leader_stays_until_another_is_named(client, tree, admin_user, leader_a):
    client.force_login(admin_user)
    response = client.post(
        settings_url(tree.home_a),
        {"action": "remove_staff", "member": str(leader_a.pk)},
        follow=True,
    )
    assert "er botilbuddets leder. Vælg en anden leder først." in response.content.decode()
    assert home_staff_users(tree.home_a.pk).filter(pk=leader_a.pk).exists()


def test_dashboard_warns_the_municipal_admin_about_homes_without_leader(
    client, tree, admin_user, leader_a
):
    client.force_login(admin_user)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Botilbud uden leder" in page
    assert "Vælg leder for Engbo" in page
    assert "Vælg leder for Solgården" not in page
    HomeDialogSettings.objects.create(botilbud=tree.home_b, leader=admin_user)
    assert "Botilbud uden leder" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_index_lists_leaders_and_answer_times(client, tree, admin_user, leader_a):
    client.force_login(admin_user)
    page = client.get(reverse("dialog_settings")).content.decode()
    assert "Anna" in page and "Ingen leder" in page
    assert "2 arbejdsdage" in page and "5 arbejdsdage" in page


def test_contact_details_are_saved_and_shown_to_connected_relatives(
    client, tree, leader_a, relative_a
):
    client.force_login(leader_a)
    response = post_settings(
        client,
        tree.home_a,
        leader=str(leader_a.pk),
        contact_name="Mette Hansen, afdelingsleder",
        contact_phone="74 92 92 93",
        contact_email="mette@solgaarden.dk",
        contact_hours="hverdage kl. 9–15",
    )
    assert response.status_code == 302
    entry = ModelLogEntry.objects.get(action=home_settings.CHANGE)
    assert set(entry.data["changed"]) == set(home_settings.CONTACT_FIELDS)
    # Contact values are not copied into the log; the leader and times are.
    assert "mette@solgaarden.dk" not in str(entry.data)

    relative = Client()
    relative.force_login(relative_a, backend="sesame.backends.ModelBackend")
    html = relative.get(reverse("dialog:home_threads", args=[tree.home_a.pk])).content.decode()
    assert "Mette Hansen, afdelingsleder" in html
    assert 'href="tel:74929293"' in html
    assert "(hverdage kl. 9–15)" in html
    assert 'href="mailto:mette@solgaarden.dk"' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_phone", "ring til mig", "Skriv et telefonnummer med cifre"),
        ("contact_email", "mette@", "Skriv en gyldig e-mail"),
        ("contact_name", "x" * 201, "Skriv højst 200 tegn."),
    ],
)
def test_bad_contact_details_get_a_danish_message(client, tree, leader_a, field, value, message):
    client.force_login(leader_a)
    response = post_settings(client, tree.home_a, leader=str(leader_a.pk), **{field: value})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_settings_index_costs_the_same_queries_for_many_homes(
    client, tree, admin_user, django_assert_max_num_queries
):
    client.force_login(admin_user)
    client.get(reverse("dialog_settings"))  # warm up (site, menus)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("dialog_settings"))
    for n in range(8):
        home = make_home(tree.front, f"Hjem {n}")
        HomeDialogSettings.objects.create(botilbud=home, leader=admin_user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(reverse("dialog_settings")).content.decode()
    assert "Hjem 7" in html
