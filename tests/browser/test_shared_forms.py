"""With the page cache on, a home's page is shared by every visitor (no token, no cookie):
js/csrf.js fills the subscribe box's token from /csrf/ and the sign-up goes through; in a
browser without JavaScript the same box is asked to confirm once, and then goes through."""

import re

import pytest
from django.core.cache import cache, caches
from playwright.sync_api import expect
from wagtail.models import Site

from home.models.site_settings import MunicipalitySettings
from newsletters.models import Subscriber

from .conftest import _close, _new_page

pytestmark = pytest.mark.browser


@pytest.fixture
def page_cache_on(settings, content):
    # The first page shown would make the site settings, and a saved setting purges the cache.
    MunicipalitySettings.for_site(Site.objects.get(is_default_site=True))
    settings.PAGECACHE = {**settings.PAGECACHE, "ENABLED": True}
    caches["pages"].clear()
    cache.clear()  # the subscribe form's rate limits
    yield
    caches["pages"].clear()


def subscribe(page, home, email: str) -> None:
    box = page.locator("section.newsletter-box")
    box.get_by_label("Din e-mailadresse").fill(email)
    box.get_by_role("checkbox", name="Ja tak, send mig nyhedsbrevet").check()
    box.get_by_role("button", name="Tilmeld").click()


def test_subscribe_from_a_cached_page_with_and_without_javascript(
    browser, live_server, page, content, page_cache_on
):
    home = content.home_a
    first = page.goto(home.url)
    assert first.headers["x-page-cache"] == "miss"
    assert "set-cookie" not in first.headers
    answer = page.goto(home.url)
    assert answer.headers["x-page-cache"] == "hit"
    assert answer.headers["cache-control"].startswith("public, max-age=0, s-maxage=")
    assert "set-cookie" not in answer.headers
    token = page.locator("section.newsletter-box input[name=csrfmiddlewaretoken]")
    expect(token).to_have_value(re.compile(r"^[A-Za-z0-9]{64}$"))
    subscribe(page, home, "med.script@example.dk")
    expect(page.locator("h1")).to_have_text("Tjek din mail")
    assert Subscriber.objects.filter(email="med.script@example.dk").exists()

    context, no_script = _new_page(browser, live_server, java_script_enabled=False)
    try:
        shared = no_script.goto(home.url)
        assert shared.headers["x-page-cache"] == "hit"
        blank = no_script.locator("section.newsletter-box input[name=csrfmiddlewaretoken]")
        expect(blank).to_have_value("")
        subscribe(no_script, home, "uden.script@example.dk")
        expect(no_script.locator("h1")).to_have_text("Bekræft at du vil sende formularen")
        assert not Subscriber.objects.filter(email="uden.script@example.dk").exists()
        no_script.get_by_role("button", name="Send formularen").click()
        expect(no_script.locator("h1")).to_have_text("Tjek din mail")
    finally:
        _close(context, no_script)
    subscriber = Subscriber.objects.get(email="uden.script@example.dk")
    assert list(subscriber.homes.values_list("pk", flat=True)) == [home.pk]
