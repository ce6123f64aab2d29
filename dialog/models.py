"""The moderated channel between relatives (and network) and each home's staff (theme 1.1).

A relative is a Django user without a password who signs in by magic link; a Membership
connects them to a home once its staff approve. Threads belong to one home; private ones
are between one relative and the home's staff, shared ones are read by every connected
relative of the home. Relatives' messages in shared threads wait for moderation.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Membership(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Afventer godkendelse")
        APPROVED = "approved", _("Godkendt")
        DECLINED = "declined", _("Afvist")
        ENDED = "ended", _("Afsluttet")

    ACTIVE = (Status.PENDING, Status.APPROVED)

    relative = models.ForeignKey(
        USER, verbose_name=_("pårørende"), on_delete=models.CASCADE, related_name="memberships"
    )
    botilbud = models.ForeignKey(
        "home.BotilbudPage",
        verbose_name=_("botilbud"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    relation = models.CharField(
        _("tilknytning"),
        max_length=200,
        help_text=_("F.eks. »søster til en beboer« eller »i netværket omkring en beboer«."),
    )
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
    ended_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("tilknytning")
        verbose_name_plural = _("tilknytninger")
        constraints = [
            models.UniqueConstraint(
                fields=["relative", "botilbud"],
                condition=Q(status__in=["pending", "approved"]),
                name="membership_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.relative_id} – {self.botilbud_id} ({self.status})"


class HomeDialogSettings(models.Model):
    """Per home: who leads it (escalations go there) and the promised answer times."""

    botilbud = models.OneToOneField(
        "home.BotilbudPage",
        verbose_name=_("botilbud"),
        on_delete=models.CASCADE,
        related_name="dialog_settings",
    )
    leader = models.ForeignKey(
        USER,
        verbose_name=_("leder"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    concern_response_days = models.PositiveSmallIntegerField(
        _("svarfrist for bekymringer (arbejdsdage)"), default=2
    )
    other_response_days = models.PositiveSmallIntegerField(
        _("svarfrist for andre henvendelser (arbejdsdage)"), default=5
    )
    # Whom relatives reach outside the dialog (shown on the home's dialog page).
    contact_name = models.CharField(_("kontaktperson for pårørende"), max_length=200, blank=True)
    contact_phone = models.CharField(_("telefon for pårørende"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-mail for pårørende"), max_length=254, blank=True)
    contact_hours = models.CharField(_("hvornår man kan ringe"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("dialogindstillinger")
        verbose_name_plural = _("dialogindstillinger")

    def __str__(self) -> str:
        return str(self.botilbud_id)


class Thread(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", _("Spørgsmål")
        CONCERN = "concern", _("Bekymring")
        SUGGESTION = "suggestion", _("Forslag")
        PRAISE = "praise", _("Ros")

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Privat – kun dig og personalet")
        SHARED = "shared", _("Delt med botilbuddets pårørende")

    botilbud = models.ForeignKey(
        "home.BotilbudPage",
        verbose_name=_("botilbud"),
        on_delete=models.CASCADE,
        related_name="threads",
    )
    kind = models.CharField(_("slags"), max_length=12, choices=Kind.choices)
    subject = models.CharField(_("emne"), max_length=200)
    visibility = models.CharField(
        _("synlighed"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # A private thread's relative (the one person besides staff who sees it); empty for
    # shared threads and for private threads whose relative deleted their data.
    relative = models.ForeignKey(
        USER,
        verbose_name=_("pårørende"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="private_threads",
    )
    started_by = models.ForeignKey(
        USER,
        verbose_name=_("startet af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_by_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("seneste besked"), null=True, blank=True)
    # Time to first staff answer: set by the first published staff message.
    first_staff_reply_at = models.DateTimeField(_("første svar"), null=True, blank=True)
    due_at = models.DateTimeField(_("svarfrist"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("sendt til leder"), null=True, blank=True)
    closed_at = models.DateTimeField(_("lukket"), null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        verbose_name = _("tråd")
        verbose_name_plural = _("tråde")
        indexes = [
            models.Index(fields=["botilbud", "visibility", "last_message_at"], name="thread_home"),
            models.Index(fields=["relative", "last_message_at"], name="thread_relative"),
            models.Index(fields=["first_staff_reply_at", "due_at"], name="thread_due"),
        ]

    def __str__(self) -> str:
        return self.subject


class Message(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Afventer godkendelse")
        PUBLISHED = "published", _("Synlig")
        REJECTED = "rejected", _("Afvist")
        HIDDEN = "hidden", _("Skjult")

    class Source(models.TextChoices):
        WEB = "web", _("Hjemmesiden")
        EMAIL = "email", _("Svar på mail")

    thread = models.ForeignKey(
        Thread, verbose_name=_("tråd"), on_delete=models.CASCADE, related_name="messages"
    )
    # Empty when the author deleted their data: shown as "slettet pårørende".
    author = models.ForeignKey(
        USER,
        verbose_name=_("afsender"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dialog_messages",
    )
    author_is_staff = models.BooleanField(_("fra personalet"), default=False)
    # Plain text as written; rendered through dialog.sanitise (links made clickable).
    body = models.TextField(_("besked"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    source = models.CharField(max_length=5, choices=Source.choices, default=Source.WEB)
    created_at = models.DateTimeField(_("skrevet"), auto_now_add=True)
    moderated_by = models.ForeignKey(
        USER,
        verbose_name=_("modereret af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("modereret"), null=True, blank=True)
    moderation_reason = models.TextField(_("begrundelse"), blank=True)
    # Set when staff moved the post out of a shared thread into a private one.
    moved_from = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("besked")
        verbose_name_plural = _("beskeder")
        indexes = [
            models.Index(fields=["thread", "status", "created_at"], name="message_thread"),
            models.Index(fields=["status", "created_at"], name="message_queue"),
        ]

    def __str__(self) -> str:
        # Never the text: this label is kept in audit logs after the message is deleted.
        return f"Besked {self.pk}"


class Attachment(models.Model):
    """An image or PDF on a message in a private thread, checked by its content."""

    message = models.ForeignKey(
        Message, verbose_name=_("besked"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("fil"), upload_to="dialog/%Y/%m/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("vedhæftet fil")
        verbose_name_plural = _("vedhæftede filer")

    def __str__(self) -> str:
        return self.original_name


class Report(models.Model):
    """A relative flags a shared post for the moderation queue."""

    message = models.ForeignKey(
        Message, verbose_name=_("besked"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        USER, verbose_name=_("anmeldt af"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("hvorfor"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("anmeldt"), auto_now_add=True)
    handled_at = models.DateTimeField(_("behandlet"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("anmeldelse")
        verbose_name_plural = _("anmeldelser")
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="report_once_per_reporter")
        ]

    def __str__(self) -> str:
        return f"{self.message_id}"


class StaffPreference(models.Model):
    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("Med det samme")
        SUMMARY = "summary", _("Samlet oversigt to gange om dagen")

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="dialog_preference")
    mode = models.CharField(
        _("besked om nye henvendelser"),
        max_length=10,
        choices=Mode.choices,
        default=Mode.IMMEDIATE,
    )
    summary_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("medarbejders indstilling")
        verbose_name_plural = _("medarbejderes indstillinger")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.mode}"


class ThreadRead(models.Model):
    """When a relative last opened a thread: what was published since, by others, is unread.

    One row per relative and thread, moved forward on every visit; the header's unread count
    compares it with the thread's messages in one query (index: the unique pair).
    """

    relative = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="thread_reads")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField()

    class Meta:
        verbose_name = _("læst tråd")
        verbose_name_plural = _("læste tråde")
        constraints = [
            models.UniqueConstraint(fields=["relative", "thread"], name="thread_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.relative_id}: {self.thread_id}"
