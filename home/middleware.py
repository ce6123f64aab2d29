"""Per-request state for the public pages."""

from django.http import Http404
from django.urls import reverse
from wagtail import views as wagtail_views
from wagtail.models import Site

from .models.base import request_view_restrictions


class ViewRestrictionsPerRequest:
    """Give each public request its own scope for the view-restriction lookup (private_q).

    The admin is left out: it creates and changes restrictions within a request, and must
    read them back fresh.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = reverse("wagtailadmin_home")

    def __call__(self, request):
        if request.path.startswith(self.admin_prefix):
            return self.get_response(request)
        token = request_view_restrictions.set({})
        try:
            return self.get_response(request)
        finally:
            request_view_restrictions.reset(token)


class LeanPageRouting:
    """Route a page request without loading the whole front page when it is not served.

    Wagtail's ``Page.route_for_request`` loads the site's root page as its specific type
    (every field of the front page, one query) on every request, only to call its
    ``route()``. On the way to a page below it, the front page's own fields are never read:
    here it is taken as its specific type with only the fields the site lookup already
    loaded (``specific_deferred``), so a home, the calendar or an event costs one query
    less. When the front page itself is served, only its own fields are read, in a narrow
    query, instead of every field of the page again. The result goes where Wagtail
    looks for it first (``request._wagtail_route_for_request``); Wagtail's serve view does
    the rest.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_views.serve and view_args:
            route_for_request(request, view_args[0])


def route_for_request(request, path: str):
    """Wagtail's ``Page.route_for_request`` with the root page deferred (see LeanPageRouting)."""
    if hasattr(request, "_wagtail_route_for_request"):
        return request._wagtail_route_for_request
    result = None
    try:
        site = Site.find_for_request(request)
        if site is not None:
            components = [component for component in path.split("/") if component]
            root = site.root_page.localized.specific_deferred
            # The front page is served: its own fields in one narrow query (the fields of
            # every page came with the site).
            if not components and (deferred := root.get_deferred_fields()):
                root.refresh_from_db(fields=sorted(deferred))
            result = root.route(request, components)
    except Http404:
        result = None
    request._wagtail_route_for_request = result
    return result
