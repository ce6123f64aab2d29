"""Pieces shared by the page types: the derived link to the owning home, and image prefetching."""

from contextvars import ContextVar

from django.db import models
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model
from wagtail.models import PageManager, PageViewRestriction
from wagtail.query import PageQuerySet

# The view restrictions as seen by the current request, loaded at most once per request
# (see home.middleware.ViewRestrictionsPerRequest); None outside a request.
request_view_restrictions: ContextVar[dict | None] = ContextVar(
    "request_view_restrictions", default=None
)


class SamspilPageQuerySet(PageQuerySet):
    def private_q(self):
        """Pages inside a restricted section.

        Wagtail's own version loads every view restriction in a query of its own each time
        a listing calls `public()`, several times per page. Within a request the restricted
        paths are loaded once and shared by all listings; outside one, Wagtail's way is used.
        Restrictions changed during a request are seen by the next request.
        """
        scope = request_view_restrictions.get()
        if scope is None:
            return super().private_q()
        if "paths" not in scope:
            scope["paths"] = list(
                PageViewRestriction.objects.values_list("page__path", flat=True).distinct()
            )
        q = Q()
        for path in scope["paths"]:
            q |= Q(path__startswith=path)
        # Match no page when no section is restricted, as Wagtail does.
        return q if q else Q(pk__in=[])


SamspilPageManager = PageManager.from_queryset(SamspilPageQuerySet)


class BelongsToBotilbud(models.Model):
    """A page inside a home's subtree keeps a direct link to that home.

    The link is derived from the page tree in ``save()`` (and again when a page is moved, see
    ``home.signals``), so listings across homes can show and filter by home with a join instead
    of walking the tree once per row.
    """

    botilbud = models.ForeignKey(
        "home.BotilbudPage",
        verbose_name=_("botilbud"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.botilbud = self.find_botilbud()
        return super().save(*args, **kwargs)

    def find_botilbud(self):
        from .pages import BotilbudPage

        if not self.path:
            return None
        steplen = self.steplen
        ancestor_paths = [self.path[:end] for end in range(steplen, len(self.path), steplen)]
        # Deepest home wins (homes are not nested, but be explicit about which one).
        return BotilbudPage.objects.filter(path__in=ancestor_paths).order_by("-depth").first()


def with_image(queryset, field: str, *filter_specs: str):
    """Join the image of ``field`` and prefetch the renditions a template will ask for.

    Without this every ``{% image %}`` in a listing costs a query of its own; with it a
    listing costs one extra query for all its renditions, however long it is.
    """
    renditions = (
        get_image_model().get_rendition_model().objects.filter(filter_spec__in=filter_specs)
    )
    return queryset.select_related(field).prefetch_related(
        Prefetch(f"{field}__renditions", queryset=renditions)
    )


def page_number(raw: str | None) -> int:
    """A page number from a query string; anything but a positive whole number means 1."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return number if number >= 1 else 1
