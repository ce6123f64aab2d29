"""The staff admin in a real browser: on a phone the threads table scrolls inside its box
(nothing is cut off, the page itself does not overflow), and the admin fetches nothing
from any host but the site's own (no Gravatar, no releases.wagtail.org)."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from dialog import posting
from dialog.models import HomeDialogSettings, Membership, Thread

from .test_staff import log_in_with_session_cookie

pytestmark = pytest.mark.browser


def connected_relative(home):
    user = get_user_model().objects.create_user("karen@example.dk", "karen@example.dk")
    user.first_name, user.last_name = "Karen Marie", "Jensen-Østergaard"
    user.set_unusable_password()
    user.save()
    Membership.objects.create(
        relative=user, botilbud=home, relation="Datter af Jens", status="approved"
    )
    return user


def test_threads_table_scrolls_sideways_on_a_phone(phone_page, live_server, content, staff_a):
    relative = connected_relative(content.home_a)
    posting.start_thread(
        botilbud=content.home_a,
        author=relative,
        kind=Thread.Kind.QUESTION,
        subject="Et ret langt emne om besøgstider i weekenden og til jul",
        body="Hvornår kan vi komme?",
    )
    log_in_with_session_cookie(phone_page, staff_a, live_server.url)
    phone_page.goto("/admin/dialog/traade/")
    box = phone_page.locator(".dialog-table-scroll").first
    expect(box).to_be_visible()
    sizes = phone_page.evaluate(
        """() => {
            const box = document.querySelector('.dialog-table-scroll');
            return {
                page: document.documentElement.scrollWidth,
                viewport: window.innerWidth,
                box: box.clientWidth,
                table: box.scrollWidth,
            };
        }"""
    )
    # The page does not overflow the phone's width; the table does, inside its box.
    assert sizes["page"] <= sizes["viewport"] + 1, sizes
    assert sizes["table"] > sizes["box"], sizes
    # Scrolled to its end, the last column is on the screen.
    box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    status = phone_page.get_by_role("columnheader", name="Status")
    bounds = status.bounding_box()
    assert bounds is not None
    assert bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= sizes["viewport"] + 1, bounds


def test_the_admin_asks_no_other_host(page, live_server, content, staff_a):
    HomeDialogSettings.objects.create(botilbud=content.home_a, leader=staff_a)
    connected_relative(content.home_a)
    own_host = urlsplit(live_server.url).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    log_in_with_session_cookie(page, staff_a, live_server.url)
    for path in (
        "/admin/",
        f"/admin/pages/{content.home_a.pk}/",
        f"/admin/pages/{content.news.pk}/edit/",
        "/admin/account/",
        "/admin/dialog/traade/",
        "/admin/dialog/paarorende/",
        "/admin/dialog/svartider/",
        "/admin/dialog/indstillinger/",
        "/admin/deltagelse/tilmeldinger/",
        "/admin/deltagelse/deltagerlister/",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
    outside = sorted(
        {
            url
            for url in requested
            if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != own_host
        }
    )
    assert requested, "no requests recorded"
    assert outside == []
