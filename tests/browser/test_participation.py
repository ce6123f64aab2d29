"""Taking part, as people do it in the browser: sign up → confirmation mail → cancel → the
first on the waiting list moves up and is mailed; a volunteer signs up and staff accept.
Mail lands in django.core.mail.outbox (locmem); tasks run at once (ImmediateBackend)."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from participation.models import EventSignup, VolunteerSignup

from .conftest import add_axe
from .test_accessibility import AXE_OPTIONS, BLOCKING_IMPACTS, describe
from .test_staff import log_in_with_session_cookie

pytestmark = pytest.mark.browser


def assert_accessible(page, axe_source) -> None:
    add_axe(page, axe_source)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"{page.url}:\n{describe(blocking)}"


def sign_up(page, event, name: str, email: str) -> None:
    page.goto(event.url)
    box = page.locator("section.signup-box")
    box.get_by_label("Dit navn").fill(name)
    box.get_by_label("Din e-mailadresse").fill(email)
    box.get_by_label("Hvor mange kommer I?").select_option("1")
    box.get_by_label("Bemærkning (valgfri)").fill("Kommer i kørestol.")
    box.get_by_role("checkbox", name="Samspil må gemme").check()
    box.get_by_role("button", name="Tilmeld").click()


def test_sign_up_cancel_and_the_waiting_list_moves_up(page, content, axe_source):
    cache.clear()
    event = content.event
    event.signup_enabled, event.capacity = True, 1
    event.save_revision().publish()

    sign_up(page, event, "Karen Jensen", "karen@example.dk")
    expect(page.locator("h1")).to_have_text("Du er tilmeldt")
    assert_accessible(page, axe_source)
    confirmation = mail.outbox[-1]
    assert confirmation.to == ["karen@example.dk"]
    cancel_path = urlsplit(re.search(r"https?://\S+/afmeld/", confirmation.body).group(0)).path

    page.goto(event.url)
    expect(page.locator("section.signup-box")).to_contain_text("Der er fuldt")
    assert_accessible(page, axe_source)
    sign_up(page, event, "Ole Hansen", "ole@example.dk")
    expect(page.locator("h1")).to_have_text("Du er på venteliste")
    assert mail.outbox[-1].subject == f"Du er på venteliste: {event.title}"

    # Karen follows the cancel link from her mail and confirms.
    page.goto(cancel_path)
    expect(page.locator("h1")).to_have_text("Vil du afmelde dig?")
    assert_accessible(page, axe_source)
    page.get_by_role("button", name="Ja, afmeld mig").click()
    expect(page.locator("h1")).to_have_text("Du er afmeldt")

    statuses = dict(EventSignup.objects.values_list("email", "status"))
    assert statuses == {"karen@example.dk": "cancelled", "ole@example.dk": "confirmed"}
    promoted = mail.outbox[-1]
    assert promoted.to == ["ole@example.dk"]
    assert promoted.subject == f"Du har fået en plads: {event.title}"
    assert "/afmeld/" in promoted.body


def test_a_volunteer_signs_up_and_staff_accept(page, content, staff_a, live_server, axe_source):
    cache.clear()
    call = content.call
    page.goto(call.url)
    box = page.locator("section.signup-box")
    expect(box).to_contain_text("0 af 1 frivillige fundet")
    assert_accessible(page, axe_source)
    box.get_by_label("Dit navn").fill("Jens Frivillig")
    box.get_by_label("Din e-mailadresse").fill("jens@example.dk")
    box.get_by_label("Telefon (valgfri)").fill("12 34 56 78")
    box.get_by_label("Hvornår kan du? (valgfri)").fill("Lørdage")
    box.get_by_role("checkbox", name="Samspil må gemme").check()
    box.get_by_role("button", name="Send").click()
    expect(page.locator("h1")).to_have_text("Tak, fordi du meldte dig")
    assert {m.to[0] for m in mail.outbox} >= {"jens@example.dk", "a@example.dk"}

    log_in_with_session_cookie(page, staff_a, live_server.url)
    page.goto("/admin/deltagelse/frivillige/")
    row = page.locator("tr", has_text="Jens Frivillig")
    row.get_by_role("button", name="Acceptér").click()
    expect(page.locator(".messages")).to_contain_text("Jens Frivillig er accepteret")
    assert VolunteerSignup.objects.get().status == VolunteerSignup.Status.ACCEPTED
    assert mail.outbox[-1].to == ["jens@example.dk"]
    assert mail.outbox[-1].subject == f"Velkommen som frivillig: {call.title}"

    page.goto(call.url)
    expect(page.locator("main")).to_contain_text("Vi har fundet de frivillige")
    expect(page.locator("section.signup-box")).to_contain_text("1 af 1 frivillige fundet")


def test_propose_an_activity_form_is_accessible_and_reaches_staff(page, content, axe_source):
    cache.clear()
    page.goto(content.home_a.url)
    page.get_by_role("link", name="Foreslå en aktivitet").click()
    expect(page.locator("h1")).to_contain_text("Foreslå en aktivitet")
    assert_accessible(page, axe_source)
    page.get_by_label("Hvad vil du lave?").fill("Fællessang")
    page.get_by_label("Fortæl lidt mere").fill("Jeg spiller guitar.")
    page.get_by_label("Dit navn").fill("Birthe")
    page.get_by_label("Din e-mailadresse").fill("birthe@example.dk")
    page.get_by_role("button", name="Send forslaget").click()
    # Forgot the consent: a Danish message, linked to the field, and nothing lost.
    expect(page.locator("#form-errors")).to_contain_text("Sæt kryds")
    expect(page.get_by_label("Hvad vil du lave?")).to_have_value("Fællessang")
    assert_accessible(page, axe_source)
    page.get_by_role("checkbox", name="Samspil må gemme").check()
    page.get_by_role("button", name="Send forslaget").click()
    expect(page.locator("h1")).to_have_text("Tak for dit forslag")
