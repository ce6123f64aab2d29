"""Wagtail's own listing hooks and its admin API, narrowed by ``access.scope``."""

from django.http import Http404
from wagtail import hooks
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet

from .models import RelativesOnlyCollection
from .rules import may_see_relatives_only
from .scope import admin_page_q, scope_queryset


@hooks.register("construct_page_chooser_queryset")
def scope_page_chooser(pages, request):
    q = admin_page_q(request.user)
    return pages if q is None else pages.filter(q)


@hooks.register("construct_explorer_page_queryset")
def scope_explorer(parent_page, pages, request):
    q = admin_page_q(request.user)
    return pages if q is None else pages.filter(q)


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
