"""Transactional mail as rows: a sign-up's confirmation, a reminder, a promotion from the
waiting list. A mail is a row before it is a message, so nothing is lost when the mail
service is down and nothing is sent twice when a task runs twice (pretix's OutgoingMail).

Newsletters have their own outbox (shared digest bodies, per-subscriber links); this one
holds one-off mails whose text is complete when they are queued.
"""

from django.db import models
from django.db.models import Q
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
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        verbose_name = _("udgående mail")
        verbose_name_plural = _("udgående mails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_ready")]

    def __str__(self) -> str:
        return f"{self.key} → {self.to_email}"
