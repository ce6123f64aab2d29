"""Purge the page cache on what changes a page: the page tree, organisations, site settings,
images, sign-ups (seats left, volunteer calls filled) and a home's facilities, none of which
needs a publish.

Each purge runs at once and again when the transaction commits: a page rendered between the
two from the old rows began before the second stamp and is never served (see store).
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move

from . import store
from .tags import SITE, tags_changed_by, tags_listing


def purge(tags: set[str], reason: str, pages=()) -> None:
    store.purge_tags(tags, reason)
    pages = list(pages)

    def after_commit():
        store.purge_tags(tags, reason)
        _purge_frontend(tags, pages)

    transaction.on_commit(after_commit)


def _purge_frontend(tags: set[str], pages: list[Page]) -> None:
    """The proxy's or CDN's copies (wagtail.contrib.frontend_cache purges the published page
    itself): the pages above it, and the calendar and directory when an event changed."""
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import purge_pages_from_cache

    paths = {tag.removeprefix("page:") for tag in tags if tag.startswith("page:")}
    listings = Page.objects.live().public().filter(path__in=paths)
    if "events" in tags:
        listings |= (
            Page.objects.live()
            .public()
            .type(
                apps.get_model("home", "EventIndexPage"),
                apps.get_model("home", "OrganisationIndexPage"),
            )
        )
    purge_pages_from_cache([*listings, *pages])


def page_changed(sender, instance: Page, **kwargs) -> None:
    # The page itself too: once unpublished it is no longer among the live pages purged.
    purge(tags_changed_by(instance), f"page {instance.pk}", pages=[instance])


def page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        purge(tags_changed_by(instance), f"page {instance.pk} deleted")


def page_moving(sender, instance: Page, **kwargs) -> None:
    # Before the move: the old address, the old parents' lists.
    purge(tags_changed_by(instance), f"page {instance.pk} moved away")


def site_wide(sender, instance, created: bool = False, **kwargs) -> None:
    if isinstance(instance, BaseSiteSetting | Site) or not created:
        purge({SITE}, f"{sender._meta.label_lower} {instance.pk}")


def organisation_changed(sender, instance, **kwargs) -> None:
    purge({"organisations"}, f"organisation {instance.pk}")


def _page_path(pk: int) -> str | None:
    return Page.objects.filter(pk=pk).values_list("path", flat=True).first()


def signup_changed(sender, instance, **kwargs) -> None:
    """Seats left show on the event page only."""
    path = _page_path(instance.event_id)
    if path:
        purge({f"page:{path}"}, f"signup for event {instance.event_id}")


def volunteer_changed(sender, instance, **kwargs) -> None:
    """An accepted volunteer may fill the call, which then leaves its home's and the front
    page's lists."""
    path = _page_path(instance.call_id)
    if path:
        purge(tags_listing(path), f"volunteer for call {instance.call_id}")


def facility_changed(sender, instance, **kwargs) -> None:
    """A home's page links the facilities it lends out (facilities_tags.bookable_facilities)."""
    path = _page_path(instance.botilbud_id)
    if path:
        purge({f"page:{path}"}, f"facility {instance.pk}")


def connect() -> None:
    page_published.connect(page_changed, dispatch_uid="pagecache_published")
    page_unpublished.connect(page_changed, dispatch_uid="pagecache_unpublished")
    pre_page_move.connect(page_moving, dispatch_uid="pagecache_pre_move")
    post_page_move.connect(page_changed, dispatch_uid="pagecache_post_move")
    post_delete.connect(page_deleted, dispatch_uid="pagecache_page_deleted")
    for model in apps.get_models():
        if issubclass(model, BaseSiteSetting):
            post_save.connect(site_wide, sender=model, dispatch_uid=f"pagecache_{model}")
            post_delete.connect(site_wide, sender=model, dispatch_uid=f"pagecache_d_{model}")
    for model in (Site, get_image_model()):
        post_save.connect(site_wide, sender=model, dispatch_uid=f"pagecache_{model}")
        post_delete.connect(site_wide, sender=model, dispatch_uid=f"pagecache_d_{model}")
    handlers = {
        ("home", "Organisation"): organisation_changed,
        ("participation", "EventSignup"): signup_changed,
        ("participation", "VolunteerSignup"): volunteer_changed,
        ("facilities", "Facility"): facility_changed,
    }
    for (app_label, model_name), handler in handlers.items():
        if apps.is_installed(app_label):
            model = apps.get_model(app_label, model_name)
            post_save.connect(handler, sender=model, dispatch_uid=f"pagecache_{model_name}")
            post_delete.connect(handler, sender=model, dispatch_uid=f"pagecache_d_{model_name}")
