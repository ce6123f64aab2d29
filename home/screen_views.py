"""The notice-board screen (a full page, its refreshed content, its service worker) and the
week poster PDF of a home. Reached through BotilbudPage's routes, so only for live homes.

Nothing here is relatives-only (home.screen says why). An unpaired screen and an anonymous
poster are the same for every visitor (PUBLIC photos); a screen paired with its home
(residents.screens) and the poster printed by the home's staff show HOME photos, in answers
that are ``private, no-store``.
"""

import hashlib
import logging
import time

from django.http import Http404, HttpResponse, HttpResponseNotModified, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from wagtail.models import Site

from access import rules

from .models import BotilbudPage
from .printing import (
    PdfUnavailable,
    embed_pictures,
    pdf_response,
    pdf_unavailable_response,
    render_one_page_pdf,
)
from .screen import (
    WALL_AUDIENCE,
    BadPeriod,
    PhotoAudience,
    lay_out_poster,
    parse_week,
    poster_layouts,
    screen_content,
    week_poster_content,
)

logger = logging.getLogger(__name__)

# How often the screen asks for new content, and how long each view stays (milliseconds).
REFRESH_MS = 5 * 60 * 1000
SLIDE_MS = 12 * 1000
# The public poster may be kept this long (seconds) by a browser or proxy: a printout.
POSTER_MAX_AGE = 5 * 60


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


def _device(request, home):
    # Imported here: residents is an app beside home (its models point at home's).
    from residents.screens import paired_device

    return paired_device(request, home.pk, touch=True)


def _screen_headers(response, device) -> None:
    from residents.screens import PAIRED_HEADER

    # The same address answers a paired screen and everyone else differently.
    patch_vary_headers(response, ("Cookie",))
    if device is not None:
        # HOME photos: for this device only, never in a shared cache or the page cache.
        response["Cache-Control"] = "private, no-store"
        # Its service worker keeps these answers apart (templates/home/screen_worker.js).
        response[PAIRED_HEADER] = "1"
    else:
        # Always asked again (the service worker keeps a copy for when the network is gone).
        patch_cache_control(response, no_cache=True)
    response["X-Robots-Tag"] = "noindex"


def _private_pairing(response):
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _pairing_question(request, home, secret: str):
    """Opening a pairing link (GET) only asks: a mail's link scanner or a chat's preview
    opens links too, and must not use the link up. The TV's button posts it."""
    screen_url = _screen_urls(request, home)["screen_url"]
    context = {"home": home, "secret": secret, "screen_url": screen_url}
    response = _private_pairing(TemplateResponse(request, "home/screen_pair.html", context))
    # Only the origin as referrer, so the link's secret is in no request this page makes
    # (not even in the site's own logs); but the button's POST must name its origin (with
    # no-referrer a browser sends "Origin: null", which CSRF protection refuses).
    response["Referrer-Policy"] = "origin"
    return response


def _pair(request, home):
    """The pairing button (POST): the cookie when the link is good, and the clean address."""
    from residents.screens import PAIRING_PARAMETER, pair, set_cookie

    device = pair(home.pk, request.POST.get(PAIRING_PARAMETER, ""))
    response = HttpResponseRedirect(home.get_url(request) + home.reverse_subpage("screen"))
    if device is not None:
        set_cookie(request, response, home.pk, device.secret)
    return _private_pairing(response)


def _audience(device) -> PhotoAudience:
    return PhotoAudience.HOME if device is not None else WALL_AUDIENCE


def screen(request, home):
    from residents.screens import COOKIE_NAME, PAIRING_PARAMETER, has_cookie_for, set_cookie

    if request.method == "POST":
        return _pair(request, home)
    if PAIRING_PARAMETER in request.GET:
        return _pairing_question(request, home, request.GET.get(PAIRING_PARAMETER, "")[:100])
    device = _device(request, home)
    context = {
        **screen_content(home, audience=_audience(device)),
        **_screen_urls(request, home),
        "page": home,
        "device": device,
    }
    response = TemplateResponse(request, "home/screen.html", context)
    if device is not None:
        # Kept alive as long as the screen is used (browsers cap a cookie's age).
        set_cookie(request, response, home.pk, device.secret)
    elif has_cookie_for(request, home.pk):
        response.delete_cookie(COOKIE_NAME)  # a revoked device's: no use keeping it
    _screen_headers(response, device)
    return response


def screen_fragment(request, home):
    """The screen's content alone; 304 when nothing changed since the screen's copy."""
    device = _device(request, home)
    html = render_to_string(
        "home/includes/screen_content.html",
        {**screen_content(home, audience=_audience(device)), **_screen_urls(request, home)},
        request=request,
    )
    etag = '"' + hashlib.sha256(html.encode()).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["ETag"] = etag
    _screen_headers(response, device)
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
    """The A4 poster of a week (``?uge=2026-W49``; this week without it), on one page: set
    in the roomiest layout that fits. PUBLIC photos, HOME photos for the home's own staff."""
    home = live_home(request, home_slug)
    try:
        monday = parse_week(request.GET.get("uge"))
    except BadPeriod as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    staff = rules.is_staff_of(request.user, home.pk)
    context = week_poster_content(home, monday, PhotoAudience.HOME if staff else WALL_AUDIENCE)
    embed_pictures(context["events"])
    layouts = poster_layouts(len(context["events"]))
    started = time.perf_counter()
    try:
        pdf, used, tried = render_one_page_pdf(
            "pdf/week_poster.html",
            (lay_out_poster(context, layout) for layout in layouts),
            request=request,
        )
    except PdfUnavailable:
        return pdf_unavailable_response()
    logger.info(
        "Week poster %s %s made in %.0f ms (%s events, layout %s, %s laid out)",
        home.slug,
        monday.isoformat(),
        (time.perf_counter() - started) * 1000,
        len(context["events"]),
        used["layout"].name,
        tried,
    )
    year, week = monday.isocalendar()[:2]
    response = pdf_response(
        pdf,
        _("ugeplan-%(home)s-%(year)s-uge-%(week)02d.pdf")
        % {
            "home": home.slug,
            "year": year,
            "week": week,
        },
    )
    # The same address answers the home's staff and everyone else differently.
    patch_vary_headers(response, ("Cookie",))
    if staff:
        response["Cache-Control"] = "private, no-store"
    else:
        patch_cache_control(response, public=True, max_age=POSTER_MAX_AGE)
    return response
