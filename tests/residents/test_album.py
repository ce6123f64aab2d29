"""A resident's album "Min hverdag" is for their own network (and their home's staff); a
relative of another resident cannot open it by id. Relatives ask to join a network."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dialog.models import Membership
from residents import services
from residents.models import ResidentConnection, ResidentPost
from residents.visibility import resident_album

from .conftest import make_relative

pytestmark = pytest.mark.django_db


def album_url(resident) -> str:
    return reverse("residents:resident_album", args=[resident.pk])


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_relative_of_a_cannot_open_b_album_by_id(tree, people):
    anna, bent = people["anna"], people["bent"]
    services.write_post(people["staff_a"], anna, "Anna har bagt boller i dag")
    services.write_post(people["staff_a"], bent, "Bent har været i svømmehallen")
    own = login(people["network_a"])
    response = own.get(album_url(anna))
    assert response.status_code == 200
    assert "Anna har bagt boller" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"

    refused = own.get(album_url(bent))
    unknown = own.get(reverse("residents:resident_album", args=[999999]))
    assert refused.status_code == unknown.status_code == 404
    assert "svømmehallen" not in refused.content.decode()
    for name in ("home_relative", "engbo_relative", "staff_b"):
        assert login(people[name]).get(album_url(anna)).status_code == 404, name
    assert login(people["staff_a"]).get(album_url(anna)).status_code == 200
    anonymous = Client().get(album_url(anna))
    assert anonymous.status_code == 302
    assert "svømmehallen" not in anonymous.content.decode()
    assert Client().get("/beboer/99999999999/min-hverdag/").status_code == 404


def test_album_is_newest_first_and_hides_photos_others_did_not_consent_to(tree, people, photo_of):
    anna, bent = people["anna"], people["bent"]
    older = photo_of(anna)
    ResidentPost.objects.create(
        resident=anna, text="Gammelt opslag", created_at=timezone.now() - dt.timedelta(days=3)
    )
    with_bent = photo_of(anna, bent)  # Bent's network consent does not reach Anna's network
    post = services.write_post(
        people["staff_a"], anna, "Anna og Bent plantede tomater", photo=with_bent
    )
    entries = resident_album(anna, people["network_a"])
    assert entries[0] == post
    assert entries[0].photo is None  # the post stays, Bent's photo does not
    assert older in entries
    assert with_bent not in entries
    assert [e.text for e in entries if isinstance(e, ResidentPost)] == [
        "Anna og Bent plantede tomater",
        "Gammelt opslag",
    ]
    page = login(people["network_a"]).get(album_url(anna)).content.decode()
    assert older.token in page and with_bent.token not in page
    assert page.index("Anna og Bent plantede") < page.index("Gammelt opslag")


def test_ending_the_home_connection_ends_the_network(tree, people):
    anna = people["anna"]
    client = login(people["network_a"])
    assert client.get(album_url(anna)).status_code == 200
    Membership.objects.filter(relative=people["network_a"]).update(status="ended")
    assert client.get(album_url(anna)).status_code == 404


def test_relative_asks_to_join_a_network_and_staff_approve(tree, people):
    anna = people["anna"]
    relative = people["home_relative"]
    client = login(relative)
    url = reverse("residents:connect", args=[anna.pk])
    assert client.post(url, {"relation": ""}).status_code == 400
    assert client.post(url, {"relation": "Født 010190-1234"}).status_code == 400
    response = client.post(url, {"relation": "Kusine"})
    assert response.status_code == 302
    connection = ResidentConnection.objects.get(relative=relative, resident=anna)
    assert connection.status == "pending"
    assert client.get(album_url(anna)).status_code == 404  # pending grants nothing
    assert client.post(url, {"relation": "Kusine"}).status_code == 400  # asked already
    # The page says the request waits, instead of offering a form that can only be refused.
    waiting = client.get(url).content.decode()
    assert "Din anmodning venter på svar fra personalet" in waiting
    assert 'name="relation"' not in waiting

    action = reverse("residents_admin_connection", args=[connection.pk, "approve"])
    assert login(people["staff_b"]).post(action).status_code == 403
    assert login(people["staff_a"]).post(action).status_code == 302
    connection.refresh_from_db()
    assert connection.status == "approved"
    assert client.get(album_url(anna)).status_code == 200
    approved = client.get(url).content.decode()
    assert f'href="{album_url(anna)}"' in approved
    assert 'name="relation"' not in approved
    # A relative of another home cannot even ask.
    other = login(people["engbo_relative"])
    assert other.get(url).status_code == 404
    assert other.post(url, {"relation": "Ven"}).status_code == 404
    outsider = make_relative("ude@example.dk")
    assert login(outsider).post(url, {"relation": "Ven"}).status_code == 404
    assert ResidentConnection.objects.filter(resident=anna).count() == 2


def test_min_side_lists_the_residents_a_relative_follows_and_no_others(tree, people):
    """A relative finds »Min hverdag« from Min side; a pending request shows as waiting;
    residents the relative has nothing to do with are not named."""
    relative = people["network_a"]
    services.request_connection(relative, people["per"], "Ven af familien")
    page = login(relative).get(reverse("dialog:my_page")).content.decode()
    assert "Beboere, du følger" in page
    assert f'href="{album_url(people["anna"])}"' in page
    assert "Per P" in page and "Afventer godkendelse" in page
    assert album_url(people["per"]) not in page  # pending grants no album
    assert "Bent" not in page and "Hanne" not in page
    # A relative who follows nobody sees no such section.
    other = login(people["home_relative"]).get(reverse("dialog:my_page")).content.decode()
    assert "Beboere, du følger" not in other


def test_the_residents_admin_shows_each_residents_connection_link(tree, people):
    page = login(people["staff_a"]).get(reverse("residents_admin_index")).content.decode()
    assert reverse("residents:connect", args=[people["anna"].pk]) in page
    assert reverse("residents:connect", args=[people["erik"].pk]) not in page  # Engbo's
