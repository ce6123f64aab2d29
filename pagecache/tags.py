"""Which entries a change makes stale.

Tags are built from tree paths, not ids, so tagging a page costs no query: ``page:<path>``
for the page an entry shows, ``under:<path>`` for each of its ancestors (breadcrumbs,
addresses), topic tags for page types that list across the tree, and ``site`` on every entry
(the menu and footer show the top level and the site settings).
"""

from __future__ import annotations

from wagtail.models import Page

SITE = "site"
# Page types that show things from elsewhere in the tree, by what they show.
TOPICS_SHOWN = {
    "home.eventindexpage": {"events", "organisations"},
    "home.organisationindexpage": {"events", "organisations"},
    "home.eventpage": {"organisations"},
}
# Page types whose changes those pages show.
TOPICS_CHANGED = {"home.eventpage": {"events"}}
# Root (1), front page (2) and the top level (3) are in every page's menu or footer.
MENU_DEPTH = 3


def _label(page: Page) -> str:
    model = page.specific_class or type(page)
    return model._meta.label_lower


def _prefixes(path: str) -> list[str]:
    step = Page.steplen
    return [path[:end] for end in range(step, len(path), step)]


def tags_of_page(page: Page) -> set[str]:
    """The tags of an entry rendered by ``page``."""
    tags = {SITE, f"page:{page.path}"}
    tags.update(f"under:{prefix}" for prefix in _prefixes(page.path))
    tags.update(TOPICS_SHOWN.get(_label(page), ()))
    return tags


def tags_changed_by(page: Page, path: str | None = None) -> set[str]:
    """What a publish, unpublish, move or deletion of ``page`` (at ``path``, its path then)
    changes: the page, everything under it, the pages above it that list it, the pages of
    other branches that list its kind, and the whole site when it is in the menu."""
    path = path or page.path
    tags = {f"page:{path}", f"under:{path}"}
    tags.update(f"page:{prefix}" for prefix in _prefixes(path))
    tags.update(TOPICS_CHANGED.get(_label(page), ()))
    if len(path) // Page.steplen <= MENU_DEPTH or page.show_in_menus:
        tags.add(SITE)
    return tags


def tags_listing(path: str) -> set[str]:
    """What a change shown on the page at ``path`` and in its ancestors' lists makes stale
    (seats left, a volunteer call filled)."""
    return {f"page:{path}", *(f"page:{prefix}" for prefix in _prefixes(path))}
