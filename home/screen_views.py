"""The notice-board screen (a full page, its refreshed content, its service worker) and the
week poster PDF of a home. Reached through BotilbudPage's routes, so only for live homes.

Everything here is the same for every visitor (home.screen says why): nothing relatives-only.
"""

import hashlib
import logging
import time

from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from wagtail.models import Site

from .models import BotilbudPage
from .printing import (
    PdfUnavailable,
    embed_pictures,
    pdf_response,
    pdf_unavailable_response,
    render_pdf,
)
from .screen import BadPeriod, parse_week, screen_content, week_poster_content

logger = logging.getLogger(__name__)

# How often the screen asks for new content, and how long each view stays (milliseconds).
REFRESH_MS = 5 * 60 * 1000
SLIDE_MS = 12 * 1000


def live_home(request, home_slug: str) -> BotilbudPage:
    """The live, public home at ``/<home_slug>/`` of this request's site, or 404."""
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    home = (
        BotilbudPage.objects.live().public().child_of(site.root_page).filter(slug=home_slug).first()
    )
    if home is None:
        raise Http404
    return home


def _screen_urls(request, home) -> dict:
    base = home.get_url(request)
    return {
        "screen_url": base + home.reverse_subpage("screen"),
        "content_url": base + home.reverse_subpage("screen_content"),
        "worker_url": reverse("screen_worker", args=[home.slug]),
        "poster_url": reverse("week_poster", args=[home.slug]),
        "refresh_ms": REFRESH_MS,
        "slide_ms": SLIDE_MS,
    }


def screen(request, home):
    context = {**screen_content(home), **_screen_urls(request, home), "page": home}
    response = TemplateResponse(request, "home/screen.html", context)
    # Always asked again (the service worker keeps a copy for when the network is gone).
    patch_cache_control(response, no_cache=True)
    response["X-Robots-Tag"] = "noindex"
    return response


def screen_fragment(request, home):
    """The screen's content alone; 304 when nothing changed since the screen's copy."""
    html = render_to_string(
        "home/includes/screen_content.html",
        {**screen_content(home), **_screen_urls(request, home)},
        request=request,
    )
    etag = '"' + hashlib.sha256(html.encode()).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["ETag"] = etag
    patch_cache_control(response, no_cache=True)
    response["X-Robots-Tag"] = "noindex"
    return response


def screen_worker(request, home_slug: str):
    """The screen's service worker: served under the screen's own path, so that is its scope."""
    home = live_home(request, home_slug)
    script = render_to_string(
        "home/screen_worker.js", {**_screen_urls(request, home)}, request=request
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    patch_cache_control(response, no_cache=True)
    return response


def week_poster(request, home_slug: str):
    """The A4 poster of a week (``?uge=2026-W49``; this week without it)."""
    home = live_home(request, home_slug)
    try:
        monday = parse_week(request.GET.get("uge"))
    except BadPeriod as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    context = week_poster_content(home, monday)
    embed_pictures([event for day in context["days"] for event in day.events])
    started = time.perf_counter()
    try:
        pdf = render_pdf("pdf/week_poster.html", context, request=request)
    except PdfUnavailable:
        return pdf_unavailable_response()
    logger.info(
        "Week poster %s %s made in %.0f ms",
        home.slug,
        monday.isoformat(),
        (time.perf_counter() - started) * 1000,
    )
    year, week = monday.isocalendar()[:2]
    return pdf_response(
        pdf,
        _("ugeplan-%(home)s-%(year)s-uge-%(week)02d.pdf")
        % {
            "home": home.slug,
            "year": year,
            "week": week,
        },
    )
