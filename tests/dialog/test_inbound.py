"""Replies by mail through anymail's inbound webhook (Postmark's JSON here): a signed reply
address turns a reply into a message – quotes and signatures cut, the same moderation and
CPR rules – and anything forged, expired, misaddressed or automatic is dropped and logged,
with a 200 to the ESP either way."""

import base64
import datetime as dt
import json
import logging
import time

import pytest
from django.core import signing
from django.test import override_settings

from dialog import posting
from dialog.inbound import strip_reply
from dialog.models import Membership, Message, Thread
from dialog.reply_address import (
    InvalidReplyAddress,
    read_address,
    read_token,
    reply_address,
    token_from_address,
)
from outbox.models import OutgoingMail

URL = "/anymail/postmark/inbound/"
Kind = Thread.Kind


def auth(secret: str = "anymail-test:webhook-secret") -> dict:  # noqa: S107 (test setting)
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def send(client, *, to: str, sender: str, text: str, headers=(), html: str = "", **extra):
    payload = {
        "FromFull": {"Email": sender, "Name": "Afsender"},
        "ToFull": [{"Email": to, "Name": ""}],
        "OriginalRecipient": to,
        "Subject": "Re: Forældremøde",
        "TextBody": text,
        "HtmlBody": html,
        "Headers": [{"Name": name, "Value": value} for name, value in headers],
        "MessageID": "2f3c9a1e-0000-4000-8000-000000000001",
        **extra,
    }
    response = client.post(URL, json.dumps(payload), content_type="application/json", **auth())
    assert response.status_code == 200
    return response


def private_thread(home, relative):
    return posting.start_thread(
        botilbud=home,
        author=relative,
        kind=Kind.QUESTION,
        subject="Forældremøde",
        body="Hvornår er der forældremøde?",
    )


def by_mail(thread):
    return Message.objects.filter(thread=thread, source=Message.Source.EMAIL)


GMAIL_REPLY = """Tak, det passer fint.
Vi ses torsdag.

Den tor. 7. maj 2026 kl. 10.12 skrev Samspil <
svar+abc@svar.samspil.example>:

> Torsdag kl. 17 i fælleshuset.
>
-- \nAnna Hansen
Tlf. 12 34 56 78
"""


# --- Reply addresses ----------------------------------------------------------------------------


def test_reply_address_round_trip_case_insensitive(tree, relative_a):
    address = reply_address(41, relative_a.pk)
    assert address.startswith("svar+") and address.endswith("@svar.samspil.example")
    assert len(address.split("@")[0]) <= 64  # the limit for the local part
    for variant in (address, address.upper(), f"  {address.title()} "):
        target = read_address(variant)
        assert (target.thread_id, target.user_id) == (41, relative_a.pk)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # signature altered
        lambda t: "42" + t[t.index(".") :],  # another thread, same signature
        lambda t: t.split(".", 1)[1],  # a part missing
        lambda t: signing.dumps([1, 2], salt="dialog.reply_address", compress=True),
        lambda t: "x" * 300,
    ],
)
def test_forged_reply_tokens_are_refused(mangle):
    token = reply_address(41, 7).split("+", 1)[1].split("@")[0]
    with pytest.raises(InvalidReplyAddress):
        read_token(mangle(token))


def test_old_reply_addresses_expire_and_other_addresses_are_not_ours():
    old = reply_address(41, 7, issued_at=time.time() - 181 * 24 * 3600)
    with pytest.raises(InvalidReplyAddress, match="expired"):
        read_address(old)
    with override_settings(DIALOG_REPLY_MAX_AGE=dt.timedelta(days=365)):
        assert read_address(old).thread_id == 41
    assert token_from_address("svar+abc@example.dk") is None
    assert token_from_address("andet+abc@svar.samspil.example") is None
    with override_settings(DIALOG_REPLY_DOMAIN="reply.toender.dk"):
        assert reply_address(1, 2).endswith("@reply.toender.dk")


# --- Cutting quotes and signatures -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GMAIL_REPLY, "Tak, det passer fint.\nVi ses torsdag."),
        (
            "Fint!\n\nOn Thu, May 7, 2026 at 10:12 AM Samspil <svar+x@svar.samspil.example>\n"
            "wrote:\n> Hej\n",
            "Fint!",
        ),
        (
            "Det er i orden.\n\n-----Original Message-----\nFrom: Samspil\nSent: 7. maj\n"
            "Subject: Hej\n\nTorsdag",
            "Det er i orden.",
        ),
        (
            "Jeg kommer.\n\n________________________________\nFra: Samspil <svar+x@y>\n"
            "Sendt: 7. maj 2026 10:12\nTil: Anna\nEmne: Forældremøde\n\nTorsdag kl. 17",
            "Jeg kommer.",
        ),
        ("Fra: min side er det fint.\nHilsen Bo", "Fra: min side er det fint.\nHilsen Bo"),
        (
            "Den 5. maj skrev jeg til jer:\n- om medicin",
            "Den 5. maj skrev jeg til jer:\n- om medicin",
        ),
        ("Godt.\n\nOn 7 May 2026, at 10:12, Samspil wrote:\n\nGammelt", "Godt."),
        ("Tak.\n\nDen 23. nov. skrev Samspil:\n> Vi ringer", "Tak."),
        ("Ja tak\n\nSendt fra min iPhone", "Ja tak"),
        ("Ja tak\n-- \nBo Jensen\nVej 1", "Ja tak"),
        ("> citat øverst\nMit svar\n> citat\nMere svar", "Mit svar\nMere svar"),
    ],
)
def test_strip_reply(text, expected):
    assert strip_reply(text) == expected


# --- Through the webhook -----------------------------------------------------------------


def test_a_relatives_reply_by_mail_lands_in_the_private_thread(client, tree, relative_a, staff_a):
    thread = private_thread(tree.home_a, relative_a)
    send(
        client,
        to=reply_address(thread.pk, relative_a.pk),
        sender=relative_a.email,
        text=GMAIL_REPLY,
    )
    message = by_mail(thread).get()
    assert message.body == "Tak, det passer fint.\nVi ses torsdag."
    assert message.author == relative_a and not message.author_is_staff
    assert message.status == Message.Status.PUBLISHED
    # …and staff are told about it like any other message.
    assert OutgoingMail.objects.filter(key=f"dialog:message:{message.pk}:staff:{staff_a.pk}")


def test_a_relatives_reply_in_a_shared_thread_waits_for_moderation(
    client, tree, relative_a, relative_b, staff_a
):
    thread = posting.start_thread(
        botilbud=tree.home_a,
        author=staff_a,
        kind=Kind.SUGGESTION,
        subject="Sommerfest",
        body="Hvem kan hjælpe?",
        visibility=Thread.Visibility.SHARED,
        by_staff=True,
    )
    send(
        client,
        to=reply_address(thread.pk, relative_b.pk),
        sender=relative_b.email,
        text="Jeg kan bage kage.",
    )
    message = by_mail(thread).get()
    assert message.status == Message.Status.PENDING
    assert message.author == relative_b


def test_a_staff_reply_by_mail_answers_the_thread(client, tree, relative_a, staff_a):
    thread = private_thread(tree.home_a, relative_a)
    send(
        client,
        to=reply_address(thread.pk, staff_a.pk),
        sender=staff_a.email.upper(),
        text="Torsdag kl. 17.\n\nSendt fra min iPhone",
    )
    message = by_mail(thread).get()
    assert message.author_is_staff and message.body == "Torsdag kl. 17."
    thread.refresh_from_db()
    assert thread.first_staff_reply_at == message.created_at
    assert OutgoingMail.objects.filter(key=f"dialog:message:{message.pk}:relative:{relative_a.pk}")


def test_a_cpr_number_by_mail_is_refused_with_a_mail_back(client, tree, relative_a):
    thread = private_thread(tree.home_a, relative_a)
    send(
        client,
        to=reply_address(thread.pk, relative_a.pk),
        sender=relative_a.email,
        text="Hans CPR er 010203-1234, kan I tjekke?",
    )
    assert not by_mail(thread).exists()
    [refusal] = OutgoingMail.objects.filter(key__endswith=":refused")
    assert refusal.to_email == relative_a.email
    assert "CPR" in refusal.body_text
    assert "010203" not in refusal.body_text  # the number is never echoed
    assert f"/dialog/traad/{thread.pk}/" in refusal.body_text


def test_a_reply_to_a_closed_thread_is_refused_with_a_mail_back(client, tree, relative_a):
    thread = private_thread(tree.home_a, relative_a)
    Thread.objects.filter(pk=thread.pk).update(closed_at=thread.created_at)
    send(client, to=reply_address(thread.pk, relative_a.pk), sender=relative_a.email, text="Hallo?")
    assert not by_mail(thread).exists()
    assert "lukket" in OutgoingMail.objects.get(key__endswith=":refused").body_text


@pytest.mark.parametrize(
    "case", ["forged", "expired", "wrong sender", "unknown address", "ended", "auto-reply"]
)
def test_dropped_replies_are_logged_and_answered_200(client, tree, relative_a, caplog, case):
    thread = private_thread(tree.home_a, relative_a)
    to = reply_address(thread.pk, relative_a.pk)
    sender = relative_a.email
    headers = []
    if case == "forged":
        local, domain = to.split("@")
        to = f"{local[:-1]}{'0' if local[-1] != '0' else '1'}@{domain}"
    elif case == "expired":
        to = reply_address(thread.pk, relative_a.pk, issued_at=time.time() - 400 * 24 * 3600)
    elif case == "wrong sender":
        sender = "bo.relative@example.dk"
    elif case == "unknown address":
        to = "hvemsomhelst@svar.samspil.example"
    elif case == "ended":
        Membership.objects.filter(relative=relative_a).update(status=Membership.Status.ENDED)
    else:
        headers = [("Auto-Submitted", "auto-replied")]
    before = OutgoingMail.objects.count()
    with caplog.at_level(logging.INFO, logger="dialog.inbound"):
        send(client, to=to, sender=sender, text="Jeg er på ferie.", headers=headers)
    assert not by_mail(thread).exists()
    assert OutgoingMail.objects.count() == before  # and nobody is mailed about it
    assert any("dropped" in record.getMessage() for record in caplog.records)


def test_an_error_in_the_dialog_never_reaches_the_esp(client, tree, relative_a, monkeypatch):
    thread = private_thread(tree.home_a, relative_a)

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(posting, "post_message", broken)
    send(client, to=reply_address(thread.pk, relative_a.pk), sender=relative_a.email, text="Hej")
    assert not by_mail(thread).exists()


def test_an_html_only_reply_loses_its_quote(client, tree, relative_a):
    thread = private_thread(tree.home_a, relative_a)
    html = (
        "<div>Tak for svaret &amp; hilsen<br>Anna</div>"
        '<div class="gmail_quote">Den 7. maj skrev Samspil:<blockquote>Gammelt</blockquote></div>'
    )
    send(
        client,
        to=reply_address(thread.pk, relative_a.pk),
        sender=relative_a.email,
        text="",
        html=html,
    )
    assert by_mail(thread).get().body == "Tak for svaret & hilsen\nAnna"


def test_the_webhook_needs_its_secret(client, tree, relative_a):
    thread = private_thread(tree.home_a, relative_a)
    payload = {
        "FromFull": {"Email": relative_a.email, "Name": ""},
        "ToFull": [{"Email": reply_address(thread.pk, relative_a.pk), "Name": ""}],
        "TextBody": "Uden adgang",
        "Headers": [],
    }
    response = client.post(URL, json.dumps(payload), content_type="application/json")
    assert 400 <= response.status_code < 500
    assert not by_mail(thread).exists()
