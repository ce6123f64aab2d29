"""What every staff screen of the dialog shares: whose homes the user may see, the "Dialog"
menu and its items, and the base view that refuses users with no home.

Whose homes is worked out once per request and cached on it; every list and action scopes
by it.
"""

from django.db.models import Prefetch
from django.http import HttpResponseForbidden
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from access.rules import staff_home_ids

from ..models import Report
from ..sanitise import render_body

PER_PAGE = 50
DELETED_RELATIVE = gettext_lazy("slettet pårørende")
FORMER_STAFF = gettext_lazy("tidligere medarbejder")


# --- Whose homes ----------------------------------------------------------------------------


def home_ids(request) -> list[int] | None:
    """The homes the user works for (None: all, for superusers); once per request."""
    if not hasattr(request, "_dialog_home_ids"):
        request._dialog_home_ids = staff_home_ids(request.user)
    return request._dialog_home_ids


def uses_dialog_admin(request) -> bool:
    ids = home_ids(request)
    return ids is None or bool(ids)


def in_scope(request, botilbud_id: int) -> bool:
    ids = home_ids(request)
    return ids is None or botilbud_id in ids


def scoped(queryset, request, field: str = "botilbud_id"):
    ids = home_ids(request)
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def several_homes(request) -> bool:
    ids = home_ids(request)
    return ids is None or len(ids) > 1


def forbidden() -> HttpResponseForbidden:
    return HttpResponseForbidden(_("Du kan kun se og behandle dialogen på dit eget botilbud."))


def person(user, *, staff: bool = False) -> str:
    if user is None:
        return str(FORMER_STAFF if staff else DELETED_RELATIVE)
    return user.get_full_name() or user.email or user.get_username()


# --- Menu -------------------------------------------------------------------------------------


class DialogMenuItem(MenuItem):
    def is_shown(self, request):
        return uses_dialog_admin(request)


# Other parts of the dialog add their screens with @hooks.register("register_dialog_menu_item").
dialog_menu = Menu(register_hook_name="register_dialog_menu_item")


def dialog_menu_item() -> SubmenuMenuItem:
    return SubmenuMenuItem(
        gettext_lazy("Dialog"), dialog_menu, name="dialog", icon_name="mail", order=300
    )


def moderation_menu_item() -> MenuItem:
    return DialogMenuItem(
        gettext_lazy("Moderering"),
        reverse_lazy("dialog_moderation_queue"),
        name="dialog-moderation",
        icon_name="tasks",
        order=10,
    )


def threads_menu_item() -> MenuItem:
    return DialogMenuItem(
        gettext_lazy("Tråde"),
        reverse_lazy("dialog_threads"),
        name="dialog-threads",
        icon_name="list-ul",
        order=20,
    )


def start_thread_menu_item() -> MenuItem:
    return DialogMenuItem(
        gettext_lazy("Start en tråd"),
        reverse_lazy("dialog_start_thread"),
        name="dialog-start-thread",
        icon_name="plus",
        order=30,
    )


# --- Shared view parts ------------------------------------------------------------------------


class DialogAdminView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not uses_dialog_admin(request):
            return forbidden()
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


def open_reports_prefetch() -> Prefetch:
    return Prefetch(
        "reports",
        queryset=Report.objects.filter(handled_at__isnull=True).select_related("reporter"),
        to_attr="open_reports",
    )


def describe_messages(messages_):
    """Labels and rendered bodies, computed here so the templates do no lookups."""
    for message in messages_:
        message.author_label = person(message.author, staff=message.author_is_staff)
        message.body_html = render_body(message.body)
        for report in getattr(message, "open_reports", ()):
            report.reporter_label = person(report.reporter)
        yield message
