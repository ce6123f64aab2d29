"""A relative asks to be connected to a home, its staff approve or decline, either side
ends it; staff of another home cannot act; every change is logged and mailed on commit."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from access.rules import connected_home_ids, is_connected, is_staff_of, staff_home_ids
from dialog import membership as services
from dialog import signals
from dialog.models import Membership
from outbox.models import OutgoingMail
from tests.conftest import make_home

MY_PAGE = "/dialog/"
SESAME = "sesame.backends.ModelBackend"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def superuser(tree):
    return get_user_model().objects.create_superuser("chef", "chef@example.dk", "adgangskode")


def as_relative(user) -> Client:
    client = Client()
    client.force_login(user, backend=SESAME)
    return client


def ask(client, home, relation="Datter af en beboer", on_commit=None):
    data = {"connect-botilbud": str(home.pk), "connect-relation": relation}
    if on_commit is None:
        return client.post(MY_PAGE, data)
    with on_commit():
        return client.post(MY_PAGE, data)


def act(client, item: Membership, action: str, on_commit=None):
    url = reverse("dialog_membership_action", args=[item.pk, action])
    if on_commit is None:
        return client.post(url)
    with on_commit():
        return client.post(url)


def test_ask_then_staff_get_mail_then_approve_then_relative_gets_mail(
    tree, outsider, staff_a, staff_b, on_commit
):
    response = ask(as_relative(outsider), tree.home_a, on_commit=on_commit)
    assert response.status_code == 302
    item = Membership.objects.get(relative=outsider)
    assert (item.status, item.botilbud_id, item.relation) == (
        Membership.Status.PENDING,
        tree.home_a.pk,
        "Datter af en beboer",
    )
    # Solgården's staff are told, Engbo's are not.
    assert [m.to for m in mail.outbox] == [[staff_a.email]]
    assert outsider.email in mail.outbox[0].body
    assert "Datter af en beboer" in mail.outbox[0].body
    assert "/admin/dialog/paarorende/" in mail.outbox[0].body
    mail.outbox.clear()

    staff = Client()
    staff.force_login(staff_a)
    listing = staff.get(reverse("dialog_memberships")).content.decode()
    assert outsider.email in listing
    response = act(staff, item, "approve", on_commit)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.decided_by) == (Membership.Status.APPROVED, staff_a)
    assert item.decided_at is not None
    assert [m.to for m in mail.outbox] == [[outsider.email]]
    assert mail.outbox[0].subject == "Du er nu knyttet til Solgården"
    assert is_connected(outsider, tree.home_a.pk)


def test_staff_decline_and_the_relative_is_told(tree, outsider, staff_a, on_commit):
    ask(as_relative(outsider), tree.home_a)
    item = Membership.objects.get(relative=outsider)
    staff = Client()
    staff.force_login(staff_a)
    act(staff, item, "decline", on_commit)
    item.refresh_from_db()
    assert item.status == Membership.Status.DECLINED
    assert [m.to for m in mail.outbox] == [[outsider.email]]
    assert "ikke godkendt" in mail.outbox[0].body
    assert not is_connected(outsider, tree.home_a.pk)
    # Answering twice changes nothing and mails nothing more.
    act(staff, item, "approve", on_commit)
    item.refresh_from_db()
    assert item.status == Membership.Status.DECLINED
    assert len(mail.outbox) == 1


def test_staff_of_another_home_get_403_and_nothing_changes(tree, outsider, relative_a, staff_b):
    ask(as_relative(outsider), tree.home_a)
    pending = Membership.objects.get(relative=outsider)
    approved = Membership.objects.get(relative=relative_a)
    staff = Client()
    staff.force_login(staff_b)
    for item, action in ((pending, "approve"), (pending, "decline"), (approved, "end")):
        assert act(staff, item, action).status_code == 403
    pending.refresh_from_db()
    approved.refresh_from_db()
    assert pending.status == Membership.Status.PENDING
    assert approved.status == Membership.Status.APPROVED
    # And the listing shows Engbo's relatives only.
    listing = staff.get(reverse("dialog_memberships")).content.decode()
    assert relative_a.email not in listing and outsider.email not in listing


def test_the_services_refuse_staff_of_another_home_too(tree, relative_a, staff_b):
    item = Membership.objects.get(relative=relative_a)
    with pytest.raises(services.PermissionDenied):
        services.end(item, staff_b)
    with pytest.raises(services.PermissionDenied):
        services.approve(item, staff_b)


def test_staff_see_their_own_homes_and_superusers_see_all(
    client, tree, relative_a, relative_b, relative_engbo, staff_a, superuser
):
    client.force_login(staff_a)
    html = client.get(reverse("dialog_memberships")).content.decode()
    assert relative_a.email in html and relative_b.email in html
    assert relative_engbo.email not in html
    client.force_login(superuser)
    html = client.get(reverse("dialog_memberships")).content.decode()
    assert relative_a.email in html and relative_engbo.email in html


def test_the_listing_costs_the_same_queries_for_many_relatives(
    client, tree, staff_a, django_assert_max_num_queries
):
    from tests.dialog.conftest import make_relative

    client.force_login(staff_a)
    client.get(reverse("dialog_memberships"))  # warm up (site, menus)
    make_relative("en@example.dk", tree.home_a)
    make_relative("to@example.dk", tree.home_a, status=Membership.Status.PENDING)
    # 25 for the listing, 2 for the read log (one read per home, looked up, then written).
    with django_assert_max_num_queries(27) as few:
        client.get(reverse("dialog_memberships"))
    for n in range(30):
        make_relative(f"mange{n}@example.dk", tree.home_a)
        make_relative(f"venter{n}@example.dk", tree.home_a, status=Membership.Status.PENDING)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("dialog_memberships"))
    assert "venter29@example.dk" in response.content.decode()


def test_people_who_are_staff_nowhere_cannot_open_the_admin_list(client, tree, relative_a):
    editor = get_user_model().objects.create_user("redaktor", "r@example.dk", "kode")
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert client.get(reverse("dialog_memberships")).status_code == 403
    item = Membership.objects.get(relative=relative_a)
    assert act(client, item, "end").status_code == 403
    # A relative is not let into the admin at all.
    relative = as_relative(relative_a)
    assert relative.get(reverse("dialog_memberships")).status_code == 302
    assert act(relative, item, "approve").status_code == 302
    item.refresh_from_db()
    assert item.status == Membership.Status.APPROVED


def test_unknown_actions_and_memberships_are_404(client, tree, relative_a, staff_a):
    client.force_login(staff_a)
    item = Membership.objects.get(relative=relative_a)
    assert act(client, item, "delete").status_code == 404
    missing = reverse("dialog_membership_action", args=[99999, "approve"])
    assert client.post(missing).status_code == 404
    assert client.get(reverse("dialog_membership_action", args=[item.pk, "end"])).status_code == 405


@pytest.mark.parametrize(
    "relation",
    [
        "Søn af 010203-1234",
        "Bror til beboeren med cpr 0102031234",
        "Min mors nummer er 311299 4321",
    ],
)
def test_a_cpr_number_in_the_relation_is_refused_with_an_explanation(tree, outsider, relation):
    response = ask(as_relative(outsider), tree.home_a, relation)
    assert response.status_code == 400
    html = response.content.decode()
    assert "CPR-nummer" in html
    assert "Skriv i stedet med ord" in html
    assert not Membership.objects.filter(relative=outsider).exists()
    assert not OutgoingMail.objects.exists()


def test_numbers_that_are_not_cpr_numbers_pass(tree, outsider):
    # An eight-digit phone number and ten digits that do not start with a date.
    response = ask(as_relative(outsider), tree.home_a, "Nabo, tlf. 12345678, sag 9999991234")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("relation", "message"),
    [
        ("", "Skriv, hvordan du er knyttet"),
        ("x" * 201, "Skriv højst 200 tegn."),
        ("søster\x1b[31m", "Brug kun almindelige tegn"),
        ("søster\nbror", "Brug kun almindelige tegn"),
    ],
)
def test_bad_relations_get_a_danish_message(tree, outsider, relation, message):
    response = ask(as_relative(outsider), tree.home_a, relation)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Membership.objects.exists()


def test_only_live_public_homes_can_be_chosen(tree, outsider):
    hidden = make_home(tree.front, "Lukket Bo")
    hidden.unpublish()
    client = as_relative(outsider)
    page = client.get(MY_PAGE).content.decode()
    assert "Solgården" in page and "Lukket Bo" not in page
    for value in (hidden.pk, 999999, "1" * 40, "-1", "abc", tree.calendar.pk):
        response = client.post(MY_PAGE, {"connect-botilbud": value, "connect-relation": "Søster"})
        assert response.status_code == 400
        assert "Vi kender ikke det botilbud" in response.content.decode()
    assert not Membership.objects.exists()


def test_asking_twice_for_the_same_home_is_refused_kindly(tree, relative_a, outsider):
    response = ask(as_relative(relative_a), tree.home_a)
    assert response.status_code == 409
    assert "allerede tilknyttet" in response.content.decode()
    client = as_relative(outsider)
    ask(client, tree.home_a)
    assert ask(client, tree.home_a).status_code == 409
    assert Membership.objects.filter(relative=outsider).count() == 1


def test_asking_is_rate_limited_per_relative(tree, outsider):
    client = as_relative(outsider)
    homes = [make_home(tree.front, f"Bo {n}") for n in range(11)]
    for home in homes[:10]:
        assert ask(client, home).status_code == 302
    response = ask(client, homes[10])
    assert response.status_code == 429
    assert "For mange forsøg" in response.content.decode()


def test_the_relative_ends_a_connection_from_min_side(tree, relative_a, relative_b, on_commit):
    client = as_relative(relative_a)
    item = Membership.objects.get(relative=relative_a)
    page = client.get(MY_PAGE).content.decode()
    end_url = reverse("dialog:end_membership", args=[item.pk])
    assert end_url in page
    assert "Solgården" in page
    confirm = client.get(end_url)
    assert confirm.status_code == 200
    assert "Vil du afslutte din tilknytning til Solgården?" in confirm.content.decode()
    item.refresh_from_db()
    assert item.status == Membership.Status.APPROVED  # GET only asks
    with on_commit():
        response = client.post(end_url, follow=True)
    item.refresh_from_db()
    assert item.status == Membership.Status.ENDED and item.ended_at is not None
    assert "Din tilknytning til Solgården er afsluttet." in response.content.decode()
    assert not is_connected(relative_a, tree.home_a.pk)
    assert mail.outbox == []  # they did it themselves
    # Relative B's connection cannot be ended by A (it is not found for them).
    other = Membership.objects.get(relative=relative_b)
    assert client.post(reverse("dialog:end_membership", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.status == Membership.Status.APPROVED


def test_staff_end_a_connection_and_the_relative_is_told(
    client, tree, relative_a, staff_a, on_commit
):
    item = Membership.objects.get(relative=relative_a)
    client.force_login(staff_a)
    act(client, item, "end", on_commit)
    item.refresh_from_db()
    assert item.status == Membership.Status.ENDED
    assert [m.to for m in mail.outbox] == [[relative_a.email]]
    assert mail.outbox[0].subject == "Din tilknytning til Solgården er afsluttet"
    # The relative can ask again later; that is a new request.
    assert ask(as_relative(relative_a), tree.home_a).status_code == 302
    assert Membership.objects.filter(relative=relative_a).count() == 2


def test_every_change_is_logged_with_who_did_it(tree, outsider, staff_a):
    item = services.request_connection(outsider, tree.home_a, "Ven af en beboer")
    services.approve(item, staff_a)
    services.end(item, outsider)
    entries = list(ModelLogEntry.objects.filter(object_id=str(item.pk)).order_by("timestamp", "pk"))
    assert [(e.action, e.user_id) for e in entries] == [
        ("samspil.membership.request", outsider.pk),
        ("samspil.membership.approve", staff_a.pk),
        ("samspil.membership.end", outsider.pk),
    ]
    assert entries[-1].data["by"] == "relative"
    assert entries[1].message == "Tilknytning godkendt"


def test_membership_changed_is_sent_for_each_change(tree, outsider, staff_a):
    seen = []

    def receiver(sender, membership, action, **kwargs):
        seen.append((membership.pk, action))

    signals.membership_changed.connect(receiver)
    try:
        item = services.request_connection(outsider, tree.home_a, "Ven")
        services.decline(item, staff_a)
        again = services.request_connection(outsider, tree.home_a, "Ven")
        services.approve(again, staff_a)
        services.end(again, staff_a)
    finally:
        signals.membership_changed.disconnect(receiver)
    assert seen == [
        (item.pk, "requested"),
        (item.pk, "declined"),
        (again.pk, "requested"),
        (again.pk, "approved"),
        (again.pk, "ended"),
    ]


def test_queries_other_parts_rely_on(
    tree, relative_a, relative_engbo, outsider, staff_a, superuser
):
    from django.contrib.auth.models import AnonymousUser

    services.request_connection(outsider, tree.home_b, "Ven")  # pending: not connected
    assert is_connected(relative_a, tree.home_a.pk)
    assert not is_connected(relative_a, tree.home_b.pk)
    assert not is_connected(outsider, tree.home_b.pk)
    assert not is_connected(AnonymousUser(), tree.home_a.pk)
    assert connected_home_ids(relative_a) == [tree.home_a.pk]
    assert connected_home_ids(relative_engbo) == [tree.home_b.pk]
    assert connected_home_ids(outsider) == []
    assert connected_home_ids(AnonymousUser()) == []
    assert staff_home_ids(staff_a) == [tree.home_a.pk]
    assert staff_home_ids(superuser) is None
    assert staff_home_ids(relative_a) == []
    assert staff_home_ids(AnonymousUser()) == []
    assert is_staff_of(staff_a, tree.home_a.pk)
    assert not is_staff_of(staff_a, tree.home_b.pk)
    assert is_staff_of(superuser, tree.home_b.pk)
    assert not is_staff_of(relative_a, tree.home_a.pk)
    assert not is_staff_of(AnonymousUser(), tree.home_a.pk)
    staff_a.is_active = False
    assert staff_home_ids(staff_a) == []
    assert not is_staff_of(staff_a, tree.home_a.pk)


def test_min_side_lists_connections_by_status(tree, relative_a, staff_a):
    pending = services.request_connection(relative_a, tree.home_b, "Nabo")
    html = as_relative(relative_a).get(MY_PAGE).content.decode()
    assert "Dine botilbud" in html and "Venter på svar" in html
    assert "Engbo" in html and "Afventer godkendelse" in html
    assert f'href="/dialog/{tree.home_a.pk}/"' in html
    services.end(pending, relative_a)
    html = as_relative(relative_a).get(MY_PAGE).content.decode()
    assert "Tidligere" in html and "Engbo – afsluttet" in html


def test_staff_on_min_side_get_no_form_and_cannot_ask(client, tree, staff_a):
    client.force_login(staff_a)
    page = client.get(MY_PAGE)
    assert page.status_code == 200
    assert "logget ind som medarbejder" in page.content.decode()
    assert 'name="connect-relation"' not in page.content.decode()
    assert ask(client, tree.home_a).status_code == 403
    assert not Membership.objects.exists()
    with pytest.raises(services.NotARelative):
        services.request_connection(staff_a, tree.home_a, "Søster")


def test_csrf_is_enforced_on_every_form(tree, relative_a, outsider, staff_a):
    relative = Client(enforce_csrf_checks=True)
    relative.force_login(outsider, backend=SESAME)
    assert ask(relative, tree.home_a).status_code == 403
    assert not Membership.objects.filter(relative=outsider).exists()
    own = Client(enforce_csrf_checks=True)
    own.force_login(relative_a, backend=SESAME)
    item = Membership.objects.get(relative=relative_a)
    assert own.post(reverse("dialog:end_membership", args=[item.pk])).status_code == 403
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(staff_a)
    assert act(staff, item, "end").status_code == 403
    item.refresh_from_db()
    assert item.status == Membership.Status.APPROVED


def test_the_dashboard_shows_staff_how_many_wait(client, tree, outsider, staff_a, staff_b):
    services.request_connection(outsider, tree.home_a, "Ven")
    client.force_login(staff_a)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Pårørende venter på svar" in html and "Solgården: 1 anmodning" in html
    client.force_login(staff_b)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Pårørende venter på svar" not in html
