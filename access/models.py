"""Records the access layer keeps: who read what of a relative's private data, and which
collections hold a home's relatives-only documents."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReadLog(models.Model):
    """One staff member opening one relative's private data (a thread, their details, a
    sign-up list), as sundhed.dk logs who looked at a record. The relative sees the reads
    of their own data on *Min side*; the home's leader sees all reads at their home."""

    class Kind(models.TextChoices):
        THREAD = "thread", _("privat tråd")
        RELATIVE = "relative", _("pårørendes oplysninger")
        SIGNUPS = "signups", _("tilmeldingsliste")
        VOLUNTEERS = "volunteers", _("frivillige")
        PROPOSALS = "proposals", _("forslag til aktiviteter")

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("læst af"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept when the reader's account goes, so the record still says who it was.
    reader_name = models.CharField(_("navn"), max_length=300)
    read_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("hvad"), max_length=12, choices=Kind.choices)
    botilbud = models.ForeignKey(
        "home.BotilbudPage",
        verbose_name=_("botilbud"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The relative whose data it was (none for lists about many people).
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hvis data"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reads_of_my_data",
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    label = models.CharField(_("beskrivelse"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("læsning")
        verbose_name_plural = _("læsninger")
        ordering = ["-read_at", "-pk"]
        indexes = [
            models.Index(fields=["subject", "-read_at"], name="readlog_subject"),
            models.Index(fields=["botilbud", "-read_at"], name="readlog_home"),
        ]

    def __str__(self) -> str:
        return f"{self.reader_name}: {self.get_kind_display()} ({self.read_at:%Y-%m-%d %H:%M})"


class RelativesOnlyCollection(models.Model):
    """A home's collection for documents only its connected relatives (and staff) may open."""

    collection = models.OneToOneField(
        "wagtailcore.Collection", on_delete=models.CASCADE, related_name="relatives_only"
    )
    botilbud = models.OneToOneField(
        "home.BotilbudPage", on_delete=models.CASCADE, related_name="relatives_only_collection"
    )

    class Meta:
        verbose_name = _("samling kun for pårørende")
        verbose_name_plural = _("samlinger kun for pårørende")

    def __str__(self) -> str:
        return str(self.collection)
