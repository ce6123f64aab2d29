"""Pieces shared by the page types: the derived link to the owning home, and image prefetching."""

from contextvars import ContextVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel
from wagtail.images import get_image_model
from wagtail.models import PageManager, PageViewRestriction
from wagtail.models.pages import AbstractPage, ShowInMenusMixin
from wagtail.query import PageQuerySet

from access.rules import may_see_relatives_only, relatives_only_access_q

from ..pictograms import PICTOGRAM_CHOICES, PICTOGRAMS, pictogram_url

# The view restrictions as seen by the current request, loaded at most once per request
# (see home.middleware.ViewRestrictionsPerRequest); None outside a request.
request_view_restrictions: ContextVar[dict | None] = ContextVar(
    "request_view_restrictions", default=None
)


def restrictions_in_request() -> list[PageViewRestriction] | None:
    """Every view restriction (with its page's path), loaded once per request; None outside."""
    scope = request_view_restrictions.get()
    if scope is None:
        return None
    if "restrictions" not in scope:
        scope["restrictions"] = list(
            PageViewRestriction.objects.select_related("page").only("page__path")
        )
    return scope["restrictions"]


class SamspilPageQuerySet(PageQuerySet):
    def private_q(self):
        """Pages inside a restricted section.

        Wagtail's own version loads every view restriction in a query of its own each time
        a listing calls `public()`, several times per page. Within a request they are loaded
        once and shared by all listings; outside one, Wagtail's way is used. Restrictions
        changed during a request are seen by the next request.
        """
        restrictions = restrictions_in_request()
        if restrictions is None:
            return super().private_q()
        q = Q()
        for path in {restriction.page.path for restriction in restrictions}:
            q |= Q(path__startswith=path)
        # Match no page when no section is restricted, as Wagtail does.
        return q if q else Q(pk__in=[])

    def public(self):
        # With no restricted section at all (the usual case) there is nothing to exclude.
        if restrictions_in_request() == []:
            return self
        return super().public()


def private_when_signed_in(request, response):
    """A page served to someone signed in may list what only they may see (relatives-only
    news and events of their home): no shared cache may keep it. Anonymous visitors cost no
    query here (no session cookie, no session lookup)."""
    if request.user.is_authenticated:
        patch_cache_control(response, private=True)
    return response


class RequestScopedRestrictions:
    """Answer "which view restrictions apply to this page?" from the request's own list.

    Wagtail asks on every page it serves, with two queries (the ancestors, then their
    restrictions). Here the answer comes from the restrictions already loaded for the
    request: no query when none applies, which is nearly always. Aliases (whose
    restrictions are their source's) keep Wagtail's way.
    """

    def get_view_restrictions(self):
        restrictions = restrictions_in_request()
        if restrictions is None or self.alias_of_id:
            return super().get_view_restrictions()
        matching = [r.pk for r in restrictions if self.path.startswith(r.page.path)]
        if not matching:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(pk__in=matching)


class LeanChildRouting:
    """Route to a child page with one light lookup and one fetch of the specific page.

    Wagtail's default loads the child as a generic Page and then again as its specific
    type. Here the first lookup reads just (pk, content type), and `known_children()` may
    answer even that from data the request has already loaded.
    """

    def known_children(self, request) -> dict[str, tuple[int, int]]:
        return {}

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        slug, remaining = path_components[0], path_components[1:]
        row = self.known_children(request).get(slug)
        if row is None:
            row = self.get_children().filter(slug=slug).values_list("pk", "content_type_id").first()
        if row is None:
            raise Http404
        model = ContentType.objects.get_for_id(row[1]).model_class()
        if model is None:
            # The page's model is gone from the code base; let Wagtail decide what to do.
            return super().route(request, path_components)
        # Page types name the relations their template always shows (route_select_related),
        # so the page arrives with its image, home or organiser in the same query.
        related = getattr(model, "route_select_related", ())
        pages = model.objects.select_related(*related)
        # ... and name what else the page needs to know, as annotations of the same query.
        if annotations := getattr(model, "route_annotations", None):
            pages = pages.annotate(**annotations())
        subpage = pages.get(pk=row[0])
        subpage._cached_parent_obj = self
        return subpage.route(request, remaining)


class RelativesOnlyQuerySet(SamspilPageQuerySet):
    """Page types a home can mark "kun for pårørende og netværk" (``relatives_only``).

    Every listing of them goes through ``visible_to`` (pages, for the person asking) or
    ``for_public`` (feeds and digests, whose readers are anonymous)."""

    def for_public(self):
        """No relatives-only pages: what feeds, digests and anonymous visitors get (a feed's
        or a newsletter's reader is never signed in)."""
        return self.filter(relatives_only=False)

    def visible_to(self, user):
        """What this person may see: the public pages, plus the relatives-only pages of the
        homes they are an approved relative or staff of (everything, for a superuser)."""
        if user is None or not user.is_authenticated:
            return self.for_public()
        if user.is_superuser:
            return self
        return self.filter(Q(relatives_only=False) | relatives_only_access_q(user))

    def hidden_from(self, user):
        """The relatives-only pages ``user`` may not see: for listings across all page types
        (site search), which cannot filter on ``relatives_only`` themselves."""
        hidden = self.filter(relatives_only=True)
        if user is None or not user.is_authenticated:
            return hidden
        if user.is_superuser:
            return self.none()
        # Pages without a home (botilbud_id NULL) stay hidden: Django negates ``__in`` on a
        # nullable column as NOT (botilbud_id IN (...) AND botilbud_id IS NOT NULL).
        return hidden.exclude(relatives_only_access_q(user))


SamspilPageManager = PageManager.from_queryset(SamspilPageQuerySet)


# A page's URL parts by everything they are made of: see RememberedUrlParts.
_url_parts: dict[tuple, tuple | None] = {}
URL_PARTS_REMEMBERED = 20_000


class RememberedUrlParts:
    """A page's address, worked out once per process for what it is made of.

    Wagtail's ``get_url_parts`` is a function of the page's ``url_path``, the site root
    paths that contain it, the URLconf, the script prefix and a setting; most of its
    cost is Django's ``reverse()`` of the serve view (about 12 µs), paid again for every
    link to every page on every request: a listing of twenty cards pays a fifth of a
    millisecond. Here the answer is remembered under exactly those inputs, so a moved page
    (a new ``url_path``), a changed site or another URLconf is worked out afresh. A page
    that belongs to more than one site, or a site with Wagtail's i18n on (whose answer
    also depends on the request's site and language), keeps Wagtail's way every time.
    """

    def get_url_parts(self, request=None):
        if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
            return super().get_url_parts(request)
        possible_sites = tuple(self._get_relevant_site_root_paths(request))
        if len({site[0] for site in possible_sites}) > 1:
            return super().get_url_parts(request)
        key = (
            self.url_path,
            possible_sites,
            get_urlconf() or settings.ROOT_URLCONF,
            get_script_prefix(),
        )
        try:
            return _url_parts[key]
        except KeyError:
            parts = super().get_url_parts(request)
            if len(_url_parts) >= URL_PARTS_REMEMBERED:
                _url_parts.clear()
            _url_parts[key] = parts
            return parts


# The constructors a page row may skip: each only sets up a page that is not in the database
# yet (its content type, show_in_menus) or takes child relations as keyword arguments, and a
# row from a query has its id and comes as positional values. See QuickRows.
ROW_SKIPPABLE_INITS = frozenset({AbstractPage, ClusterableModel, ShowInMenusMixin})
# Which of a model's concrete fields a query loaded, by model and the loaded fields' names.
_loaded_masks: dict[tuple, tuple[bool, ...]] = {}


class QuickRows:
    """A page read from the database is built at the cost of a plain Django model.

    Django's ``from_db`` calls the page class, and a page's constructor runs through
    Wagtail's and modelcluster's: modelcluster scans every field of the model for child
    relations on each instance (only ever used with keyword arguments, which a row never
    has), and Wagtail's set up a page that is not saved yet (a row is saved). For a listing's
    card that doubled the cost of making the instance; with deferred fields (``only()``),
    Django also looks every field up in a list. Here a row goes straight to Django's
    ``Model.__init__`` (its signals included), and which fields a query loaded is worked out
    once per model and field list. A page class with any other constructor in its ancestry
    keeps Django's way, so a constructor added later is never skipped.
    """

    @classmethod
    def from_db(cls, db, field_names, values):
        if not cls._rows_may_skip_init():
            return super().from_db(db, field_names, values)
        fields = cls._meta.concrete_fields
        if len(values) != len(fields):
            key = (cls, tuple(field_names))
            mask = _loaded_masks.get(key)
            if mask is None:
                loaded = set(field_names)
                mask = _loaded_masks[key] = tuple(f.attname in loaded for f in fields)
            given = iter(values)
            values = [next(given) if is_loaded else models.DEFERRED for is_loaded in mask]
        new = cls.__new__(cls)
        models.Model.__init__(new, *values)
        if not new.id:
            # Asked as Wagtail's constructor asks (which also gives a child page its id from
            # the parent link); a row always has one, but one without goes Django's way.
            return super().from_db(db, field_names, values)
        new._state.adding = False
        new._state.db = db
        return new

    @classmethod
    def _rows_may_skip_init(cls) -> bool:
        answer = cls.__dict__.get("_quick_rows")
        if answer is None:
            answer = cls._quick_rows = constructors_skippable(cls.__mro__)
        return answer


def constructors_skippable(mro) -> bool:
    """Whether every constructor above Django's Model in this class order is one a row may
    skip (ROW_SKIPPABLE_INITS)."""
    return all(
        klass in ROW_SKIPPABLE_INITS
        for klass in mro[: mro.index(models.Model)]
        if "__init__" in klass.__dict__
    )


class LeanPage(QuickRows, RememberedUrlParts, RequestScopedRestrictions, LeanChildRouting):
    """What every Samspil page type mixes in before Wagtail's Page."""

    def serve(self, request, *args, **kwargs):
        # Routable pages (RoutablePageMixin comes first) wrap their own views the same way.
        return private_when_signed_in(request, super().serve(request, *args, **kwargs))


def relatives_only_sign_in(request):
    """What a signed-out visitor sees of a relatives-only page: that it is for the home's
    relatives, and the way to sign in and come back, but not its title or anything in it."""
    sign_in = f"{reverse('dialog:sign_in')}?{urlencode({'next': request.path})}"
    response = TemplateResponse(
        request, "home/relatives_only.html", {"sign_in_url": sign_in}, status=403
    )
    # Never kept by a browser or proxy: the same address shows the page once signed in.
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


class RelativesOnlyContent:
    """A page its home can mark for its connected relatives only (``relatives_only``).

    A signed-out visitor is told it is for relatives and offered the sign-in (403, no title);
    to anyone else signed in it does not exist: 404, so that its address reveals nothing to
    those who cannot get in by signing in. It is left out of the sitemap. Wagtail's preview
    renders without ``serve()`` and is not affected. Served to a member it is marked
    private (see ``LeanPage.serve``: only signed-in people get this far).
    """

    def serve(self, request, *args, **kwargs):
        if self.relatives_only and not may_see_relatives_only(request.user, self.botilbud_id):
            if not request.user.is_authenticated:
                return relatives_only_sign_in(request)
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        if self.relatives_only:
            return []
        return super().get_sitemap_urls(request)


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


def resident_photos_exist(field: str):
    """Whether any photo of residents is attached to the page (residents.Photo's ``field``):
    an annotation for ``route_annotations``, so that a page without photos (nearly all)
    skips the visibility query of ``{% page_photos %}``."""
    from residents.models import Photo

    return {"has_resident_photos": Exists(Photo.objects.filter(**{field: OuterRef("pk")}))}


def _renditions(filter_specs):
    return get_image_model().get_rendition_model().objects.filter(filter_spec__in=filter_specs)


def prefetch_renditions(images, *filter_specs: str) -> None:
    """Load the named renditions of all these images (None allowed) in one query.

    An image that came through ``prefetch_images`` has its renditions already: it is left as
    it is (a rendition it lacks is looked up or made by Wagtail as usual)."""
    images = [
        image
        for image in images
        if image is not None and not hasattr(image, "prefetched_renditions")
    ]
    if images:
        prefetch_related_objects(images, Prefetch("renditions", queryset=_renditions(filter_specs)))


def prefetch_images(items, *filter_specs: str, field: str = "image") -> None:
    """Give these objects their ``field`` image, with the named renditions, in one query for
    all of them: the renditions with their images joined.

    The listing queries then need no join of their own to the image table (its columns and
    model instances cost a listing more than its rows). An image none of whose renditions is
    made yet (just uploaded) comes in one query more, with no renditions: the template tag
    makes them as usual. An image an object already holds is kept, and gets the renditions.
    """
    attname = f"{field}_id"
    items = [item for item in items if item is not None and getattr(item, attname) is not None]
    if not items:
        return
    images = {}
    for item in items:
        if item._state.fields_cache.get(field) is not None:
            images[getattr(item, attname)] = getattr(item, field)
    ids = {getattr(item, attname) for item in items}
    for image in images.values():
        # Renditions it was given before stay with it; Wagtail reads one list (the attribute).
        earlier = getattr(image, "_prefetched_objects_cache", {}).pop("renditions", None)
        image.prefetched_renditions = list(getattr(image, "prefetched_renditions", earlier or ()))
    for rendition in _renditions(filter_specs).filter(image_id__in=ids).select_related("image"):
        image = images.get(rendition.image_id)
        if image is None:
            image = images[rendition.image_id] = rendition.image
            image.prefetched_renditions = []
        rendition.image = image
        image.prefetched_renditions.append(rendition)
    missing = ids - images.keys()
    if missing:
        for image in get_image_model().objects.filter(pk__in=missing):
            image.prefetched_renditions = []
            images[image.pk] = image
    for item in items:
        setattr(item, field, images.get(getattr(item, attname)))


def with_image(queryset, field: str, *filter_specs: str):
    """Join the image of ``field`` and prefetch the renditions a template will ask for.

    Without this every ``{% image %}`` in a listing costs a query of its own; with it a
    listing costs one extra query for all its renditions, however long it is.
    """
    return queryset.select_related(field).prefetch_related(
        Prefetch(f"{field}__renditions", queryset=_renditions(filter_specs))
    )


def page_number(raw: str | None) -> int:
    """A page number from a query string; anything but a positive whole number means 1."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return number if number >= 1 else 1


class EasyReadContent(models.Model):
    """A short *let læst* version and a pictogram (home.pictograms) beside the usual text.

    The site shows them when a reader turns on easy-read; the home's screen and week poster
    show them wherever they are present.
    """

    easy_read = models.TextField(
        _("let læst version"),
        max_length=300,
        # A TextField's max_length only reaches the form; the validator holds it everywhere.
        validators=[MaxLengthValidator(300)],
        blank=True,
        help_text=_("Få, korte sætninger med almindelige ord. Vises, når man vælger »Let læst«."),
    )
    pictogram = models.CharField(
        _("piktogram"),
        max_length=20,
        blank=True,
        choices=PICTOGRAM_CHOICES,
        help_text=_("Et billede, der viser, hvad det handler om (på skærmen og ugeplakaten)."),
    )

    class Meta:
        abstract = True

    @property
    def pictogram_url(self) -> str | None:
        return pictogram_url(self.pictogram) if self.pictogram else None

    @property
    def pictogram_label(self) -> str:
        return str(PICTOGRAMS.get(self.pictogram, ""))
