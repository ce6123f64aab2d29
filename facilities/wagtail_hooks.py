"""Admin: each home's staff edit their own facilities and answer the bookings of them
(approve, decline with a reason, cancel); municipal admins see all, and the overview of
shared use across homes. Decisions go through services, never through generic edit forms."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.http import HttpResponseForbidden
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import AdminOnlyMenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from access.rules import is_municipal_admin

from . import services
from .forms import DeclineForm, FacilityAdminForm
from .models import BookerKind, Booking, Facility
from .policies import HomeFacilityPolicy

FACILITY_POLICY = HomeFacilityPolicy(
    Facility, "botilbud", ("add", "change", "delete", "view", "choose")
)
BOOKING_POLICY = HomeFacilityPolicy(Booking, "facility__botilbud", ("view",))
register_permission_policy(Facility, FACILITY_POLICY)
register_permission_policy(Booking, BOOKING_POLICY)


class ScopedObjectMixin:
    """Edit, delete and inspect reach only the rows the policy lets the user act on."""

    object_action = "change"

    def get_object(self, queryset=None):
        rows = self.permission_policy.instances_user_has_permission_for(
            self.request.user, self.object_action
        )
        return get_object_or_404(rows, pk=self.kwargs["pk"])


class ScopedIndexView(generic.IndexView):
    def get_base_queryset(self):
        rows = self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
        return super().get_base_queryset().filter(pk__in=rows.values("pk"))


class FacilityEditView(ScopedObjectMixin, generic.EditView):
    pass


class FacilityDeleteView(ScopedObjectMixin, generic.DeleteView):
    object_action = "delete"


class FeedColumn(Column):
    """The facility's secret calendar address, for its own home's staff."""

    cell_template_name = "facilities/admin/feed_cell.html"

    def get_value(self, instance):
        return services.feed_url(instance)


class FacilityViewSet(ModelViewSet):
    model = Facility
    name = "facilities_admin"
    url_prefix = "faciliteter"
    icon = "home"
    menu_label = gettext_lazy("Faciliteter")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ScopedIndexView
    edit_view_class = FacilityEditView
    delete_view_class = FacilityDeleteView
    list_display = [
        "name",
        "botilbud",
        "shared",
        "capacity",
        FeedColumn("feed", label=gettext_lazy("Kalender (iCal)")),
    ]
    list_filter = ["shared"]
    search_fields = ["name"]

    @property
    def permission_policy(self):
        return FACILITY_POLICY

    def get_edit_handler(self):
        return ObjectList(Facility.panels, base_form_class=FacilityAdminForm).bind_to_model(
            Facility
        )


class DecisionColumn(Column):
    cell_template_name = "facilities/admin/decision_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        if context["request"] is not None:
            context["csrf_token"] = get_token(context["request"])
        return context


class BookingViewSet(ModelViewSet):
    model = Booking
    name = "facilities_bookings"
    url_prefix = "faciliteter/bookinger"
    icon = "date"
    menu_label = gettext_lazy("Bookinger")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ScopedIndexView
    list_display = [
        "facility",
        "start",
        "end",
        "for_whom",
        "name",
        "kind",
        "status",
        DecisionColumn("decision", label=gettext_lazy("Svar")),
    ]
    list_filter = ["status", "kind"]
    search_fields = ["name", "for_whom"]
    exclude_form_fields = ()

    @property
    def permission_policy(self):
        return BOOKING_POLICY


class FacilitiesGroup(ViewSetGroup):
    items = (FacilityViewSet, BookingViewSet)
    menu_icon = "home"
    menu_label = gettext_lazy("Faciliteter")
    menu_order = 306


@hooks.register("register_admin_viewset")
def register_viewsets():
    return FacilitiesGroup()


# -- answering a booking ----------------------------------------------------------------------


def _scoped_booking(request, pk: int) -> Booking:
    rows = BOOKING_POLICY.instances_user_has_permission_for(request.user, "view")
    return get_object_or_404(rows.select_related("facility__botilbud"), pk=pk)


@require_http_methods(["GET", "POST"])
def decide(request, pk: int):
    """Approve, decline (with a reason) or cancel one booking of the user's own homes."""
    booking = _scoped_booking(request, pk)
    form = DeclineForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.approve_booking(booking, user=request.user)
                messages.success(request, _("Bookingen er godkendt, og der er sendt en mail."))
                return redirect("facilities_bookings:index")
            if action in ("decline", "cancel"):
                form = DeclineForm(request.POST)
                if form.is_valid():
                    reason = form.cleaned_data["reason"]
                    if action == "decline":
                        services.decline_booking(booking, user=request.user, reason=reason)
                        messages.success(
                            request, _("Bookingen er afvist, og der er sendt en mail.")
                        )
                    else:
                        services.cancel_booking(booking, user=request.user, reason=reason)
                        messages.success(
                            request, _("Bookingen er aflyst, og der er sendt en mail.")
                        )
                    return redirect("facilities_bookings:index")
            else:
                return HttpResponseForbidden(_("Ukendt handling."))
        except services.NotYourFacility as refused:
            return HttpResponseForbidden(str(refused))
        except services.BookingRefused as refused:
            for message in refused.messages:
                messages.error(request, message)
    return TemplateResponse(
        request,
        "facilities/admin/decide.html",
        {
            "booking": booking,
            "form": form,
            "header_title": _("Svar på booking"),
            "status": 400 if request.method == "POST" else 200,
        },
        status=400 if request.method == "POST" else 200,
    )


# -- the municipality's overview ------------------------------------------------------------


def overview(request):
    """Every facility across homes: how many approved bookings and hours, and by whom."""
    if not is_municipal_admin(request.user):
        raise PermissionDenied
    approved = Q(bookings__status=Booking.Status.APPROVED)
    facilities = (
        Facility.objects.select_related("botilbud")
        .annotate(
            approved=Count("bookings", filter=approved),
            requested=Count("bookings", filter=Q(bookings__status=Booking.Status.REQUESTED)),
        )
        .order_by("botilbud__title", "name")
    )
    bookings = list(
        Booking.objects.approved()
        .values(
            "facility_id",
            "kind",
            home=F("requesting_home__title"),
            association=F("organisation__name"),
        )
        .annotate(count=Count("pk"))
        .order_by("facility_id", "kind", "home", "association")
    )
    spans = Booking.objects.approved().values_list("facility_id", "start", "end")
    hours: dict[int, float] = {}
    for facility_id, start, end in spans.iterator():
        hours[facility_id] = hours.get(facility_id, 0) + (end - start).total_seconds() / 3600
    by_whom: dict[int, list[dict]] = {}
    for row in bookings:
        row["kind_label"] = BookerKind(row["kind"]).label
        by_whom.setdefault(row["facility_id"], []).append(row)
    rows = [
        {
            "facility": facility,
            "approved": facility.approved,
            "requested": facility.requested,
            "hours": round(hours.get(facility.pk, 0), 1),
            "by_whom": by_whom.get(facility.pk, []),
        }
        for facility in facilities
    ]
    return TemplateResponse(
        request,
        "facilities/admin/overview.html",
        {"rows": rows, "header_title": _("Faciliteter på tværs af botilbud")},
    )


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("faciliteter/svar/<id:pk>/", decide, name="facilities_decide"),
        path("faciliteter/oversigt/", overview, name="facilities_overview"),
    ]


@hooks.register("register_reports_menu_item")
def register_overview_menu_item():
    return AdminOnlyMenuItem(
        gettext_lazy("Faciliteter på tværs"),
        reverse("facilities_overview"),
        icon_name="home",
        order=720,
    )


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("samspil.booking.request", _("Bed om booking"), _("Booking ønsket"))
    actions.register_action("samspil.booking.book", _("Book"), _("Booket direkte"))
    actions.register_action("samspil.booking.approve", _("Godkend booking"), _("Booking godkendt"))
    actions.register_action("samspil.booking.decline", _("Afvis booking"), _("Booking afvist"))
    actions.register_action("samspil.booking.cancel", _("Aflys booking"), _("Booking aflyst"))
