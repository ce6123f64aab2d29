"""Residents, their photo consent, photos of them and their own album ("Min hverdag").

A resident is known by first name and an initial only (no CPR, no diagnosis). Their photo
consent is a history of rows, never edited: the newest row is the consent in force. Who may
see a photo is never stored on the photo; ``residents.visibility`` computes it at read time
from the newest consent of every resident tagged in it.

Photos and their renditions live under the private ``photos/`` prefix (access.files), at an
unguessable token, and are only served by ``residents.views.photo_file`` after asking
``residents.visibility``.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class ConsentLevel(models.TextChoices):
    """From strictest to widest; ``RANK`` orders them."""

    NONE = "ingen", _("Ingen – billeder af mig vises ikke")
    NETWORK = "netvaerk", _("Mit netværk – mine egne pårørende")
    HOME = "botilbud", _("Botilbuddet – botilbuddets pårørende")
    PUBLIC = "offentligt", _("Offentligt – den offentlige hjemmeside")


RANK = {ConsentLevel.NONE: 0, ConsentLevel.NETWORK: 1, ConsentLevel.HOME: 2, ConsentLevel.PUBLIC: 3}


def _token() -> str:
    return secrets.token_urlsafe(24)


class Resident(models.Model):
    botilbud = models.ForeignKey(
        "home.BotilbudPage",
        verbose_name=_("botilbud"),
        on_delete=models.CASCADE,
        related_name="residents",
    )
    first_name = models.CharField(_("fornavn"), max_length=60)
    initial = models.CharField(
        _("forbogstav i efternavn"), max_length=2, blank=True, help_text=_("F.eks. 'H'.")
    )
    active = models.BooleanField(_("bor på botilbuddet"), default=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        ordering = ["first_name", "initial", "pk"]
        verbose_name = _("beboer")
        verbose_name_plural = _("beboere")
        indexes = [models.Index(fields=["botilbud", "first_name"], name="resident_home_name")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.initial}." if self.initial else self.first_name

    def current_consent(self) -> "PhotoConsent | None":
        return self.consents.order_by("-recorded_at", "-pk").first()

    @property
    def consent_level(self) -> str:
        consent = self.current_consent()
        return consent.level if consent else ConsentLevel.NONE


class PhotoConsent(models.Model):
    """One entry in a resident's consent history; rows are only ever added."""

    class GivenBy(models.TextChoices):
        RESIDENT = "beboer", _("Beboeren selv")
        GUARDIAN = "vaerge", _("Værge")

    resident = models.ForeignKey(
        Resident, verbose_name=_("beboer"), on_delete=models.CASCADE, related_name="consents"
    )
    level = models.CharField(_("samtykke"), max_length=12, choices=ConsentLevel.choices)
    given_by = models.CharField(_("givet af"), max_length=8, choices=GivenBy.choices)
    given_on = models.DateField(_("givet den"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        USER,
        verbose_name=_("registreret af"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("registreret"), default=timezone.now)
    note = models.CharField(_("bemærkning"), max_length=300, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("fotosamtykke")
        verbose_name_plural = _("fotosamtykker")
        # The newest row per resident is read by every visibility subquery.
        indexes = [models.Index(fields=["resident", "-recorded_at", "-id"], name="consent_newest")]

    def __str__(self) -> str:
        return f"{self.resident_id}: {self.level}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Et samtykke ændres ved at registrere et nyt."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Samtykkehistorikken kan ikke slettes."))


class ResidentConnection(models.Model):
    """A relative asks to belong to one resident's network; the home's staff decide."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Afventer godkendelse")
        APPROVED = "approved", _("Godkendt")
        DECLINED = "declined", _("Afvist")
        ENDED = "ended", _("Afsluttet")

    relative = models.ForeignKey(
        USER,
        verbose_name=_("pårørende"),
        on_delete=models.CASCADE,
        related_name="resident_connections",
    )
    resident = models.ForeignKey(
        Resident, verbose_name=_("beboer"), on_delete=models.CASCADE, related_name="connections"
    )
    relation = models.CharField(_("tilknytning"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("anmodet"), auto_now_add=True)
    decided_at = models.DateTimeField(_("besvaret"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("besvaret af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("tilknytning til beboer")
        verbose_name_plural = _("tilknytninger til beboere")
        constraints = [
            models.UniqueConstraint(
                fields=["relative", "resident"],
                condition=Q(status__in=["pending", "approved"]),
                name="resident_connection_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.relative_id} – {self.resident_id} ({self.status})"

    @property
    def botilbud_id(self) -> int:
        return self.resident.botilbud_id


class Album(models.Model):
    """A dated album of a home (an outing, a party), shown to whoever may see its photos."""

    botilbud = models.ForeignKey(
        "home.BotilbudPage", verbose_name=_("botilbud"), on_delete=models.CASCADE
    )
    title = models.CharField(_("titel"), max_length=120)
    date = models.DateField(_("dato"), default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("album")
        verbose_name_plural = _("albummer")

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d.%m.%Y})"


class Photo(models.Model):
    """A photo uploaded by staff: EXIF-free, resized, in private storage."""

    botilbud = models.ForeignKey(
        "home.BotilbudPage", verbose_name=_("botilbud"), on_delete=models.CASCADE
    )
    token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    # Width and height are set by the upload service from the resized image it stores.
    file = models.ImageField(_("fil"), upload_to="photos/originals/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("billedtekst"), max_length=300, blank=True)
    nobody_recognisable = models.BooleanField(
        _("ingen genkendelige personer"),
        default=False,
        help_text=_("Sæt kun kryds, hvis ingen kan genkendes på billedet."),
    )
    residents = models.ManyToManyField(
        Resident,
        verbose_name=_("genkendelige beboere"),
        through="PhotoTag",
        related_name="photos",
        blank=True,
    )
    news = models.ForeignKey(
        "home.NewsPage",
        verbose_name=_("nyhed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    event = models.ForeignKey(
        "home.EventPage",
        verbose_name=_("arrangement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    album = models.ForeignKey(
        Album,
        verbose_name=_("album"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="photos",
    )
    uploaded_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploadet af")
    )
    uploaded_at = models.DateTimeField(_("uploadet"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("foto")
        verbose_name_plural = _("fotos")
        indexes = [
            models.Index(fields=["news", "uploaded_at"], name="photo_news"),
            models.Index(fields=["event", "uploaded_at"], name="photo_event"),
        ]

    def __str__(self) -> str:
        return self.caption or _("Foto %(pk)s") % {"pk": self.pk}


class PhotoTag(models.Model):
    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="tags")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="photo_tags")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["photo", "resident"], name="phototag_once")]
        verbose_name = _("beboer på foto")
        verbose_name_plural = _("beboere på fotos")

    def __str__(self) -> str:
        return f"{self.photo_id}: {self.resident_id}"


class PhotoRendition(models.Model):
    """A smaller copy of a photo, as private as the photo itself."""

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="renditions")
    size = models.CharField(max_length=10)
    file = models.ImageField(upload_to="photos/renditions/%Y/%m/")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["photo", "size"], name="photorendition_once")
        ]

    def __str__(self) -> str:
        return f"{self.photo_id}: {self.size}"


class ResidentPost(models.Model):
    """A short post in a resident's album, written by staff together with the resident."""

    resident = models.ForeignKey(
        Resident, verbose_name=_("beboer"), on_delete=models.CASCADE, related_name="posts"
    )
    text = models.CharField(_("tekst"), max_length=500)
    photo = models.ForeignKey(
        Photo, verbose_name=_("foto"), null=True, blank=True, on_delete=models.SET_NULL
    )
    written_with_resident = models.BooleanField(_("skrevet sammen med beboeren"), default=True)
    written_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("skrevet af")
    )
    created_at = models.DateTimeField(_("skrevet"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("opslag i Min hverdag")
        verbose_name_plural = _("opslag i Min hverdag")
        indexes = [models.Index(fields=["resident", "-created_at"], name="post_resident_newest")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def botilbud_id(self) -> int:
        return self.resident.botilbud_id


class PhotoReport(models.Model):
    """A relative asks for a photo to be taken down (handled by the home's staff)."""

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        USER, verbose_name=_("anmodet af"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("hvorfor"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("anmodet"), auto_now_add=True)
    handled_at = models.DateTimeField(_("behandlet"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("anmodning om at fjerne foto")
        verbose_name_plural = _("anmodninger om at fjerne fotos")
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "reporter"], name="photoreport_once_per_reporter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.photo_id}"


class ScreenDevice(models.Model):
    """A notice-board screen paired with its home (``residents.screens``): it may show the
    home's *botilbuddet* photos. Only a hash of its secret is kept; the secret itself is in
    the pairing link (shown once) and, signed, in the screen's cookie."""

    botilbud = models.ForeignKey(
        "home.BotilbudPage",
        verbose_name=_("botilbud"),
        on_delete=models.CASCADE,
        related_name="screen_devices",
    )
    name = models.CharField(_("navn"), max_length=60, help_text=_("F.eks. »Fællesstuen«."))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("oprettet af")
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("sidst set"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)

    class Meta:
        ordering = ["botilbud", "name", "pk"]
        verbose_name = _("skærm")
        verbose_name_plural = _("skærme")

    def __str__(self) -> str:
        return self.name
