"""Relatives sign in by a link mailed to them: the link page only asks, the POST signs in,
links work once and not for long, staff never get in this way, and the form tells no one
which addresses are known."""

import re
import struct
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from sesame import tokens_v2
from sesame.utils import get_query_string, get_token
from wagtail.models import ModelLogEntry

from dialog import identity
from outbox.models import OutgoingMail

SIGN_IN = "/dialog/log-ind/"
LINK = "/dialog/log-ind/link/"
LINK_IN_MAIL = re.compile(r"https?://\S+?(/dialog/log-ind/link/\?\S+)")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def ask_for_link(client, on_commit, email, **extra):
    with on_commit():
        return client.post(SIGN_IN, {"email": email, **extra})


def link_from_outbox(to: str) -> str:
    """The path and query of the sign-in link in the last mail to ``to``."""
    message = [m for m in mail.outbox if m.to == [to]][-1]
    match = LINK_IN_MAIL.search(message.body)
    assert match, message.body
    return match.group(1)


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["sesame"][0]


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def test_the_whole_flow_new_address_link_button_min_side(client, tree, on_commit):
    response = ask_for_link(client, on_commit, "  Ny.Person@Example.DK ")
    assert response.status_code == 302
    assert response["Location"] == reverse("dialog:sign_in_sent")
    assert "Tjek din mail" in client.get(response["Location"]).content.decode()

    user = get_user_model().objects.get(username="ny.person@example.dk")
    assert user.email == "ny.person@example.dk"
    assert not user.has_usable_password()
    assert ModelLogEntry.objects.filter(action="samspil.relative.create").count() == 1
    assert [m.to for m in mail.outbox] == [["ny.person@example.dk"]]
    assert mail.outbox[0].subject == "Dit link til at logge ind på Samspil"
    assert OutgoingMail.objects.filter(to_email="ny.person@example.dk").count() == 1

    link = link_from_outbox("ny.person@example.dk")
    page = client.get(link)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "same-origin"
    html = page.content.decode()
    assert "Log ind" in html and 'method="post"' in html
    assert signed_in_user_id(client) is None

    response = client.post(LINK, {"sesame": token_of(link)})
    assert response.status_code == 302
    assert response["Location"] == "/dialog/"
    assert signed_in_user_id(client) == str(user.pk)
    assert "Min side" in client.get("/dialog/").content.decode()


def test_opening_the_link_does_not_sign_in_or_use_it_up(client, relative_a, on_commit):
    ask_for_link(client, on_commit, relative_a.email)
    link = link_from_outbox(relative_a.email)
    # A mail scanner opens the link twice before the person does.
    assert Client().get(link).status_code == 200
    assert Client().get(link).status_code == 200
    assert client.get("/dialog/").status_code == 302
    assert client.post(LINK, {"sesame": token_of(link)}).status_code == 302
    assert signed_in_user_id(client) == str(relative_a.pk)


def test_a_used_link_is_refused_with_a_way_to_ask_again(client, relative_a, on_commit):
    ask_for_link(client, on_commit, relative_a.email)
    token = token_of(link_from_outbox(relative_a.email))
    assert client.post(LINK, {"sesame": token}).status_code == 302
    other = Client()
    for response in (other.get(LINK, {"sesame": token}), other.post(LINK, {"sesame": token})):
        assert response.status_code == 400
        html = response.content.decode()
        assert "Linket virker ikke" in html
        assert f'href="{SIGN_IN}"' in html
    assert signed_in_user_id(other) is None


def test_using_one_link_makes_the_earlier_ones_void(client, relative_a, on_commit, monkeypatch):
    # A link asked for a minute ago (tokens made in the same second are the same token).
    made_at = int(time.time()) - tokens_v2.TIMESTAMP_OFFSET - 60
    monkeypatch.setattr(tokens_v2, "pack_timestamp", lambda: struct.pack("!i", made_at))
    earlier = get_token(relative_a)
    monkeypatch.undo()
    ask_for_link(client, on_commit, relative_a.email)
    latest = token_of(link_from_outbox(relative_a.email))
    assert earlier != latest
    assert client.post(LINK, {"sesame": latest}).status_code == 302
    assert Client().post(LINK, {"sesame": earlier}).status_code == 400


@pytest.mark.parametrize(
    "token",
    ["", "abc", "x" * 5000, "AAAAAQ'\"<script>", "ÆØÅ-æøå", "%00%0a"],
)
def test_forged_tokens_are_refused(client, relative_a, token):
    assert client.get(LINK, {"sesame": token}).status_code == 400
    assert client.post(LINK, {"sesame": token}).status_code == 400
    assert signed_in_user_id(client) is None


def test_a_tampered_token_is_refused(client, relative_a):
    token = get_token(relative_a)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert client.post(LINK, {"sesame": tampered}).status_code == 400
    assert client.get(LINK).status_code == 400  # no token at all
    assert signed_in_user_id(client) is None


def test_an_expired_link_is_refused(client, relative_a, monkeypatch):
    # Made 31 minutes ago: SESAME_MAX_AGE is 30 minutes.
    made_at = int(time.time()) - tokens_v2.TIMESTAMP_OFFSET - 31 * 60
    monkeypatch.setattr(tokens_v2, "pack_timestamp", lambda: struct.pack("!i", made_at))
    token = get_token(relative_a)
    monkeypatch.undo()
    assert client.get(LINK, {"sesame": token}).status_code == 400
    assert client.post(LINK, {"sesame": token}).status_code == 400
    assert signed_in_user_id(client) is None


def test_staff_and_admins_cannot_sign_in_by_link(client, staff_a, on_commit):
    admin = get_user_model().objects.create_superuser("chef", "chef@example.dk", "adgangskode")
    relative_like_staff = get_user_model().objects.create_user("x@example.dk", "x@example.dk")
    relative_like_staff.set_unusable_password()
    relative_like_staff.is_staff = True
    relative_like_staff.save()
    for user in (staff_a, admin, relative_like_staff):
        link = LINK + get_query_string(user)
        assert client.get(link).status_code == 400
        assert client.post(LINK, {"sesame": token_of(link)}).status_code == 400
        assert signed_in_user_id(client) is None

    # Asking for a link with a staff address mails a reminder to use the password, no link.
    ask_for_link(client, on_commit, "A@example.dk")
    assert [m.to for m in mail.outbox] == [["a@example.dk"]]
    assert "sesame=" not in mail.outbox[0].body
    assert "/admin/login/" in mail.outbox[0].body
    assert not get_user_model().objects.filter(username="a@example.dk").exists()


def test_the_answer_is_the_same_for_known_unknown_and_staff_addresses(
    client, relative_a, staff_a, on_commit
):
    answers = []
    for email in (relative_a.email, "aldrig.set@example.dk", staff_a.email):
        response = ask_for_link(Client(), on_commit, email)
        page = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], page.content))
    assert answers[0] == answers[1] == answers[2]


def test_the_account_is_made_on_the_first_request_only(client, tree, on_commit):
    assert client.get(SIGN_IN).status_code == 200
    assert not get_user_model().objects.filter(username="ny@example.dk").exists()
    ask_for_link(client, on_commit, "ny@example.dk")
    ask_for_link(client, on_commit, "NY@example.dk")
    assert get_user_model().objects.filter(email__iexact="ny@example.dk").count() == 1
    # Each request is its own outbox row and mail, even within the same second.
    assert len(mail.outbox) == 2
    assert OutgoingMail.objects.filter(to_email="ny@example.dk").count() == 2


def test_an_inactive_relative_gets_nothing(client, relative_a, on_commit):
    relative_a.is_active = False
    relative_a.save()
    response = ask_for_link(client, on_commit, relative_a.email)
    assert response.status_code == 302
    assert mail.outbox == []


def test_bad_addresses_get_a_danish_message(client, tree):
    for value in ("", "ikke-en-adresse", "a@b@c.dk", "navn@example.dk\r\nBcc: x@y.dk"):
        response = client.post(SIGN_IN, {"email": value})
        assert response.status_code == 400
        html = response.content.decode()
        assert "e-mailadresse" in html
    assert get_user_model().objects.count() == 0


def test_too_many_links_for_one_address(client, relative_a, on_commit):
    for _ in range(identity.LIMIT_PER_ADDRESS):
        assert ask_for_link(client, on_commit, relative_a.email).status_code == 302
    response = ask_for_link(client, on_commit, relative_a.email.upper())
    assert response.status_code == 429
    assert "For mange forsøg" in response.content.decode()
    assert len(mail.outbox) == identity.LIMIT_PER_ADDRESS
    # Another address from the same client is still served.
    assert ask_for_link(client, on_commit, "anden@example.dk").status_code == 302


def test_too_many_requests_from_one_client(client, tree, on_commit):
    for n in range(identity.LIMIT_PER_CLIENT):
        assert ask_for_link(client, on_commit, f"person{n}@example.dk").status_code == 302
    response = ask_for_link(client, on_commit, "en-til@example.dk")
    assert response.status_code == 429
    assert not get_user_model().objects.filter(username="en-til@example.dk").exists()
    other_client = Client(REMOTE_ADDR="10.0.0.9")
    assert ask_for_link(other_client, on_commit, "en-til@example.dk").status_code == 302


def test_forms_need_the_csrf_token(relative_a):
    client = Client(enforce_csrf_checks=True)
    assert client.post(SIGN_IN, {"email": relative_a.email}).status_code == 403
    assert client.post(LINK, {"sesame": get_token(relative_a)}).status_code == 403
    assert signed_in_user_id(client) is None
    client.force_login(relative_a, backend="sesame.backends.ModelBackend")
    assert client.post("/dialog/log-ud/").status_code == 403
    assert signed_in_user_id(client) == str(relative_a.pk)


def test_sign_out_asks_on_get_and_signs_out_on_post(client, relative_a):
    client.force_login(relative_a, backend="sesame.backends.ModelBackend")
    page = client.get("/dialog/log-ud/")
    assert page.status_code == 200
    assert signed_in_user_id(client) == str(relative_a.pk)
    response = client.post("/dialog/log-ud/", follow=True)
    assert signed_in_user_id(client) is None
    assert "Du er logget ud." in response.content.decode()


def test_min_side_sends_anonymous_visitors_to_sign_in_and_back(client, relative_a, on_commit):
    response = client.get("/dialog/")
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next=/dialog/"
    form = client.get(response["Location"]).content.decode()
    assert 'name="next" value="/dialog/"' in form

    ask_for_link(client, on_commit, relative_a.email, next="/dialog/tilknytning/1/afslut/")
    link = link_from_outbox(relative_a.email)
    assert parse_qs(urlsplit(link).query)["next"] == ["/dialog/tilknytning/1/afslut/"]
    page = client.get(link).content.decode()
    assert 'name="next" value="/dialog/tilknytning/1/afslut/"' in page
    response = client.post(
        LINK, {"sesame": token_of(link), "next": "/dialog/tilknytning/1/afslut/"}
    )
    assert response["Location"] == "/dialog/tilknytning/1/afslut/"


@pytest.mark.parametrize(
    "next_path",
    [
        "https://evil.example/",
        "//evil.example/dialog/",
        "/admin/",
        "/django-admin/",
        "/\\evil.example",
        "solgarden/",
    ],
)
def test_foreign_next_addresses_are_ignored(client, relative_a, next_path):
    response = client.post(LINK, {"sesame": get_token(relative_a), "next": next_path})
    assert response["Location"] == "/dialog/"
    assert identity.safe_next(next_path) == ""


def test_next_may_be_a_public_page_the_relative_came_from(client, relative_a):
    """A relatives-only news item sends a signed-out visitor to sign in and back again."""
    response = client.post(LINK, {"sesame": get_token(relative_a), "next": "/solgarden/nyt/"})
    assert response["Location"] == "/solgarden/nyt/"
