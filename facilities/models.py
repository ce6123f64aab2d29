"""Facilities a home lends to others (theme 3: spa bath, orangery, workshop, bonfire hut) and
the bookings made for them.

A facility belongs to one home, whose staff edit it; its opening hours and closed dates are
the rules every booking is checked against (``facilities.rules``). An approved booking never
overlaps another approved booking of the same facility: on PostgreSQL an exclusion
constraint on the time range says so (migration 0002), on SQLite the approval runs under the
database's write lock (``facilities.services``)."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable


class BookerKind(models.TextChoices):
    """Who asks to borrow a facility; each facility says which kinds it lends to."""

    STAFF = "staff", _("Medarbejder på et andet botilbud")
    RELATIVE = "relative", _("Pårørende")
    ASSOCIATION = "association", _("Forening")
    VOLUNTEER = "volunteer", _("Frivillig")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("mandag")
    TUESDAY = 1, _("tirsdag")
    WEDNESDAY = 2, _("onsdag")
    THURSDAY = 3, _("torsdag")
    FRIDAY = 4, _("fredag")
    SATURDAY = 5, _("lørdag")
    SUNDAY = 6, _("søndag")


class FacilityQuerySet(models.QuerySet):
    def bookable(self):
        """Facilities the public may ask to borrow: lent to others, at a live, public home."""
        from home.models import BotilbudPage

        homes = BotilbudPage.objects.live().public().values("pk")
        return self.filter(shared=True, botilbud__in=homes)


class Facility(ClusterableModel):
    botilbud = models.ForeignKey(
        "home.BotilbudPage",
        verbose_name=_("botilbud"),
        on_delete=models.CASCADE,
        related_name="bookable_facilities",
    )
    name = models.CharField(_("navn"), max_length=120)
    description = models.TextField(_("beskrivelse"), max_length=2000)
    accessibility = models.TextField(
        _("tilgængelighed"),
        blank=True,
        max_length=1000,
        help_text=_("F.eks. trinfri adgang, lift, handicaptoilet, teleslynge."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("plads til (personer)"), default=10, validators=[MinValueValidator(1)]
    )
    house_rules = models.TextField(_("husregler"), blank=True, max_length=2000)
    shared = models.BooleanField(
        _("kan lånes af andre"),
        default=True,
        help_text=_("Vises på /faciliteter/, så andre kan bede om at låne den."),
    )
    bookable_by_staff = models.BooleanField(_("medarbejdere på andre botilbud"), default=True)
    bookable_by_relatives = models.BooleanField(_("pårørende"), default=True)
    bookable_by_associations = models.BooleanField(_("foreninger"), default=True)
    bookable_by_volunteers = models.BooleanField(_("frivillige"), default=True)
    max_booking_hours = models.PositiveSmallIntegerField(
        _("længste booking (timer)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FacilityQuerySet.as_manager()

    panels = [
        FieldPanel("botilbud"),
        FieldPanel("name"),
        FieldPanel("description"),
        InlinePanel("pictures", label=_("Billeder")),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("max_booking_hours")]),
        FieldPanel("accessibility"),
        FieldPanel("house_rules"),
        MultiFieldPanel(
            [
                FieldPanel("shared"),
                FieldPanel("bookable_by_staff"),
                FieldPanel("bookable_by_relatives"),
                FieldPanel("bookable_by_associations"),
                FieldPanel("bookable_by_volunteers"),
            ],
            heading=_("Hvem må låne"),
        ),
        InlinePanel("opening_hours", label=_("Åbningstider")),
        InlinePanel("closed_dates", label=_("Lukkede dage")),
    ]

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("facilitet")
        verbose_name_plural = _("faciliteter")

    def __str__(self) -> str:
        return self.name

    KIND_FIELDS = {
        BookerKind.STAFF: "bookable_by_staff",
        BookerKind.RELATIVE: "bookable_by_relatives",
        BookerKind.ASSOCIATION: "bookable_by_associations",
        BookerKind.VOLUNTEER: "bookable_by_volunteers",
    }

    def lends_to(self, kind: str) -> bool:
        field = self.KIND_FIELDS.get(kind)
        return bool(field and getattr(self, field))

    @property
    def allowed_kinds(self) -> list[str]:
        return [str(kind.label) for kind, field in self.KIND_FIELDS.items() if getattr(self, field)]

    @property
    def max_booking(self) -> dt.timedelta:
        return dt.timedelta(hours=self.max_booking_hours)


class FacilityPicture(Orderable):
    facility = ParentalKey(Facility, on_delete=models.CASCADE, related_name="pictures")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("billede"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("billedtekst"), max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]


class OpeningHours(Orderable):
    """One open period on a weekday (several rows for a day with a break)."""

    facility = ParentalKey(Facility, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("ugedag"), choices=Weekday.choices)
    opens = models.TimeField(_("åbner"))
    closes = models.TimeField(_("lukker"))

    panels = [FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")])]

    class Meta(Orderable.Meta):
        verbose_name = _("åbningstid")
        verbose_name_plural = _("åbningstider")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")), name="facility_hours_closes_after_opens"
            )
        ]


class ClosedDate(Orderable):
    facility = ParentalKey(Facility, on_delete=models.CASCADE, related_name="closed_dates")
    date = models.DateField(_("dato"))
    reason = models.CharField(_("hvorfor (vises offentligt)"), max_length=200, blank=True)

    panels = [FieldRowPanel([FieldPanel("date"), FieldPanel("reason")])]

    class Meta(Orderable.Meta):
        verbose_name = _("lukket dag")
        verbose_name_plural = _("lukkede dage")


class BookingQuerySet(models.QuerySet):
    def overlapping(self, facility_id: int, start: dt.datetime, end: dt.datetime):
        """Half-open ranges [start, end): a booking ending at 14:00 leaves 14:00 free.
        Served by the booking_facility_start index."""
        return self.filter(facility_id=facility_id, start__lt=end, end__gt=start)

    def approved(self):
        return self.filter(status=Booking.Status.APPROVED)

    def holding(self):
        """Bookings that hold their time on the calendar: approved, or asked for."""
        return self.filter(status__in=[Booking.Status.REQUESTED, Booking.Status.APPROVED])


class Booking(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Afventer svar")
        APPROVED = "approved", _("Godkendt")
        DECLINED = "declined", _("Afvist")
        CANCELLED = "cancelled", _("Aflyst")

    facility = models.ForeignKey(
        Facility, verbose_name=_("facilitet"), on_delete=models.CASCADE, related_name="bookings"
    )
    kind = models.CharField(_("hvem låner"), max_length=20, choices=BookerKind.choices)
    # The borrowing home (staff bookings) or association, for the municipality's overview.
    requesting_home = models.ForeignKey(
        "home.BotilbudPage",
        verbose_name=_("lånende botilbud"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facility_bookings_made",
    )
    organisation = models.ForeignKey(
        "home.Organisation",
        verbose_name=_("forening"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facility_bookings",
    )
    name = models.CharField(_("navn"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    for_whom = models.CharField(_("for hvem"), max_length=300)
    participants = models.PositiveSmallIntegerField(
        _("antal personer"), default=1, validators=[MinValueValidator(1)]
    )
    purpose = models.TextField(_("formål"), max_length=1000)
    start = models.DateTimeField(_("fra"))
    end = models.DateTimeField(_("til"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    public_event = models.BooleanField(_("offentligt arrangement"), default=False)
    event = models.OneToOneField(
        "home.EventPage",
        verbose_name=_("arrangement i kalenderen"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facility_booking",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booket af medarbejder"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("besvaret af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("besvaret"), null=True, blank=True)
    decision_reason = models.TextField(_("begrundelse"), blank=True, max_length=1000)
    cancelled_at = models.DateTimeField(_("aflyst"), null=True, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookinger")
        indexes = [models.Index(fields=["facility", "start"], name="booking_facility_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="booking_end_after")
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.start)
        return f"{self.facility} {start:%d.%m.%Y %H:%M}"

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600
