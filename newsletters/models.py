"""Subscribers, their audit trail, the digest outbox and the send log."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outbox.models import MailRow, SendRun


def new_key() -> str:
    return secrets.token_urlsafe(12)


def email_digest(email: str) -> str:
    """A stable stand-in for an address, kept in the audit log after erasure."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class Frequency(models.TextChoices):
    DAILY = "daily", _("Dagligt")
    WEEKLY = "weekly", _("Ugentligt")
    MONTHLY = "monthly", _("Månedligt")


def period_key(frequency: str, when: dt.datetime) -> str:
    """The digest period ``when`` falls in, in Danish local time: d2026-05-14, w2026-W20, m2026-05.

    One digest per subscriber per key (the outbox's unique key), so a re-run in the same
    period can never queue a second one.
    """
    day = timezone.localtime(when).date()
    if frequency == Frequency.DAILY:
        return f"d{day.isoformat()}"
    if frequency == Frequency.WEEKLY:
        year, week, _weekday = day.isocalendar()
        return f"w{year}-W{week:02d}"
    return f"m{day:%Y-%m}"


# How far back a digest looks when the subscriber has had none yet (or had one long ago).
LOOKBACK = {
    Frequency.DAILY: dt.timedelta(days=2),
    Frequency.WEEKLY: dt.timedelta(days=14),
    Frequency.MONTHLY: dt.timedelta(days=62),
}


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Subscriber.Status.ACTIVE)

    def due(self, now: dt.datetime, frequencies=None):
        """Active subscribers whose digest for the current period has not been handled yet."""
        frequencies = frequencies or Frequency.values
        due = Q()
        for frequency in frequencies:
            due |= Q(frequency=frequency) & ~Q(last_digest_period=period_key(frequency, now))
        return self.active().filter(due)

    def for_homes(self, home_ids):
        return self.filter(homes__in=home_ids).distinct()


class Subscriber(models.Model):
    """A relative or anyone else who wants the digest of one or more homes."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Afventer bekræftelse")
        ACTIVE = "active", _("Aktiv")
        PAUSED = "paused", _("På pause")
        UNSUBSCRIBED = "unsubscribed", _("Afmeldt")
        BOUNCED = "bounced", _("Afvist af modtagerens mailserver")
        COMPLAINED = "complained", _("Markeret som spam")

    # Stored lower-cased (see save()), so the plain unique index makes addresses unique
    # regardless of case and serves every lookup by address.
    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    frequency = models.CharField(
        _("hyppighed"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    homes = models.ManyToManyField(
        "home.BotilbudPage", verbose_name=_("botilbud"), related_name="digest_subscribers"
    )
    # Part of every signed link: rotating it would void all links sent so far.
    key = models.CharField(max_length=32, default=new_key, editable=False)
    consent_version = models.CharField(_("samtykketekst, version"), max_length=20)
    consented_at = models.DateTimeField(_("samtykke givet"), null=True, blank=True)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("bekræftet"), null=True, blank=True)
    soft_bounces = models.PositiveSmallIntegerField(_("bløde afvisninger i træk"), default=0)
    # The period of the last digest handled (sent or skipped as empty), and when one last went.
    last_digest_period = models.CharField(max_length=16, blank=True, editable=False)
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("abonnent")
        verbose_name_plural = _("abonnenter")
        ordering = ["email"]
        indexes = [
            # The digest run's recipient query: active subscribers of a frequency, by pk.
            models.Index(fields=["status", "frequency", "id"], name="subscriber_due"),
        ]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        return super().save(*args, **kwargs)

    @property
    def receives_mail(self) -> bool:
        return self.status == self.Status.ACTIVE


class SubscriptionEvent(models.Model):
    """Who changed a subscription, when, how, and under which consent text (GDPR art. 7).

    Our own table rather than Wagtail's ModelLogEntry: most actors are not admin users (the
    person through a signed link, the ESP, the system), the consent version must be a column
    one can query, and the trail must outlive erasure without the address (kept as a hash).
    """

    class Action(models.TextChoices):
        SUBSCRIBED = "subscribed", _("Tilmeldt (afventer bekræftelse)")
        CONFIRMATION_SENT = "confirmation_sent", _("Bekræftelsesmail sendt")
        MANAGE_LINK_SENT = "manage_link_sent", _("Link til indstillinger sendt")
        CONFIRMED = "confirmed", _("Bekræftet")
        CHANGED = "changed", _("Indstillinger ændret")
        PAUSED = "paused", _("Sat på pause")
        RESUMED = "resumed", _("Genoptaget")
        UNSUBSCRIBED = "unsubscribed", _("Afmeldt")
        EXPORTED = "exported", _("Data hentet")
        DELETED = "deleted", _("Slettet")
        BOUNCED = "bounced", _("Hård afvisning")
        SOFT_BOUNCED = "soft_bounced", _("Blød afvisning")
        COMPLAINED = "complained", _("Markeret som spam")

    class Actor(models.TextChoices):
        SUBSCRIBER = "subscriber", _("Abonnenten")
        STAFF = "staff", _("Medarbejder")
        ESP = "esp", _("Mailudbyderen")
        SYSTEM = "system", _("Systemet")

    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    email_hash = models.CharField(max_length=64, db_index=True)
    action = models.CharField(_("handling"), max_length=24, choices=Action.choices)
    actor = models.CharField(_("udført af"), max_length=12, choices=Actor.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_version = models.CharField(_("samtykketekst, version"), max_length=20, blank=True)
    data = models.JSONField(_("detaljer"), default=dict, blank=True)
    timestamp = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("ændring af abonnement")
        verbose_name_plural = _("ændringer af abonnementer")
        ordering = ["-timestamp", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.timestamp:%Y-%m-%d %H:%M})"


class DigestBody(models.Model):
    """A rendered digest, stored once however many people get it: the subject and both
    bodies with stand-ins for the two personal links (manage, unsubscribe), which the sender
    fills in per person. Keyed by a hash of its content, so a re-run finds the same row."""

    digest = models.CharField(max_length=64, unique=True)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("nyhedsbrevets indhold")
        verbose_name_plural = _("nyhedsbrevenes indhold")

    def __str__(self) -> str:
        return self.subject


class DigestMail(MailRow):
    """The digest outbox: a mail is a row before it is a message (one per subscriber and
    period for digests, one per request for the confirmation and manage-link mails), sent
    by the one sender in ``outbox.sender``.

    The row holds what is personal (address, Message-ID); the content is a shared DigestBody.
    """

    class Kind(models.TextChoices):
        DIGEST = "digest", _("Nyhedsbrev")
        CONFIRM = "confirm", _("Bekræftelse af tilmelding")
        MANAGE = "manage", _("Link til indstillinger")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="digests")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DIGEST)
    # The unique key with the subscriber: a digest's period (see period_key()), or for a
    # subscription mail its kind and the SubscriptionEvent that asked for it ("confirm:42").
    period_key = models.CharField(max_length=32)
    run = models.ForeignKey(
        "DigestRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="mails"
    )
    body = models.ForeignKey(DigestBody, on_delete=models.PROTECT, related_name="mails")

    class Meta:
        verbose_name = _("udsendt nyhedsbrev")
        verbose_name_plural = _("udsendte nyhedsbreve")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "period_key"], name="one_digest_per_subscriber_period"
            )
        ]
        indexes = [
            # The sender's claim query and the sweeper's stuck-row query.
            models.Index(fields=["status", "next_attempt_at"], name="digestmail_ready"),
        ]

    def __str__(self) -> str:
        return f"{self.to_email} {self.period_key} ({self.get_status_display()})"


class DigestRun(models.Model):
    """One run of send_digests or of the worker's task: what it found and what it did."""

    started_at = models.DateTimeField(_("startet"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("færdig"), null=True, blank=True)
    frequency = models.CharField(
        _("hyppighed"), max_length=10, choices=Frequency.choices, blank=True
    )
    trigger = models.CharField(_("startet af"), max_length=20, default="command")
    recipients = models.PositiveIntegerField(_("modtagere undersøgt"), default=0)
    queued = models.PositiveIntegerField(_("sat i kø"), default=0)
    skipped_empty = models.PositiveIntegerField(_("sprunget over (intet nyt)"), default=0)
    sent = models.PositiveIntegerField(_("sendt"), default=0)
    retried = models.PositiveIntegerField(_("prøves igen"), default=0)
    failed = models.PositiveIntegerField(_("fejlet"), default=0)
    error = models.TextField(_("fejl"), blank=True)
    # The sender's entry in the send log: its status shows a run that was stopped or killed.
    send = models.OneToOneField(
        SendRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="digest_run"
    )

    class Meta:
        verbose_name = _("udsendelseskørsel")
        verbose_name_plural = _("udsendelseskørsler")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.started_at):%d.%m.%Y %H:%M}"

    @admin.display(description=_("status"))
    def status(self) -> str:
        if self.send is None:
            return ""
        return self.send.get_status_display()

    def counts(self) -> dict[str, int]:
        names = ("recipients", "queued", "skipped_empty", "sent", "retried", "failed")
        return {name: getattr(self, name) for name in names}
