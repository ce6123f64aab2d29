"""The mail layer's rows: every outgoing mail is a row before it is a message (pretix's
OutgoingMail), so nothing is lost when the mail service is down and nothing is sent twice
when a task runs twice.

``MailRow`` is what every outbox shares (status, attempts, lease, ids); ``outbox.sender``
is the one implementation that claims, sends, records and retries such rows. Two tables
hold them: ``OutgoingMail`` here (one-off mails whose text is complete when queued) and the
newsletters' ``DigestMail`` (digests whose shared bodies are stored once and personalised
when sent).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .headers import new_message_id


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("I kø")
    SENDING = "sending", _("Sendes")
    SENT = "sent", _("Sendt")
    RETRY = "retry", _("Prøves igen")
    FAILED = "failed", _("Mislykkedes")


class MailRowQuerySet(models.QuerySet):
    def ready(self, now):
        """Rows a sender may take now: new ones, and retries whose time has come."""
        return self.filter(
            Q(status=MailStatus.QUEUED) | Q(status=MailStatus.RETRY, next_attempt_at__lte=now)
        )


class MailRow(models.Model):
    """One mail to one address, as the sender sees it."""

    Status = MailStatus

    to_email = models.EmailField(_("modtager"), max_length=254)
    # Mail the person did not ask for at that moment (a digest, a reminder, a notification)
    # as against mail they asked for (a sign-in link, a confirmation): a suppression list
    # stops the first kind.
    automatic = models.BooleanField(_("automatisk"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    next_attempt_at = models.DateTimeField(_("næste forsøg"), null=True, blank=True)
    # Set by the claim and renewed while the sender lives (see outbox.sender).
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=32, blank=True, editable=False)
    # Ours, made when the row is queued and sent as the Message-ID header on every attempt.
    message_id = models.CharField(max_length=255, default=new_message_id, editable=False)
    # The ESP's id for the accepted message (anymail's message_id), for its webhooks.
    esp_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    error = models.TextField(_("fejl"), blank=True)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)

    objects = MailRowQuerySet.as_manager()

    class Meta:
        abstract = True


class OutgoingMail(MailRow):
    """A one-off mail: a sign-up's confirmation, a reminder, a dialog notification."""

    # What the mail is for, unique: "signup:42:confirm". Queuing the same key twice is a no-op.
    key = models.CharField(_("nøgle"), max_length=200, unique=True)
    reply_to = models.EmailField(_("svar til"), max_length=254, blank=True)
    subject = models.CharField(_("emne"), max_length=255)
    body_text = models.TextField(_("tekst"))
    body_html = models.TextField(_("html"), blank=True)

    class Meta:
        verbose_name = _("udgående mail")
        verbose_name_plural = _("udgående mails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_ready")]

    def __str__(self) -> str:
        return f"{self.key} → {self.to_email}"


class SendRun(models.Model):
    """The send log: one row per sender run, whichever outbox it sends. A run that is
    killed outright stays "running" until its heartbeat is older than the lease; the next
    sender then marks it killed, so the log shows it as such."""

    class Status(models.TextChoices):
        RUNNING = "running", _("I gang")
        FINISHED = "finished", _("Færdig")
        STOPPED = "stopped", _("Stoppet (signal)")
        PAUSED = "paused", _("Sat på pause (mailtjenesten fejler)")
        KILLED = "killed", _("Afbrudt")
        ERROR = "error", _("Fejl")

    outbox = models.CharField(_("udbakke"), max_length=20)
    trigger = models.CharField(_("startet af"), max_length=20, default="command")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("startet"), default=timezone.now, db_index=True)
    heartbeat_at = models.DateTimeField(_("sidste livstegn"), default=timezone.now)
    finished_at = models.DateTimeField(_("færdig"), null=True, blank=True)
    host = models.CharField(_("maskine"), max_length=100, blank=True)
    pid = models.PositiveIntegerField(_("proces"), null=True, blank=True)
    sent = models.PositiveIntegerField(_("sendt"), default=0)
    retried = models.PositiveIntegerField(_("prøves igen"), default=0)
    failed = models.PositiveIntegerField(_("fejlet"), default=0)
    error = models.TextField(_("fejl"), blank=True)

    class Meta:
        verbose_name = _("afsendelse")
        verbose_name_plural = _("afsendelser")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="sendrun_live")]

    def __str__(self) -> str:
        return f"{self.outbox} {timezone.localtime(self.started_at):%d.%m.%Y %H:%M}"


class MailService(models.Model):
    """The state of the mail service as the senders last saw it: one row (pk 1).

    A service-level error (our key refused, the ESP down or throttling) pauses every sender
    until ``paused_until``; staff are told until a message goes out again."""

    class Problem(models.TextChoices):
        NONE = "", _("Ingen")
        KEY = "key", _("Nøglen afvises")
        ACCOUNT = "account", _("Kontoen afviser afsendelse")
        DOWN = "down", _("Svarer ikke eller fejler")

    problem = models.CharField(
        _("problem"), max_length=10, choices=Problem.choices, blank=True, default=""
    )
    error = models.TextField(_("fejl"), blank=True)
    failing_since = models.DateTimeField(_("fejler siden"), null=True, blank=True)
    paused_until = models.DateTimeField(_("pause til"), null=True, blank=True)
    pauses = models.PositiveIntegerField(_("pauser i træk"), default=0)
    last_sent_at = models.DateTimeField(_("sidst sendt"), null=True, blank=True)

    class Meta:
        verbose_name = _("mailtjeneste")
        verbose_name_plural = _("mailtjeneste")

    def __str__(self) -> str:
        return self.get_problem_display()


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
