"""A new relative's whole way, on a phone and on a desktop (issue 11): from the front page to
the home's dialog by clicking only, signing in by the mailed link, the unread count in the
header (and its going once the thread is read), and deleting their data by ticking the box
they can see. axe-core runs on every page type on the way; its findings per page type are
written to $AXE_FIGURES (a JSON file) when that is set, for the closing note's figures."""

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from playwright.sync_api import expect

from dialog import posting
from dialog.models import Membership, ThreadRead
from tests.dialog.conftest import make_relative

from .conftest import add_axe
from .test_accessibility import AXE_OPTIONS, BLOCKING_IMPACTS, describe
from .test_dialog import mails_to, text_of

pytestmark = pytest.mark.browser

EMAIL = "ida.relative@example.dk"
MIN_BOX_PX = 20


def check_page(page, axe_source: str, page_type: str, viewport: str) -> None:
    """axe-core on this page: no serious or critical violation; every finding is counted."""
    add_axe(page, axe_source)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    violations = results["violations"]
    figures = os.environ.get("AXE_FIGURES")
    if figures:
        path = Path(figures)
        data = json.loads(path.read_text()) if path.exists() else {}
        data[f"{viewport}: {page_type}"] = {
            "violations": len(violations),
            "nodes": sum(len(v["nodes"]) for v in violations),
            "ids": sorted(f"{v['id']} ({v['impact']})" for v in violations),
            "passes": len(results["passes"]),
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"{page.url}:\n{describe(blocking)}"


def header_part(page, phone: bool):
    """Where the signed-in relative's links are: the portal bar, or the phone's menu."""
    if phone:
        menu = page.get_by_role("button", name="Menu")
        expect(menu).to_be_visible()
        menu.click()
        return page.locator("#mobile-drawer .portal-info-mobile")
    return page.locator(".portal-info .portal-user")


def close_menu(page, phone: bool) -> None:
    if phone:
        page.keyboard.press("Escape")
        expect(page.locator("#mobile-drawer")).to_be_hidden()


def tick_visible_box(page, input_id: str) -> None:
    """Click where the DKFDS box is drawn (its label's ::before), as a person aims at it."""
    label = page.locator(f'label[for="{input_id}"]')
    label.scroll_into_view_if_needed()
    box = label.evaluate(
        """label => {
            const style = getComputedStyle(label, "::before");
            const number = value => (isNaN(parseFloat(value)) ? 0 : parseFloat(value));
            return {width: number(style.width), height: number(style.height),
                    left: number(style.left), top: number(style.top)};
        }"""
    )
    assert box["width"] >= MIN_BOX_PX and box["height"] >= MIN_BOX_PX, box
    where = label.bounding_box()
    # The mouse goes to the middle of the drawn box; whatever is on top there takes the click
    # (DKFDS lays the real, transparent input over it).
    page.mouse.click(
        where["x"] + box["left"] + box["width"] / 2, where["y"] + box["top"] + box["height"] / 2
    )


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_relative_finds_the_dialog_signs_in_reads_and_deletes_their_data(
    request, viewport, content, staff_a, axe_source, settings, tmp_path
):
    phone = viewport == "phone"
    page = request.getfixturevalue("phone_page" if phone else "page")
    cache.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    relative = make_relative(EMAIL, content.home_a)
    thread = posting.start_thread(
        botilbud=content.home_a,
        author=relative,
        kind="question",
        subject="Tøj til vinteren",
        body="Skal jeg tage varmt tøj med på lørdag?",
    )
    posting.post_message(thread, author=staff_a, body="Ja, gerne en jakke.", by_staff=True)

    # The front page, then the home, then its invitation: clicks only.
    page.goto("/")
    check_page(page, axe_source, "forside", viewport)
    page.locator("#botilbud").get_by_role("link", name=content.home_a.title).click()
    expect(page.locator("h1")).to_have_text(content.home_a.title)
    check_page(page, axe_source, "botilbud", viewport)
    page.locator(".home-dialog-invite").get_by_role("link", name="Log ind som pårørende").click()
    expect(page).to_have_url(re.compile(r"/dialog/log-ind/\?next="))
    check_page(page, axe_source, "log ind", viewport)
    page.get_by_label("Din e-mailadresse").fill(EMAIL)
    page.get_by_role("button", name="Send mig et link").click()
    expect(page.locator("h1")).to_be_visible()
    check_page(page, axe_source, "link sendt", viewport)

    # The mailed link (opened from the mail program), then its button.
    # (The staff's answer was mailed to them too.)
    links = [
        found[0]
        for mail in mails_to(tmp_path, EMAIL)
        if (found := re.search(r"https?://\S+/dialog/log-ind/link/\?\S+", text_of(mail)))
    ]
    assert len(links) == 1, links
    link = urlsplit(links[0])
    page.goto(f"{link.path}?{link.query}")
    check_page(page, axe_source, "log ind med link", viewport)
    page.get_by_role("button", name="Log ind").click()

    # Back at the home's dialog, with the staff's answer counted in the header.
    expect(page).to_have_url(re.compile(rf"/dialog/{content.home_a.pk}/$"))
    header = header_part(page, phone)
    expect(header.locator(".header-unread")).to_have_text("1 ulæst tråd")
    close_menu(page, phone)
    check_page(page, axe_source, "dialog: botilbuddets tråde", viewport)
    page.get_by_role("link", name="Tøj til vinteren").click()
    expect(page.locator("main")).to_contain_text("Ja, gerne en jakke.")
    check_page(page, axe_source, "dialog: tråd", viewport)
    header = header_part(page, phone)
    expect(header.get_by_role("link", name="Min side")).to_be_visible()
    expect(header.locator(".header-unread")).to_have_count(0)  # read now
    header.get_by_role("link", name="Min side").click()
    expect(page).to_have_url(re.compile(r"/dialog/$"))
    check_page(page, axe_source, "min side", viewport)

    # Their data: ticked by clicking the box they see, then deleted.
    page.get_by_role("link", name="Dine data: hent en kopi, eller slet dem").click()
    expect(page).to_have_url(re.compile(r"/dialog/mine-data/$"))
    check_page(page, axe_source, "mine data", viewport)
    confirm = page.locator("#id_confirm")
    expect(confirm).not_to_be_checked()
    tick_visible_box(page, "id_confirm")
    expect(confirm).to_be_checked()
    page.get_by_role("button", name="Slet mine data").click()
    expect(page).to_have_url(re.compile(r"/dialog/mine-data/slettet/$"))
    check_page(page, axe_source, "data slettet", viewport)
    assert not get_user_model().objects.filter(email=EMAIL).exists()
    assert not Membership.objects.filter(relative_id=relative.pk).exists()
    assert not ThreadRead.objects.filter(relative_id=relative.pk).exists()
