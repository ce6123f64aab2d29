"""Pieces shared by the page types: the derived link to the owning home, and image prefetching."""

from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model


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

    def find_botilbud(self):
        from .pages import BotilbudPage

        if not self.path:
            return None
        steplen = self.steplen
        ancestor_paths = [self.path[:end] for end in range(steplen, len(self.path), steplen)]
        # Deepest home wins (homes are not nested, but be explicit about which one).
        return BotilbudPage.objects.filter(path__in=ancestor_paths).order_by("-depth").first()

    def save(self, *args, **kwargs):
        self.botilbud = self.find_botilbud()
        return super().save(*args, **kwargs)


def with_image(queryset, field: str, *filter_specs: str):
    """Join the image of ``field`` and prefetch the renditions a template will ask for.

    Without this every ``{% image %}`` in a listing costs a query of its own.
    """
    images = get_image_model().objects.all()
    if filter_specs:
        images = images.prefetch_renditions(*filter_specs)
    return queryset.prefetch_related(Prefetch(field, queryset=images))
