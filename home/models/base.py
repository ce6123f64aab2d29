"""Pieces shared by the page types: the derived link to the owning home, and image prefetching."""

from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model
from wagtail.models import PageManager, PageViewRestriction
from wagtail.query import PageQuerySet


class SamspilPageQuerySet(PageQuerySet):
    def private_q(self):
        """Pages inside a restricted section, as one correlated subquery.

        Wagtail's own version first loads every restriction in a query of its own, so each
        `public()` listing on a page cost an extra round trip; here the restriction table
        (a handful of rows) is consulted inside the listing's own query: a page is private
        when some restricted page's path is a prefix of its path.
        """
        return Exists(
            PageViewRestriction.objects.annotate(
                prefix=Substr(OuterRef("path"), 1, Length("page__path"))
            ).filter(page__path=F("prefix"))
        )


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
