"""Residents' pages in a real browser (issue 13). A relative asks to join a resident's
network by keyboard only, sees the request pending, then (approved) the album "Min hverdag"
with its photos and post, and asks for a photo to be taken down; staff in the admin upload
three photos at once, tag a resident, change a consent, approve a connection and handle a
takedown request; a relative of another resident, and a signed-out visitor, get no album.
axe-core (WCAG 2.1 A/AA) finds nothing on any of these pages; on a 375 px phone nothing
scrolls sideways."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from residents import services
from residents.models import Album, ConsentLevel, PhotoConsent, PhotoReport, ResidentConnection
from tests.dialog.conftest import make_relative
from tests.residents.conftest import jpeg_bytes, upload

from .test_facilities import assert_no_horizontal_scroll, assert_no_violations
from .test_staff import log_in_with_session_cookie

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
GIVEN = PhotoConsent.GivenBy.RESIDENT
CAPTION = "Anna vander tomaterne i orangeriet"
POST = "Anna har bagt boller til hele huset i dag"


@pytest.fixture
def residents(content, staff_a, settings, tmp_path):
    """Anna (network consent, one photo and a post) and Bent of Solgården, and Karen, a
    relative of Solgården in nobody's network yet. Files are kept under ``tmp_path``."""
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    home = content.home_a
    anna = services.create_resident(staff_a, home.pk, "Anna", "J")
    services.record_consent(staff_a, anna, ConsentLevel.NETWORK, GIVEN)
    bent = services.create_resident(staff_a, home.pk, "Bent", "K")
    services.record_consent(staff_a, bent, ConsentLevel.NETWORK, GIVEN)
    album = Album.objects.create(botilbud=home, title="Udflugt til Rømø", date=dt.date(2026, 6, 3))
    photo = services.save_photo(
        staff_a, home.pk, upload(size=(800, 600)), caption=CAPTION, album=album
    )
    services.tag_photo(staff_a, photo, [anna])
    services.write_post(staff_a, anna, POST)
    karen = make_relative("karen.residents@example.dk", home)
    return {
        "anna": anna,
        "bent": bent,
        "photo": photo,
        "album": album,
        "karen": karen,
        "staff": staff_a,
    }


def check_admin(page, axe_source) -> None:
    """axe on an admin screen once Wagtail's message has faded in (its contrast is measured
    half-way through the animation otherwise)."""
    page.wait_for_function(
        """() => document.getAnimations()
            .filter(animation => animation.effect?.target?.closest?.(".messages"))
            .every(animation => animation.playState !== "running")"""
    )
    assert_no_violations(page, axe_source)


def check(page, axe_source, phone: bool) -> None:
    assert_no_violations(page, axe_source)
    if phone:
        assert_no_horizontal_scroll(page)


def tab_to(page, locator, limit: int = 40) -> None:
    """Tab forward until ``locator`` has the focus (it must be reachable in the tab order)."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    focused_and_shown(page, locator)


FOCUS_SHOWN = """el => {
    const style = getComputedStyle(el);
    return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
        || style.boxShadow !== "none";
}"""


def focused_and_shown(page, locator) -> None:
    """The control has the focus, and the focus can be seen (an outline or a ring)."""
    expect(locator).to_be_focused()
    assert locator.evaluate(FOCUS_SHOWN), f"no visible focus on {locator}"


def skip_to_main(page) -> None:
    """The first Tab reaches the skip link; Enter moves the focus to the main content."""
    page.keyboard.press("Tab")
    expect(page.locator(".skipnav")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_relative_joins_a_network_sees_the_album_and_reports_a_photo_by_keyboard(
    request, viewport, residents, axe_source, live_server
):
    cache.clear()
    phone = viewport == "phone"
    page = request.getfixturevalue("phone_page" if phone else "page")
    if phone:
        page.set_viewport_size(PHONE)
    anna, karen = residents["anna"], residents["karen"]
    log_in_with_session_cookie(page, karen, live_server.url)

    # "Bliv tilknyttet": an empty answer is refused beside its field, then sent by keyboard.
    page.goto(f"/beboer/{anna.pk}/tilknyt/")
    expect(page.locator("h1")).to_have_text("Bliv en del af Anna J.s netværk")
    check(page, axe_source, phone)
    skip_to_main(page)
    relation = page.get_by_label("Hvordan kender du beboeren?")
    tab_to(page, relation)
    page.keyboard.press("Tab")
    focused_and_shown(page, page.get_by_role("button", name="Send anmodning"))
    page.keyboard.press("Enter")
    expect(relation).to_have_attribute("aria-invalid", "true")
    expect(relation).to_have_accessible_description(re.compile("Udfyld feltet"))
    check(page, axe_source, phone)
    relation.focus()
    page.keyboard.type("Datter")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_contain_text("Din anmodning venter på svar fra personalet")
    expect(page.get_by_label("Hvordan kender du beboeren?")).to_have_count(0)
    check(page, axe_source, phone)
    connection = ResidentConnection.objects.get(relative=karen, resident=anna)
    assert connection.status == ResidentConnection.Status.PENDING
    assert connection.relation == "Datter"

    # Approved by staff: the same page now leads to "Min hverdag".
    services.decide_connection(residents["staff"], connection, approve=True)
    page.goto(f"/beboer/{anna.pk}/tilknyt/")  # not a reload: the URL ends in #main-content
    album_link = page.get_by_role("link", name="Se Anna J.s Min hverdag")
    skip_to_main(page)
    tab_to(page, album_link)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Min hverdag – Anna J.")
    expect(page.locator("main")).to_contain_text(POST)
    photo = page.get_by_role("img", name=CAPTION)
    expect(photo).to_be_visible()
    photo.scroll_into_view_if_needed()
    loaded = "img => img.complete && img.naturalWidth > 0"  # the private file was served
    page.wait_for_function(loaded, arg=photo.element_handle())
    if phone:  # on the screen, in its own proportions
        box = photo.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        assert abs(box["height"] / box["width"] - 600 / 800) < 0.02, box
    check(page, axe_source, phone)

    # The photo's own takedown link, then the form, by keyboard.
    report_link = page.get_by_role("link", name=re.compile("Bed om at få billedet fjernet"))
    expect(report_link).to_have_count(1)
    tab_to(page, report_link)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Bed om at få et billede fjernet")
    expect(page.get_by_role("img", name=CAPTION)).to_be_visible()
    check(page, axe_source, phone)
    skip_to_main(page)
    reason = page.get_by_label("Hvorfor skal billedet fjernes? (valgfrit)")
    tab_to(page, reason)
    page.keyboard.type("Hun vil ikke vises med forklæde")
    page.keyboard.press("Tab")
    focused_and_shown(page, page.get_by_role("button", name="Send til personalet"))
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Tak. Personalet ser på billedet")
    check(page, axe_source, phone)
    report = PhotoReport.objects.get(reporter=karen)
    assert report.photo_id == residents["photo"].pk
    assert report.reason == "Hun vil ikke vises med forklæde"

    # The dated album the photo belongs to.
    page.goto(f"/album/{residents['album'].pk}/")
    expect(page.locator("h1")).to_have_text("Udflugt til Rømø")
    expect(page.locator("main time")).to_have_text("3. juni 2026")
    expect(page.get_by_role("link", name=CAPTION)).to_be_visible()
    check(page, axe_source, phone)


def test_staff_upload_tag_consent_approve_and_take_down(
    page, residents, axe_source, live_server, tmp_path
):
    cache.clear()
    anna, bent, karen, staff = (residents[k] for k in ("anna", "bent", "karen", "staff"))
    services.request_connection(karen, bent, "Nabo fra opgangen")
    log_in_with_session_cookie(page, staff, live_server.url)

    # Approve Karen's request from the residents' screen.
    page.goto("/admin/beboere/")
    pending = page.get_by_role("table", name=re.compile("Pårørende, der vil være"))
    expect(pending.get_by_role("row", name=re.compile("Nabo fra opgangen"))).to_be_visible()
    check_admin(page, axe_source)
    pending.get_by_role("button", name=re.compile("^Godkend")).click()
    expect(page.locator("body")).to_contain_text("Anmodningen er besvaret.")
    expect(page.locator("body")).to_contain_text("Ingen venter på svar.")
    assert (
        ResidentConnection.objects.get(relative=karen, resident=bent).status
        == ResidentConnection.Status.APPROVED
    )

    # Three photos at once, as a phone's selection, tagged with Anna.
    files = []
    for number, colour in enumerate([(200, 80, 60), (60, 80, 200), (80, 200, 60)], start=1):
        path = tmp_path / f"IMG_000{number}.jpg"
        path.write_bytes(jpeg_bytes((1200, 900), colour=colour))
        files.append(path)
    page.goto("/admin/fotos/upload/")
    check_admin(page, axe_source)
    page.get_by_role("button", name="Gem fotos").click()
    chooser = page.get_by_label(re.compile(r"^Billeder\*?$"))
    expect(chooser).to_have_attribute("aria-invalid", "true")
    expect(chooser).to_have_accessible_description(re.compile("Vælg mindst ét billede"))
    check_admin(page, axe_source)
    page.get_by_label(re.compile(r"^Billeder\*?$")).set_input_files(files)
    page.get_by_label("Billedtekst").fill("Sommerfest i haven")
    page.get_by_role("checkbox", name="Anna J.").check()
    page.get_by_role("button", name="Gem fotos").click()
    expect(page).to_have_url(re.compile(r"/admin/fotos/$"))
    expect(page.locator("body")).to_contain_text("3 billeder er gemt.")
    expect(page.get_by_role("img", name="Sommerfest i haven")).to_have_count(3)
    check_admin(page, axe_source)
    assert anna.photos.count() == 4

    # Tag Bent on one of them too.
    page.get_by_role("link", name=re.compile("Sommerfest i haven")).first.click()
    expect(page.locator("h1")).to_contain_text("Rediger foto")
    check_admin(page, axe_source)
    page.get_by_role("checkbox", name="Bent K.").check()
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/fotos/$"))
    assert bent.photos.count() == 1

    # Anna's consent is narrowed to the home's own staff.
    page.goto(f"/admin/beboere/{anna.pk}/samtykke/")
    check_admin(page, axe_source)
    page.get_by_role("radio", name=ConsentLevel.HOME.label).check()
    page.get_by_role("radio", name=PhotoConsent.GivenBy.GUARDIAN.label).check()
    page.get_by_label("Bemærkning").fill("Værgen ringede")
    page.get_by_role("button", name="Gem samtykke").click()
    expect(page.locator("body")).to_contain_text("Det gælder fra nu.")
    history = page.get_by_role("table", name="Historik")
    expect(history.get_by_role("row")).to_have_count(3)  # the header, this change, the first
    check_admin(page, axe_source)
    assert anna.current_consent().level == ConsentLevel.HOME

    # A takedown request (Karen, now in Bent's network), handled by taking the photo down.
    tagged = bent.photos.get()
    services.report_photo(karen, tagged, "Bent vil ikke være med")
    page.goto("/admin/fotos/anmodninger/")
    expect(page.locator("main")).to_contain_text("Bent vil ikke være med")
    check_admin(page, axe_source)
    page.get_by_role("button", name=re.compile("^Fjern billedet")).click()
    expect(page.locator("body")).to_contain_text("Billedet er fjernet.")
    expect(page.locator("main")).to_contain_text("Ingen anmodninger.")
    check_admin(page, axe_source)
    assert not bent.photos.exists()

    # The upload form on a staff member's phone: nothing wider than the screen, every control
    # on it.
    page.set_viewport_size(PHONE)
    page.goto("/admin/fotos/upload/")
    assert_no_horizontal_scroll(page)
    form = page.locator("main form")
    controls = form.locator("input:not([type=hidden]), select, textarea, button")
    assert controls.count() >= 10
    for index in range(controls.count()):
        box = controls.nth(index).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (index, box)
    check_admin(page, axe_source)


def test_no_album_for_another_resident_or_a_signed_out_visitor(
    page, browser, residents, axe_source, live_server
):
    cache.clear()
    anna, bent, karen = residents["anna"], residents["bent"], residents["karen"]
    ResidentConnection.objects.create(
        relative=karen, resident=anna, relation="Datter", status="approved"
    )
    log_in_with_session_cookie(page, karen, live_server.url)
    assert page.goto(f"/beboer/{anna.pk}/min-hverdag/").status == 200
    response = page.goto(f"/beboer/{bent.pk}/min-hverdag/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Siden findes ikke")
    expect(page.locator("main")).not_to_contain_text("Bent")
    assert_no_violations(page, axe_source)

    context = browser.new_context(base_url=live_server.url, locale="da-DK")
    try:
        anonymous = context.new_page()
        anonymous.goto(f"/beboer/{anna.pk}/min-hverdag/")
        expect(anonymous).to_have_url(re.compile(r"/dialog/log-ind/\?next=/beboer/"))
        expect(anonymous.get_by_label("Din e-mailadresse")).to_be_visible()
        expect(anonymous.locator("main")).not_to_contain_text(POST)
        assert_no_violations(anonymous, axe_source)
    finally:
        context.close()
