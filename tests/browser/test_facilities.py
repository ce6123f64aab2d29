"""Borrowing a facility in the browser: /faciliteter/ and a facility's page pass axe-core with
no violations at all (any impact) on a desktop and a phone, the week calendar fits a phone,
a visitor asks to borrow by keyboard alone and gets the Danish confirmation, and a time
outside the opening hours gets a Danish message beside the field, not on top of it."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from facilities.models import Booking, Facility, OpeningHours

from .conftest import add_axe
from .test_accessibility import AXE_OPTIONS, describe

pytestmark = pytest.mark.browser

VIEWPORTS = ["page", "phone_page"]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def facility(content) -> Facility:
    """Solgården's spa bath, open 08–22 every day, with an approved booking and a request in
    this week, so the calendar shows free, asked-for and taken times."""
    facility = Facility.objects.create(
        botilbud=content.home_a,
        name="Spabad",
        description="Varmtvandsbassin med lift.",
        accessibility="Trinfri adgang og lift.",
        house_rules="Gå i bad før brug.",
        capacity=8,
        max_booking_hours=3,
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(facility=facility, weekday=day, opens=dt.time(8), closes=dt.time(22))
        for day in range(7)
    )
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    common = {
        "kind": "relative",
        "name": "Ole Hansen",
        "email": "ole@example.dk",
        "for_whom": "Ole og hans mor",
        "purpose": "Bad",
    }
    Booking.objects.create(
        facility=facility,
        start=_at(monday, 10),
        end=_at(monday, 12),
        status=Booking.Status.APPROVED,
        **common,
    )
    Booking.objects.create(
        facility=facility,
        start=_at(monday, 13),
        end=_at(monday, 14),
        status=Booking.Status.REQUESTED,
        **common,
    )
    return facility


def axe_violations(page, axe_source) -> list[dict]:
    add_axe(page, axe_source)
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]


def assert_no_violations(page, axe_source) -> None:
    violations = axe_violations(page, axe_source)
    assert not violations, f"axe on {page.url}:\n{describe(violations)}"


def assert_no_horizontal_scroll(page) -> None:
    width = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert width["scroll"] <= width["inner"], f"{page.url} scrolls sideways: {width}"


def overlaps(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_index_and_facility_page_have_no_axe_violations(request, viewport, facility, axe_source):
    page = request.getfixturevalue(viewport)
    response = page.goto(reverse("facilities:index"))
    assert response.status == 200
    expect(page.locator("h1")).to_have_text("Faciliteter, der kan lånes")
    expect(page.get_by_role("link", name="Spabad")).to_be_visible()
    assert_no_violations(page, axe_source)
    assert_no_horizontal_scroll(page)

    page.get_by_role("link", name="Spabad").click()
    expect(page.locator("h1")).to_have_text("Spabad")
    week = page.locator("section[aria-labelledby=week-heading]")
    for label in ("Ledig", "Forespurgt", "Optaget"):
        expect(week.get_by_text(label, exact=True).first).to_be_visible()
    assert_no_violations(page, axe_source)
    assert_no_horizontal_scroll(page)

    # Every control of the booking form can be seen (the honeypot aside); the week can be
    # paged by its links.
    form = page.locator("form.participation-form")
    controls = form.locator("input:not([type=hidden]):not([tabindex='-1']), select, textarea")
    assert controls.count() >= 12
    for index in range(controls.count()):
        control = controls.nth(index)
        if control.get_attribute("type") == "checkbox":
            expect(form.locator(f"label[for='{control.get_attribute('id')}']")).to_be_visible()
        else:
            expect(control).to_be_visible()
    expect(form.get_by_role("button", name="Send")).to_be_visible()
    week.get_by_role("link", name="Næste uge").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?uge=\d{4}-\d{2}-\d{2}"))
    expect(page.locator("#week-heading")).to_be_visible()
    assert_no_violations(page, axe_source)


def test_week_calendar_is_readable_on_a_phone(phone_page, facility):
    page = phone_page
    page.goto(reverse("facilities:detail", args=[facility.pk]))
    days = page.locator(".week__day")
    expect(days).to_have_count(7)
    for index in range(7):
        box = days.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (index, box)
    # A slot's time and state sit on the phone's screen, in letters people can read.
    slot = page.locator(".slot--taken").first
    box = slot.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    size = page.evaluate("el => parseFloat(getComputedStyle(el).fontSize)", slot.element_handle())
    assert size >= 14, size
    assert_no_horizontal_scroll(page)


def focus_next(page, locator) -> None:
    """Tab once; the named control must then have the focus (the form's order is the
    visual order, and nothing in between swallows the keyboard)."""
    page.keyboard.press("Tab")
    expect(locator).to_be_focused()


def type_into_focused(page, text: str) -> None:
    page.keyboard.type(text)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_visitor_asks_to_borrow_by_keyboard(request, viewport, facility, axe_source):
    cache.clear()
    page = request.getfixturevalue(viewport)
    page.goto(reverse("facilities:detail", args=[facility.pk]))
    form = page.locator("form.participation-form")
    day = timezone.localdate() + dt.timedelta(days=2)

    kind = form.get_by_label("Jeg låner som")
    kind.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(kind).to_have_value("relative")
    focus_next(page, form.get_by_label("Forening"))
    for label, text in (
        ("Dit navn", "Karen Jensen"),
        ("Din e-mailadresse", "karen@example.dk"),
        ("Telefon (valgfri)", "12 34 56 78"),
        ("For hvem", "Karen og hendes mor"),
        ("Antal personer i alt", "2"),
    ):
        focus_next(page, form.get_by_label(label))
        type_into_focused(page, text)
    date = form.get_by_label("Dato")
    focus_next(page, date)
    # The field's segments come in the browser's own order (dd.mm.åååå in a Danish chromium,
    # mm/dd/yyyy in an English one): a first entry tells which, then the date is typed again.
    type_into_focused(page, "01022030")
    day_first = date.input_value() == "2030-02-01"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    type_into_focused(page, day.strftime("%d%m%Y" if day_first else "%m%d%Y"))
    expect(date).to_have_value(day.isoformat())
    for label, text, value in (("Fra kl.", "1700", "17:00"), ("Til kl.", "1900", "19:00")):
        # Tab may first walk the fields' own segments (day, month, year; an English
        # chromium's AM/PM, where the hours 17 and 19 typed as such are the afternoon).
        field = form.get_by_label(label)
        for _ in range(4):
            page.keyboard.press("Tab")
            if field.evaluate("el => el === document.activeElement"):
                break
        expect(field).to_be_focused()
        type_into_focused(page, text)
        expect(field).to_have_value(value)
    purpose = form.get_by_label("Hvad skal I bruge faciliteten til?")
    for _ in range(3):
        page.keyboard.press("Tab")
        if purpose.evaluate("el => el === document.activeElement"):
            break
    expect(purpose).to_be_focused()
    type_into_focused(page, "Et roligt bad for min mor.")
    focus_next(page, form.get_by_role("checkbox", name="Det er et offentligt arrangement"))
    consent = form.get_by_role("checkbox", name="Samspil må gemme")
    focus_next(page, consent)
    page.keyboard.press("Space")
    expect(consent).to_be_checked()
    # The honeypot is out of the tab order: the next stop is the submit button.
    focus_next(page, form.get_by_role("button", name="Send"))
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_have_text("Din booking: Afventer svar")
    expect(page.locator("main")).to_contain_text(
        "Vi har sendt din forespørgsel til botilbuddets personale. Du får svar på mail."
    )
    expect(page.locator("main")).to_contain_text("17:00–19:00")
    assert_no_violations(page, axe_source)
    booking = Booking.objects.get(email="karen@example.dk")
    assert booking.status == Booking.Status.REQUESTED
    assert timezone.localtime(booking.start) == _at(day, 17)
    assert "karen@example.dk" in {m.to[0] for m in mail.outbox}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_outside_opening_hours_gets_a_danish_error_beside_its_field(
    request, viewport, facility, axe_source
):
    cache.clear()
    page = request.getfixturevalue(viewport)
    page.goto(reverse("facilities:detail", args=[facility.pk]))
    form = page.locator("form.participation-form")
    day = timezone.localdate() + dt.timedelta(days=2)
    form.get_by_label("Jeg låner som").select_option("relative")
    form.get_by_label("Dit navn").fill("Karen Jensen")
    form.get_by_label("Din e-mailadresse").fill("karen@example.dk")
    form.get_by_label("For hvem").fill("Karen og hendes mor")
    form.get_by_label("Antal personer i alt").fill("2")
    form.get_by_label("Dato").fill(day.isoformat())
    form.get_by_label("Fra kl.").fill("06:00")
    form.get_by_label("Til kl.").fill("07:00")
    form.get_by_label("Hvad skal I bruge faciliteten til?").fill("Et tidligt bad.")
    form.get_by_role("checkbox", name="Samspil må gemme").check()
    form.get_by_role("button", name="Send").click()

    message = "Tidspunktet ligger uden for åbningstiden. Se åbningstiderne på siden."
    expect(page.locator("#form-errors")).to_contain_text(message)
    start = form.get_by_label("Fra kl.")
    error = page.locator(f"#{start.get_attribute('id')}_error")
    expect(error).to_have_text(message)
    expect(error).to_be_visible()
    expect(start).to_have_attribute("aria-invalid", "true")
    assert error.get_attribute("id") in start.get_attribute("aria-describedby").split()
    error_box, field_box = error.bounding_box(), start.bounding_box()
    assert not overlaps(error_box, field_box), (error_box, field_box)
    # What was typed is kept, and the summary's link leads to the field.
    expect(start).to_have_value("06:00")
    expect(form.get_by_label("Dit navn")).to_have_value("Karen Jensen")
    page.locator("#form-errors").get_by_role("link", name=message).focus()
    page.keyboard.press("Enter")
    expect(start).to_be_focused()
    assert_no_horizontal_scroll(page)
    assert_no_violations(page, axe_source)
    assert not Booking.objects.filter(email="karen@example.dk").exists()
