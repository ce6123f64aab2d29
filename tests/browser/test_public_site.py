"""The public frame in a real browser (issue 11): the phone menu (DKFDS drawer, keyboard),
the relatives' way in by clicking only, checkboxes that can be seen and ticked, an error
that does not cover its checkbox, and axe-core on the pages this work changed."""

import re
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from dialog.models import Membership
from tests.dialog.conftest import make_relative

from .test_dialog import mails_to, text_of
from .test_participation import assert_accessible
from .test_staff import log_in_with_session_cookie

pytestmark = pytest.mark.browser

# DKFDS draws its checkbox as the label's ::before; a box smaller than this cannot be seen
# or hit on a phone.
MIN_BOX_PX = 20
EMAIL = "ida.relative@example.dk"


def checkbox_box(page, input_id: str) -> dict:
    """The drawn box of a DKFDS checkbox (its label's ::before), in page pixels."""
    return page.evaluate(
        """id => {
            const label = document.querySelector(`label[for="${id}"]`);
            const style = getComputedStyle(label, "::before");
            const rect = label.getBoundingClientRect();
            return {width: parseFloat(style.width), height: parseFloat(style.height),
                    top: rect.top + window.scrollY, left: rect.left};
        }""",
        input_id,
    )


def test_phone_menu_opens_by_keyboard_holds_the_links_and_closes_with_escape(
    phone_page, content, axe_source
):
    page = phone_page
    page.goto("/")
    page.wait_for_load_state("load")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(page.locator(".navigation-menu .site-nav")).to_be_hidden()
    drawer = page.locator("#mobile-drawer")
    expect(drawer).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")
    expect(drawer).to_be_visible()
    expect(page.get_by_role("button", name="Luk menu")).to_be_focused()
    for name in ("Kalender", "Foreninger", "Nyhedsbrev", "Log ind for pårørende"):
        expect(drawer.get_by_role("link", name=name)).to_be_visible()
    assert_accessible(page, axe_source)
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    expect(menu).to_be_focused()
    # The menu's links lead somewhere: open it again and go to the newsletter.
    menu.click()
    drawer.get_by_role("link", name="Nyhedsbrev").click()
    expect(page).to_have_url(re.compile(r"/nyhedsbrev/$"))


def test_desktop_header_has_no_menu_button_and_shows_the_links(page, content):
    page.goto("/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Hovedmenu").first
    expect(nav.get_by_role("link", name="Nyhedsbrev")).to_be_visible()
    expect(
        page.locator(".portal-info").get_by_role("link", name="Log ind for pårørende")
    ).to_be_visible()
    # Card grids use the container's width, not DKFDS's reading measure.
    grid = page.locator(".card-list").first.bounding_box()
    container = page.locator("main").bounding_box()
    assert grid["width"] >= container["width"] - 1


def test_relative_reaches_the_dialog_by_clicking_only_and_finds_min_side_again(
    page, content, axe_source, settings, tmp_path
):
    cache.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    make_relative(EMAIL, content.home_a)
    page.goto("/")
    page.locator(".portal-info").get_by_role("link", name="Log ind for pårørende").click()
    expect(page.locator("h1")).to_be_visible()
    page.get_by_label("Din e-mailadresse").fill(EMAIL)
    page.get_by_role("button", name="Send mig et link").click()
    (login_mail,) = mails_to(tmp_path, EMAIL)
    link = re.search(r"https?://\S+/dialog/log-ind/link/\?\S+", text_of(login_mail)).group(0)
    page.goto(urlsplit(link).path + "?" + urlsplit(link).query)
    page.get_by_role("button", name="Log ind").click()
    # Signed in, the relative comes back to the front page they started on.
    expect(page).to_have_url(re.compile(r"/$"))
    header = page.locator(".portal-info")
    expect(header).to_contain_text("Du er logget ind")
    page.goto(content.tree.calendar.url)
    header.get_by_role("link", name="Min side").click()
    expect(page).to_have_url(re.compile(r"/dialog/$"))
    assert_accessible(page, axe_source)


def test_relatives_only_page_leads_a_signed_out_visitor_to_sign_in(page, content, axe_source):
    from tests.conftest import make_news

    secret = make_news(content.home_a, "Kun for de nære", relatives_only=True)
    response = page.goto(secret.url)
    assert response.status == 403
    expect(page.locator("main")).not_to_contain_text("Kun for de nære")
    assert_accessible(page, axe_source)
    page.locator("main").get_by_role("link", name="Log ind som pårørende").click()
    expect(page).to_have_url(re.compile(r"/dialog/log-ind/\?next="))
    assert page.locator('input[name="next"]').input_value() == secret.url


def test_delete_my_data_box_can_be_seen_and_ticked(page, content, live_server, axe_source):
    relative = make_relative(EMAIL, content.home_a)
    log_in_with_session_cookie(page, relative, live_server.url)
    page.goto("/dialog/mine-data/")
    box = checkbox_box(page, "id_confirm")
    assert box["width"] >= MIN_BOX_PX and box["height"] >= MIN_BOX_PX, box
    # Sending without the tick shows the error above the box, not on top of it.
    page.get_by_role("button", name="Slet mine data").click()
    error = page.locator(".form-error-message").first.bounding_box()
    box = checkbox_box(page, "id_confirm")
    assert error["y"] + error["height"] <= box["top"] + 1, (error, box)
    assert_accessible(page, axe_source)
    # The keyboard ticks it (Space on the focused box), and the data go.
    page.locator("#id_confirm").focus()
    page.keyboard.press("Space")
    expect(page.locator("#id_confirm")).to_be_checked()
    page.get_by_role("button", name="Slet mine data").click()
    expect(page).to_have_url(re.compile(r"/dialog/mine-data/slettet/$"))
    assert not Membership.objects.filter(relative__email=EMAIL).exists()


def test_newsletter_consent_error_does_not_cover_its_checkbox(phone_page, content, axe_source):
    page = phone_page
    page.goto("/nyhedsbrev/")
    form = page.locator("form.newsletter-form")
    form.get_by_label("Din e-mailadresse").fill("ny@example.dk")
    form.get_by_role("button", name="Tilmeld").click()
    consent = page.locator("input[name=consent]").first
    consent_id = consent.get_attribute("id")
    error = page.locator(f"#{consent_id}-error").bounding_box()
    box = checkbox_box(page, consent_id)
    assert box["width"] >= MIN_BOX_PX, box
    assert error["y"] + error["height"] <= box["top"] + 1, (error, box)
    assert_accessible(page, axe_source)


def test_calendar_filters_fold_behind_their_heading_on_a_phone(phone_page, content, axe_source):
    page = phone_page
    page.goto(content.tree.calendar.url)
    page.wait_for_load_state("load")
    submit = page.get_by_role("button", name="Vis arrangementer")
    expect(submit).to_be_hidden()
    page.locator(".calendar-filter__toggle").focus()
    page.keyboard.press("Enter")
    expect(submit).to_be_visible()
    assert_accessible(page, axe_source)
    # With a filter chosen, the filters stay open to show what is chosen.
    page.goto(f"{content.tree.calendar.url}?home={content.home_a.pk}")
    page.wait_for_load_state("load")
    expect(page.get_by_role("button", name="Vis arrangementer")).to_be_visible()


def test_calendar_filters_are_open_on_a_desktop(page, content):
    page.goto(content.tree.calendar.url)
    page.wait_for_load_state("load")
    expect(page.get_by_role("button", name="Vis arrangementer")).to_be_visible()
