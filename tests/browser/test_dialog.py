"""The dialog end to end, as the issue's acceptance walks it: a relative signs in by magic
link (read from the mail files), asks to be connected, staff approve; the relative posts a
concern (private) and a suggestion (shared); staff answer the concern and approve the
suggestion; a second connected relative sees the suggestion but not the concern; the first
relative gets the answer by mail and replies by email (the inbound webhook); the leader sees
the response times."""

import base64
import json
import re
from email import message_from_bytes
from email.policy import default as default_policy
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import expect

from dialog.models import HomeDialogSettings, Membership, Message, Thread
from tests.dialog.conftest import make_relative

from .test_participation import assert_accessible
from .test_staff import log_in_with_session_cookie

pytestmark = pytest.mark.browser

EMAIL = "karen.relative@example.dk"


def mails_to(mail_dir, address: str) -> list:
    """The messages written by the file backend to ``mail_dir``, addressed to ``address``."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for raw in path.read_bytes().split(b"-" * 79 + b"\n"):
            if raw.strip():
                message = message_from_bytes(raw.strip() + b"\n", policy=default_policy)
                if address in (message["To"] or ""):
                    found.append(message)
    return found


def text_of(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()


def test_relative_and_staff_talk_through_the_dialog(
    page, browser, content, staff_a, live_server, axe_source, settings, tmp_path
):
    cache.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    home = content.home_a
    HomeDialogSettings.objects.create(botilbud=home, leader=staff_a)

    # Sign in by magic link, read from the mail file.
    page.goto("/dialog/log-ind/")
    assert_accessible(page, axe_source)
    page.get_by_label("Din e-mailadresse").fill(EMAIL)
    page.get_by_role("button", name="Send mig et link").click()
    expect(page.locator("h1")).to_contain_text("Tjek din mail")
    (login_mail,) = mails_to(tmp_path, EMAIL)
    link = re.search(r"https?://\S+/dialog/log-ind/link/\?\S+", text_of(login_mail)).group(0)
    page.goto(urlsplit(link).path + "?" + urlsplit(link).query)
    page.get_by_role("button", name="Log ind").click()
    expect(page).to_have_url(re.compile(r"/dialog/$"))

    # Ask to be connected; staff approve in the admin.
    page.get_by_label("Botilbud", exact=True).select_option(str(home.pk))
    page.get_by_label("Hvordan er du knyttet til botilbuddet?").fill("Søster til Jens")
    page.get_by_role("button", name="Send anmodning").click()
    assert_accessible(page, axe_source)
    membership = Membership.objects.get(relative__email=EMAIL)
    assert membership.status == Membership.Status.PENDING

    staff_context = browser.new_context(base_url=live_server.url, locale="da-DK")
    staff_page = staff_context.new_page()
    log_in_with_session_cookie(staff_page, staff_a, live_server.url)
    staff_page.goto("/admin/dialog/paarorende/")
    staff_page.locator("tr", has_text=EMAIL).get_by_role("button", name="Godkend").click()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.APPROVED

    # A concern (always private) and a suggestion (shared).
    page.goto(f"/dialog/{home.pk}/")
    assert_accessible(page, axe_source)
    page.get_by_role("radio", name=re.compile("^Bekymring")).check()
    page.get_by_label("Emne").fill("Medicin om aftenen")
    page.get_by_label("Din besked").fill("Jens virker træt om aftenen. Kan vi tale om det?")
    page.get_by_role("radio", name=re.compile("^Privat")).check()
    page.get_by_role("button", name="Send").click()
    expect(page.locator("main")).to_contain_text("Medicin om aftenen")
    page.goto(f"/dialog/{home.pk}/")
    page.get_by_role("radio", name=re.compile("^Forslag")).check()
    page.get_by_label("Emne").fill("Fællessang om søndagen")
    page.get_by_label("Din besked").fill("Jeg spiller guitar og kommer gerne en søndag.")
    page.get_by_role("radio", name=re.compile("^Delt")).check()
    page.get_by_role("button", name="Send").click()
    expect(page.locator("main")).to_contain_text("Fællessang om søndagen")
    assert_accessible(page, axe_source)
    concern = Thread.objects.get(subject="Medicin om aftenen")
    suggestion = Thread.objects.get(subject="Fællessang om søndagen")
    assert concern.visibility == Thread.Visibility.PRIVATE
    assert suggestion.visibility == Thread.Visibility.SHARED
    assert suggestion.messages.get().status == Message.Status.PENDING

    # Staff answer the concern and approve the suggestion.
    staff_page.goto(f"/admin/dialog/traade/{concern.pk}/")
    staff_page.get_by_label("Dit svar").fill("Tak, fordi du skriver. Vi ringer til dig i morgen.")
    staff_page.get_by_role("button", name="Send svar").click()
    expect(staff_page.locator("body")).to_contain_text("Vi ringer til dig i morgen")
    staff_page.goto("/admin/dialog/moderering/")
    staff_page.get_by_role("button", name="Godkend").first.click()
    assert suggestion.messages.get().status == Message.Status.PUBLISHED
    staff_context.close()

    # A second connected relative sees the suggestion, not the concern.
    other = make_relative("bo.anden@example.dk", home)
    other_context = browser.new_context(base_url=live_server.url, locale="da-DK")
    other_page = other_context.new_page()
    client = Client()
    client.force_login(other, backend="sesame.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    other_context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    other_page.goto(f"/dialog/{home.pk}/")
    expect(other_page.locator("main")).to_contain_text("Fællessang om søndagen")
    expect(other_page.locator("main")).not_to_contain_text("Medicin om aftenen")
    assert other_page.goto(f"/dialog/traad/{concern.pk}/").status == 404
    other_context.close()

    # The first relative is told of the answer by mail – without its text, as the thread is
    # private – and replies by email.
    answer = [m for m in mails_to(tmp_path, EMAIL) if f"/dialog/traad/{concern.pk}/" in text_of(m)]
    assert answer, [m["Subject"] for m in mails_to(tmp_path, EMAIL)]
    assert "log ind for at læse den" in text_of(answer[-1])
    assert "Vi ringer til dig" not in text_of(answer[-1])
    reply_to = answer[-1]["Reply-To"]
    assert reply_to.startswith("svar+")
    payload = {
        "FromFull": {"Email": EMAIL, "Name": "Karen"},
        "ToFull": [{"Email": reply_to, "Name": ""}],
        "OriginalRecipient": reply_to,
        "Subject": "Re: " + answer[-1]["Subject"],
        "TextBody": "Tak, det passer fint.\n\nDen 23. nov. skrev Samspil:\n> Vi ringer til dig",
        "HtmlBody": "",
        "Headers": [],
        "MessageID": "b1e0c0de-0000-4000-8000-000000000001",
    }
    secret = settings.ANYMAIL["WEBHOOK_SECRET"]
    response = Client().post(
        "/anymail/postmark/inbound/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(secret.encode()).decode(),
    )
    assert response.status_code == 200
    by_mail = concern.messages.get(source=Message.Source.EMAIL)
    assert by_mail.body == "Tak, det passer fint."
    page.goto(f"/dialog/traad/{concern.pk}/")
    expect(page.locator("main")).to_contain_text("Tak, det passer fint.")
    assert_accessible(page, axe_source)

    # The leader sees the response times.
    leader_context = browser.new_context(base_url=live_server.url, locale="da-DK")
    leader_page = leader_context.new_page()
    log_in_with_session_cookie(leader_page, staff_a, live_server.url)
    leader_page.goto("/admin/dialog/svartider/")
    body = leader_page.locator("body")
    expect(body).to_contain_text("Median tid til første svar")
    expect(body).to_contain_text("Besvarede henvendelser")
    # The concern is answered; the suggestion still waits for a reply from staff.
    expect(leader_page.get_by_role("table", name=re.compile("venter på svar"))).to_contain_text(
        "Fællessang om søndagen"
    )
    expect(leader_page.get_by_role("table", name=re.compile("venter på svar"))).not_to_contain_text(
        "Medicin om aftenen"
    )
    concern.refresh_from_db()
    assert concern.first_staff_reply_at is not None and concern.due_at is not None
    leader_context.close()
