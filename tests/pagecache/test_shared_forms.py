"""Pages with forms are shared (a proxy or CDN may hold them): no visitor's token, no cookie.
The token comes from /csrf/ (js/csrf.js); without JavaScript a same-site POST is asked to
confirm (pagecache.csrf.failure); a cross-site POST or a bad token is refused."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from newsletters.models import Subscriber
from participation.models import EventSignup
from tests.conftest import make_event

OWN = "http://testserver"
EVIL = "http://evil.example"
CONFIRM = "Bekræft at du vil sende formularen"
REFUSED = "Formularen kunne ikke sendes"


def subscribe_data(tree, email="ny@example.dk", **extra) -> dict:
    return {
        "email": email,
        "homes": [tree.home_a.pk],
        "frequency": "weekly",
        "consent": "on",
        "website": "",
        **extra,
    }


def hidden_fields(response) -> list[tuple[str, str]]:
    """The confirm page's hidden fields, unescaped as a browser would send them."""
    found = re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', response.text)
    return [(html.unescape(name), html.unescape(value)) for name, value in found]


def as_post_data(fields: list[tuple[str, str]]) -> dict:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def test_a_page_with_forms_is_public_without_cookie_or_token_and_the_same_for_all(
    tree, django_assert_num_queries
):
    first_visitor, second_visitor = Client(), Client()
    first = first_visitor.get(tree.home_a.url)
    with django_assert_num_queries(0):
        second = second_visitor.get(tree.home_a.url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    for response in (first, second):
        assert response["Cache-Control"].startswith("public, max-age=0, s-maxage=")
        assert "Set-Cookie" not in response.headers and not response.cookies
        body = response.content.decode()
        assert 'name="csrfmiddlewaretoken" value=""' in body
        assert not re.search(r'name="csrfmiddlewaretoken" value="[^"]', body)
        assert response.get("Content-Length", str(len(response.content))) == str(
            len(response.content)
        )
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    assert 'src="/static/js/csrf.js" data-csrf-url="/csrf/"' in first.text


def test_csrf_endpoint_is_never_stored_and_sets_the_cookie(tree, django_assert_num_queries):
    visitor = Client()
    for _ in range(2):
        with django_assert_num_queries(0):
            response = visitor.get(reverse("csrf_token"))
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store, private"
        assert "X-Page-Cache" not in response.headers
        assert len(response.json()["token"]) == 64
    assert "csrftoken" in visitor.cookies
    assert Client().post(reverse("csrf_token")).status_code == 405


def test_subscribe_with_the_token_from_the_endpoint(tree):
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(tree.home_a.url)
    token = visitor.get(reverse("csrf_token")).json()["token"]
    response = visitor.post(
        reverse("newsletters:subscribe"),
        {**subscribe_data(tree), "csrfmiddlewaretoken": token},
        headers={"origin": OWN},
    )
    assert response.status_code == 302
    assert Subscriber.objects.filter(email="ny@example.dk").exists()


@pytest.mark.parametrize("with_cookie", [False, True], ids=["no-cookie", "cookie"])
def test_without_javascript_a_same_site_post_is_confirmed_then_succeeds(
    tree, with_cookie, django_assert_num_queries
):
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(tree.home_a.url)
    assert page["X-Page-Cache"] == "miss"
    if with_cookie:  # another page (or a failed script) left a cookie, the form no token
        visitor.get(reverse("csrf_token"))
    with django_assert_num_queries(0):
        asked = visitor.post(
            reverse("newsletters:subscribe"),
            {**subscribe_data(tree), "csrfmiddlewaretoken": ""},
            headers={"origin": OWN},
        )
    assert asked.status_code == 403
    assert CONFIRM in asked.text
    assert asked["Cache-Control"] == "no-store, private"
    assert "csrftoken" in visitor.cookies
    assert 'action="/nyhedsbrev/"' in asked.text
    assert "script-src 'self'" in asked["Content-Security-Policy"]
    assert not Subscriber.objects.exists()
    fields = hidden_fields(asked)
    names = [name for name, _ in fields]
    assert names.count("csrfmiddlewaretoken") == 1
    assert dict(fields)["csrfmiddlewaretoken"]
    assert set(names) == {
        "csrfmiddlewaretoken",
        *("email", "homes", "frequency", "consent", "website"),
    }

    sent = visitor.post(asked.request["PATH_INFO"], as_post_data(fields), headers={"origin": OWN})
    assert sent.status_code == 302
    assert sent["Location"] == reverse("newsletters:thanks")
    assert Subscriber.objects.filter(email="ny@example.dk").exists()


def test_the_referer_names_the_site_when_there_is_no_origin(tree):
    visitor = Client(enforce_csrf_checks=True)
    asked = visitor.post(
        reverse("newsletters:subscribe"),
        subscribe_data(tree),
        headers={"referer": OWN + tree.home_a.url},
    )
    assert CONFIRM in asked.text
    # Neither Origin nor Referer: the plain refusal (a browser always names one of them).
    plain = Client(enforce_csrf_checks=True).post(reverse("newsletters:subscribe"), {})
    assert REFUSED in plain.text and CONFIRM not in plain.text


def test_event_signup_from_a_cached_page_with_the_endpoint_token_and_by_confirming(
    tree, django_capture_on_commit_callbacks
):
    event = make_event(tree.home_a, "Sommerfest", signup_enabled=True, capacity=3)
    url = reverse("participation:event_signup", args=[event.pk])
    Client().get(event.url)
    data = {
        "signup-name": "Karen Jensen",
        "signup-email": "karen@example.dk",
        "signup-party_size": "1",
        "signup-note": "",
        "signup-consent": "on",
        "signup-website": "",
    }
    with_script = Client(enforce_csrf_checks=True)
    page = with_script.get(event.url)
    assert page["X-Page-Cache"] == "hit" and not page.cookies
    token = with_script.get(reverse("csrf_token")).json()["token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = with_script.post(
            url, {**data, "csrfmiddlewaretoken": token}, headers={"origin": OWN}
        )
    assert response.status_code == 302
    assert EventSignup.objects.filter(event=event).count() == 1

    without_script = Client(enforce_csrf_checks=True)
    without_script.get(event.url)
    other = {**data, "signup-name": "Ole Hansen", "signup-email": "ole@example.dk"}
    asked = without_script.post(url, other, headers={"origin": OWN})
    assert CONFIRM in asked.text
    assert EventSignup.objects.filter(event=event).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        sent = without_script.post(url, as_post_data(hidden_fields(asked)), headers={"origin": OWN})
    assert sent.status_code == 302
    assert EventSignup.objects.filter(event=event, name="Ole Hansen").exists()


def test_a_cross_site_post_is_refused_and_stores_nothing(tree):
    visitor = Client(enforce_csrf_checks=True)
    for token in ("", visitor.get(reverse("csrf_token")).json()["token"]):
        response = visitor.post(
            reverse("newsletters:subscribe"),
            {**subscribe_data(tree), "csrfmiddlewaretoken": token},
            headers={"origin": EVIL},
        )
        assert response.status_code == 403
        assert REFUSED in response.text and CONFIRM not in response.text
        assert "csrfmiddlewaretoken" not in response.text
    # Referer from another site, no Origin: refused as well.
    response = Client(enforce_csrf_checks=True).post(
        reverse("newsletters:subscribe"), subscribe_data(tree), headers={"referer": EVIL + "/"}
    )
    assert CONFIRM not in response.text
    assert not Subscriber.objects.exists()


def test_a_bad_token_files_the_admin_and_signed_in_visitors_get_the_plain_refusal(
    tree, django_user_model
):
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(reverse("csrf_token"))
    wrong = visitor.post(
        reverse("newsletters:subscribe"),
        {**subscribe_data(tree), "csrfmiddlewaretoken": "x" * 64},
        headers={"origin": OWN},
    )
    assert REFUSED in wrong.text and CONFIRM not in wrong.text
    admin = Client(enforce_csrf_checks=True).post(
        "/admin/login/", {"username": "a", "password": "b"}, headers={"origin": OWN}
    )
    assert admin.status_code == 403 and CONFIRM not in admin.text
    from django.core.files.uploadedfile import SimpleUploadedFile

    with_file = Client(enforce_csrf_checks=True).post(
        reverse("newsletters:subscribe"),
        {**subscribe_data(tree), "bilag": SimpleUploadedFile("a.txt", b"hej")},
        headers={"origin": OWN},
    )
    assert with_file.status_code == 403 and CONFIRM not in with_file.text
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(django_user_model.objects.create_user("personale", "p@example.dk"))
    refused = signed_in.post(reverse("newsletters:subscribe"), {}, headers={"origin": OWN})
    assert refused.status_code == 403 and CONFIRM not in refused.text
    assert not Subscriber.objects.exists()


def test_hostile_field_names_and_values_are_escaped_on_the_confirm_page(tree):
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    asked = Client(enforce_csrf_checks=True).post(
        reverse("newsletters:subscribe") + "?x=%22%3E%3Cscript%3E",
        {**subscribe_data(tree, email=hostile), hostile: hostile},
        headers={"origin": OWN},
    )
    assert CONFIRM in asked.text
    assert "<script" not in asked.text and "<img" not in asked.text
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in asked.text
    fields = hidden_fields(asked)
    assert (hostile, hostile) in fields and ("email", hostile) in fields
    assert not Subscriber.objects.exists()


def test_an_answer_to_a_visitor_with_a_message_is_private(tree, client):
    """A page showing someone's message (Django's messages cookie) is never cached here, and
    no proxy or CDN may keep it either when the view says nothing of caching."""
    client.cookies["messages"] = "x"
    response = client.get(tree.home_a.url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "X-Page-Cache" not in response
