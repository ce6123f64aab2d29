"""Who may see which photo of residents: the one place every page, feed, screen, poster,
digest and file view asks.

A photo's visibility is never stored. It follows, at read time, from the NEWEST consent row
of every resident tagged in it (``PhotoConsent``; none at all counts as *ingen*), judged
against the one who looks:

==============  ======================================================================
tag's consent   who may see a photo carrying that tag
==============  ======================================================================
offentligt      everyone (the public site, feeds, digests, sitemap, search, screen)
botilbud        the resident's home's approved relatives (and its staff)
netvaerk        the resident's own network: approved connection to the resident AND
                to the home (access.rules.network_resident_q), and the home's staff
ingen           the home's staff only
==============  ======================================================================

A photo is shown to a viewer only if EVERY tag on it allows them (the strictest consent
wins). A photo without tags is shown only if staff marked it "ingen genkendelige personer";
otherwise it is seen by its home's staff only. Withdrawing a consent adds a row, so the next
query (page, feed, file or rendition request) already leaves the photo out: nothing to
purge, no cache of the decision. The photo files and renditions live in private storage at
an unguessable token and are served by ``residents.views.photo_file``, which asks
``may_see_photo`` on every request (only photos visible to PUBLIC are sent cacheable); a
notice-board screen paired with the photo's home (``residents.screens``) is the HOME audience
there, for the renditions only.

Wagtail images (a page's ``image`` field, image blocks) are public files under MEDIA_ROOT:
they are for pictures where nobody can be recognised (places, things, pictograms). Photos of
residents go through this app only; the image upload form asks the editor to confirm that
(``residents.forms.NoResidentsImageForm``), and the news and event templates show a page's
photos through ``photos_on_page`` (template tag ``{% page_photos page %}``).

How to use it (the notice-board screen, the poster and the printed digest included)::

    from residents.visibility import HOME, PUBLIC, photos_for, photos_on_page, photos_on_pages

    photos_for(PUBLIC)                       # the public site, feeds, digests, sitemap
    photos_for(HOME, botilbud_id=home.pk)    # the home's common-room screen: botilbud+wider
    photos_for(request.user)                 # whatever this person may see
    photos_on_page(event, HOME, botilbud_id=event.botilbud_id)   # one page's photos
    photos_on_pages([e.pk for e in events], PUBLIC)              # {page_id: [Photo, ...]}
    photo_url(photo, "small")                # the access-checked address of a rendition
"""

from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from access import rules

from .models import ConsentLevel, Photo, PhotoConsent, PhotoTag, Resident, ResidentPost


class Audience(StrEnum):
    """Who looks, when no signed-in person does (screens, posters, feeds, digests)."""

    # Everyone: the public site, its feeds, search and sitemap, digests, the week poster.
    PUBLIC = "public"
    # The home's approved relatives as a group (needs ``botilbud_id``): the common-room
    # screen shows offentligt and botilbud photos of that home.
    HOME = "home"
    # One resident's own network (needs ``resident``): their album as their relatives see it.
    NETWORK = "network"


PUBLIC = Audience.PUBLIC
HOME = Audience.HOME
NETWORK = Audience.NETWORK

# The sizes a photo is kept in (longest side in pixels); "original" is the resized upload.
RENDITION_SIZES = {"small": 480, "large": 1280}
SIZES = (*RENDITION_SIZES, "original")


def current_consent_level(resident_field: str = "resident") -> Coalesce:
    """The newest consent of the resident in ``resident_field`` (of the outer query), as an
    expression; *ingen* when none was ever recorded. Served by the consent_newest index."""
    newest = PhotoConsent.objects.filter(resident=OuterRef(resident_field)).order_by(
        "-recorded_at", "-pk"
    )
    return Coalesce(Subquery(newest.values("level")[:1]), Value(ConsentLevel.NONE.value))


def _allowed_tag_q(viewer, botilbud_id: int | None, resident: Resident | None) -> Q | None:
    """Tags (annotated with ``level``) that let ``viewer`` see a photo; None means all."""
    public = Q(level=ConsentLevel.PUBLIC)
    if viewer == PUBLIC:
        return public
    if viewer == HOME:
        if botilbud_id is None:
            raise ValueError("The HOME audience needs botilbud_id.")
        return public | Q(level=ConsentLevel.HOME, resident__botilbud_id=botilbud_id)
    if viewer == NETWORK:
        if resident is None:
            raise ValueError("The NETWORK audience needs resident.")
        return (
            public
            | Q(level=ConsentLevel.HOME, resident__botilbud_id=resident.botilbud_id)
            | Q(level=ConsentLevel.NETWORK, resident_id=resident.pk)
        )
    if not _signed_in(viewer):
        return public
    if rules.is_municipal_admin(viewer):
        return None
    return (
        public
        | (
            Q(level=ConsentLevel.HOME)
            & rules.relatives_only_access_q(viewer, "resident__botilbud_id")
        )
        | (Q(level=ConsentLevel.NETWORK) & rules.network_resident_q(viewer, "resident_id"))
        | rules.staff_home_q(viewer, "resident__botilbud_id")
    )


def _pages_q(relatives_only_ok: Q | None) -> Q:
    """A photo on a news item or event follows its page: only while the page is live, and
    on a relatives-only page only for whom ``relatives_only_ok`` (on the page's home)
    allows (None: nobody)."""
    q = Q()
    for field in ("news", "event"):
        open_page = Q(**{f"{field}__live": True, f"{field}__relatives_only": False})
        if relatives_only_ok is not None:
            open_page |= Q(**{f"{field}__live": True}) & relatives_only_ok
        q &= Q(**{f"{field}__isnull": True}) | open_page
    return q


def visible_q(viewer, *, botilbud_id: int | None = None, resident: Resident | None = None) -> Q:
    """The condition on Photo rows that ``viewer`` (a user, None, or an Audience) may see."""
    allowed = _allowed_tag_q(viewer, botilbud_id, resident)
    if allowed is None:
        return Q()
    tags = PhotoTag.objects.filter(photo=OuterRef("pk")).annotate(level=current_consent_level())
    tagged = Exists(PhotoTag.objects.filter(photo=OuterRef("pk")))
    shown = ~Exists(tags.exclude(allowed)) & (tagged | Q(nobody_recognisable=True))
    if viewer == PUBLIC or (not isinstance(viewer, Audience) and not _signed_in(viewer)):
        return shown & _pages_q(None)
    if isinstance(viewer, Audience):
        # The home's own screen and a resident's network: relatives-only pages included.
        return shown & _pages_q(Q())
    relatives = rules.relatives_only_access_q(viewer, "botilbud_id")
    # A signed-in person: staff of the photo's home see every photo of it.
    return shown & _pages_q(relatives) | rules.staff_home_q(viewer, "botilbud_id")


def _signed_in(viewer) -> bool:
    return viewer is not None and getattr(viewer, "is_authenticated", False)


def photos_for(
    viewer, *, botilbud_id: int | None = None, resident: Resident | None = None
) -> QuerySet[Photo]:
    """Every photo ``viewer`` may see, newest first. With the HOME audience only that home's
    photos; pass ``botilbud_id`` with a user to narrow to one home as well."""
    queryset = Photo.objects.filter(visible_q(viewer, botilbud_id=botilbud_id, resident=resident))
    if botilbud_id is not None:
        queryset = queryset.filter(botilbud_id=botilbud_id)
    return queryset.order_by("-uploaded_at", "-pk")


def public_photos(botilbud_id: int | None = None) -> QuerySet[Photo]:
    """What the public site, its feeds, search, sitemap and digests may show."""
    return photos_for(PUBLIC, botilbud_id=botilbud_id)


def may_see_photo(viewer, photo: Photo) -> bool:
    """One query: whether ``viewer`` may see this photo (or any of its renditions). For the
    HOME audience the photo must be of that home (its own ``botilbud_id`` is asked for)."""
    botilbud_id = photo.botilbud_id if viewer == HOME else None
    return (
        Photo.objects.filter(pk=photo.pk)
        .filter(visible_q(viewer, botilbud_id=botilbud_id))
        .exists()
    )


def may_show_on_screen(photo: Photo) -> bool:
    """One query: whether a screen paired with the photo's home may fetch it: HOME audience,
    and never a photo on a relatives-only page (the screen shows no such page)."""
    return (
        Photo.objects.filter(pk=photo.pk)
        .filter(visible_q(HOME, botilbud_id=photo.botilbud_id), _pages_q(None))
        .exists()
    )


def photos_on_page(page, viewer, *, botilbud_id: int | None = None) -> list[Photo]:
    """The photos attached to a news item or event (``page`` or its id) that ``viewer`` may
    see, in upload order. One query."""
    page_id = getattr(page, "pk", page)
    return list(
        photos_for(viewer, botilbud_id=botilbud_id)
        .filter(Q(news_id=page_id) | Q(event_id=page_id))
        .order_by("uploaded_at", "pk")
    )


def photos_on_pages(
    page_ids: Iterable[int], viewer, *, botilbud_id: int | None = None
) -> dict[int, list[Photo]]:
    """``{page_id: [photos]}`` for many news items or events at once (one query), for
    listings such as the screen or the poster."""
    page_ids = list(page_ids)
    found: dict[int, list[Photo]] = defaultdict(list)
    photos = photos_for(viewer, botilbud_id=botilbud_id).filter(
        Q(news_id__in=page_ids) | Q(event_id__in=page_ids)
    )
    for photo in photos.order_by("uploaded_at", "pk"):
        found[photo.news_id if photo.news_id in page_ids else photo.event_id].append(photo)
    return dict(found)


def photos_in_album(album, viewer) -> list[Photo]:
    """A dated album's photos that ``viewer`` may see, in upload order."""
    return list(photos_for(viewer).filter(album=album).order_by("uploaded_at", "pk"))


def photo_url(photo: Photo, size: str = "small") -> str:
    """The access-checked address of a photo in one of SIZES (no public file URL exists)."""
    if size not in SIZES:
        raise ValueError(f"Unknown photo size {size!r}")
    return reverse("residents:photo_file", kwargs={"token": photo.token, "size": size})


def resident_album(resident: Resident, viewer) -> list[Photo | ResidentPost]:
    """ "Min hverdag": the photos tagged with ``resident`` and the posts about them that
    ``viewer`` may see, newest first. The caller has asked
    access.rules.may_open_resident_album first. Two queries."""
    photos = list(photos_for(viewer).filter(tags__resident=resident))
    visible_ids = {photo.pk for photo in photos}
    posts = list(
        ResidentPost.objects.filter(resident=resident)
        .select_related("photo")
        .order_by("-created_at", "-pk")
    )
    entries: list[Photo | ResidentPost] = []
    for post in posts:
        if post.photo_id and post.photo_id not in visible_ids:
            # The post stays; its photo is hidden (a tagged resident's consent forbids it).
            post.photo = None
        elif post.photo_id:
            visible_ids.discard(post.photo_id)
        entries.append(post)
    entries.extend(photo for photo in photos if photo.pk in visible_ids)
    return sorted(
        entries,
        key=lambda entry: getattr(entry, "created_at", None) or entry.uploaded_at,
        reverse=True,
    )
