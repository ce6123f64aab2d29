"""Views outside the page tree: site search, the page overview, robots.txt and the
municipality's colours."""

import re
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from wagtail.models import Site

from .models.base import page_number
from .navigation import site_structure
from .search import search_site, searchable_pages

SEARCH_PAGE_SIZE = 10
# Longer queries add nothing for a reader and only cost the database work.
MAX_QUERY_LENGTH = 200
# Quotes, operators and control characters mean syntax to the full-text engines (SQLite FTS5,
# PostgreSQL tsquery); a reader means words, so only words reach the engine.
NOT_A_WORD = re.compile(r"[^\w\s]|_")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_search_query(raw: str) -> tuple[str, str]:
    """Return (what to show back to the reader, the words to search for)."""
    shown = " ".join(CONTROL.sub(" ", raw).split())[:MAX_QUERY_LENGTH]
    words = " ".join(NOT_A_WORD.sub(" ", shown).split())
    return shown, words


def search(request):
    shown, words = clean_search_query(request.GET.get("q", ""))
    structure = site_structure(request)
    hits = search_site(words, request.user, structure.directory)
    page_obj = Paginator(hits, SEARCH_PAGE_SIZE).get_page(page_number(request.GET.get("page")))
    return TemplateResponse(
        request,
        "search/search.html",
        {
            "search_query": shown,
            "page_obj": page_obj,
            "querystring": urlencode({"q": shown}),
            "calendar": structure.calendar,
            "directory": structure.directory,
        },
    )


# The overview lists the page tree this deep: the front page, homes and sections, their news,
# events and calls. Deeper pages are reached from the pages listed.
OVERVIEW_MAX_DEPTH = 4


def site_overview(request):
    """Every public page as a readable list (the sitemap's content, for people)."""
    pages = (
        searchable_pages(request.user)
        .filter(depth__gte=2, depth__lte=OVERVIEW_MAX_DEPTH)
        .only("title", "url_path", "path", "depth")
        .order_by("path")
    )
    entries = [{"page": page, "level": page.depth - 2} for page in pages]
    return TemplateResponse(request, "home/site_overview.html", {"entries": entries})


@require_GET
def robots_txt(request):
    site = Site.find_for_request(request)
    root = site.root_url if site is not None else request.build_absolute_uri("/").rstrip("/")
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /dialog/",
        "Disallow: /soeg/",
        f"Sitemap: {root}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def site_colours(request):
    """The municipality's colours (its site setting) as a stylesheet: the site's Content
    Security Policy allows stylesheets from the site itself, not inline styles. Its address
    carries a version of the colours, so it may be cached for a day; ETag answers 304."""
    from home.templatetags.samspil_tags import municipality

    values = municipality(request)
    etag = f'"{values["colours_version"]}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(values["colours_css"], content_type="text/css; charset=utf-8")
    response["ETag"] = etag
    # An address with another version (a page cached before the colours changed) is asked
    # again each time, so the new colours show at once there too.
    current = request.GET.get("v") == values["colours_version"]
    response["Cache-Control"] = "public, max-age=86400" if current else "no-cache"
    return response


def server_error(request):
    """The 500 page in the site's layout, named for the municipality without asking the
    database (it may be what failed)."""
    from django.http import HttpResponseServerError
    from django.template import loader

    from .models.site_settings import error_page_names

    try:
        html = loader.get_template("500.html").render(error_page_names())
    except Exception:  # never a second error while reporting the first
        html = "<!DOCTYPE html><html lang='da'><title>Fejl</title><h1>Der skete en fejl</h1></html>"
    return HttpResponseServerError(html)
