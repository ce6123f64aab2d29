"""Admin: each home's staff answer relatives who ask to be connected to their home, and
can end a connection; municipal admins (superusers) see every home. The buttons post to
services; staff of one home acting on another home's connection get a plain 403."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.ui.components import Component

from access.admin_menu import StaffMenuItem
from access.models import ReadLog
from access.reads import record_list_read
from access.rules import is_staff_of, staff_home_ids
from home.models import BotilbudPage

from . import membership as services
from .models import Membership

Status = Membership.Status
APPROVED_PER_PAGE = 50
ACTIONS = {"approve": services.approve, "decline": services.decline, "end": services.end}


def _scoped(queryset, user):
    homes = staff_home_ids(user)
    return queryset if homes is None else queryset.filter(botilbud_id__in=homes)


def relative_label(user) -> str:
    """The relative as staff know them: their name, else their address."""
    return user.get_full_name() or user.email or user.get_username()


def _forbidden():
    # A plain 403 rather than Wagtail's redirect to the dashboard: the action is refused.
    return HttpResponseForbidden(_("Du kan kun svare pårørende til dit eget botilbud."))


def memberships_index(request):
    """Pending requests first (all of them: they want an answer), then the connected
    relatives, a page at a time. Three queries whatever the numbers."""
    homes = staff_home_ids(request.user)
    if homes == []:
        return _forbidden()
    record_list_read(request.user, ReadLog.Kind.RELATIVE, homes, _("Pårørende"))
    base = _scoped(Membership.objects.select_related("relative", "botilbud"), request.user)
    pending = list(base.filter(status=Status.PENDING).order_by("requested_at", "pk"))
    approved = Paginator(
        base.filter(status=Status.APPROVED).order_by(
            "botilbud__title",
            "relative__first_name",
            "relative__last_name",
            "relative__email",
            "pk",
        ),
        APPROVED_PER_PAGE,
    ).get_page(request.GET.get("side"))
    for item in (*pending, *approved.object_list):
        item.relative_label = relative_label(item.relative)
    return TemplateResponse(
        request,
        "dialog/membership/admin_index.html",
        {
            "header_title": _("Pårørende"),
            "pending": pending,
            "approved": approved,
        },
    )


@require_POST
def membership_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    item = get_object_or_404(Membership.objects.select_related("relative", "botilbud"), pk=pk)
    if not is_staff_of(request.user, item.botilbud_id):
        return _forbidden()
    before = item.status
    item = ACTIONS[action](item, request.user)
    who = relative_label(item.relative)
    if item.status == before:
        messages.warning(
            request,
            _("Intet er ændret: tilknytningen for %(who)s har allerede status »%(status)s«.")
            % {"who": who, "status": item.get_status_display()},
        )
    elif item.status == Status.APPROVED:
        messages.success(
            request,
            _("%(who)s er nu tilknyttet %(home)s og har fået en mail.")
            % {"who": who, "home": item.botilbud.title},
        )
    elif item.status == Status.DECLINED:
        messages.success(request, _("%(who)s har fået afslag på mail.") % {"who": who})
    else:
        messages.success(
            request,
            _("Tilknytningen mellem %(who)s og %(home)s er afsluttet.")
            % {"who": who, "home": item.botilbud.title},
        )
    return redirect("dialog_memberships")


@hooks.register("register_admin_urls")
def register_membership_urls():
    return [
        path("dialog/paarorende/", memberships_index, name="dialog_memberships"),
        path(
            "dialog/paarorende/<id:pk>/<str:action>/",
            membership_action,
            name="dialog_membership_action",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_membership_menu_item():
    return StaffMenuItem(
        gettext_lazy("Pårørende"),
        reverse("dialog_memberships"),
        name="dialog-memberships",
        icon_name="group",
        order=320,
    )


class PendingMembershipsPanel(Component):
    """On the dashboard: how many relatives wait for an answer, per home."""

    name = "dialog_pending_memberships"
    template_name = "dialog/membership/admin_panel.html"
    order = 90

    def __init__(self, rows):
        self.rows = rows

    def get_context_data(self, parent_context):
        return {"rows": self.rows, "url": reverse("dialog_memberships")}


@hooks.register("construct_homepage_panels")
def add_pending_memberships_panel(request, panels):
    if staff_home_ids(request.user) == []:
        return
    counts = (
        _scoped(Membership.objects.filter(status=Status.PENDING), request.user)
        .values("botilbud_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_home = {row["botilbud_id"]: row["n"] for row in counts}
    if by_home:
        titles = dict(BotilbudPage.objects.filter(pk__in=by_home).values_list("pk", "title"))
        rows = sorted(
            ({"home": titles.get(pk, ""), "count": n} for pk, n in by_home.items()),
            key=lambda row: row["home"],
        )
        panels.append(PendingMembershipsPanel(rows))


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(
        "samspil.membership.request", _("Bed om tilknytning"), _("Bedt om tilknytning")
    )
    actions.register_action(
        "samspil.membership.approve", _("Godkend tilknytning"), _("Tilknytning godkendt")
    )
    actions.register_action(
        "samspil.membership.decline", _("Afvis tilknytning"), _("Tilknytning afvist")
    )
    actions.register_action(
        "samspil.membership.end", _("Afslut tilknytning"), _("Tilknytning afsluttet")
    )
    actions.register_action(
        "samspil.relative.create", _("Opret pårørende"), _("Pårørende oprettet")
    )
