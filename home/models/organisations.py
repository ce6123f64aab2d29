"""Civil-society partners: the associations, volunteer and interest organisations of theme 1.2."""

from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page
from wagtail.search import index

from .base import LeanPage, private_when_signed_in, with_image

LOGO_IMAGE = "max-240x120"
DIRECTORY_EVENTS = 3
ORGANISATION_EVENTS = 12


class Organisation(index.Indexed, models.Model):
    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Forening")
        VOLUNTEER = "volunteer", _("Frivilligorganisation")
        INTEREST = "interest", _("Interesseorganisation")
        COMPANY = "company", _("Virksomhed")
        PUBLIC = "public", _("Offentlig instans")

    name = models.CharField(_("navn"), max_length=200)
    slug = models.SlugField(
        _("adresse-navn"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("Bruges i adressen til foreningens side. Udfyldes automatisk."),
    )
    kind = models.CharField(
        _("type"), max_length=20, choices=Kind.choices, default=Kind.ASSOCIATION
    )
    description = models.TextField(_("beskrivelse"), blank=True)
    website = models.URLField(_("hjemmeside"), blank=True)
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("kontakt-e-mail"), blank=True)
    contact_phone = models.CharField(_("kontakttelefon"), max_length=40, blank=True)
    ical_url = models.URLField(
        _("kalender-adresse (iCal)"),
        blank=True,
        help_text=_(
            "Foreningens egen kalender som .ics. Dens arrangementer hentes ind i kalenderen "
            "som foreningens aktiviteter."
        ),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("description"),
        FieldPanel("website"),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("contact_phone")],
            heading=_("Kontakt"),
        ),
        FieldPanel("logo"),
        FieldPanel("ical_url"),
        FieldPanel("slug"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("description"),
        index.AutocompleteField("name"),
        index.FilterField("kind"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            base = slugify(self.name)[:190] or "organisation"
            slug, n = base, 2
            while Organisation.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        super().save(*args, **kwargs)


class OrganisationIndexPage(RoutablePageMixin, LeanPage, Page):
    """The directory of civil-society partners; each has a page of its own with its events."""

    intro = models.TextField(_("indledning"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("foreningsoversigt")
        verbose_name_plural = _("foreningsoversigter")

    def upcoming_events(self, user=None):
        """Upcoming events ``user`` may see (see EventQuerySet.visible_to)."""
        from .events import EventPage

        return EventPage.objects.live().public().visible_to(user).upcoming().for_card()

    def serve(self, request, *args, **kwargs):
        return private_when_signed_in(request, super().serve(request, *args, **kwargs))

    @path("")
    def directory(self, request):
        organisations = with_image(Organisation.objects.order_by("name"), "logo", LOGO_IMAGE)
        organisations = organisations.prefetch_related(
            # A sliced prefetch (a window function) loads three events per organisation,
            # not every upcoming event of every organisation.
            Prefetch(
                "events",
                queryset=self.upcoming_events(request.user)[:DIRECTORY_EVENTS],
                to_attr="upcoming",
            )
        )
        kind = request.GET.get("kind", "")
        if kind in Organisation.Kind.values:
            organisations = organisations.filter(kind=kind)
        else:
            kind = ""
        return self.render(
            request,
            context_overrides={
                "organisations": organisations,
                "kinds": Organisation.Kind.choices,
                "selected_kind": kind,
            },
        )

    @path("<slug:slug>/", name="organisation")
    def organisation(self, request, slug: str):
        from ..navigation import site_structure

        organisation = get_object_or_404(
            with_image(Organisation.objects.all(), "logo", LOGO_IMAGE), slug=slug
        )
        return self.render(
            request,
            context_overrides={
                "organisation": organisation,
                "events": self.upcoming_events(request.user).filter(organiser=organisation)[
                    :ORGANISATION_EVENTS
                ],
                "calendar": site_structure(request).calendar,
            },
            template="home/organisation_detail.html",
        )

    @classmethod
    def organisation_path(cls, organisation: Organisation) -> str:
        """An organisation's page, relative to the directory's own URL."""
        return cls.get_resolver().reverse("organisation", organisation.slug)

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        for organisation in Organisation.objects.order_by("name").only("slug"):
            urls.append({"location": base + self.organisation_path(organisation)})
        return urls


class CalendarImport(models.Model):
    """One import of an organisation's .ics calendar: what came in, what changed, what was
    refused and why (in Danish, for the editor who uploaded it)."""

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Uploadet fil")
        URL = "url", _("Kalender-adresse")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="calendar_imports",
    )
    started_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)
    source = models.CharField(_("kilde"), max_length=10, choices=Source.choices)
    filename = models.CharField(_("fil eller adresse"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ok = models.BooleanField(_("gennemført"), default=False)
    created = models.PositiveIntegerField(_("nye"), default=0)
    updated = models.PositiveIntegerField(_("opdaterede"), default=0)
    removed = models.PositiveIntegerField(_("fjernede"), default=0)
    skipped = models.PositiveIntegerField(_("sprunget over"), default=0)
    messages = models.TextField(_("beskeder"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("kalenderimport")
        verbose_name_plural = _("kalenderimporter")

    def __str__(self) -> str:
        return f"{self.organisation} {self.started_at:%Y-%m-%d %H:%M}"
