"""Transactional mail as rows: a sign-up's confirmation, a reminder, a promotion from the
waiting list. A mail is a row before it is a message, so nothing is lost when the mail
service is down and nothing is sent twice when a task runs twice (pretix's OutgoingMail).

Newsletters have their own outbox (shared digest bodies, per-subscriber links); this one
holds one-off mails whose text is complete when they are queued.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingMailQuerySet(models.QuerySet):
    def ready(self, now):
        """Rows a sender may take now: new ones, and retries whose time has come."""
        return self.filter(
            Q(status=OutgoingMail.Status.QUEUED)
            | Q(status=OutgoingMail.Status.RETRY, next_attempt_at__lte=now)
        )


class OutgoingMail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("I kø")
        SENDING = "sending", _("Sendes")
        SENT = "sent", _("Sendt")
        RETRY = "retry", _("Prøves igen")
        FAILED = "failed", _("Mislykkedes")

    # What the mail is for, unique: "signup:42:confirm". Queuing the same key twice is a no-op.
    key = models.CharField(_("nøgle"), max_length=200, unique=True)
    to_email = models.EmailField(_("modtager"), max_length=254)
    reply_to = models.EmailField(_("svar til"), max_length=254, blank=True)
    subject = models.CharField(_("emne"), max_length=255)
    body_text = models.TextField(_("tekst"))
    body_html = models.TextField(_("html"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(_("fejl"), blank=True)
    # Sent by the system on its own (a reminder, a notification), not asked for by the
    # recipient just now (a sign-in link): only automatic mail stops at a suppressed address.
    automatic = models.BooleanField(_("automatisk"), default=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        verbose_name = _("udgående mail")
        verbose_name_plural = _("udgående mails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_ready")]

    def __str__(self) -> str:
        return f"{self.key} → {self.to_email}"


class SuppressedAddress(models.Model):
    """An address no automatic mail goes to, whichever app sends it (outbox.suppression).

    One row per address (stored lower-cased, so the unique index is case-blind). A bounce is
    lifted by a later delivery or a confirmed opt-in; a complaint only by staff.
    """

    class Reason(models.TextChoices):
        BOUNCE = "bounce", _("Hård afvisning")
        COMPLAINT = "complaint", _("Markeret som spam")
        MANUAL = "manual", _("Spærret af personalet")

    address = models.EmailField(_("adresse"), max_length=254, unique=True)
    reason = models.CharField(_("årsag"), max_length=10, choices=Reason.choices)
    since = models.DateTimeField(_("spærret siden"), default=timezone.now)
    esp = models.CharField(_("mailtjeneste"), max_length=40, blank=True)
    source_event_id = models.CharField(_("hændelsens id"), max_length=255, blank=True)
    description = models.CharField(_("beskrivelse"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("spærret adresse")
        verbose_name_plural = _("spærrede adresser")
        ordering = ["-since", "-pk"]

    def __str__(self) -> str:
        return self.address

    def save(self, *args, **kwargs):
        self.address = self.address.strip().lower()
        return super().save(*args, **kwargs)


class ReceivedWebhookEvent(models.Model):
    """One ESP webhook event handled: the same event delivered again counts once.

    Tracking events are keyed by the ESP's event id with the event type and recipient (one
    Amazon SNS notification reports several recipients under one id); inbound mails by the
    event id and by the mail's own Message-ID (the same mail arriving again with a new id).
    """

    class Kind(models.TextChoices):
        TRACKING = "tracking", _("Sporing")
        INBOUND = "inbound", _("Indgående mail")

    esp = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=255)
    message_id = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("modtaget webhook-hændelse")
        verbose_name_plural = _("modtagne webhook-hændelser")
        constraints = [
            models.UniqueConstraint(fields=["esp", "kind", "key"], name="webhook_event_once"),
            models.UniqueConstraint(
                fields=["message_id"],
                condition=Q(kind="inbound") & ~Q(message_id=""),
                name="inbound_message_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.esp} {self.kind} {self.key}"
