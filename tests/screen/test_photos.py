"""Residents' photos on the screen, the poster and the printed letter follow their consent
(residents.visibility): never a *mit netværk* photo; public photos are shown."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from home.screen import PhotoAudience, event_pictures

from ..residents.conftest import GIVEN, people, photo_of, private_root, staff_b
from .conftest import at, pdf_text

__all__ = ["people", "photo_of", "private_root", "staff_b"]


def test_network_photos_never_on_the_screen_or_poster(client, tree, week, people, photo_of):
    network = photo_of(people["anna"], event=week["kaffe"], caption="Anna ved kaffen")
    public = photo_of(people["per"], event=week["friday"], caption="Per ved bålet")
    home_only = photo_of(people["hanne"], event=week["friday"], caption="Hanne synger")
    screen = client.get(tree.home_a.url + "skaerm/").content.decode()
    fragment = client.get(tree.home_a.url + "skaerm/indhold/").content.decode()
    for html in (screen, fragment):
        assert network.token not in html
        assert home_only.token not in html  # a public address: PUBLIC photos only
    # Per's photo is public: today's Kaffe shows the event's own image instead of Anna's.
    pictures = event_pictures([week["kaffe"], week["friday"]], PhotoAudience.PUBLIC)
    assert public.token in pictures[week["friday"].pk].url
    assert network.token not in (pictures[week["kaffe"].pk].url or "")
    home_pictures = event_pictures([week["kaffe"]], PhotoAudience.HOME)
    assert network.token not in (home_pictures[week["kaffe"].pk].url or "")
    poster = client.get("/solgarden/uge.pdf")
    assert poster.status_code == 200
    assert "Anna" not in pdf_text(poster.content)


def test_withdrawn_consent_leaves_the_screen_at_once(client, tree, week, people, photo_of):
    from residents import services
    from residents.models import ConsentLevel

    photo = photo_of(people["per"], event=week["kaffe"])
    url = tree.home_a.url + "skaerm/indhold/"
    assert photo.token in client.get(url).content.decode()
    services.record_consent(people["staff_a"], people["per"], ConsentLevel.NETWORK, GIVEN)
    assert photo.token not in client.get(url).content.decode()


def test_printed_letter_uses_public_photos_only(client, tree, people, photo_of, monkeypatch):
    from ..conftest import make_event

    monkeypatch.setattr(timezone, "now", lambda: at(dt.date(2026, 12, 1), 9))
    event = make_event(tree.home_a, "Juletræet tændes", start=at(dt.date(2026, 12, 6), 16))
    photo_of(people["anna"], event=event, caption="Anna ved juletræet")
    client.force_login(people["staff_a"])
    response = client.get(reverse("home_monthly_letter", args=[tree.home_a.pk]))
    assert response.status_code == 200
    assert b"/Subtype /Image" not in response.content
