"""The notice-board screen in chromium: clock, advancing views, keeping its content when the
network drops, and the easy-read switch (keyboard, persisted) — with axe-core on both."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.conftest import make_event, make_image

from ..residents.conftest import people, photo_of, private_root, staff_a, staff_b
from .conftest import add_axe
from .test_accessibility import AXE_OPTIONS, BLOCKING_IMPACTS, describe

pytestmark = pytest.mark.browser
__all__ = ["people", "photo_of", "private_root", "staff_a", "staff_b"]


def axe_blocking(page, axe_source) -> list[dict]:
    add_axe(page, axe_source)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


@pytest.fixture
def today(content):
    """An event going on now at Solgården, with an image, a pictogram and an easy-read text."""
    now = timezone.now()
    return make_event(
        content.home_a,
        "Kaffe i haven",
        start=now - dt.timedelta(hours=1),
        end=now + dt.timedelta(hours=1),
        pictogram="kaffe",
        intro="Vi mødes i haven til kaffe og kage med pårørende og naboer.",
        easy_read="Vi drikker kaffe i haven.",
        image=make_image("Haven"),
    )


def visible_slides(page) -> int:
    return page.locator(".screen-slide:not([hidden])").count()


def test_screen_clock_slides_refresh_and_offline(page, content, today, axe_source):
    page.clock.install()
    response = page.goto(content.home_a.url + "skaerm/")
    assert response.status == 200
    page.wait_for_load_state("load")
    assert re.fullmatch(r"\d\d[.:]\d\d", page.locator("#screen-clock").inner_text())
    assert page.locator("h1").count() == 1
    # One view at a time; the easy-read text is on by default on the screen.
    assert visible_slides(page) == 1
    heading = page.locator(".screen-slide:not([hidden]) h2").inner_text()
    assert page.get_by_text("Vi drikker kaffe i haven.").first.is_visible()
    blocking = axe_blocking(page, axe_source)
    assert not blocking, describe(blocking)
    # It advances by itself …
    page.clock.run_for(13_000)
    assert visible_slides(page) == 1
    assert page.locator(".screen-slide:not([hidden]) h2").inner_text() != heading
    # … unless stopped (keyboard).
    page.locator("#screen-pause").focus()
    page.keyboard.press("Enter")
    assert page.locator("#screen-pause").get_attribute("aria-pressed") == "true"
    shown = page.locator(".screen-slide:not([hidden]) h2").inner_text()
    page.clock.run_for(30_000)
    assert page.locator(".screen-slide:not([hidden]) h2").inner_text() == shown
    # The network drops: the next refresh fails, the content stays, a line says so.
    page.context.set_offline(True)
    page.clock.run_for(5 * 60 * 1000 + 1000)
    page.locator("#screen-status").wait_for(state="visible")
    assert "Ingen forbindelse" in page.locator("#screen-status").inner_text()
    assert page.get_by_text("Kaffe i haven").count() >= 1
    # Back online: the refresh succeeds and the line goes away.
    page.context.set_offline(False)
    page.clock.run_for(5 * 60 * 1000 + 1000)
    page.locator("#screen-status").wait_for(state="hidden")
    assert page.get_by_text("Kaffe i haven").count() >= 1


def test_screen_fetches_only_its_content_on_refresh(page, content, today):
    page.clock.install()
    page.goto(content.home_a.url + "skaerm/")
    page.wait_for_load_state("networkidle")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.clock.run_for(5 * 60 * 1000 + 1000)
    page.wait_for_load_state("networkidle")
    assert [url for url in requests if "/skaerm/indhold/" in url]
    assert all(url.startswith(page.url.split("/solgarden")[0]) for url in requests)


def test_easy_read_switch_by_keyboard_is_kept(page, content, today, axe_source):
    page.goto(today.url)
    switch = page.locator("[data-easy-read-switch]")
    assert switch.is_visible()
    assert switch.get_attribute("aria-pressed") == "false"
    intro = page.get_by_text("Vi mødes i haven til kaffe")
    easy = page.get_by_text("Vi drikker kaffe i haven.")
    assert intro.is_visible() and not easy.is_visible()
    switch.focus()
    page.keyboard.press("Space")
    assert switch.get_attribute("aria-pressed") == "true"
    assert easy.is_visible() and not intro.is_visible()
    assert page.locator(".easy-read-version img[alt='Kaffe']").is_visible()
    blocking = axe_blocking(page, axe_source)
    assert not blocking, describe(blocking)
    # Kept across pages and visits in this browser.
    page.goto(content.home_a.url)
    assert page.locator("[data-easy-read-switch]").get_attribute("aria-pressed") == "true"
    page.goto(today.url)
    assert page.get_by_text("Vi drikker kaffe i haven.").is_visible()
    page.locator("[data-easy-read-switch]").click()
    assert page.get_by_text("Vi mødes i haven til kaffe").is_visible()


def test_paired_screen_keeps_home_photos_apart_and_drops_them_once_unpaired(
    page, content, people, photo_of
):
    """Paired: the home's photo is shown and kept in the worker's paired cache. Revoked: the
    next answer is unpaired, the paired cache is gone, and offline the screen shows the
    unpaired copy only."""
    from residents import screens
    from residents.visibility import photo_url

    now = timezone.now()
    event = make_event(
        content.home_a,
        "Bålhygge",
        start=now - dt.timedelta(hours=1),
        end=now + dt.timedelta(hours=1),
    )
    photo = photo_of(people["hanne"], event=event, caption="Hanne ved bålet")
    small = photo_url(photo, "small")
    device, secret = screens.create_device(people["staff_a"], content.home_a.pk, "Fællesstuen")
    screen_url = content.home_a.url + "skaerm/"
    page.goto(f"{screen_url}?par={secret}")  # opening the link only asks …
    page.get_by_role("button", name="Par skærmen").click()  # … the TV's button pairs
    page.wait_for_url(f"**{screen_url}")
    assert page.url.endswith(screen_url)
    assert page.get_by_text("Parret skærm: Fællesstuen").is_visible()
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now through the worker, which keeps the photo
    page.wait_for_function(
        """url => caches.open("samspil-skaerm-parret-v1")
            .then(cache => cache.match(url)).then(found => !!found)""",
        arg=small,
    )
    assert page.locator(f"img[src='{small}']").count() >= 1
    screens.revoke_device(people["staff_a"], device)
    page.reload()
    assert page.locator(f"img[src='{small}']").count() == 0
    page.wait_for_function(
        "() => caches.keys().then(names => !names.includes('samspil-skaerm-parret-v1'))"
    )
    assert not page.evaluate("url => caches.match(url).then(found => !!found)", small)
    page.context.set_offline(True)
    page.reload()
    assert page.get_by_text("Bålhygge").count() >= 1
    assert page.locator(f"img[src='{small}']").count() == 0
    assert not page.get_by_text("Parret skærm").count()
