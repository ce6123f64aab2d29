"""Wagtail's own listing hooks and its admin API, narrowed by ``access.scope``."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.documents.models import document_served
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Page

from .files import private_file_response
from .models import ReadLog, RelativesOnlyCollection
from .rules import is_municipal_admin, leader_home_ids, may_see_relatives_only
from .scope import admin_page_q, scope_queryset


@hooks.register("construct_page_chooser_queryset")
def scope_page_chooser(pages, request):
    q = admin_page_q(request.user)
    # By id: the chooser's search can filter only on indexed fields, and "id" is one.
    return (
        pages
        if q is None
        else pages.filter(id__in=list(Page.objects.filter(q).values_list("pk", flat=True)))
    )


@hooks.register("construct_explorer_page_queryset")
def scope_explorer(parent_page, pages, request):
    q = admin_page_q(request.user)
    return pages if q is None else pages.filter(q)


@hooks.register("construct_reports_menu")
def hide_all_homes_reports(request, menu_items):
    if not is_municipal_admin(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


class ScopedImagesAPIViewSet(ImagesAdminAPIViewSet):
    def get_queryset(self):
        return scope_queryset(self.request.user, super().get_queryset())


class ScopedDocumentsAPIViewSet(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        return scope_queryset(self.request.user, super().get_queryset())


# After Wagtail's own registrations (order 0), so these replace its endpoints.
@hooks.register("construct_admin_api", order=100)
def scope_admin_api(router):
    router.register_endpoint("images", ScopedImagesAPIViewSet)
    router.register_endpoint("documents", ScopedDocumentsAPIViewSet)


@hooks.register("before_serve_document")
def relatives_only_documents(document, request):
    """A document in a home's relatives-only collection exists only for that home's
    connected relatives and staff (404 for anyone else, as for relatives-only pages)."""
    record = RelativesOnlyCollection.objects.filter(
        collection__in=document.collection.get_ancestors(inclusive=True)
    ).first()
    if record is not None and not may_see_relatives_only(request.user, record.botilbud_id):
        raise Http404


# Last of the document hooks: after every check above and Wagtail's own view restrictions.
@hooks.register("before_serve_document", order=1000)
def signed_document_redirect(document, request):
    """On S3 (PRIVATE_FILES_SERVE = "redirect") a document the checks let through is a
    redirect to its short-lived signed URL rather than streamed through the web process."""
    storage = document.file.storage
    if settings.PRIVATE_FILES_SERVE != "redirect" or not hasattr(storage, "signed_url"):
        return None
    document_served.send(sender=get_document_model(), instance=document, request=request)
    return private_file_response(
        document.file,
        filename=document.filename,
        content_type=document.content_type,
        as_attachment=document.content_disposition != "inline",
    )


# -- the read log, for a home's leader --------------------------------------------------------


def _leader_homes(user) -> list[int] | None:
    if is_municipal_admin(user):
        return None
    return leader_home_ids(user)


def reads_view(request):
    """Who of the staff read which private data at the leader's homes (admins: all)."""
    homes = _leader_homes(request.user)
    if homes == []:
        raise PermissionDenied
    reads = ReadLog.objects.select_related("botilbud", "subject")
    if homes is not None:
        reads = reads.filter(botilbud_id__in=homes)
    return TemplateResponse(
        request,
        "access/admin/reads.html",
        {"reads": list(reads[:500]), "header_title": gettext("Læsninger af private data")},
    )


@hooks.register("register_admin_urls")
def register_reads_url():
    return [path("adgang/laesninger/", reads_view, name="access_reads")]


class LeaderMenuItem(MenuItem):
    def is_shown(self, request):
        return _leader_homes(request.user) != []


@hooks.register("register_admin_menu_item")
def register_reads_menu_item():
    return LeaderMenuItem(
        gettext_lazy("Læsninger"), reverse("access_reads"), icon_name="view", order=330
    )
