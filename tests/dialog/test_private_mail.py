"""Private text stays out of mail: a notification about a private thread names the home, the
kind and who wrote and links to the thread; the link opens the thread through the sign-in
page and grants nothing by itself; replying to the mail still works. Shared threads are
quoted, and a municipal setting may allow quoting private ones."""

import base64
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail

from dialog import posting
from dialog.models import HomeDialogSettings, Message, StaffPreference, Thread
from dialog.notifications import send_staff_summaries
from dialog.timeliness import escalate_overdue
from outbox.models import OutgoingMail
from tests.dialog.test_identity import LINK, SIGN_IN, link_from_outbox, token_of

CONCERN = "Jens har virket trist og har ikke spist ordentligt i den seneste uge."
SUBJECT = "Jens virker trist"
ANSWER = "Vi har talt med Jens og hans læge, og vi holder øje med ham."
PRIVATE_WORDS = ("Jens", "trist", "spist", "læge")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def concern(tree, relative_a, staff_a, on_commit):
    """A relative's private concern and the staff answer, with both mails sent."""
    with on_commit():
        thread = posting.start_thread(
            botilbud=tree.home_a,
            author=relative_a,
            kind=Thread.Kind.CONCERN,
            subject=SUBJECT,
            body=CONCERN,
        )
        posting.post_message(thread, author=staff_a, body=ANSWER, by_staff=True)
    return thread


def whole_mail(message) -> str:
    """Everything a reader of the sent mail could see: headers, text and HTML parts."""
    parts = [message.subject, message.body, *(content for content, _ in message.alternatives)]
    parts += [str(value) for value in message.extra_headers.values()]
    return "\n".join(parts) + "\n" + message.message().as_string()


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def test_the_concern_and_the_answer_appear_in_neither_sides_mail(concern, relative_a, staff_a):
    [to_staff] = sent_to(staff_a.email)
    [to_relative] = sent_to(relative_a.email)
    for message in (to_staff, to_relative):
        text = whole_mail(message)
        for word in PRIVATE_WORDS:
            assert word not in text, (word, message.subject)
    # What they do say: the home, the kind and who wrote, and where to read it.
    assert to_relative.subject == "Du har en ny besked fra Solgården"
    assert "Du har en ny besked fra Solgården – log ind for at læse den" in to_relative.body
    assert "Anna" in to_relative.body  # staff_a's first name
    assert "Bekymring" in to_staff.subject and "Solgården" in to_staff.subject
    assert relative_a.email in to_staff.body
    assert f"/dialog/traad/{concern.pk}/" in to_relative.body
    assert f"/admin/dialog/traade/{concern.pk}/" in to_staff.body
    # The rows in the outbox hold no more than the mails.
    for row in OutgoingMail.objects.all():
        assert "Jens" not in row.subject + row.body_text + row.body_html


def test_the_link_carries_no_token(concern, relative_a):
    [to_relative] = sent_to(relative_a.email)
    links = re.findall(r"https?://\S+", to_relative.body)
    assert links
    for link in links:
        assert "sesame" not in link and "token" not in link


def test_summaries_and_escalations_leave_the_text_out(tree, concern, relative_a, staff_a):
    StaffPreference.objects.create(user=staff_a, mode=StaffPreference.Mode.SUMMARY)
    posting.post_message(concern, author=relative_a, body="Jens er stadig trist.")
    assert send_staff_summaries() == 1
    summary = OutgoingMail.objects.get(key__startswith="dialog:summary:")
    assert "Jens" not in summary.subject + summary.body_text
    assert "privat tråd" in summary.body_text
    assert f"/admin/dialog/traade/{concern.pk}/" in summary.body_text

    HomeDialogSettings.objects.create(botilbud=tree.home_a, leader=staff_a)
    fresh = posting.start_thread(
        botilbud=tree.home_a,
        author=relative_a,
        kind=Thread.Kind.CONCERN,
        subject="Jens sover dårligt",
        body="Han sover dårligt.",
    )
    Thread.objects.filter(pk=fresh.pk).update(due_at=fresh.created_at)
    assert escalate_overdue() == 1
    escalation = OutgoingMail.objects.get(key__contains=":escalated:")
    assert "Jens" not in escalation.subject + escalation.body_text


def test_shared_threads_are_still_quoted(tree, relative_a, staff_a, on_commit):
    with on_commit():
        posting.start_thread(
            botilbud=tree.home_a,
            author=staff_a,
            kind=Thread.Kind.SUGGESTION,
            subject="Sommerfest",
            body="Vi holder sommerfest lørdag kl. 14.",
            visibility=Thread.Visibility.SHARED,
            by_staff=True,
        )
    [to_relative] = sent_to(relative_a.email)
    assert "Vi holder sommerfest lørdag kl. 14." in to_relative.body
    assert "Sommerfest" in to_relative.subject


@pytest.fixture
def quoting_allowed(settings):
    settings.DIALOG_QUOTE_PRIVATE_TEXT = True


def test_a_municipality_may_allow_quoting_private_text(
    quoting_allowed, concern, relative_a, staff_a
):
    assert CONCERN in sent_to(staff_a.email)[0].body
    assert ANSWER in sent_to(relative_a.email)[0].body
    assert SUBJECT in sent_to(relative_a.email)[0].subject


def test_the_link_leads_through_sign_in_to_the_thread(client, concern, relative_a, on_commit):
    [to_relative] = sent_to(relative_a.email)
    path = urlsplit(re.search(r"https?://\S+/dialog/traad/\d+/", to_relative.body)[0]).path
    assert path == f"/dialog/traad/{concern.pk}/"

    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next={path}"
    form = client.get(response["Location"]).content.decode()
    assert f'name="next" value="{path}"' in form

    mail.outbox.clear()
    with on_commit():
        client.post(SIGN_IN, {"email": relative_a.email, "next": path})
    link = link_from_outbox(relative_a.email)
    assert parse_qs(urlsplit(link).query)["next"] == [path]
    signed_in = client.post(LINK, {"sesame": token_of(link), "next": path})
    assert signed_in.status_code == 302 and signed_in["Location"] == path
    page = client.get(path)
    assert page.status_code == 200
    assert ANSWER in page.content.decode()


def test_a_forwarded_mail_grants_nothing(client, concern, relative_a, relative_b):
    [to_relative] = sent_to(relative_a.email)
    path = urlsplit(re.search(r"https?://\S+/dialog/traad/\d+/", to_relative.body)[0]).path
    # Someone else, not signed in: the sign-in page.
    assert client.get(path).status_code == 302
    # Another relative of the same home, signed in: no such thread for them.
    client.force_login(relative_b)
    response = client.get(path)
    assert response.status_code == 404
    assert ANSWER not in response.content.decode()


def test_replying_to_the_mail_still_answers_in_the_thread(client, concern, relative_a):
    [to_relative] = sent_to(relative_a.email)
    [reply_to] = to_relative.reply_to
    secret = "anymail-test:webhook-secret"
    payload = {
        "FromFull": {"Email": relative_a.email, "Name": "Anna"},
        "ToFull": [{"Email": reply_to, "Name": ""}],
        "OriginalRecipient": reply_to,
        "Subject": f"Re: {to_relative.subject}",
        "TextBody": "Tak, det er godt at høre.\n\n> Du har en ny besked fra Solgården",
        "HtmlBody": "",
        "Headers": [{"Name": "Message-ID", "Value": "<svar-1@mail.example>"}],
        "MessageID": "pm-reply-1",
    }
    response = client.post(
        "/anymail/postmark/inbound/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(secret.encode()).decode(),
    )
    assert response.status_code == 200
    reply = Message.objects.get(thread=concern, source=Message.Source.EMAIL)
    assert reply.body == "Tak, det er godt at høre."
    assert reply.author_id == relative_a.pk


def test_the_staff_link_leads_through_the_admin_sign_in(client, concern, staff_a):
    [to_staff] = sent_to(staff_a.email)
    path = urlsplit(re.search(r"https?://\S+/admin/dialog/traade/\d+/", to_staff.body)[0]).path
    response = client.get(path)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/admin/login/"
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == [path]
    client.force_login(staff_a)
    page = client.get(path)
    assert page.status_code == 200
    assert CONCERN in page.content.decode()
