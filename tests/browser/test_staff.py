"""A home's staff member in the Wagtail admin: writes news for their own home, and only there."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from home.models import NewsPage

pytestmark = pytest.mark.browser

USERNAME = "medarbejder-a"
PASSWORD = "adgangskode-a"


def sign_in(page, next_url: str = "/admin/") -> None:
    page.goto(next_url)
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.locator("input[name=username]").fill(USERNAME)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    expect(page).not_to_have_url(re.compile(r"/admin/login/"))


def log_in_with_session_cookie(page, user, base_url: str) -> None:
    """Skip the login form where it is not what the test is about (it costs a page load)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def click_publish(page) -> None:
    """Press "Udgiv"/"Publish": the editor's footer keeps it in the "more actions" dropdown."""
    publish = page.locator('button[name="action-publish"]')
    if not publish.is_visible():
        page.wait_for_load_state("load")  # the dropdown only opens once Wagtail's JS is running
        page.locator("footer .w-dropdown__toggle").first.click()
    expect(publish).to_be_visible()
    publish.click()


def test_staff_member_publishes_news_for_their_own_home(page, content, staff_a):
    home = content.home_a
    sign_in(page)
    expect(page.locator("body")).to_contain_text(staff_a.first_name)

    page.goto(f"/admin/pages/{home.pk}/add_subpage/")
    # A home offers several page types; choose "Nyhed" (or go straight there if it is the only one).
    if "/add_subpage/" in page.url:
        page.locator(f'a[href$="/admin/pages/add/home/newspage/{home.pk}/"]').first.click()
    expect(page).to_have_url(re.compile(rf"/admin/pages/add/home/newspage/{home.pk}/$"))

    title = "Vi har fået nye høns"
    page.locator("#id_title").fill(title)
    page.locator("#id_intro").fill("Hønsene bor i haven bag fælleshuset.")
    expect(page.locator("#id_date")).not_to_have_value("")  # defaults to today
    click_publish(page)

    # Back in the explorer of the home, with the page published.
    expect(page).to_have_url(re.compile(rf"/admin/pages/{home.pk}/$"))
    expect(page.locator(".messages .success")).to_contain_text(title)
    news = NewsPage.objects.get(title=title)
    assert news.live and news.botilbud_id == home.pk
    assert news.get_parent().pk == home.pk

    page.goto(home.url)
    news_section = page.locator("section[aria-labelledby=news-heading]")
    expect(news_section.get_by_role("link", name=title)).to_be_visible()
    news_section.get_by_role("link", name=title).click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("main")).to_contain_text("Hønsene bor i haven bag fælleshuset.")


def test_staff_member_cannot_edit_another_home(page, live_server, content, staff_a):
    home_b = content.home_b
    log_in_with_session_cookie(page, staff_a, live_server.url)

    edit_url = f"/admin/pages/{home_b.pk}/edit/"
    page.goto(edit_url)
    assert not page.url.endswith(edit_url), "staff of home A reached the editor of home B"
    expect(page.locator("#page-edit-form")).to_have_count(0)
    expect(page.locator("#id_title")).to_have_count(0)
    expect(page.locator(".messages .error")).to_be_visible()

    # Adding pages under home B is refused as well.
    page.goto(f"/admin/pages/add/home/newspage/{home_b.pk}/")
    expect(page.locator("#page-edit-form")).to_have_count(0)


def test_page_explorer_lists_only_the_staff_members_own_home(page, live_server, content, staff_a):
    log_in_with_session_cookie(page, staff_a, live_server.url)
    for url in ("/admin/pages/", f"/admin/pages/{content.tree.front.pk}/"):
        page.goto(url)
        main = page.locator("main")
        expect(main).to_contain_text(content.home_a.title)
        expect(main).not_to_contain_text(content.home_b.title)
        expect(page.locator(f'a[href*="/admin/pages/{content.home_b.pk}/"]')).to_have_count(0)
