"""A relative on the public site: from the front page to a home, its news, events and calendar."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_front_page_to_home_news_event_and_filtered_calendar(page, content):
    home = content.home_a
    page.goto("/")
    expect(page.locator("h1")).to_have_text(content.tree.front.title)

    # Front page → the home's card.
    page.locator("#botilbud").get_by_role("link", name=home.title, exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(home.url) + "$"))
    expect(page.locator("h1")).to_have_text(home.title)
    expect(page.locator("#facilities-heading + .facility-list")).to_contain_text("Spabad")

    # Home → one of its news items.
    page.locator("section[aria-labelledby=news-heading]").get_by_role(
        "link", name=content.news.title
    ).click()
    expect(page.locator("h1")).to_have_text(content.news.title)
    expect(page.locator("main")).to_contain_text("Tak til alle, der kom og var med.")

    # Back to the home → one of its events.
    page.go_back()
    expect(page.locator("h1")).to_have_text(home.title)
    page.locator("section[aria-labelledby=events-heading]").get_by_role(
        "link", name=content.event.title
    ).click()
    expect(page.locator("h1")).to_have_text(content.event.title)
    facts = page.locator(".event-facts")
    expect(facts).to_contain_text(content.tree.organisation.name)

    # The event names its home; from there, the home's own view of the calendar.
    facts.get_by_role("link", name=home.title, exact=True).click()
    expect(page.locator("h1")).to_have_text(home.title)
    page.get_by_role("link", name=f"Alle arrangementer på {home.title}").click()
    expect(page).to_have_url(
        re.compile(rf"{re.escape(content.tree.calendar.url)}\?home={home.pk}$")
    )
    expect(page.locator("h1")).to_have_text(content.tree.calendar.title)
    expect(page.locator("#id_home")).to_have_value(str(home.pk))
    expect(page.locator("#id_home option:checked")).to_have_text(home.title)
    results = page.locator(".calendar-results")
    expect(results.locator("h2")).to_have_text("1 arrangement")
    expect(results.locator(".event-card__title")).to_have_text([content.event.title])
    expect(results).not_to_contain_text(content.other_event.title)

    # "Nulstil" shows every home's events again.
    page.get_by_role("link", name="Nulstil").click()
    expect(page.locator(".calendar-results .event-card__title")).to_have_text(
        [content.event.title, content.other_event.title]
    )


def test_skip_link_is_the_first_focusable_element_and_moves_focus_to_main(page, content):
    page.goto(content.home_a.url)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({href: document.activeElement.getAttribute('href'),"
        " text: document.activeElement.textContent.trim()})"
    )
    assert focused == {"href": "#main-content", "text": "Gå til sidens indhold"}, focused
    # The link is visible while it has focus (it is for sighted keyboard users too).
    expect(page.locator("a.skipnav")).to_be_in_viewport(ratio=1)
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"


def test_pages_fit_a_phone_without_horizontal_scrolling(phone_page, content):
    tree = content.tree
    urls = [
        "/",
        content.home_a.url,
        content.news.url,
        content.event.url,
        tree.calendar.url,
        f"{tree.calendar.url}?home=abc&month=13&page=-1",
        content.call.url,
        tree.directory.url,
        content.organisation_url(),
        "/soeg/?q=Solg%C3%A5rden",
    ]
    too_wide = {}
    for url in urls:
        phone_page.goto(url)
        width = phone_page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
        )
        if width["scroll"] > width["inner"]:
            too_wide[url] = width
    assert not too_wide, f"Horizontal scrolling at 390 px wide: {too_wide}"

    # The main menu is there on a phone too, behind DKFDS's Menu button (its drawer), and
    # the header search field gets the room rather than its button.
    phone_page.goto("/")
    phone_page.wait_for_load_state("load")
    phone_page.get_by_role("button", name="Menu").click()
    menu = phone_page.locator("#mobile-drawer")
    for title in (tree.calendar.title, tree.directory.title):
        expect(menu.get_by_role("link", name=title)).to_be_visible()
    phone_page.keyboard.press("Escape")
    search_box = phone_page.locator("#site-search-input").bounding_box()
    assert search_box["width"] >= 390 / 2, f"header search field is too narrow: {search_box}"

    # The calendar's checkbox is drawn next to its label, not in a corner of the page.
    phone_page.goto(tree.calendar.url)
    phone_page.wait_for_load_state("load")
    phone_page.locator(".calendar-filter__toggle").click()  # folded on a phone
    box = phone_page.locator("#id_past").bounding_box()
    label = phone_page.locator("label[for=id_past]").bounding_box()
    assert abs(box["y"] - label["y"]) < label["height"], (box, label)
    assert abs(box["x"] - label["x"]) < 40, (box, label)
