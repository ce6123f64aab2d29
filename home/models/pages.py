"""The municipality's front page, one page per botilbud, its news, and standard pages."""

from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Collection, Page, PageManager
from wagtail.search import index

from ..blocks import BodyBlock, FacilityBlock
from .base import (
    BelongsToBotilbud,
    EasyReadContent,
    LeanPage,
    RelativesOnlyContent,
    RelativesOnlyQuerySet,
    SamspilPageManager,
    page_number,
    prefetch_images,
    private_when_signed_in,
    resident_photos_exist,
    with_image,
)

CARD_IMAGE = "fill-640x360-c50"
HERO_IMAGE = "fill-1200x500-c50"
# How much each listing shows before "see all": one row of news cards, a short list of events.
NEWS_LIMIT = 3
EVENTS_LIMIT = 5
CALLS_LIMIT = 3
NEWS_ARCHIVE_PAGE_SIZE = 9  # three rows of three cards


class HomePage(LeanPage, Page):
    """The front page: the homes, and what is happening across them."""

    intro = RichTextField(_("introduktion"), features=["bold", "italic", "link"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.BotilbudPage",
        "home.EventIndexPage",
        "home.OrganisationIndexPage",
        "home.StandardPage",
    ]
    max_count = 1

    def known_children(self, request) -> dict[str, tuple[int, int]]:
        """The live, public top level is already loaded for the menu and footer."""
        from ..navigation import site_structure

        return {
            page.slug: (page.pk, page.content_type_id)
            for page in site_structure(request).pages
            if page.path[: -self.steplen] == self.path
        }

    class Meta:
        verbose_name = _("forside")
        verbose_name_plural = _("forsider")

    def get_context(self, request, *args, **kwargs):
        from ..navigation import site_structure
        from .events import EventPage
        from .volunteering import VolunteerCallPage

        context = super().get_context(request, *args, **kwargs)
        homes = list(
            BotilbudPage.objects.live()
            .public()
            .child_of(self)
            .order_by("title")
            .only("title", "url_path", "intro", "city", "image")
        )
        news = list(
            NewsPage.objects.live()
            .public()
            .visible_to(request.user)
            .descendant_of(self)
            .latest_first()
            .for_card(images=False)[:NEWS_LIMIT]
        )
        prefetch_images(homes + news, CARD_IMAGE)
        context["homes"], context["news"] = homes, news
        context["events"] = (
            EventPage.objects.live()
            .public()
            .visible_to(request.user)
            .descendant_of(self)
            .upcoming()
            .for_card()
        )[:EVENTS_LIMIT]
        context["volunteer_calls"] = (
            VolunteerCallPage.objects.live().public().descendant_of(self).open().for_card()
        )[:CALLS_LIMIT]
        context["calendar"] = site_structure(request).calendar
        return context


class BotilbudPage(RoutablePageMixin, LeanPage, Page):
    """One residential care home: who it is for, how to visit, and what is happening there."""

    intro = models.TextField(_("kort introduktion"), max_length=600)
    target_group = models.TextField(
        _("målgruppe"), help_text=_("Hvem bor her? Skriv i et sprog, alle kan forstå.")
    )
    body = RichTextField(
        _("om botilbuddet"), features=["h2", "h3", "bold", "italic", "ol", "ul", "link"], blank=True
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("billede"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    street_address = models.CharField(_("adresse"), max_length=200)
    postal_code = models.CharField(_("postnummer"), max_length=8)
    city = models.CharField(_("by"), max_length=100)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    visiting_info = models.TextField(
        _("besøg"), blank=True, help_text=_("Besøgstider, parkering, hvordan man kommer ind.")
    )
    facilities = StreamField(
        [("facility", FacilityBlock())], verbose_name=_("faciliteter"), blank=True
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("target_group"),
        FieldPanel("image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("street_address"),
                FieldPanel("postal_code"),
                FieldPanel("city"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("visiting_info"),
            ],
            heading=_("Kontakt og besøg"),
        ),
        FieldPanel("facilities"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("target_group"),
        index.SearchField("body"),
        index.SearchField("city"),
        index.SearchField("facilities"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types = [
        "home.NewsPage",
        "home.EventPage",
        "home.VolunteerCallPage",
        "home.StandardPage",
    ]

    objects = SamspilPageManager()
    # No route_select_related image: get_context's prefetch_images brings the hero image
    # with its renditions in the query it makes anyway for the news cards' images.

    @staticmethod
    def route_annotations():
        # Whether the home lends out any facility: most lend out none, and then the page's
        # {% bookable_facilities %} has nothing to look up (facilities_tags).
        from django.apps import apps

        facility = apps.get_model("facilities", "Facility")
        return {
            "has_bookable_facilities": Exists(
                facility.objects.filter(botilbud=OuterRef("pk"), shared=True)
            )
        }

    class Meta:
        verbose_name = _("botilbud")
        verbose_name_plural = _("botilbud")

    def get_context(self, request, *args, **kwargs):
        from ..navigation import site_structure
        from .events import EventPage
        from .volunteering import VolunteerCallPage

        context = super().get_context(request, *args, **kwargs)
        news = list(
            NewsPage.objects.live()
            .public()
            .visible_to(request.user)
            .filter(botilbud=self)
            .latest_first()
            .for_card(images=False, home_title=False)[:NEWS_LIMIT]
        )
        # The hero image and the news cards' images, with their renditions, in one query.
        prefetch_images([self, *news], HERO_IMAGE, CARD_IMAGE)
        context["news"] = news
        context["events"] = (
            EventPage.objects.live()
            .public()
            .visible_to(request.user)
            .filter(botilbud=self)
            .upcoming()
            .for_card(home_title=False)
        )[:EVENTS_LIMIT]
        context["volunteer_calls"] = (
            VolunteerCallPage.objects.live()
            .public()
            .filter(botilbud=self)
            .open()
            .for_card(home_title=False)
        )[:CALLS_LIMIT]
        context["calendar"] = site_structure(request).calendar
        return context

    def serve(self, request, *args, **kwargs):
        return private_when_signed_in(request, super().serve(request, *args, **kwargs))

    @path("")
    def home(self, request):
        return self.render(request)

    @path("nyheder/", name="news")
    def news_archive(self, request):
        """Every news item of the home, newest first, a page at a time."""
        news = (
            NewsPage.objects.live()
            .public()
            .visible_to(request.user)
            .filter(botilbud=self)
            .latest_first()
            .for_card(home_title=False)
        )
        paginator = Paginator(news, NEWS_ARCHIVE_PAGE_SIZE)
        return self.render(
            request,
            context_overrides={
                "page_obj": paginator.get_page(page_number(request.GET.get("page"))),
            },
            template="home/botilbud_news.html",
        )

    # The notice-board screen (home.screen_views; its worker and the poster: home/screen_urls).
    @path("skaerm/", name="screen")
    def screen(self, request):
        from ..screen_views import screen

        return screen(request, self)

    @path("skaerm/indhold/", name="screen_content")
    def screen_content(self, request):
        from ..screen_views import screen_fragment

        return screen_fragment(request, self)

    def news_archive_url(self, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage("news")

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        urls.append({"location": self.get_full_url(request) + self.reverse_subpage("news")})
        return urls


class HomeStaffAccess(models.Model):
    """The editor group and media collection that belong to one home (see home.services)."""

    botilbud = models.OneToOneField(
        BotilbudPage, on_delete=models.CASCADE, related_name="staff_access"
    )
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="+")
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("medarbejderadgang")
        verbose_name_plural = _("medarbejderadgange")

    def __str__(self) -> str:
        return str(self.group)


class NewsPageQuerySet(RelativesOnlyQuerySet):
    def latest_first(self):
        return self.order_by("-date", "-first_published_at", "-pk")

    def for_card(self, images: bool = True, home_title: bool = True):
        """Just what a news card shows, with its image and its renditions in a second query;
        ``images=False`` leaves both to the caller, who loads them together with other
        images (home.models.base.prefetch_images); ``home_title=False`` (a home's own
        listings, whose cards do not name the home) skips the joins to the home's title."""
        cards = (with_image(self, "image", CARD_IMAGE) if images else self).only(
            "title",
            "url_path",
            "date",
            "intro",
            "image",
            "relatives_only",
            "easy_read",
            "pictogram",
        )
        return cards.annotate(home_title=F("botilbud__title")) if home_title else cards


class NewsPage(RelativesOnlyContent, LeanPage, BelongsToBotilbud, EasyReadContent, Page):
    """News from a home: where "vis hvad der sker" happens."""

    date = models.DateField(_("dato"), default=timezone.localdate)
    relatives_only = models.BooleanField(
        _("kun for pårørende og netværk"),
        default=False,
        help_text=_(
            "Vises kun for botilbuddets godkendte pårørende, når de er logget ind – ikke i "
            "søgning, sitemap, feeds eller nyhedsbreve."
        ),
    )
    intro = models.TextField(_("indledning"), max_length=400)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hovedbillede"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("indhold"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("relatives_only"),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("easy_read"), FieldPanel("pictogram")], heading=_("Let læst")),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("easy_read"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.FilterField("botilbud"),
    ]
    parent_page_types = ["home.BotilbudPage"]
    subpage_types = []

    objects = PageManager.from_queryset(NewsPageQuerySet)()
    route_select_related = ("image", "botilbud")

    @staticmethod
    def route_annotations():
        return resident_photos_exist("news")

    class Meta:
        verbose_name = _("nyhed")
        verbose_name_plural = _("nyheder")
        indexes = [models.Index(fields=["botilbud", "-date"], name="news_home_date")]


class StandardPage(LeanPage, Page):
    """About, privacy policy, the accessibility statement the law requires."""

    intro = models.TextField(_("indledning"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("indhold"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["home.HomePage", "home.BotilbudPage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    objects = SamspilPageManager()

    class Meta:
        verbose_name = _("standardside")
        verbose_name_plural = _("standardsider")
