"""The moderation queue (held posts and reported ones) and the actions on a single message:
approve, reject, hide, move to a private thread, or let it stand and close its reports."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from .. import moderation
from ..models import Message, Report
from .common import (
    PER_PAGE,
    DialogAdminView,
    describe_messages,
    forbidden,
    in_scope,
    open_reports_prefetch,
    scoped,
    several_homes,
)

# --- The moderation queue ---------------------------------------------------------------------


def in_queue() -> Q:
    """Held posts, and visible posts with an open report (index message_queue serves the
    held ones; report_once_per_reporter's index the reported ones)."""
    reported = Report.objects.filter(message=OuterRef("pk"), handled_at__isnull=True)
    return Q(status=Message.Status.PENDING) | Q(Exists(reported), status=Message.Status.PUBLISHED)


def queue_messages(request):
    """The queue of the user's homes, oldest first."""
    return (
        scoped(Message.objects.filter(in_queue()), request, "thread__botilbud_id")
        .select_related("thread", "author")
        .annotate(home_title=F("thread__botilbud__title"))
        .prefetch_related("attachments", open_reports_prefetch())
        .order_by("created_at", "pk")
    )


class ModerationQueueView(DialogAdminView):
    template_name = "dialog/admin/queue.html"
    page_title = gettext_lazy("Moderering")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(queue_messages(self.request), PER_PAGE).get_page(self.request.GET.get("p"))
        context.update(
            page=page,
            items=list(describe_messages(page.object_list)),
            several_homes=several_homes(self.request),
            next_url=self.request.get_full_path(),
        )
        return context


MESSAGE_ACTIONS = ("approve", "reject", "hide", "move", "resolve")


def _next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_POST
def message_action(request, pk: int, action: str):
    if action not in MESSAGE_ACTIONS:
        raise Http404
    message = get_object_or_404(Message.objects.select_related("thread"), pk=pk)
    if not in_scope(request, message.thread.botilbud_id):
        return forbidden()
    reason = request.POST.get("reason", "")
    buttons = None
    try:
        if action == "approve":
            moderation.approve_message(message, request.user)
            done = _("Beskeden er godkendt og kan nu ses i tråden.")
        elif action == "reject":
            moderation.reject_message(message, request.user, reason)
            done = _("Beskeden er afvist. Afsenderen får en mail med begrundelsen.")
        elif action == "hide":
            moderation.hide_message(message, request.user, reason)
            done = _("Beskeden er skjult.")
        elif action == "move":
            private = moderation.move_to_private(message, request.user, reason)
            done = _("Beskeden er flyttet til en ny privat tråd med afsenderen.")
            url = reverse("dialog_thread", args=[private.pk])
            buttons = [messages.button(url, _("Åbn den private tråd"))]
        else:
            count = moderation.resolve_reports(message, request.user)
            done = ngettext(
                "Beskeden bliver stående; %(count)s anmeldelse er lukket.",
                "Beskeden bliver stående; %(count)s anmeldelser er lukket.",
                count,
            ) % {"count": count}
    except PermissionDenied:
        return forbidden()
    except moderation.ModerationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done, buttons=buttons)
    return redirect(_next_url(request, reverse("dialog_moderation_queue")))
