"""A notice-board screen paired with its home (residents.screens): botilbuddet photos for that
device only, PUBLIC photos for everyone else (unpaired, revoked, forged, another home's);
never a *mit netværk* photo; never cached; paired and revoked only by the home's staff."""

import datetime as dt
import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from residents import screens
from residents.models import ScreenDevice
from residents.visibility import photo_url

from ..conftest import make_event
from ..residents.conftest import people, photo_of, private_root, staff_b
from .conftest import at, pdf_text

__all__ = ["people", "photo_of", "private_root", "staff_b"]

SCREEN = "/solgarden/skaerm/"
FRAGMENT = "/solgarden/skaerm/indhold/"


@pytest.fixture
def photos(tree, week, people, photo_of):
    """Today (the screen shows pictures for today's events): Hanne (botilbuddet) at the
    bonfire, Per (offentligt) at the singing, Anna (mit netværk) and Nina (ingen) each alone
    on an event without an image of its own."""
    today = week["kaffe"].start.date()
    bonfire = make_event(tree.home_a, "Bålhygge", start=at(today, 17))
    singing = make_event(tree.home_a, "Fællessang", start=at(today, 18))
    knitting = make_event(tree.home_a, "Strikkeklub", start=at(today, 19))
    cards = make_event(tree.home_a, "Kortspil", start=at(today, 20))
    return {
        "home": photo_of(people["hanne"], event=bonfire, caption="Hanne ved bålet"),
        "public": photo_of(people["per"], event=singing, caption="Per synger"),
        "network": photo_of(people["anna"], event=knitting, caption="Anna strikker"),
        "none": photo_of(people["nina"], event=cards, caption="Nina spiller kort"),
    }


def create_device(client, staff, home, name="Fællesstuen") -> str:
    """The pairing link, as the admin shows it once."""
    client.force_login(staff)
    response = client.post(
        reverse("residents_admin_screen_create", args=[home.pk]), {f"home-{home.pk}-name": name}
    )
    assert response.status_code == 200
    assert {"private", "no-store"} <= {v.strip() for v in response["Cache-Control"].split(",")}
    link = re.search(r'<code id="pairing-link"[^>]*>([^<]+)</code>', response.content.decode())[1]
    client.logout()
    return link.replace("http://localhost", "")


def press_pair(tv: Client, link: str, **extra):
    """Open the pairing link on the TV (it only asks) and press its button (it pairs)."""
    question = tv.get(link, **extra)
    assert question.status_code == 200
    assert not question.cookies.get(screens.COOKIE_NAME)  # opening a link pairs nothing
    assert question["Cache-Control"] == "private, no-store"
    assert question["Referrer-Policy"] == "origin"
    screen_url, secret = link.split("?par=")
    assert f'value="{secret}"' in question.content.decode()
    return tv.post(screen_url, {"par": secret}, **extra)


def paired_client(link: str) -> Client:
    tv = Client()
    response = press_pair(tv, link)
    assert response.status_code == 302
    assert response["Location"] == link.split("?")[0]
    return tv


def shown(client, url=FRAGMENT) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_pairing_sets_a_signed_cookie_and_logs(client, tree, people):
    link = create_device(client, people["staff_a"], tree.home_a)
    device = ScreenDevice.objects.get()
    secret = link.split("par=")[1]
    assert device.token_hash != secret and secret not in device.token_hash  # a hash only
    assert device.botilbud_id == tree.home_a.pk and device.created_by == people["staff_a"]
    # A mail's link scanner opening the link first uses nothing up.
    assert Client().get(link).status_code == 200
    assert Client().head(link).status_code == 200
    tv = Client()
    response = press_pair(tv, link, secure=True)
    cookie = response.cookies[screens.COOKIE_NAME]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 365 * 24 * 3600
    assert secret not in cookie.value  # signed and compressed, never the bare secret
    value = signing.loads(cookie.value, salt=screens.COOKIE_SALT)
    assert value == {"h": tree.home_a.pk, "t": secret}
    assert response["Cache-Control"] == "private, no-store"
    assert not press_pair(Client(), link).cookies  # the link is used up
    over_http = create_device(client, people["staff_a"], tree.home_a, "Gangen")
    assert not press_pair(Client(), over_http).cookies[screens.COOKIE_NAME]["secure"]
    actions = list(
        ModelLogEntry.objects.filter(action__startswith="residents.screen.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted(
        [screens.CREATE, screens.PAIR, screens.PAIR_REFUSED, screens.CREATE, screens.PAIR]
    )


def test_a_stale_or_wrong_link_pairs_nothing(client, tree, people, monkeypatch):
    link = create_device(client, people["staff_a"], tree.home_a)
    assert not press_pair(Client(), link.replace("solgarden", "engbo")).cookies
    assert not press_pair(Client(), SCREEN + "?par=gaet-et-token").cookies
    huge = Client().post(SCREEN, {"par": "x" * 100_000})
    assert huge.status_code == 302 and not huge.cookies
    # A day and an hour after the link was made (at the real time, not the fixture's).
    made = ScreenDevice.objects.get().created_at
    later = made + dt.timedelta(hours=screens.PAIRING_HOURS + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = press_pair(Client(), link)
    assert response.status_code == 302 and not response.cookies
    refused = ModelLogEntry.objects.get(action=screens.PAIR_REFUSED)
    assert refused.data["reason"] == "expired"


def test_paired_screen_shows_home_photos_and_gets_their_files(client, tree, people, photos):
    tv = paired_client(create_device(client, people["staff_a"], tree.home_a))
    for url in (SCREEN, FRAGMENT):
        response = tv.get(url)
        html = response.content.decode()
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Skaerm-Parret"] == "1"
        assert photos["home"].token in html and photos["public"].token in html
        assert photos["network"].token not in html and photos["none"].token not in html
    assert "Parret skærm: Fællesstuen" in shown(tv, SCREEN)
    home_file = tv.get(photo_url(photos["home"], "small"))
    assert home_file.status_code == 200
    assert home_file["Cache-Control"] == "private, no-store"
    assert tv.get(photo_url(photos["home"], "large")).status_code == 200
    # Renditions of HOME photos only: never the original, never a network or ingen photo.
    assert tv.get(photo_url(photos["home"], "original")).status_code == 404
    for key in ("network", "none"):
        assert tv.get(photo_url(photos[key], "small")).status_code == 404
    # The unpaired screen beside it: PUBLIC, exactly as before.
    anonymous = Client()
    response = anonymous.get(FRAGMENT)
    assert "no-cache" in response["Cache-Control"] and "X-Skaerm-Parret" not in response
    html = response.content.decode()
    assert photos["public"].token in html and photos["home"].token not in html
    assert anonymous.get(photo_url(photos["home"], "small")).status_code == 404


def test_revoked_forged_and_other_homes_cookies_count_as_unpaired(client, tree, people, photos):
    tv = paired_client(create_device(client, people["staff_a"], tree.home_a))
    valid = tv.cookies[screens.COOKIE_NAME].value
    home_file = photo_url(photos["home"], "small")

    def public_only(screen_client):
        html = shown(screen_client)
        assert photos["home"].token not in html and photos["public"].token in html
        assert screen_client.get(home_file).status_code == 404
        assert "X-Skaerm-Parret" not in screen_client.get(FRAGMENT)

    # Forged: a tampered signature, or a cookie signed with another key.
    forged = Client()
    forged.cookies[screens.COOKIE_NAME] = valid[:-3] + ("AAA" if valid[-3:] != "AAA" else "BBB")
    public_only(forged)
    other_key = Client()
    other_key.cookies[screens.COOKIE_NAME] = signing.dumps(
        {"h": tree.home_a.pk, "t": "gaet"}, key="en-anden-noegle", salt=screens.COOKIE_SALT
    )
    public_only(other_key)
    # Another home's paired screen, carried to Solgården.
    engbo = paired_client(create_device(client, people["staff_b"], tree.home_b, "Engbo-stuen"))
    assert "X-Skaerm-Parret" in engbo.get("/engbo/skaerm/indhold/")
    public_only(engbo)
    # Engbo's secret in a cookie signed for Solgården: still not Solgården's device.
    engbo_secret = signing.loads(
        engbo.cookies[screens.COOKIE_NAME].value, salt=screens.COOKIE_SALT
    )["t"]
    moved = Client()
    moved.cookies[screens.COOKIE_NAME] = signing.dumps(
        {"h": tree.home_a.pk, "t": engbo_secret}, salt=screens.COOKIE_SALT, compress=True
    )
    public_only(moved)
    # Revoked: from the next request on.
    assert photos["home"].token in shown(tv)
    client.force_login(people["staff_a"])
    device = ScreenDevice.objects.get(botilbud=tree.home_a)
    response = client.post(reverse("residents_admin_screen_revoke", args=[device.pk]))
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.revoked_at is not None
    public_only(tv)
    # The revoked device's cookie is dropped at the next full screen load.
    assert tv.get(SCREEN).cookies[screens.COOKIE_NAME]["max-age"] == 0
    assert ModelLogEntry.objects.filter(action=screens.REVOKE).count() == 1


def test_first_use_each_day_is_logged(client, tree, people, monkeypatch):
    # Paired at the real time, today; "tomorrow" is counted from 09:00 today, so the three
    # later uses fall on tomorrow's morning whenever the test runs.
    morning = at(timezone.localdate(), 9)
    tv = paired_client(create_device(client, people["staff_a"], tree.home_a))
    seen = ModelLogEntry.objects.filter(action=screens.SEEN)
    shown(tv)
    assert seen.count() == 0  # paired today: the pairing is today's entry
    for hours in (24, 24.5, 25):
        later = morning + dt.timedelta(hours=hours)
        monkeypatch.setattr(timezone, "now", lambda later=later: later)
        shown(tv)
    assert seen.count() == 1
    device = ScreenDevice.objects.get()
    assert device.last_seen_at == morning + dt.timedelta(hours=25)


def test_only_the_homes_own_staff_create_and_revoke_screens(client, tree, people):
    create_device(client, people["staff_a"], tree.home_a, "Stuen mod haven")
    device = ScreenDevice.objects.get()
    client.force_login(people["staff_b"])
    create = reverse("residents_admin_screen_create", args=[tree.home_a.pk])
    assert client.post(create, {f"home-{tree.home_a.pk}-name": "Snyd"}).status_code == 404
    revoke = reverse("residents_admin_screen_revoke", args=[device.pk])
    assert client.post(revoke).status_code == 404
    index = client.get(reverse("residents_admin_screens"))
    assert index.status_code == 200
    assert "Engbo" in index.content.decode() and "Stuen mod haven" not in index.content.decode()
    assert ScreenDevice.objects.count() == 1
    device.refresh_from_db()
    assert device.revoked_at is None
    client.force_login(people["home_relative"])
    assert client.get(reverse("residents_admin_screens")).status_code in (302, 403, 404)
    client.logout()
    assert client.post(create, {f"home-{tree.home_a.pk}-name": "Snyd"}).status_code in (302, 404)
    assert ScreenDevice.objects.count() == 1


def test_paired_answers_are_never_in_the_page_cache(client, tree, people, photos, settings):
    from django.core.cache import caches

    tv = paired_client(create_device(client, people["staff_a"], tree.home_a))
    settings.PAGECACHE = {**settings.PAGECACHE, "ENABLED": True}
    pages = caches["pages"]
    pages.clear()
    try:
        for _ in range(2):
            response = tv.get(SCREEN)
            assert "X-Page-Cache" not in response
            assert photos["home"].token in response.content.decode()
        assert photos["home"].token not in shown(Client(), SCREEN)
        # A page the cache does keep is neither handed to a paired screen nor stored for it.
        front = tree.front.url
        assert "X-Page-Cache" not in tv.get(front)
        assert Client().get(front)["X-Page-Cache"] == "miss"
        assert Client().get(front)["X-Page-Cache"] == "hit"
        assert "X-Page-Cache" not in tv.get(front)
    finally:
        pages.clear()


def test_paired_screen_queries(client, tree, people, photos, django_assert_num_queries):
    tv = paired_client(create_device(client, people["staff_a"], tree.home_a))
    tv.get(SCREEN)
    with django_assert_num_queries(PAIRED_SCREEN_QUERIES):
        tv.get(SCREEN)
    with django_assert_num_queries(PAIRED_FRAGMENT_QUERIES):
        tv.get(FRAGMENT)


# Routing, view restrictions, the events, their photos and renditions, and the device.
PAIRED_SCREEN_QUERIES = 9
PAIRED_FRAGMENT_QUERIES = 9


def test_week_poster_home_photos_for_the_homes_staff_only(
    client, tree, people, photo_of, now, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: now)
    sing = make_event(tree.home_a, "Sangaften", start=at(now.date(), 19))
    knit = make_event(tree.home_a, "Strikkeaften", start=at(now.date(), 20))
    photo_of(people["hanne"], event=sing, caption="Hanne synger")
    photo_of(people["anna"], event=knit, caption="Anna strikker")
    anonymous = client.get("/solgarden/uge.pdf")
    assert b"/Subtype /Image" not in anonymous.content
    assert "private" not in anonymous.get("Cache-Control", "")
    assert "public" in anonymous["Cache-Control"] and "Cookie" in anonymous["Vary"]
    client.force_login(people["staff_b"])
    assert b"/Subtype /Image" not in client.get("/solgarden/uge.pdf").content
    client.force_login(people["staff_a"])
    staff = client.get("/solgarden/uge.pdf")
    assert staff["Cache-Control"] == "private, no-store" and "Cookie" in staff["Vary"]
    # Hanne's photo only: Anna's (mit netværk) never, not even on the staff's wall poster.
    assert staff.content.count(b"/Subtype /Image") == 1
    assert "Sangaften" in pdf_text(staff.content) and "Strikkeaften" in pdf_text(staff.content)


def test_screens_admin_queries_do_not_grow_with_the_devices(
    client, tree, people, django_assert_num_queries
):
    create_device(client, people["staff_a"], tree.home_a, "Fællesstuen")
    client.force_login(people["staff_a"])
    index = reverse("residents_admin_screens")
    client.get(index)
    with django_assert_num_queries(SCREENS_ADMIN_QUERIES):
        assert client.get(index).status_code == 200
    for name in ("Gangen", "Køkkenet", "Haven"):
        create_device(client, people["staff_a"], tree.home_a, name)
    client.force_login(people["staff_a"])
    with django_assert_num_queries(SCREENS_ADMIN_QUERIES):
        assert "Køkkenet" in client.get(index).content.decode()


# Session and user, the Wagtail admin's own (menu, hooks, settings), the homes, the screens.
SCREENS_ADMIN_QUERIES = 22


def test_the_page_cache_knows_the_screen_cookie():
    """pagecache names the cookie itself (it imports no residents code): the two agree."""
    from pagecache.middleware import PERSONAL_COOKIES

    assert screens.COOKIE_NAME in PERSONAL_COOKIES
