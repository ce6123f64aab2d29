"""Taking part: sign-ups for events (with a waiting list), volunteers answering a call, and
activities relatives and network propose to a home (themes 1.1 and 2.1)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

CONSENT_VERSION = "2026-1"


class EventSignupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=EventSignup.ACTIVE)

    def seats_taken(self, event_id: int) -> int:
        confirmed = self.filter(event_id=event_id, status=EventSignup.Status.CONFIRMED)
        return confirmed.aggregate(n=Sum("party_size"))["n"] or 0


class EventSignup(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Tilmeldt")
        WAITLISTED = "waitlisted", _("På venteliste")
        CANCELLED = "cancelled", _("Afmeldt")

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED)

    event = models.ForeignKey(
        "home.EventPage",
        verbose_name=_("arrangement"),
        on_delete=models.CASCADE,
        related_name="signups",
    )
    name = models.CharField(_("navn"), max_length=200)
    # Stored lower-cased, so the constraint below makes one active sign-up per address.
    email = models.EmailField(_("e-mail"), max_length=254)
    party_size = models.PositiveSmallIntegerField(
        _("antal personer"), default=1, validators=[MinValueValidator(1)]
    )
    note = models.TextField(_("bemærkning"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    consent_version = models.CharField(max_length=20, default=CONSENT_VERSION)
    created_at = models.DateTimeField(_("tilmeldt"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("rykket op fra venteliste"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("afmeldt"), null=True, blank=True)

    objects = EventSignupQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("tilmelding")
        verbose_name_plural = _("tilmeldinger")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="signup_one_active_per_email",
            )
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"], name="signup_queue")]

    def __str__(self) -> str:
        return f"{self.name} – {self.event_id}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class VolunteerSignup(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Afventer svar")
        ACCEPTED = "accepted", _("Accepteret")
        DECLINED = "declined", _("Takket nej")

    call = models.ForeignKey(
        "home.VolunteerCallPage",
        verbose_name=_("frivilligopslag"),
        on_delete=models.CASCADE,
        related_name="volunteer_signups",
    )
    name = models.CharField(_("navn"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    message = models.TextField(_("besked"), max_length=2000, blank=True)
    availability = models.CharField(_("hvornår kan du"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    consent_version = models.CharField(max_length=20, default=CONSENT_VERSION)
    created_at = models.DateTimeField(_("meldt sig"), auto_now_add=True)
    decided_at = models.DateTimeField(_("besvaret"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("besvaret af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("frivillig")
        verbose_name_plural = _("frivillige")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "email"],
                condition=Q(status__in=["pending", "accepted"]),
                name="volunteer_one_active_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.call_id}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class ActivityProposal(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("Ny")
        HANDLED = "handled", _("Behandlet")

    botilbud = models.ForeignKey(
        "home.BotilbudPage",
        verbose_name=_("botilbud"),
        on_delete=models.CASCADE,
        related_name="activity_proposals",
    )
    name = models.CharField(_("navn"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    title = models.CharField(_("aktivitet"), max_length=200)
    description = models.TextField(_("beskrivelse"), max_length=3000)
    when = models.CharField(_("hvornår"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    consent_version = models.CharField(max_length=20, default=CONSENT_VERSION)
    created_at = models.DateTimeField(_("modtaget"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("forslag til aktivitet")
        verbose_name_plural = _("forslag til aktiviteter")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)
