"""The calendar across all homes and partners: filters, list and month views (theme 1.2)."""

import calendar
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

from .base import LeanPage, page_number
from .events import Audience, EventPage

CALENDAR_PAGE_SIZE = 20


class AccessibilityFilter(NamedTuple):
    field: str
    label: str


# The calendar's accessibility checkboxes: query value → EventPage field and its short label.
ACCESSIBILITY_FILTERS: dict[str, AccessibilityFilter] = {
    "trinfri": AccessibilityFilter("step_free", _("Trinfri adgang")),
    "handicaptoilet": AccessibilityFilter("accessible_toilet", _("Handicaptoilet")),
    "teleslynge": AccessibilityFilter("hearing_loop", _("Teleslynge")),
    "stille-rum": AccessibilityFilter("quiet_room", _("Stille rum")),
}

# How far from today previous/next month links may lead (the month list offers ±12 months).
MONTH_RANGE_YEARS = 10


class CalendarView(models.TextChoices):
    LIST = "liste", _("Liste")
    MONTH = "maaned", _("Måned")


def parse_month(value: str | None) -> dt.date | None:
    """The first day of a month given as "2026-12"; None unless it is a real month near today."""
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", value or "")
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or abs(year - timezone.localdate().year) > MONTH_RANGE_YEARS:
        return None
    return dt.date(year, month, 1)


def shift_month(first: dt.date, months: int) -> dt.date:
    year, month = divmod(first.month - 1 + months, 12)
    return dt.date(first.year + year, month + 1, 1)


def month_label(first: dt.date) -> str:
    return date_format(first, "F Y")


def month_choices(today: dt.date) -> list[tuple[str, str]]:
    """Twelve months back and twelve ahead, as ("2026-11", "november 2026")."""
    first = today.replace(day=1)
    months = (shift_month(first, offset) for offset in range(-12, 13))
    return [("", _("Alle måneder")), *((day.strftime("%Y-%m"), month_label(day)) for day in months)]


def month_bounds(first: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month beginning on `first` as [start, end) in the site's time zone."""
    return (
        timezone.make_aware(dt.datetime.combine(first, dt.time.min)),
        timezone.make_aware(dt.datetime.combine(shift_month(first, 1), dt.time.min)),
    )


class MonthField(forms.ChoiceField):
    """A month as "2026-12". The list offers the two years around today, but the previous and
    next month links may lead further, so any real month within MONTH_RANGE_YEARS is accepted."""

    def valid_value(self, value) -> bool:
        return parse_month(value) is not None


class CalendarFilterForm(forms.Form):
    """The calendar's filters. Bad values are reported and ignored, never a server error.

    Homes and organisations are plain choices (one light query each) rather than model
    choices: the filter needs only the id or slug, never the objects themselves.
    """

    home = forms.TypedChoiceField(
        label=_("Botilbud"),
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Vi kender ikke det botilbud. Vælg et fra listen.")},
    )
    organisation = forms.ChoiceField(
        label=_("Arrangør"),
        required=False,
        error_messages={"invalid_choice": _("Vi kender ikke den arrangør. Vælg en fra listen.")},
    )
    audience = forms.ChoiceField(
        label=_("For hvem"),
        choices=[("", _("Alle")), *Audience.choices],
        required=False,
        error_messages={"invalid_choice": _("Vælg en målgruppe fra listen.")},
    )
    month = MonthField(
        label=_("Måned"),
        required=False,
        error_messages={"invalid_choice": _("Vælg en måned fra listen.")},
    )
    tilgaengelighed = forms.MultipleChoiceField(
        label=_("Tilgængelighed"),
        choices=[(value, feature.label) for value, feature in ACCESSIBILITY_FILTERS.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "Vi kender ikke alle de valgte ønsker til tilgængelighed. "
                "De ukendte er sprunget over."
            )
        },
    )
    past = forms.BooleanField(label=_("Vis også tidligere arrangementer"), required=False)
    visning = forms.ChoiceField(
        label=_("Visning"),
        choices=CalendarView.choices,
        required=False,
        error_messages={"invalid_choice": _("Vælg at se kalenderen som liste eller måned.")},
    )

    def __init__(self, *args, **kwargs):
        from .organisations import Organisation
        from .pages import BotilbudPage

        super().__init__(*args, **kwargs)
        homes = BotilbudPage.objects.live().public().order_by("title")
        # The slug too, for the chosen home's own feed, at no extra query.
        self.home_slugs = {
            pk: (slug, title) for pk, title, slug in homes.values_list("pk", "title", "slug")
        }
        self.fields["home"].choices = [
            ("", _("Alle botilbud")),
            *((pk, title) for pk, (slug, title) in self.home_slugs.items()),
        ]
        organisations = Organisation.objects.order_by("name").values_list("slug", "name")
        self.fields["organisation"].choices = [("", _("Alle arrangører")), *organisations]
        self.fields["month"].choices = month_choices(timezone.localdate())

    def valid_filters(self) -> dict:
        """The filters that passed validation; invalid ones are dropped (and shown as errors).

        Of the accessibility boxes only the unknown values are dropped: the known ones beside
        them still apply, so nothing the person ticked is lost.
        """
        self.is_valid()
        filters = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and value not in (None, "", False, [])
        }
        if "tilgaengelighed" in self.errors:
            sent = self["tilgaengelighed"].data or []
            known = [value for value in dict.fromkeys(sent) if value in ACCESSIBILITY_FILTERS]
            if known:
                filters["tilgaengelighed"] = known
        return filters


def filter_query(filters: dict, **changes) -> str:
    """The calendar's query string for these valid filters, changed as given (None removes).

    Links are built from the valid filters only, so a bad value is reported once and does not
    follow the person from view to view.
    """
    pairs = []
    for name, value in {**filters, **changes}.items():
        if value in (None, "", False, []):
            continue
        values = value if isinstance(value, list) else ["1" if value is True else value]
        pairs.extend((name, item) for item in values)
    return urlencode(pairs)


@dataclass
class CalendarEntry:
    """An event on one day of the month view."""

    event: EventPage
    when: str
    # The first day the event is shown on this month: it carries "add to my calendar".
    first_shown: bool


@dataclass
class CalendarDay:
    date: dt.date
    in_month: bool
    is_today: bool
    entries: list[CalendarEntry]


@dataclass
class CalendarWeek:
    number: int
    days: list[CalendarDay]


@dataclass
class MonthGrid:
    first: dt.date
    weeks: list[CalendarWeek]

    @property
    def label(self) -> str:
        return month_label(self.first)

    @property
    def weekdays(self) -> list[str]:
        monday = dt.date(2024, 1, 1)
        return [capfirst(date_format(monday + dt.timedelta(days=n), "l")) for n in range(7)]

    @property
    def days_with_events(self) -> list[CalendarDay]:
        return [day for week in self.weeks for day in week.days if day.entries]

    @property
    def event_count(self) -> int:
        return len({entry.event.pk for day in self.days_with_events for entry in day.entries})


def _clock(moment: dt.datetime) -> str:
    return moment.strftime("%H.%M")


def _last_day(start: dt.datetime, end: dt.datetime | None, all_day: bool) -> dt.date:
    """The last local day an event takes place on; a timed one ending at midnight is over."""
    if end is None or end <= start:
        return start.date()
    if not all_day and end.time() == dt.time.min:
        return (end - dt.timedelta(days=1)).date()
    return end.date()


def _entry_when(event, start, end, day: dt.date, last_day: dt.date) -> str:
    if event.all_day:
        return _("Hele dagen")
    if start.date() == last_day:
        return f"{_clock(start)}–{_clock(end)}" if end and end > start else _clock(start)
    if day == start.date():
        return _("Fra %(time)s") % {"time": _clock(start)}
    if day == last_day:
        return _("Til %(time)s") % {"time": _clock(end)}
    return _("Hele dagen")


def month_grid(first: dt.date, events, today: dt.date) -> MonthGrid:
    """Lay a month's events out on its weeks (Monday first); a long event is on each day."""
    last_of_month = shift_month(first, 1) - dt.timedelta(days=1)
    by_day: dict[dt.date, list[CalendarEntry]] = defaultdict(list)
    for event in events:
        start = timezone.localtime(event.start)
        end = timezone.localtime(event.end) if event.end else None
        last_day = _last_day(start, end, event.all_day)
        first_shown = day = max(start.date(), first)
        while day <= min(last_day, last_of_month):
            when = _entry_when(event, start, end, day, last_day)
            by_day[day].append(CalendarEntry(event, when, day == first_shown))
            day += dt.timedelta(days=1)
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        first.year, first.month
    )
    return MonthGrid(
        first,
        [
            CalendarWeek(
                number=week[0].isocalendar().week,
                days=[
                    CalendarDay(
                        date=day,
                        in_month=day.month == first.month,
                        is_today=day == today and day.month == first.month,
                        entries=by_day.get(day, []),
                    )
                    for day in week
                ],
            )
            for week in weeks
        ],
    )


def month_links(filters: dict, shown: dt.date, today: dt.date) -> dict:
    """Previous, next and this month, keeping the view and the other filters."""
    links = {"this": filter_query(filters, month=today.strftime("%Y-%m"))}
    for name, offset in (("previous", -1), ("next", 1)):
        target = shift_month(shown, offset)
        if parse_month(target.strftime("%Y-%m")):
            links[name] = {
                "query": filter_query(filters, month=target.strftime("%Y-%m")),
                "label": month_label(target),
            }
    return links


def month_options(form: CalendarFilterForm, shown: dt.date | None, month_view: bool) -> list:
    """The month list, with the month shown selected even when it lies outside the list."""
    options = list(form.fields["month"].choices)
    if month_view:
        options = options[1:]  # "all months" has no meaning when one month is shown
    if shown and shown.strftime("%Y-%m") not in {value for value, label in options}:
        options = sorted([*options, (shown.strftime("%Y-%m"), month_label(shown))])
    return options


def filter_feed(form: CalendarFilterForm, filters: dict) -> dict | None:
    """The feed of the chosen home (or else organiser), offered beside the whole calendar's."""
    if home := filters.get("home"):
        slug, title = form.home_slugs[home]
        return {
            "path": reverse("feeds:home_ics", args=[slug]),
            "label": _("Abonnér på alle arrangementer på %(home)s") % {"home": title},
        }
    if organisation := filters.get("organisation"):
        name = dict(form.fields["organisation"].choices)[organisation]
        return {
            "path": reverse("feeds:organisation_ics", args=[organisation]),
            "label": _("Abonnér på alle arrangementer med %(name)s") % {"name": name},
        }
    return None


class EventIndexPage(LeanPage, Page):
    """The calendar across all homes and partners, as a list or a month."""

    intro = models.TextField(_("indledning"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.EventPage"]

    class Meta:
        verbose_name = _("kalender")
        verbose_name_plural = _("kalendere")

    def matching_events(self, filters: dict, user=None):
        """Live events ``user`` may see (see EventQuerySet.visible_to) of the chosen home,
        organiser, audience and accessibility."""
        events = EventPage.objects.live().public().visible_to(user).for_card()
        if home := filters.get("home"):
            events = events.filter(botilbud_id=home)
        if organisation := filters.get("organisation"):
            events = events.filter(organiser__slug=organisation)
        if audience := filters.get("audience"):
            events = events.filter(audience=audience)
        if features := filters.get("tilgaengelighed"):
            # Every ticked feature must be there.
            events = events.filter(
                **{ACCESSIBILITY_FILTERS[value].field: True for value in features}
            )
        return events

    def filtered_events(self, filters: dict, now: dt.datetime | None = None, user=None):
        """The list view: upcoming events, or those of a chosen month."""
        now = now or timezone.now()
        events = self.matching_events(filters, user)
        month_end = None
        if first := parse_month(filters.get("month")):
            month_start, month_end = month_bounds(first)
            events = events.filter(start__lt=month_end, ends_at__gte=month_start)
        # Past events are hidden by default, unless asked for or a past month was chosen.
        if not filters.get("past") and not (month_end and month_end <= now):
            events = events.filter(ends_at__gte=now)
        return events.order_by("start", "pk")

    def events_in_month(self, filters: dict, first: dt.date, user=None):
        """The month view: every matching event on a day of the month, its past days too."""
        month_start, month_end = month_bounds(first)
        events = self.matching_events(filters, user).filter(
            start__lt=month_end, ends_at__gte=month_start
        )
        return events.order_by("start", "pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        form = CalendarFilterForm(request.GET or None)
        filters = form.valid_filters() if request.GET else {}
        today = timezone.localdate()
        month_view = filters.get("visning") == CalendarView.MONTH
        shown_month = parse_month(filters.get("month"))
        if month_view:
            shown_month = shown_month or today.replace(day=1)
            events = self.events_in_month(filters, shown_month, request.user)
            context["grid"] = month_grid(shown_month, events, today)
        else:
            paginator = Paginator(
                self.filtered_events(filters, user=request.user), CALENDAR_PAGE_SIZE
            )
            context["page_obj"] = paginator.get_page(page_number(request.GET.get("page")))
            context["querystring_without_page"] = _querystring_without_page(request)
        context.update(
            form=form,
            filters=filters,
            # A chosen filter (not just the view or month) keeps the filters open on a phone.
            filters_chosen=any(name not in ("visning", "month") for name in filters),
            month_view=month_view,
            shown_month=shown_month,
            month_options=month_options(form, shown_month, month_view),
            month_links=month_links(filters, shown_month, today) if shown_month else None,
            view_links={
                "list": filter_query(filters, visning=None),
                "month": filter_query(filters, visning=CalendarView.MONTH),
            },
            filter_feed=filter_feed(form, filters),
        )
        return context


def _querystring_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
