"""Volunteer calls: a home asks relatives, network and associations for a hand (theme 1.1, 2)."""

from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager
from wagtail.search import index

from .base import BelongsToBotilbud, LeanPage, SamspilPageQuerySet


def accepted_volunteers():
    """The number of accepted volunteers of each call, as an aggregate over its signups.

    An aggregate (a join and GROUP BY; a filter on it becomes HAVING) rather than a
    correlated subquery, which the ORM builds and compiles twice when ``open()`` filters on
    it (once in SELECT, once in WHERE): the front page's and a home's listing of calls cost
    about a millisecond less each. Only for querysets without other multi-valued joins.
    """
    from participation.models import VolunteerSignup

    return Count(
        "volunteer_signups",
        filter=Q(volunteer_signups__status=VolunteerSignup.Status.ACCEPTED),
    )


class VolunteerCallQuerySet(SamspilPageQuerySet):
    def open(self):
        """Open, unexpired, and not yet filled by accepted volunteers: a call closes itself."""
        today = timezone.localdate()
        return (
            self.filter(status=VolunteerCallPage.Status.OPEN)
            .annotate(filled=accepted_volunteers())
            .filter(filled__lt=F("people_needed"))
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
            # Soonest deadline first; calls without one after them, on every database.
            .order_by(F("expires_on").asc(nulls_last=True), "-first_published_at", "pk")
        )

    def for_card(self, home_title: bool = True):
        """What a call's card shows; ``home_title=False`` for a home's own listing, whose
        cards do not name the home (no joins to its title)."""
        cards = self.only("title", "url_path", "summary", "when", "people_needed")
        if home_title:
            cards = cards.annotate(home_title=F("botilbud__title"))
        if "filled" not in cards.query.annotations:
            cards = cards.annotate(filled=accepted_volunteers())
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

    class Meta:
        verbose_name = _("frivilligopslag")
        verbose_name_plural = _("frivilligopslag")

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN and (
            self.expires_on is None or self.expires_on >= timezone.localdate()
        )

    def get_context(self, request, *args, **kwargs):
        from participation.forms import VolunteerForm
        from participation.models import VolunteerSignup

        context = super().get_context(request, *args, **kwargs)
        filled = VolunteerSignup.objects.filter(
            call=self, status=VolunteerSignup.Status.ACCEPTED
        ).count()
        context.update(
            volunteers_filled=filled,
            call_open=self.is_open and filled < self.people_needed,
            volunteer_form=VolunteerForm(prefix="volunteer"),
        )
        return context
