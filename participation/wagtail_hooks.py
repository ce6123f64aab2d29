"""Admin: each home's staff see the sign-ups, volunteers and proposals of their own home
only (export sign-ups as CSV, accept or decline volunteers, mark proposals handled);
municipal admins see all. Changes go through services, never through generic edit forms."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponseForbidden
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from access.models import ReadLog
from access.reads import record_list_read, record_read
from access.rules import staff_home_ids
from home.models import EventPage, HomeStaffAccess

from . import admin_attendance, services  # noqa: F401 (admin_attendance registers its hooks)
from .admin_exports import DanishExportMixin
from .models import ActivityProposal, EventSignup, VolunteerSignup


class HomeScopedPolicy(ModelPermissionPolicy):
    """View only: superusers, holders of the model's view permission and every home's
    staff may look; which rows they see is scoped by the views (``home_path``). Nobody
    adds, edits or deletes through the generic views."""

    def __init__(self, model, home_path: str):
        super().__init__(model)
        self.home_path = home_path

    def user_has_permission(self, user, action):
        if action != "view" or not (user.is_active and user.is_authenticated):
            return False
        if user.is_superuser or super().user_has_permission(user, action):
            return True
        return HomeStaffAccess.objects.filter(group__in=user.groups.all()).exists()

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        staff_groups = HomeStaffAccess.objects.values("group_id")
        return (
            get_user_model()
            .objects.filter(Q(is_superuser=True) | Q(groups__in=staff_groups), is_active=True)
            .distinct()
        )

    def scope(self, queryset, user):
        homes = staff_home_ids(user)
        if homes is None:
            return queryset
        return queryset.filter(**{f"{self.home_path}__in": homes})


class ScopedIndexView(DanishExportMixin, IndexView):
    def get(self, request, *args, **kwargs):
        # Opening a list of people's sign-ups is a read of their data (access.reads).
        record_list_read(
            request.user,
            READ_KINDS[self.model],
            staff_home_ids(request.user),
            str(self.model._meta.verbose_name_plural),
        )
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        return self.permission_policy.scope(super().get_base_queryset(), self.request.user)


class ScopedInspectView(InspectView):
    def get_object(self, queryset=None):
        scoped = self.permission_policy.scope(self.model._default_manager.all(), self.request.user)
        item = get_object_or_404(scoped, pk=self.pk)
        record_read(
            self.request.user,
            READ_KINDS[self.model],
            botilbud_id=item_home_id(item),
            object_id=item.pk,
            label=str(item),
        )
        return item


HOME_PATHS = {
    EventSignup: "event__botilbud",
    VolunteerSignup: "call__botilbud",
    ActivityProposal: "botilbud",
}
READ_KINDS = {
    EventSignup: ReadLog.Kind.SIGNUPS,
    VolunteerSignup: ReadLog.Kind.VOLUNTEERS,
    ActivityProposal: ReadLog.Kind.PROPOSALS,
}


def item_home_id(item) -> int | None:
    if isinstance(item, EventSignup):
        return item.event.botilbud_id
    if isinstance(item, VolunteerSignup):
        return item.call.botilbud_id
    return item.botilbud_id


for _model, _home_path in HOME_PATHS.items():
    register_permission_policy(_model, HomeScopedPolicy(_model, _home_path))


class ScopedViewSet(ModelViewSet):
    index_view_class = ScopedIndexView
    inspect_view_class = ScopedInspectView
    add_to_admin_menu = False
    copy_view_enabled = False
    # The add and edit views exist but the policy lets nobody reach them.
    exclude_form_fields = ()


def own_events(request):
    """The sign-up events the filter offers: the user's own homes' only, so no other home's
    event (a relatives-only one included) is named in the list."""
    homes = staff_home_ids(request.user)
    events = EventPage.objects.filter(signup_enabled=True).order_by("-start")
    return events if homes is None else events.filter(botilbud_id__in=homes)


class EventSignupFilterSet(WagtailFilterSet):
    event = django_filters.ModelChoiceFilter(queryset=own_events, label=gettext_lazy("Arrangement"))

    class Meta:
        model = EventSignup
        fields = ["status", "event"]


class EventSignupIndexView(ScopedIndexView):
    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                gettext_lazy("Deltagerlister"),
                url=reverse("participation_attendance"),
                icon_name="list-ul",
            ),
        ]


class EventSignupViewSet(ScopedViewSet):
    model = EventSignup
    index_view_class = EventSignupIndexView
    name = "participation_signups"
    url_prefix = "deltagelse/tilmeldinger"
    icon = "form"
    menu_label = gettext_lazy("Tilmeldinger")
    list_display = ["name", "email", "party_size", "status", "event", "created_at", "note"]
    filterset_class = EventSignupFilterSet
    search_fields = ["name", "email"]
    list_export = [
        "event",
        "name",
        "email",
        "party_size",
        "status",
        "note",
        "created_at",
        "promoted_at",
        "cancelled_at",
    ]
    export_filename = "tilmeldinger"


class ActionColumn(Column):
    """A cell with POST buttons: the table renders cells without the request's CSRF token."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        if context["request"] is not None:
            context["csrf_token"] = get_token(context["request"])
        return context


class DecisionColumn(ActionColumn):
    cell_template_name = "participation/admin/decision_cell.html"


class VolunteerSignupViewSet(ScopedViewSet):
    model = VolunteerSignup
    name = "participation_volunteers"
    url_prefix = "deltagelse/frivillige"
    icon = "group"
    menu_label = gettext_lazy("Frivillige")
    list_display = [
        "name",
        "email",
        "phone",
        "call",
        "availability",
        "status",
        "created_at",
        DecisionColumn("decision", label=gettext_lazy("Svar")),
    ]
    list_filter = ["status", "call"]
    search_fields = ["name", "email"]
    list_export = [
        "call",
        "name",
        "email",
        "phone",
        "availability",
        "message",
        "status",
        "created_at",
        "decided_at",
    ]
    export_filename = "frivillige"
    inspect_view_enabled = True


class ProposalColumn(ActionColumn):
    cell_template_name = "participation/admin/proposal_cell.html"


class ActivityProposalViewSet(ScopedViewSet):
    model = ActivityProposal
    name = "participation_proposals"
    url_prefix = "deltagelse/forslag"
    icon = "help"
    menu_label = gettext_lazy("Forslag til aktiviteter")
    list_display = [
        "title",
        "botilbud",
        "name",
        "email",
        "status",
        "created_at",
        ProposalColumn("handle", label=gettext_lazy("Behandlet")),
    ]
    list_filter = ["status"]
    search_fields = ["title", "name", "email"]
    inspect_view_enabled = True


class ParticipationGroup(ViewSetGroup):
    items = (EventSignupViewSet, VolunteerSignupViewSet, ActivityProposalViewSet)
    menu_icon = "group"
    menu_label = gettext_lazy("Deltagelse")
    menu_order = 305


@hooks.register("register_admin_viewset")
def register_viewsets():
    return ParticipationGroup()


def _scoped(model, pk: int, user):
    """The row if it belongs to one of the user's homes; None if it is another home's."""
    obj = get_object_or_404(model, pk=pk)
    policy = HomeScopedPolicy(model, HOME_PATHS[model])
    if not policy.scope(model.objects.filter(pk=pk), user).exists():
        return None
    return obj


def _forbidden():
    # A plain 403 rather than Wagtail's redirect to the dashboard: the action is refused.
    return HttpResponseForbidden(_("Du kan kun svare på henvendelser til dit eget botilbud."))


@require_POST
def decide_volunteer(request, pk: int, decision: str):
    signup = _scoped(VolunteerSignup, pk, request.user)
    if signup is None or decision not in ("accept", "decline"):
        return _forbidden()
    signup = services.decide_volunteer(signup, accept=decision == "accept", user=request.user)
    if signup.status == VolunteerSignup.Status.ACCEPTED:
        messages.success(
            request, _("%(name)s er accepteret og har fået en mail.") % {"name": signup.name}
        )
    else:
        messages.success(
            request, _("%(name)s har fået et nej tak på mail.") % {"name": signup.name}
        )
    return redirect("participation_volunteers:index")


@require_POST
def handle_proposal(request, pk: int):
    proposal = _scoped(ActivityProposal, pk, request.user)
    if proposal is None:
        return _forbidden()
    services.mark_proposal_handled(proposal, user=request.user)
    messages.success(request, _("Forslaget er markeret som behandlet."))
    return redirect("participation_proposals:index")


@hooks.register("register_admin_urls")
def register_action_urls():
    return [
        path(
            "deltagelse/svar/frivillig/<id:pk>/<str:decision>/",
            decide_volunteer,
            name="participation_decide_volunteer",
        ),
        path(
            "deltagelse/svar/forslag/<id:pk>/behandlet/",
            handle_proposal,
            name="participation_handle_proposal",
        ),
    ]


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("samspil.signup.create", _("Tilmelding"), _("Tilmeldt"))
    actions.register_action("samspil.signup.cancel", _("Afmelding"), _("Afmeldt"))
    actions.register_action(
        "samspil.signup.promote", _("Ryk op fra venteliste"), _("Rykket op fra venteliste")
    )
    actions.register_action("samspil.volunteer.create", _("Meld sig"), _("Meldt sig"))
    actions.register_action("samspil.volunteer.accept", _("Acceptér"), _("Accepteret"))
    actions.register_action("samspil.volunteer.decline", _("Sig nej tak"), _("Sagt nej tak"))
    actions.register_action("samspil.proposal.create", _("Foreslå"), _("Foreslået"))
    actions.register_action("samspil.proposal.handled", _("Behandl"), _("Behandlet"))
