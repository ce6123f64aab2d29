"""Staff know relatives by name and stated relation, with the address on demand: the
relative gives their name when asking to be connected."""

import pytest
from django.test import Client
from django.urls import reverse

from dialog import membership as services
from dialog.models import Membership

MY_PAGE = "/dialog/"
SESAME = "sesame.backends.ModelBackend"


def as_relative(user) -> Client:
    client = Client()
    client.force_login(user, backend=SESAME)
    return client


def ask(client, home, name="Karen Marie Jensen", relation="Datter af Jens"):
    return client.post(
        MY_PAGE,
        {"connect-botilbud": str(home.pk), "connect-name": name, "connect-relation": relation},
    )


def test_the_name_given_when_asking_is_what_staff_see(client, tree, outsider, staff_a):
    assert ask(as_relative(outsider), tree.home_a).status_code == 302
    outsider.refresh_from_db()
    assert (outsider.first_name, outsider.last_name) == ("Karen Marie", "Jensen")
    assert outsider.get_full_name() == "Karen Marie Jensen"

    client.force_login(staff_a)
    html = client.get(reverse("dialog_memberships")).content.decode()
    assert '<span class="dialog-relative__name">Karen Marie Jensen</span>' in html
    assert "Datter af Jens" in html
    # The address is there on demand, behind a disclosure, not as the label.
    assert "<summary>Vis e-mail</summary>" in html
    assert 'href="mailto:ulla.udenfor@example.dk"' in html


def test_approving_names_the_relative_in_the_message(client, tree, outsider, staff_a):
    ask(as_relative(outsider), tree.home_a)
    item = Membership.objects.get(relative=outsider)
    client.force_login(staff_a)
    response = client.post(
        reverse("dialog_membership_action", args=[item.pk, "approve"]), follow=True
    )
    assert "Karen Marie Jensen er nu tilknyttet Solgården" in response.content.decode()


def test_without_a_name_staff_see_the_address(client, tree, relative_a, staff_a):
    client.force_login(staff_a)
    html = client.get(reverse("dialog_memberships")).content.decode()
    assert '<span class="dialog-relative__name">anna.relative@example.dk</span>' in html
    assert "Vis e-mail" not in html


def test_the_name_is_offered_again_on_min_side(tree, outsider):
    outsider.first_name, outsider.last_name = "Ulla", "Udenfor"
    outsider.save()
    html = as_relative(outsider).get(MY_PAGE).content.decode()
    assert 'name="connect-name"' in html and 'value="Ulla Udenfor"' in html


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 151, "Skriv højst 150 tegn."),
        ("Karen 010190-1234", "CPR"),
        ("Karen\x07Jensen", "Brug kun almindelige tegn på én linje."),
    ],
)
def test_bad_names_get_a_danish_message_and_nothing_is_stored(tree, outsider, name, message):
    response = ask(as_relative(outsider), tree.home_a, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    outsider.refresh_from_db()
    assert outsider.first_name == "" and not Membership.objects.filter(relative=outsider).exists()


def test_a_name_is_optional(tree, outsider):
    assert ask(as_relative(outsider), tree.home_a, name="").status_code == 302
    outsider.refresh_from_db()
    assert outsider.get_full_name() == ""


def test_the_service_tidies_spaces_in_names(tree, outsider):
    services.request_connection(outsider, tree.home_a, "Nabo", name="  Bo   Ib  ")
    outsider.refresh_from_db()
    assert (outsider.first_name, outsider.last_name) == ("Bo", "Ib")
