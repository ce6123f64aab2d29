"""Volunteer calls: a home asks relatives, network and associations for a hand (theme 1.1, 2)."""

from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager
from wagtail.search import index

from .base import BelongsToBotilbud, LeanPage, SamspilPageQuerySet


class VolunteerCallQuerySet(SamspilPageQuerySet):
    def open(self):
        """Open, unexpired, and not yet filled by accepted volunteers: a call closes itself."""
        today = timezone.localdate()
        return (
            self.filter(status=VolunteerCallPage.Status.OPEN)
            .filter(volunteers_accepted__lt=F("people_needed"))
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
            # Soonest deadline first; calls without one after them, on every database.
            .order_by(F("expires_on").asc(nulls_last=True), "-first_published_at", "pk")
        )

    def for_card(self, home_title: bool = True):
        """What a call's card shows; ``home_title=False`` for a home's own listing, whose
        cards do not name the home (no joins to its title)."""
        cards = self.only(
            "title", "url_path", "summary", "when", "people_needed", "volunteers_accepted"
        )
        if home_title:
            cards = cards.annotate(home_title=F("botilbud__title"))
        return cards


class VolunteerCallPage(LeanPage, BelongsToBotilbud, Page):
    class Status(models.TextChoices):
        OPEN = "open", _("Åben – vi søger stadig")
        FILLED = "filled", _("Besat – tak for hjælpen")
        CLOSED = "closed", _("Lukket")

    summary = models.TextField(_("hvad skal vi have hjælp til?"), max_length=400)
    body = RichTextField(
        _("beskrivelse"), features=["bold", "italic", "ol", "ul", "link"], blank=True
    )
    when = models.CharField(
        _("hvornår"), max_length=200, help_text=_("F.eks. 'Hver tirsdag kl. 14–16' eller en dato.")
    )
    people_needed = models.PositiveSmallIntegerField(_("antal frivillige"), default=1)
    skills = models.TextField(_("det er godt, hvis du"), blank=True)
    contact_name = models.CharField(_("kontaktperson"), max_length=200)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(_("telefon"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    expires_on = models.DateField(
        _("udløber"),
        null=True,
        blank=True,
        help_text=_("Opslaget vises ikke som åbent efter denne dato."),
    )
    # How many volunteers staff have accepted: kept by count_accepted() from the signups
    # (on every change of one, and on every save of the page, so a published revision
    # cannot bring back an old figure), so that listings of open calls need no join to
    # the signups. The count under the call's lock in participation.services stays the
    # authority on whether one more may sign up.
    volunteers_accepted = models.PositiveSmallIntegerField(
        _("frivillige fundet"), default=0, editable=False
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("when"), FieldPanel("people_needed")]),
        FieldPanel("skills"),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("contact_phone")],
            heading=_("Kontakt"),
        ),
        FieldRowPanel([FieldPanel("status"), FieldPanel("expires_on")]),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("skills"),
        index.FilterField("status"),
    ]
    parent_page_types = ["home.BotilbudPage"]
    subpage_types = []

    objects = PageManager.from_queryset(VolunteerCallQuerySet)()
    route_select_related = ("botilbud",)
    exclude_fields_in_copy = ["volunteers_accepted"]

    class Meta:
        verbose_name = _("frivilligopslag")
        verbose_name_plural = _("frivilligopslag")

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN and (
            self.expires_on is None or self.expires_on >= timezone.localdate()
        )

    @staticmethod
    def accepted_signups():
        """The number of accepted volunteers of the call in the outer query, as a subquery."""
        from participation.models import VolunteerSignup

        accepted = (
            VolunteerSignup.objects.filter(
                call_id=OuterRef("pk"), status=VolunteerSignup.Status.ACCEPTED
            )
            .order_by()
            .values("call_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(accepted), Value(0))

    @classmethod
    def count_accepted(cls, call_id: int) -> None:
        """Recount a call's accepted volunteers from its signups, in one UPDATE (so two
        changes at once still leave the true figure)."""
        cls.objects.filter(pk=call_id).update(volunteers_accepted=cls.accepted_signups())

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is None or "volunteers_accepted" in update_fields:
            from participation.models import VolunteerSignup

            accepted = VolunteerSignup.objects.filter(
                call_id=self.pk, status=VolunteerSignup.Status.ACCEPTED
            )
            self.volunteers_accepted = accepted.count() if self.pk else 0
        return super().save(*args, update_fields=update_fields, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from participation.forms import VolunteerForm

        context = super().get_context(request, *args, **kwargs)
        filled = self.volunteers_accepted
        context.update(
            volunteers_filled=filled,
            call_open=self.is_open and filled < self.people_needed,
            volunteer_form=VolunteerForm(prefix="volunteer"),
        )
        return context
