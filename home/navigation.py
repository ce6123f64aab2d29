"""The site's top level (menu, homes, about pages, calendar, directory) in one query per request.

Every page shows the menu and the footer, and several link to the calendar or the directory;
they all come from the front page's children, so one query serves them all.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page

from .models import BotilbudPage, EventIndexPage, OrganisationIndexPage, StandardPage
from .models.base import SamspilPageQuerySet

# The front page is the site's root (depth 2); its children are the site's top level.
ROOT_DEPTH = 2
TOP_LEVEL_DEPTH = 3


@dataclass
class SiteStructure:
    pages: list[Page] = field(default_factory=list)
    menu: list[Page] = field(default_factory=list)
    homes: list[Page] = field(default_factory=list)
    about_pages: list[Page] = field(default_factory=list)
    calendar: Page | None = None
    directory: Page | None = None


def site_structure(request) -> SiteStructure:
    cached = getattr(request, "_samspil_site_structure", None)
    if cached is not None:
        return cached
    content_type = ContentType.objects.get_for_model  # cached by Django per process
    kinds = {
        content_type(BotilbudPage).pk: "homes",
        content_type(StandardPage).pk: "about_pages",
    }
    calendar_type = content_type(EventIndexPage).pk
    directory_type = content_type(OrganisationIndexPage).pk
    structure = SiteStructure()
    pages = (
        SamspilPageQuerySet(Page)
        .live()
        .public()
        .filter(depth__in=(ROOT_DEPTH, TOP_LEVEL_DEPTH))
        .only("title", "slug", "url_path", "path", "depth", "show_in_menus", "content_type_id")
        .order_by("path")
    )
    structure.pages = list(pages)
    for page in structure.pages:
        if page.depth != TOP_LEVEL_DEPTH:
            continue
        if page.show_in_menus:
            structure.menu.append(page)
        if kind := kinds.get(page.content_type_id):
            getattr(structure, kind).append(page)
        elif page.content_type_id == calendar_type and structure.calendar is None:
            structure.calendar = page
        elif page.content_type_id == directory_type and structure.directory is None:
            structure.directory = page
    structure.homes.sort(key=lambda page: page.title)
    if request is not None:
        request._samspil_site_structure = structure
    return structure


def ancestors_of(page, request) -> list[Page]:
    """The page's ancestors below the tree's root: from the site structure when it holds
    them all (pages at most one level under the top level, such as a home's news), else
    from the tree."""
    steplen = page.steplen
    wanted = [page.path[:end] for end in range(steplen * ROOT_DEPTH, len(page.path), steplen)]
    by_path = {known.path: known for known in site_structure(request).pages}
    if all(path in by_path for path in wanted):
        return [by_path[path] for path in wanted]
    return list(page.get_ancestors().filter(depth__gt=1).only("title", "url_path", "path", "depth"))
