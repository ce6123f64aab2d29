"""The Content-Security-Policy header: strict on the public site, the admin's own under /admin/,
and no template of the public site that would break it."""

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.test import Client, RequestFactory
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from samspil.csp import ContentSecurityPolicyMiddleware

from ..conftest import make_news

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Mail, the admin (its own policy) and pdf/ (printed by WeasyPrint, never sent as a web page)
# are not under the public pages' policy.
NOT_PUBLIC = re.compile(r"(^|/)(email|admin|pdf)(/|_)")
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.I),
    "event handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.django_db
def test_public_pages_have_the_strict_policy(client, tree):
    response = client.get(tree.home_a.url)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no inline, no eval, no nonce unless used
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]


@pytest.mark.django_db
def test_error_and_form_pages_have_it_too(client, tree):
    assert "script-src 'self'" in client.get("/findes-ikke/")["Content-Security-Policy"]
    assert "script-src 'self'" in client.get("/nyhedsbrev/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_admin_has_its_own_looser_policy(client):
    response = client.get("/admin/login/")
    policy = directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["frame-ancestors"] == ["'self'"]  # the page preview is a frame of our own
    assert policy["object-src"] == ["'none'"]


PUBLIC_TEMPLATES = sorted(
    name
    for name in (str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html"))
    if not NOT_PUBLIC.search(name)
)


@pytest.mark.parametrize("template", PUBLIC_TEMPLATES)
def test_public_templates_have_nothing_inline(template):
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    found = [what for what, pattern in INLINE.items() if pattern.search(text)]
    assert not found, f"{template}: {', '.join(found)} (move it to static/)"


def test_a_template_nonce_is_the_one_in_the_header():
    request = RequestFactory().get("/")
    middleware = ContentSecurityPolicyMiddleware(lambda r: HttpResponse())
    middleware.process_request(request)
    rendered = Template('<script nonce="{{ CSP_NONCE }}">1</script>').render(
        RequestContext(request, {})
    )
    nonce = re.search(r'nonce="([^"]+)"', rendered).group(1)
    response = middleware.process_response(request, HttpResponse(rendered))
    assert f"'nonce-{nonce}'" in directives(response["Content-Security-Policy"])["script-src"]


@pytest.mark.django_db
def test_a_responsive_embed_carries_its_ratio_as_data_not_style(client, tree):
    url = "https://www.youtube.com/watch?v=samspil"
    Embed.objects.create(
        url=url,
        hash=get_embed_hash(url),
        max_width=None,
        type="video",
        html='<iframe src="https://www.youtube-nocookie.com/embed/samspil"></iframe>',
        width=400,
        height=300,
        provider_name="YouTube",
    )
    news = make_news(tree.home_a, "Video fra sommerfesten", body=[("embed", url)])
    html = client.get(news.url).content.decode()
    assert 'class="responsive-object" data-ratio="75.0%"' in html
    assert "padding-bottom" not in html


@pytest.mark.django_db
def test_a_refused_form_gets_a_danish_page_within_the_policy():
    """Django's own CSRF failure page is English with an inline <style>; ours is neither."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/nyhedsbrev/", {"email": "a@example.dk"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formularen kunne ikke sendes" in html
    assert "<style" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
