"""CSRF for forms on pages that every visitor shares (pagecache.middleware keeps them with
blank tokens, so a proxy or CDN may hold them).

``/csrf/`` (:func:`token`) answers the visitor's own token as JSON and sets their CSRF
cookie; static/js/csrf.js puts it in every ``csrfmiddlewaretoken`` field of the page at load
and, if that had not finished, before a form is sent. It is never cached anywhere.

Without JavaScript (or when that fetch failed) the token is still blank when the form is
sent. :func:`failure` (settings.CSRF_FAILURE_VIEW) then answers a POST that carries no token
at all, comes from a visitor who is not signed in, to a public path (not the admin), and
whose ``Origin`` (or, without one, ``Referer``) is this very site, with a page that asks
them to confirm the sending: the posted fields again as hidden fields (escaped by the
template; a POST with files never gets it, a file cannot be carried over) with a fresh token
and one button. A browser always names the origin of a cross-site POST, so another site can
never get its form confirmed; its POST, a wrong or malformed token, and everything else get
the plain Danish 403 page. Both answers are 403: nothing was done, the confirm page is only
a question, and every check that a POST without a token is refused with 403 stays true.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import REASON_CSRF_TOKEN_MISSING, REASON_NO_CSRF_COOKIE, get_token
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

TOKEN_FIELD = "csrfmiddlewaretoken"  # noqa: S105 (a field name)
NOT_CONFIRMED_PREFIXES = ("/admin/", "/django-admin/")
NEVER_STORED = "no-store, private"


@require_GET
def token(request: HttpRequest) -> JsonResponse:
    response = JsonResponse({"token": get_token(request)})
    response["Cache-Control"] = NEVER_STORED
    patch_vary_headers(response, ("Cookie",))
    return response


def failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if _may_confirm(request, reason):
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if name != TOKEN_FIELD
            for value in values
        ]
        response = render(
            request,
            "403_csrf_confirm.html",
            {"fields": fields, "action": request.get_full_path()},
            status=403,
        )
    else:
        response = render(request, "403_csrf.html", status=403)
    response["Cache-Control"] = NEVER_STORED
    return response


def _may_confirm(request: HttpRequest, reason: str) -> bool:
    if reason not in (REASON_NO_CSRF_COOKIE, REASON_CSRF_TOKEN_MISSING):
        return False
    if request.method != "POST" or request.path.startswith(NOT_CONFIRMED_PREFIXES):
        return False
    # A token that was sent but did not do is never confirmed: only a blank one.
    if request.POST.get(TOKEN_FIELD) or request.META.get(settings.CSRF_HEADER_NAME):
        return False
    if request.FILES:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return _from_this_site(request)


def _from_this_site(request: HttpRequest) -> bool:
    """The POST names this site as its origin (as every browser does for a form it sends)."""
    own = f"{request.scheme}://{request.get_host()}"
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin == own
    referer = request.META.get("HTTP_REFERER")
    if not referer:
        return False
    try:
        parts = urlsplit(referer)
    except ValueError:
        return False
    return f"{parts.scheme}://{parts.netloc}" == own
