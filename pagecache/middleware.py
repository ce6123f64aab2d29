"""Serve anonymous visitors whole pages from the page cache, and keep what may be kept.

Placed right after WhiteNoise: a hit is answered before sessions, authentication and the
page tree are touched. Only a Wagtail page's 200 answer to a GET from a visitor with no
session, no message, no paired screen's cookie and no sign-in link is kept, and only when
the page is in no restricted section, its context holds no form with errors, and it sets no
cookie but the CSRF one.

Every kept page is the same for every visitor, so a proxy or CDN may hold it too: ``public``
with ``s-maxage`` (purged through wagtail.contrib.frontend_cache), and no ``Set-Cookie``.
A page with forms is kept and served (the first answer too) with each CSRF token blanked
(``value=""``) and without the CSRF cookie its render asked for. Forms keep their CSRF
protection through pagecache.csrf: static/js/csrf.js fills the blank tokens from ``/csrf/``
(never cached; it sets the visitor's CSRF cookie), and a visitor without JavaScript who
posts from our own origin with no token gets a page that asks them to confirm the sending,
with a fresh token. Every answer carries an ETag and ``max-age=0``: a browser asks again and
mostly gets 304.
"""

from __future__ import annotations

import hashlib
import re
import time

from django.conf import settings
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags
from wagtail.models import Page

from . import store
from .tags import tags_of_page

CSRF_INPUT = re.compile(rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(">)')
# Headers set per answer here or by the middleware outside this one.
NOT_STORED = {"set-cookie", "content-length", "cache-control", "expires", "etag", "vary"}
SKIPPED_PREFIXES = ("/admin/", "/django-admin/", "/static/", "/media/", "/documents/")
# Cookies that make an answer someone's own: Django's messages, and a notice-board screen
# paired with its home (residents.screens.COOKIE_NAME: it sees the home's own photos). Their
# answers are private (``_personal`` says so when a view did not); skipping them here means
# a cached page is never handed to them and theirs is never stored, whatever a view's
# headers say.
PERSONAL_COOKIES = ("messages", "samspil_skaerm")


def _personal(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """An answer to someone with a personal cookie that says nothing of caching is theirs
    alone: no proxy or CDN may keep it (a page showing a message, a paired screen's)."""
    if "Cache-Control" not in response and any(
        name in request.COOKIES for name in PERSONAL_COOKIES
    ):
        patch_cache_control(response, private=True)
    return response


def _anonymous_get(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(SKIPPED_PREFIXES):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or any(name in cookies for name in PERSONAL_COOKIES):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    # A magic sign-in link (django-sesame) signs the visitor in on any page.
    return getattr(settings, "SESAME_TOKEN_NAME", "sesame") not in request.GET


def _query(request: HttpRequest) -> str | None:
    query = request.META.get("QUERY_STRING", "")
    if len(query) > store.config()["MAX_QUERY_LENGTH"]:
        return None
    return "&".join(sorted(query.split("&"))) if query else ""


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        conf = store.config()
        if not conf["ENABLED"] or not _anonymous_get(request):
            return _personal(request, self.get_response(request))
        query = _query(request)
        if query is None:
            return self.get_response(request)
        key = store.entry_key(request.get_host(), request.path, query)
        entry, generation = store.lookup(key)
        if entry is not None:
            return self._answer(request, entry, "hit")
        started = time.time()
        response = self.get_response(request)
        new_entry = self._entry(request, response, started, generation)
        if new_entry is None:
            return response
        timeout = min(conf["TIMEOUT"], store.seconds_to_midnight(), self._fresh_for(response))
        store.put(key, new_entry, timeout)
        # The first answer is the stored one: no visitor's token, no cookie a proxy would keep.
        response.content = new_entry.body
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(new_entry.body))
        response.cookies.pop(settings.CSRF_COOKIE_NAME, None)
        self._headers(request, response, new_entry, "miss")
        return response

    # What may be kept

    def _entry(self, request, response, started: float, generation: int) -> store.Entry | None:
        if response.status_code != 200 or response.streaming:
            return None
        # Only Wagtail's own page serving: other views may show a page without being it.
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name != "wagtail_serve":
            return None
        page = (getattr(response, "context_data", None) or {}).get("page")
        if not isinstance(page, Page) or getattr(request, "is_preview", False):
            return None
        if response.has_header("Cache-Control") and any(
            word in response["Cache-Control"] for word in ("private", "no-store", "no-cache")
        ):
            return None
        if any(name != settings.CSRF_COOKIE_NAME for name in response.cookies):
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return None
        if _restricted(page) or _has_form_errors(response.context_data):
            return None
        body, tokens = CSRF_INPUT.subn(rb"\1\2", response.content)
        conf = store.config()
        return store.Entry(
            status=response.status_code,
            headers=[(k, v) for k, v in response.items() if k.lower() not in NOT_STORED],
            body=body,
            etag=hashlib.sha256(body).hexdigest()[:32],
            tags=sorted(tags_of_page(page)),
            started=started,
            generation=generation,
            has_csrf=bool(tokens),
            shared_max_age=conf["SHARED_MAX_AGE"],
        )

    @staticmethod
    def _fresh_for(response) -> int:
        """Until the first listed event ends (it drops off "upcoming" lists then)."""
        ends = [
            item.ends_at
            for value in (response.context_data or {}).values()
            for item in _evaluated(value)
            if getattr(item, "ends_at", None) is not None
        ]
        if not ends:
            return store.config()["TIMEOUT"]
        seconds = (min(ends).timestamp() - time.time()) + 1
        return max(1, int(seconds))

    # Answers

    def _answer(self, request, entry: store.Entry, outcome: str) -> HttpResponse:
        response = HttpResponse(entry.body, status=entry.status)
        for name, value in entry.headers:
            response[name] = value
        self._headers(request, response, entry, outcome)
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match and response["ETag"] in parse_etags(if_none_match):
            not_modified = HttpResponseNotModified()
            for name in ("ETag", "Cache-Control", "Vary", "X-Page-Cache"):
                not_modified[name] = response[name]
            return not_modified
        return response

    @staticmethod
    def _headers(request, response, entry: store.Entry, outcome: str) -> None:
        response["Cache-Control"] = (
            f"public, max-age=0, s-maxage={entry.shared_max_age}, must-revalidate"
        )
        response["ETag"] = f'"{entry.etag}"'
        response["X-Page-Cache"] = outcome
        # A proxy must not hand the anonymous page to someone with a session.
        patch_vary_headers(response, ("Cookie",))


def _evaluated(value):
    cache = getattr(value, "_result_cache", None)
    if cache is not None:
        return cache
    if isinstance(value, list | tuple):
        return value
    return ()


def _has_form_errors(context) -> bool:
    return any(isinstance(v, BaseForm) and v.is_bound and v.errors for v in context.values())


def _restricted(page: Page) -> bool:
    """In a section behind a view restriction (sign-in, group, password): one query, on a
    miss only."""
    return page.get_view_restrictions().exists()
