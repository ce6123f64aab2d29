"""The Content-Security-Policy in a real browser: public pages break none of it, inline script is
refused there, and the Wagtail admin works under its own policy.

Every browser test's page also fails at teardown on any violation (conftest.py); these tests say
so page by page, and prove that the reporting sees a refusal.
"""

import pytest

from .test_accessibility import PAGES
from .test_staff import log_in_with_session_cookie

pytestmark = pytest.mark.browser


def test_public_pages_keep_the_strict_policy(page, content):
    for page_type, (path_for, status) in PAGES.items():
        response = page.goto(path_for(content))
        assert response is not None and response.status == status, page_type
        page.wait_for_load_state("load")
        policy = response.headers["content-security-policy"]
        assert "unsafe-inline" not in policy and "script-src 'self'" in policy, page_type
        assert page.csp_violations == [], page_type
    # DKFDS's scripts ran (they are ours, from 'self'): the menu button works on a phone width.
    assert page.evaluate("typeof window.DKFDS") == "object"


def test_an_injected_inline_script_is_refused_and_reported(page, content):
    page.goto(content.home_a.url)
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true;";
            document.body.append(script);
        }"""
    )
    page.wait_for_function("() => true")
    assert page.evaluate("window.injected === undefined")
    assert any("script-src" in v for v in page.csp_violations), page.csp_violations
    page.csp_violations.clear()  # seen and expected: the teardown check is for the unexpected


def test_wagtail_admin_works_under_its_policy(page, content, staff_a, live_server):
    log_in_with_session_cookie(page, staff_a, live_server.url)
    home = content.home_a
    paths = [
        "/admin/",
        f"/admin/pages/{home.pk}/",
        f"/admin/pages/{home.pk}/edit/",
        f"/admin/pages/{content.event.pk}/edit/",  # date pickers and choosers
        f"/admin/pages/{content.news.pk}/edit/",  # StreamField with images
        "/admin/images/",
        "/admin/documents/",
    ]
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("load")
        assert "frame-ancestors 'self'" in response.headers["content-security-policy"], path
        # Wagtail's own scripts are running: its side bar is built by them.
        page.locator("#wagtail-sidebar nav, [data-side-panel], .sidebar").first.wait_for()
        assert page.csp_violations == [], path
