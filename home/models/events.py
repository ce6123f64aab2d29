"""Events of the homes and their partners (theme 1.2); the calendar is in calendar.py."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager
from wagtail.search import index

from ..blocks import BodyBlock
from .base import (
    BelongsToBotilbud,
    EasyReadContent,
    LeanPage,
    RelativesOnlyContent,
    RelativesOnlyQuerySet,
    resident_photos_exist,
)


class Audience(models.TextChoices):
    PUBLIC = "public", _("Alle er velkomne")
    RELATIVES = "relatives", _("Pårørende og netværk")
    RESIDENTS = "residents", _("Beboere")


class EventQuerySet(RelativesOnlyQuerySet):
    def upcoming(self, now: dt.datetime | None = None):
        """Events that have not ended yet, soonest first (uses the ends_at index)."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("start", "pk")

    def for_card(self, home_title: bool = True):
        """Just what an event card shows: listings stay cheap however wide the models grow.

        ``home_title=False`` for a home's own listings, whose cards do not name the home:
        the query then skips the two joins to the home's title."""
        cards = self.only(
            "title",
            "url_path",
            "start",
            "end",
            "all_day",
            "location",
            "audience",
            "relatives_only",
            "organiser",
            "cancelled",
            # The card names the accessibility features (EventPage.accessibility_features).
            "step_free",
            "accessible_toilet",
            "hearing_loop",
            "quiet_room",
            "easy_read",
            "pictogram",
        ).annotate(organiser_name=F("organiser__name"))
        return cards.annotate(home_title=F("botilbud__title")) if home_title else cards


class EventPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        from .pages import BotilbudPage

        # Only a home has relatives; in the shared calendar no one could see the event.
        parent = self.parent_page
        if (
            cleaned_data.get("relatives_only")
            and parent is not None
            and not issubclass(parent.specific_class or type(parent), BotilbudPage)
        ):
            self.add_error(
                "relatives_only",
                _(
                    "Kun et botilbuds egne arrangementer kan være kun for pårørende og "
                    "netværk. Opret arrangementet under botilbuddet."
                ),
            )
        return cleaned_data


class EventPage(RelativesOnlyContent, LeanPage, BelongsToBotilbud, EasyReadContent, Page):
    start = models.DateTimeField(_("starter"))
    end = models.DateTimeField(_("slutter"), null=True, blank=True)
    all_day = models.BooleanField(_("hele dagen"), default=False)
    # Derived in save(): the moment the event is over, so "upcoming" is one indexed comparison.
    ends_at = models.DateTimeField(editable=False, db_index=True, null=True)
    relatives_only = models.BooleanField(
        _("kun for pårørende og netværk"),
        default=False,
        help_text=_(
            "Vises kun for botilbuddets godkendte pårørende, når de er logget ind – ikke i "
            "søgning, sitemap, feeds eller nyhedsbreve."
        ),
    )
    intro = models.TextField(_("kort beskrivelse"), max_length=400)
    body = StreamField(BodyBlock(), verbose_name=_("indhold"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("billede"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    location = models.CharField(_("sted"), max_length=200)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    audience = models.CharField(
        _("for hvem"), max_length=20, choices=Audience.choices, default=Audience.PUBLIC
    )
    organiser = models.ForeignKey(
        "home.Organisation",
        verbose_name=_("arrangør"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text=_("Tom, hvis botilbuddet selv arrangerer."),
    )
    external_url = models.URLField(
        _("link til arrangørens egen side"),
        blank=True,
        help_text=_("F.eks. foreningens aktivitet."),
    )
    step_free = models.BooleanField(_("trinfri adgang"), default=False)
    accessible_toilet = models.BooleanField(_("handicaptoilet"), default=False)
    hearing_loop = models.BooleanField(_("teleslynge"), default=False)
    quiet_room = models.BooleanField(_("stille rum at trække sig tilbage til"), default=False)
    accessibility_notes = models.TextField(_("andet om tilgængelighed"), blank=True)
    cancelled = models.BooleanField(
        _("aflyst"),
        default=False,
        help_text=_("Arrangementet bliver stående i kalenderen og i abonnementer, mærket aflyst."),
    )
    # Sign-up (participation.EventSignup holds the sign-ups themselves).
    signup_enabled = models.BooleanField(_("tilmelding på siden"), default=False)
    capacity = models.PositiveIntegerField(
        _("antal pladser"),
        null=True,
        blank=True,
        help_text=_("Tom betyder ubegrænset. Er der fuldt, kommer nye på venteliste."),
    )
    max_party_size = models.PositiveSmallIntegerField(
        _("højst antal personer pr. tilmelding"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    signup_deadline = models.DateTimeField(
        _("tilmeldingsfrist"),
        null=True,
        blank=True,
        help_text=_("Tom betyder, at man kan tilmelde sig, indtil arrangementet begynder."),
    )
    volunteer_call = models.ForeignKey(
        "home.VolunteerCallPage",
        verbose_name=_("søger frivillig ledsager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="companion_for",
        help_text=_("Et frivilligopslag, hvor man kan melde sig som ledsager til arrangementet."),
    )
    # Set on events imported from an organisation's calendar: the .ics UID (with the
    # occurrence's start for repeating events), unique per organisation.
    source_uid = models.CharField(max_length=255, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("start"), FieldPanel("end")]), FieldPanel("all_day")],
            heading=_("Tidspunkt"),
        ),
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("easy_read"), FieldPanel("pictogram")], heading=_("Let læst")),
        FieldPanel("image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("location"),
                FieldPanel("address"),
                FieldPanel("audience"),
                FieldPanel("relatives_only"),
            ],
            heading=_("Sted og deltagere"),
        ),
        MultiFieldPanel(
            [FieldPanel("organiser"), FieldPanel("external_url")], heading=_("Arrangør")
        ),
        MultiFieldPanel(
            [
                FieldPanel("signup_enabled"),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("max_party_size")]),
                FieldPanel("signup_deadline"),
                FieldPanel("volunteer_call"),
            ],
            heading=_("Tilmelding"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("step_free"),
                FieldPanel("accessible_toilet"),
                FieldPanel("hearing_loop"),
                FieldPanel("quiet_room"),
                FieldPanel("accessibility_notes"),
            ],
            heading=_("Tilgængelighed"),
        ),
        FieldPanel("cancelled"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("location"),
        index.FilterField("start"),
        index.FilterField("audience"),
        index.RelatedFields("organiser", [index.SearchField("name")]),
    ]
    parent_page_types = ["home.BotilbudPage", "home.EventIndexPage"]
    subpage_types = []

    objects = PageManager.from_queryset(EventQuerySet)()
    base_form_class = EventPageForm
    route_select_related = ("image", "botilbud", "organiser")

    @staticmethod
    def route_annotations():
        return resident_photos_exist("event")

    class Meta:
        verbose_name = _("arrangement")
        verbose_name_plural = _("arrangementer")
        indexes = [models.Index(fields=["botilbud", "ends_at"], name="event_home_ends")]
        constraints = [
            models.UniqueConstraint(
                fields=["organiser", "source_uid"],
                condition=~Q(source_uid=""),
                name="event_unique_source_uid",
            )
        ]

    def clean(self) -> None:
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("Et arrangement kan ikke slutte, før det er begyndt.")})
        call = self.volunteer_call
        home = self.find_botilbud() if call is not None and self.path else None
        if call is not None and self.path and call.botilbud_id != getattr(home, "pk", None):
            raise ValidationError(
                {"volunteer_call": _("Vælg et frivilligopslag fra det samme botilbud.")}
            )
        if (
            self.signup_enabled
            and self.signup_deadline
            and self.start
            and self.signup_deadline > self.start
        ):
            raise ValidationError(
                {"signup_deadline": _("Fristen skal ligge før arrangementet begynder.")}
            )

    def save(self, *args, **kwargs):
        self.ends_at = self.compute_ends_at()
        return super().save(*args, **kwargs)

    def compute_ends_at(self) -> dt.datetime | None:
        if self.start is None:
            return None
        if self.all_day:
            last_day = timezone.localtime(self.end or self.start).date()
            return timezone.make_aware(dt.datetime.combine(last_day, dt.time.max))
        return self.end or self.start

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.signup_enabled:
            from participation import services
            from participation.views import signup_form_for

            context.update(
                signup_open=services.signup_is_open(self),
                seats_left=services.seats_left(self),
                signup_deadline=services.signup_deadline(self),
                signup_form=signup_form_for(self),
            )
        return context

    @property
    def accessibility_features(self) -> list[str]:
        names = ("step_free", "accessible_toilet", "hearing_loop", "quiet_room")
        return [
            str(self._meta.get_field(name).verbose_name) for name in names if getattr(self, name)
        ]

    @property
    def organiser_or_none(self):
        """The organiser, or None when it was deleted after this revision was saved."""
        try:
            return self.organiser
        except models.ObjectDoesNotExist:
            return None
