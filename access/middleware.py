"""The staff admin's ids, checked before any admin view runs.

Wagtail checks what an editor may *do*, but several of its views name objects the editor may
not know of (choosers list every page and snippet, bulk actions list the titles they refuse,
histories and usage views show titles). Rather than patching each view, every admin request
passes here once its view is known:

- a bulk action keeps only the ids ``access.scope`` lets the person see (``id=all`` is turned
  into those ids), and is a 404 when none is left;
- a snippet's views and chooser are a 404 for someone with no permission on its model (the
  subscriber list's addresses reached staff through the chooser);
- an id parameter that cannot be a row's key (huge, negative, not a number) is a 404, as
  Wagtail passes several straight to a query;
- ``?id=`` lists elsewhere (the choosers' chosen-multiple views) are narrowed the same way;
- an admin URL that names a page (explorer, chooser, history, revisions, workflow, usage,
  preview) is a 404 when the page is not one the person may see.

Ids out of range are dropped from query strings here too, so no admin view ever sees one.
"""

import re

from django.apps import apps
from django.http import Http404, QueryDict
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from .ids import parse_id, parse_ids
from .rules import is_municipal_admin
from .scope import may_list, scope_queryset

# Admin routes whose integer parameters are page ids.
_PAGE_ROUTE = re.compile(r"^admin/(pages|choose-page|workflows/(?:enable|disable)?|moderation)/")
# Parameters that name a row: all our models and Wagtail's have integer keys.
_ID_PARAM = re.compile(r"^(pk|id|object_id|.+_id|.+_pk)$")
# Wagtail's page that raises on purpose (to try its error page): not for a production admin.
_ERROR_TEST = "wagtailadmin_error_test"
_BULK_ACTION = "wagtail_bulk_action"
# Reports across every home that name pages (the page-types report shows each type's most
# recently edited page, drafts of other homes included): municipal admins only.
_ALL_HOMES_REPORTS = {"page_types_usage", "page_types_usage_results"}
_SNIPPET_ROUTE = re.compile(r"^admin/snippets/(?:choose/)?(?P<app>\w+)/(?P<model>\w+)/")


def _bulk_ids(request, model, action: str) -> list[int]:
    """The ids a bulk action request names, ``all`` resolved the way the action itself does."""
    raw = request.GET.getlist("id")
    if "all" in raw:
        action_class = bulk_action_registry.get_bulk_action_class(
            model._meta.app_label, model._meta.model_name, action
        )
        if action_class is None:
            raise Http404
        parent = parse_id(request.GET.get("childOf", ""))
        if request.GET.get("childOf") and parent is None:
            raise Http404
        listing = action_class(request, model).get_all_objects_in_listing_query(parent)
        return list(listing)
    return parse_ids(raw)


def _scope_bulk_action(request, app_label: str, model_name: str, action: str) -> None:
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as error:
        raise Http404 from error
    visible = _visible_ids(request.user, model, _bulk_ids(request, model, action))
    if not visible:
        raise Http404
    _replace_ids(request, visible)


def _visible_ids(user, model, ids) -> list[int]:
    """Those of ``ids`` whose rows ``user`` may see (access.scope), in order."""
    rows = scope_queryset(user, model._default_manager.filter(pk__in=ids))
    return list(rows.order_by("pk").values_list("pk", flat=True))


def _replace_ids(request, ids) -> None:
    query = request.GET.copy()
    query.setlist("id", [str(pk) for pk in ids])
    request.GET = QueryDict(query.urlencode())
    request.META["QUERY_STRING"] = query.urlencode()


def _model_of(route: str, snippet):
    """The model an admin chooser or listing route is about, when it says."""
    if snippet:
        try:
            return apps.get_model(snippet["app"], snippet["model"])
        except LookupError:
            return None
    if route.startswith("admin/choose-page/") or _PAGE_ROUTE.match(route):
        return Page
    if route.startswith("admin/images/"):
        return get_image_model()
    if route.startswith("admin/documents/"):
        return get_document_model()
    return None


def _scope_query_ids(request, model) -> None:
    """``?id=`` lists (choosers' chosen-multiple views and the like): only ids in range, and
    only rows the person may see; a 404 when none is left."""
    raw = request.GET.getlist("id")
    if not raw:
        return
    ids = parse_ids(raw)
    if model is not None and ids:
        ids = _visible_ids(request.user, model, ids)
    if not ids:
        raise Http404
    _replace_ids(request, ids)


def _check_pages(request, kwargs) -> None:
    ids = [value for value in kwargs.values() if isinstance(value, int)]
    if any(parse_id(pk) is None for pk in ids):
        raise Http404
    if not ids:
        return
    pages = Page.objects.filter(pk__in=ids)
    hidden = pages.exclude(pk__in=scope_queryset(request.user, pages).values("pk"))
    if hidden.exists():
        raise Http404


class AdminScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        route = match.route if match else ""
        if not route.startswith("admin/") or not request.user.is_authenticated:
            return None
        if match.url_name == _ERROR_TEST:
            raise Http404
        if match.url_name in _ALL_HOMES_REPORTS and not is_municipal_admin(request.user):
            raise Http404
        for name, value in view_kwargs.items():
            if _ID_PARAM.match(name) and parse_id(value) is None:
                raise Http404
        if match.url_name == _BULK_ACTION:
            _scope_bulk_action(request, **view_kwargs)
            return None
        snippet = _SNIPPET_ROUTE.match(route) or _SNIPPET_ROUTE.match(request.path_info[1:])
        model = _model_of(route, snippet)
        if snippet and model is not None and not may_list(request.user, model):
            raise Http404
        _scope_query_ids(request, model)
        if _PAGE_ROUTE.match(route):
            _check_pages(request, view_kwargs)
        return None
