"""Site search: what a reader types finds the pages and associations that contain it.

One function, ``search_site``, answers the search page. It joins two kinds of match:

- the search backend's full-text match (Wagtail's database backend: SQLite FTS5 here, the
  PostgreSQL backend's ``danish`` configuration when settings switch to it), ranked;
- a word-part match on the fields people read (title, introduction, place, name), because
  Danish glues words together: "kor" is in "Kirkekor", "sansehave" in "Sansehaven",
  and a full-text engine matches whole words (or, at best, word beginnings) only. Each word
  is matched by its Danish stem (Snowball's Danish stemmer, the algorithm PostgreSQL's
  ``danish`` configuration uses), so "frivillige" finds "frivillig", "koncerter" finds
  "Koncert" and "gåture" finds "gåtur" on SQLite too; a word typed half-way ("sansehav")
  is a part too. (Wagtail's separate autocomplete query found nothing more on the demo's
  query set and cost two queries per search: bench/search.py, bench/pages.py.)

Relatives-only news and events come only to those who may see them, as in every listing.
"""

import html
import re
from dataclasses import dataclass
from functools import cache, cached_property, partial, reduce
from operator import and_, or_

import snowballstemmer
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from .models import (
    BotilbudPage,
    EventPage,
    NewsPage,
    Organisation,
    OrganisationIndexPage,
    StandardPage,
    VolunteerCallPage,
)

# More than a reader pages through (ten pages of ten); keeps a common word from loading
# the whole site.
MAX_HITS = 100
# What a hit shows, loaded with it (with each kind's own fields): its address needs
# url_path and the tree columns, the rest is shown.
HIT_FIELDS = ("title", "url_path", "path", "depth", "search_description", "content_type_id")
# Words shorter than this only match whole words (full text), not parts of words: "i" or
# "og" would otherwise be inside nearly everything.
MIN_PART_LENGTH = 3
EXCERPT_CHARS = 180


class SearchHit:
    """One result. Its address and excerpt are worked out when shown (one page of hits),
    not for every match that is ranked."""

    def __init__(self, title, kind, *, home="", when=None, url=None, excerpt=None):
        self.title = title
        self.kind = kind
        self.home = home
        self.when = when
        self._url = url
        self._excerpt = excerpt

    @cached_property
    def url(self) -> str:
        return self._url() if callable(self._url) else self._url

    @cached_property
    def excerpt(self) -> SafeString:
        return self._excerpt() if callable(self._excerpt) else self._excerpt


@dataclass
class SearchKind:
    model: type
    label: str
    # Fields matched by word parts; the first text field is also the excerpt.
    fields: tuple[str, ...]
    excerpt_field: str
    related: tuple[str, ...] = ()
    extra_fields: tuple[str, ...] = ()


RELATED_TITLE = {"botilbud": "title", "organiser": "name"}


KINDS = (
    SearchKind(
        EventPage,
        _("Arrangement"),
        ("title", "intro", "location"),
        "intro",
        ("botilbud", "organiser"),
        ("start", "relatives_only"),
    ),
    SearchKind(
        NewsPage, _("Nyhed"), ("title", "intro"), "intro", ("botilbud",), ("date", "relatives_only")
    ),
    SearchKind(
        VolunteerCallPage, _("Frivilligopslag"), ("title", "summary"), "summary", ("botilbud",)
    ),
    SearchKind(BotilbudPage, _("Botilbud"), ("title", "intro", "city"), "intro"),
    SearchKind(StandardPage, _("Side"), ("title", "intro"), "intro"),
)


@cache
def _stemmer():
    return snowballstemmer.stemmer("danish")


def part_of(word: str) -> str:
    """What a word is looked for as, inside other words: its Danish stem ("frivillige" ->
    "frivil", "Sansehaven" -> "sansehav"), or the word itself when the stem would be too short
    to mean anything."""
    stem = _stemmer().stemWord(word.casefold())
    return stem if len(stem) >= MIN_PART_LENGTH else word


def _part_words(words: list[str]) -> list[str]:
    """The word parts to look for, or none when a word is too short for a part match (then the
    full-text match alone answers)."""
    if any(len(word) < MIN_PART_LENGTH for word in words):
        return []
    return [part_of(word) for word in words]


def _case_variants(word: str) -> set[str]:
    # SQLite folds case for ASCII letters only; "Æ"/"æ" are told apart, so a word is looked
    # for as typed, in lower case, capitalised and in capitals (the forms text is written in).
    return {word, word.lower(), word.capitalize(), word.upper()}


def _contains_all(words: list[str], fields: tuple[str, ...]) -> Q:
    """Every word in at least one of the fields (as a part of a word)."""
    per_word = []
    for word in words:
        per_word.append(
            reduce(
                or_,
                (
                    Q(**{f"{name}__icontains": variant})
                    for name in fields
                    for variant in _case_variants(word)
                ),
            )
        )
    return reduce(and_, per_word)


def _visible(model, user):
    pages = model.objects.live().public()
    if hasattr(pages, "visible_to"):
        pages = pages.visible_to(user)
    return pages


def highlight(text: str, words: list[str]) -> SafeString:
    """A short excerpt of ``text`` around the first word found, with the words in <mark>."""
    plain = " ".join(html.unescape(strip_tags(text or "")).split())
    if not plain:
        return mark_safe("")
    folded = plain.casefold()
    positions = [folded.find(part_of(word).casefold()) for word in words]
    first = min((p for p in positions if p >= 0), default=0)
    start = max(0, first - EXCERPT_CHARS // 3)
    if start:
        # Start at a word boundary.
        space = plain.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    excerpt = plain[start : start + EXCERPT_CHARS]
    prefix = "… " if start else ""
    suffix = " …" if start + EXCERPT_CHARS < len(plain) else ""
    # The word as typed or its stem, to the end of the word it is in ("frivillig" marks
    # "frivillige", "kor" marks the "kor" of "Kirkekor").
    parts = {*words, *(part_of(w) for w in words if len(w) >= MIN_PART_LENGTH)}
    pattern = re.compile(
        "|".join(re.escape(w) + r"\w*" for w in sorted(parts, key=len, reverse=True)),
        re.IGNORECASE,
    )
    pieces, last = [], 0
    for match in pattern.finditer(excerpt):
        pieces.append(html.escape(excerpt[last : match.start()]))
        pieces.append(f"<mark>{html.escape(match.group())}</mark>")
        last = match.end()
    pieces.append(html.escape(excerpt[last:]))
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 (every piece escaped)


def searchable_pages(user):
    """Live, public pages, less the relatives-only news and events ``user`` may not see.

    A connected relative (or the home's staff) finds their own home's relatives-only pages,
    as in every listing; everyone else never does. Search runs over all page types at once,
    so the hidden ones are left out by id, as subqueries in the search's own statement.
    """
    pages = Page.objects.live().public()
    for model in (NewsPage, EventPage):
        pages = pages.exclude(pk__in=model.objects.hidden_from(user).values("pk"))
    return pages


def _ranked_ids(queryset, query: str) -> dict[int, int]:
    """Ids the search backend's full-text match finds (stemmed on PostgreSQL), best first."""
    results = get_search_backend().search(query, queryset, operator="and")
    return {obj.pk: rank for rank, obj in enumerate(results[:MAX_HITS])}


def _page_hits(words: list[str], query: str, user) -> list[tuple[int, SearchHit]]:
    ranked = _ranked_ids(searchable_pages(user), query)
    part_words = _part_words(words)
    scored: list[tuple[int, SearchHit]] = []
    for kind in KINDS:
        condition = Q(pk__in=list(ranked))
        if part_words:
            condition |= _contains_all(part_words, kind.fields)
        shown = {*HIT_FIELDS, *kind.fields, kind.excerpt_field, *kind.extra_fields}
        shown |= {f"{name}__{RELATED_TITLE[name]}" for name in kind.related}
        pages = (
            _visible(kind.model, user).filter(condition).select_related(*kind.related).only(*shown)
        )
        for page in pages[:MAX_HITS]:
            scored.append((ranked.get(page.pk, MAX_HITS), _page_hit(page, kind, words)))
    return scored


def _page_hit(page, kind: SearchKind, words: list[str]) -> SearchHit:
    home = getattr(page, "botilbud", None)
    home_name = home.title if home is not None else ""
    if not home_name and getattr(page, "organiser", None) is not None:
        home_name = page.organiser.name
    when = None
    if isinstance(page, EventPage):
        when = timezone.localtime(page.start)
    elif isinstance(page, NewsPage):
        when = page.date
    return SearchHit(
        page.title,
        str(kind.label),
        home=home_name,
        when=when,
        url=lambda: page.url,
        excerpt=lambda: highlight(
            getattr(page, kind.excerpt_field, "") or page.search_description, words
        ),
    )


def _organisation_hits(words: list[str], query: str, directory) -> list[tuple[int, SearchHit]]:
    if directory is None:
        return []
    ranked = _ranked_ids(Organisation.objects.all(), query)
    condition = Q(pk__in=list(ranked))
    part_words = _part_words(words)
    if part_words:
        condition |= _contains_all(part_words, ("name", "description"))
    base = directory.url
    return [
        (
            ranked.get(org.pk, MAX_HITS),
            SearchHit(
                org.name,
                str(org.get_kind_display()),
                url=partial(lambda org: base + OrganisationIndexPage.organisation_path(org), org),
                excerpt=partial(highlight, org.description, words),
            ),
        )
        for org in Organisation.objects.filter(condition).order_by("name")[:MAX_HITS]
    ]


def search_site(query: str, user, directory: Page | None) -> list[SearchHit]:
    """Everything ``user`` may see that matches ``query`` (words only, already cleaned)."""
    words = query.split()
    if not words:
        return []
    scored = _page_hits(words, query, user) + _organisation_hits(words, query, directory)
    folded = [word.casefold() for word in words]

    def order(pair: tuple[int, SearchHit]) -> tuple:
        rank, hit = pair
        title = hit.title.casefold()
        # Titles that start with the words, then titles that contain them, then the rest;
        # within each, the search backend's rank, then the title.
        starts = all(any(part.startswith(w) for part in title.split()) for w in folded)
        contains = all(w in title for w in folded)
        return (not starts, not contains, rank, title)

    return [hit for _rank, hit in sorted(scored, key=order)][:MAX_HITS]
