"""Views outside the page tree: site search."""

import re
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from wagtail.models import Page

from .models import EventPage, NewsPage
from .models.base import page_number

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


def searchable_pages(user):
    """Live, public pages, less the relatives-only news and events ``user`` may not see.

    A connected relative (or the home's staff) finds their own home's relatives-only pages,
    as in every listing; everyone else never does. Search runs over all page types at once,
    so the hidden ones are left out by id, as subqueries in the search's own statement.
    """
    pages = Page.objects.live().public()
    for model in (NewsPage, EventPage):
        pages = pages.exclude(pk__in=model.objects.hidden_from(user).values("pk"))
    return pages


def search(request):
    shown, words = clean_search_query(request.GET.get("q", ""))
    results = searchable_pages(request.user).search(words) if words else Page.objects.none()
    page_obj = Paginator(results, SEARCH_PAGE_SIZE).get_page(page_number(request.GET.get("page")))
    return TemplateResponse(
        request,
        "search/search.html",
        {"search_query": shown, "page_obj": page_obj, "querystring": urlencode({"q": shown})},
    )
