"""A relative signs up for a home's digest: subscribe on the home's page → confirm from the
mail → manage → unsubscribe. Mail lands in django.core.mail.outbox (locmem) and the mail task
runs at once (ImmediateBackend), both in the live server's thread of this process."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from newsletters.models import Subscriber

pytestmark = pytest.mark.browser

EMAIL = "ida.hansen@example.dk"


def link_path(body: str, name: str) -> str:
    """The path of the first ``/nyhedsbrev/<name>/<token>/`` link in a mail body."""
    match = re.search(rf"https?://\S+/nyhedsbrev/{name}/\S+?/", body)
    assert match, body
    return urlsplit(match.group(0)).path


def test_subscribe_on_a_home_confirm_from_the_mail_manage_and_unsubscribe(page, content):
    cache.clear()  # the subscribe form's rate limits live in the (per-process) cache
    home = content.home_a
    page.goto(home.url)
    box = page.locator("section.newsletter-box")
    expect(box.locator("h2")).to_contain_text(home.title)
    box.get_by_label("Din e-mailadresse").fill(EMAIL)
    # This home is ticked already and weekly is the default; the person only consents.
    expect(box.get_by_role("checkbox", name=home.title)).to_be_checked()
    expect(box.get_by_role("radio", name="Ugentligt")).to_be_checked()
    box.get_by_role("checkbox", name="Ja tak, send mig nyhedsbrevet").check()
    box.get_by_role("button", name="Tilmeld").click()
    expect(page.locator("h1")).to_have_text("Tjek din mail")

    subscriber = Subscriber.objects.get(email=EMAIL)
    assert subscriber.status == Subscriber.Status.PENDING
    assert list(subscriber.homes.values_list("pk", flat=True)) == [home.pk]
    assert [message.to for message in mail.outbox] == [[EMAIL]]

    # One click on the mail's link confirms: no second form.
    page.goto(link_path(mail.outbox[0].body, "bekraeft"))
    expect(page.locator("h1")).to_have_text("Du er tilmeldt")
    expect(page.locator("main")).to_contain_text(home.title)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE

    # From there to the manage page, where the choices made so far are shown.
    page.get_by_role("link", name="Se og ændr dine valg").click()
    expect(page.locator("h1")).to_have_text("Dit abonnement")
    expect(page.get_by_role("checkbox", name=home.title)).to_be_checked()
    expect(page.get_by_role("checkbox", name=content.home_b.title)).not_to_be_checked()
    expect(page.get_by_role("radio", name="Ugentligt")).to_be_checked()

    page.get_by_role("button", name="Afmeld nyhedsbrevet").click()
    expect(page.locator("h1")).to_have_text("Du er afmeldt")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert len(mail.outbox) == 1  # unsubscribing sends nothing
