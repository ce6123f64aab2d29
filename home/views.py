"""Views outside the page tree: site search."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from wagtail.models import Page

from .models.events import page_number

SEARCH_PAGE_SIZE = 10
# Longer queries add nothing for a reader and only cost the database work.
MAX_QUERY_LENGTH = 200


def search(request):
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    results = Page.objects.live().public().search(query) if query else Page.objects.none()
    page_obj = Paginator(results, SEARCH_PAGE_SIZE).get_page(page_number(request.GET.get("page")))
    return TemplateResponse(
        request,
        "search/search.html",
        {"search_query": query, "page_obj": page_obj, "querystring": urlencode({"q": query})},
    )
