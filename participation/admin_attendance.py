"""Admin: the sign-ups per event (who is coming, who waits) and a printable attendance list
for each event, as a page to print (print CSS) and as a PDF (WeasyPrint).

Staff see their own homes' events only; municipal admins all. Another home's event is
refused with a plain 403, an unknown event is a 404. The paper list carries names, party
sizes and notes, never addresses: it lies on a table at the door.
"""

import datetime as dt

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from access.rules import staff_home_ids
from home.models import EventPage

from .models import EventSignup

# Page ids are 32-bit; a larger number names no event and must not reach the database.
MAX_ID = 2**31 - 1
# The overview shows events from this long ago on, so yesterday's list can still be printed.
RECENT_DAYS = 14
Status = EventSignup.Status


def forbidden() -> HttpResponseForbidden:
    return HttpResponseForbidden(
        _("Du kan kun se tilmeldinger til dit eget botilbuds arrangementer.")
    )


def own_signup_events(user):
    """Events with sign-up on the user's homes (all for superusers), with their counts:
    one query whatever the number of events."""
    homes = staff_home_ids(user)
    events = EventPage.objects.filter(signup_enabled=True)
    if homes is not None:
        events = events.filter(botilbud_id__in=homes)
    confirmed = Q(signups__status=Status.CONFIRMED)
    waiting = Q(signups__status=Status.WAITLISTED)
    return events.annotate(
        home_title=F("botilbud__title"),
        confirmed_count=Count("signups", filter=confirmed),
        confirmed_people=Coalesce(Sum("signups__party_size", filter=confirmed), 0),
        waiting_count=Count("signups", filter=waiting),
        waiting_people=Coalesce(Sum("signups__party_size", filter=waiting), 0),
    )


class AttendanceOverviewView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "participation/admin/attendance_overview.html"
    page_title = gettext_lazy("Deltagerlister")
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        if staff_home_ids(request.user) == []:
            return forbidden()
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
        events = own_signup_events(self.request.user).filter(start__gte=since).order_by("start")
        context["events"] = list(events[:200])
        context["signups_url"] = reverse("participation_signups:index")
        return context


def _event_for(request, event_id: int) -> EventPage | HttpResponseForbidden:
    if event_id > MAX_ID:
        raise Http404
    event = get_object_or_404(EventPage.objects.filter(signup_enabled=True), pk=event_id)
    homes = staff_home_ids(request.user)
    if homes is None:
        return event
    if event.botilbud_id is None or event.botilbud_id not in homes:
        return forbidden()
    return event


def attendance_context(event: EventPage) -> dict:
    signups = EventSignup.objects.filter(event=event, status__in=EventSignup.ACTIVE)
    confirmed = list(signups.filter(status=Status.CONFIRMED).order_by("name", "pk"))
    waiting = list(signups.filter(status=Status.WAITLISTED).order_by("created_at", "pk"))
    return {
        "event": event,
        "home_title": event.botilbud.title if event.botilbud_id else "",
        "confirmed": confirmed,
        "waiting": waiting,
        "confirmed_people": sum(signup.party_size for signup in confirmed),
        "waiting_people": sum(signup.party_size for signup in waiting),
        "printed_at": timezone.localtime(),
    }


def attendance_list(request, event_id: int):
    """The list as a page to print (the browser's print dialog, print CSS)."""
    event = _event_for(request, event_id)
    if isinstance(event, HttpResponse):
        return event
    context = attendance_context(event)
    context.update(
        pdf=False,
        pdf_url=reverse("participation_attendance_pdf", args=[event.pk]),
        back_url=reverse("participation_attendance"),
    )
    return TemplateResponse(request, "participation/admin/attendance_list.html", context)


def attendance_pdf(request, event_id: int):
    """The same list as a PDF, laid out by WeasyPrint from the same template."""
    event = _event_for(request, event_id)
    if isinstance(event, HttpResponse):
        return event
    # Imported here: WeasyPrint loads Pango (a Debian library, see the Makefile's pdf-deps)
    # when imported, and only this view needs it.
    try:
        from weasyprint import HTML
    except OSError:
        return HttpResponse(
            _("PDF kan ikke laves på denne server. Brug »Udskriv« på deltagerlisten i stedet."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    context = attendance_context(event)
    context["pdf"] = True
    html = render_to_string("participation/admin/attendance_list.html", context, request=request)
    # No base_url: the template links nothing, so WeasyPrint fetches nothing.
    pdf = HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"deltagerliste-{slugify(event.slug or event.title) or event.pk}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@hooks.register("register_admin_urls")
def register_attendance_urls():
    return [
        path(
            "deltagelse/deltagerlister/",
            AttendanceOverviewView.as_view(),
            name="participation_attendance",
        ),
        path(
            "deltagelse/deltagerlister/<id:event_id>/",
            attendance_list,
            name="participation_attendance_list",
        ),
        path(
            "deltagelse/deltagerlister/<id:event_id>/pdf/",
            attendance_pdf,
            name="participation_attendance_pdf",
        ),
    ]
