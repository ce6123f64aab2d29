"""The staff side of the dialog in the Wagtail admin: the moderation queue, the home's
threads (read everything, answer, close), starting a thread, and counts on the dashboard.

Staff see and act on their own homes only; municipal admins (superusers) on all. Acting on
another home's message or thread is refused with a plain 403, not Wagtail's redirect. The
views stay thin: every change goes through dialog.moderation or dialog.posting. Lists are
built with a fixed number of queries whatever their length (pinned in the tests).
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from home.models import BotilbudPage

from . import forms as dialog_forms
from . import moderation, posting
from .membership import staff_home_ids
from .models import Membership, Message, Report, Thread
from .sanitise import render_body
from .timeliness import waiting_threads

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


def _next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


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
            done = _("Beskeden bliver stående; %(count)s anmeldelse(r) er lukket.") % {
                "count": count
            }
    except PermissionDenied:
        return forbidden()
    except moderation.ModerationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done, buttons=buttons)
    return redirect(_next_url(request, reverse("dialog_moderation_queue")))


# --- Threads ----------------------------------------------------------------------------------


class ThreadFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", gettext_lazy("Alle")),
        ("open", gettext_lazy("Åbne")),
        ("unanswered", gettext_lazy("Ubesvarede")),
        ("overdue", gettext_lazy("Over svarfristen")),
        ("pending", gettext_lazy("Med beskeder til godkendelse")),
        ("closed", gettext_lazy("Lukkede")),
    ]
    kind = forms.ChoiceField(
        label=gettext_lazy("Slags"),
        choices=[("", gettext_lazy("Alle")), *Thread.Kind.choices],
        required=False,
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=STATUS_CHOICES, required=False)


def _count(queryset):
    """A correlated COUNT(*) per thread, evaluated only for the rows on the page."""
    counted = queryset.order_by().values("thread").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def filter_threads(queryset, status: str, kind: str):
    now = timezone.now()
    if kind:
        queryset = queryset.filter(kind=kind)
    if status == "open":
        queryset = queryset.filter(closed_at__isnull=True)
    elif status == "closed":
        queryset = queryset.filter(closed_at__isnull=False).order_by("-closed_at", "-pk")
    elif status in ("unanswered", "overdue"):
        # The same definition as the leader's overview in dialog.timeliness.
        waiting = waiting_threads(None).values("pk")
        queryset = queryset.filter(pk__in=waiting).order_by("due_at", "pk")
        if status == "overdue":
            queryset = queryset.filter(due_at__lt=now)
    elif status == "pending":
        held = Message.objects.filter(thread=OuterRef("pk"), status=Message.Status.PENDING)
        queryset = queryset.filter(Exists(held))
    return queryset


class ThreadIndexView(DialogAdminView):
    template_name = "dialog/admin/threads.html"
    page_title = gettext_lazy("Tråde")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ThreadFilterForm(self.request.GET or None)
        status = kind = ""
        if form.is_bound and form.is_valid():
            status, kind = form.cleaned_data["status"], form.cleaned_data["kind"]
        threads = (
            filter_threads(scoped(Thread.objects.all(), self.request), status, kind)
            .select_related("relative")
            .annotate(
                home_title=F("botilbud__title"),
                message_count=_count(Message.objects.filter(thread=OuterRef("pk"))),
                pending_count=_count(
                    Message.objects.filter(thread=OuterRef("pk"), status=Message.Status.PENDING)
                ),
            )
        )
        page = Paginator(threads, PER_PAGE).get_page(self.request.GET.get("p"))
        now = timezone.now()
        for thread in page.object_list:
            thread.relative_label = (
                person(thread.relative)
                if thread.visibility == Thread.Visibility.PRIVATE
                else _("Alle pårørende")
            )
            thread.is_overdue = bool(
                thread.due_at
                and thread.due_at < now
                and thread.first_staff_reply_at is None
                and thread.closed_at is None
            )
        query = self.request.GET.copy()
        query.pop("p", None)
        context.update(form=form, page=page, query=query.urlencode())
        return context


class ReplyForm(dialog_forms.ReplyForm):
    """The relatives' reply form (its body and file checks), in the admin's own styling."""

    def style_widgets(self) -> None:
        return


class ThreadDetailView(DialogAdminView):
    """Everything in one thread (held, hidden and rejected posts marked), with moderation
    buttons on each post and a reply form."""

    template_name = "dialog/admin/thread.html"

    def dispatch(self, request, *args, **kwargs):
        self.thread = get_object_or_404(
            Thread.objects.select_related("relative", "started_by").annotate(
                home_title=F("botilbud__title")
            ),
            pk=kwargs["pk"],
        )
        if not in_scope(request, self.thread.botilbud_id):
            return forbidden()
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.thread.subject

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("dialog_threads"), "label": _("Tråde")},
            {"url": "", "label": self.thread.subject},
        ]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        thread = self.thread
        items = (
            thread.messages.select_related("author")
            .prefetch_related("attachments", open_reports_prefetch())
            .order_by("created_at", "pk")
        )
        thread.relative_label = (
            person(thread.relative) if thread.visibility == Thread.Visibility.PRIVATE else ""
        )
        context.update(
            thread=thread,
            items=list(describe_messages(items)),
            form=form or self.reply_form(),
            next_url=self.request.path,
        )
        return context

    def reply_form(self, data=None, files=None) -> ReplyForm:
        private = self.thread.visibility == Thread.Visibility.PRIVATE
        return ReplyForm(data, files, allow_files=private)

    def post(self, request, *args, **kwargs):
        form = self.reply_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                posting.post_message(
                    self.thread,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    by_staff=True,
                    attachments=form.cleaned_data.get("attachments") or (),
                )
            except PermissionDenied:
                return forbidden()
            except posting.PostingRefused as refusal:
                form.add_error("body", refusal.message)
                return self.render_to_response(
                    self.get_context_data(form=form), status=refusal.status
                )
            messages.success(request, _("Dit svar er sendt."))
            return redirect("dialog_thread", pk=self.thread.pk)
        return self.render_to_response(self.get_context_data(form=form))


@require_POST
def thread_action(request, pk: int, action: str):
    if action not in ("close", "reopen"):
        raise Http404
    thread = get_object_or_404(Thread, pk=pk)
    if not in_scope(request, thread.botilbud_id):
        return forbidden()
    try:
        if action == "close":
            moderation.close_thread(thread, request.user)
            messages.success(request, _("Tråden er lukket."))
        else:
            moderation.reopen_thread(thread, request.user)
            messages.success(request, _("Tråden er åbnet igen."))
    except PermissionDenied:
        return forbidden()
    return redirect("dialog_thread", pk=thread.pk)


# --- Starting a thread ------------------------------------------------------------------------

ALL_PREFIX = "home:"
ONE_PREFIX = "membership:"


class StartThreadForm(forms.Form):
    """To one connected relative (a private thread) or to all the home's relatives
    (shared); the choices hold only the user's homes and their approved memberships."""

    audience = forms.ChoiceField(label=gettext_lazy("Til"))
    kind = forms.ChoiceField(label=gettext_lazy("Slags"), choices=Thread.Kind.choices)
    subject = forms.CharField(
        label=gettext_lazy("Emne"), max_length=Thread._meta.get_field("subject").max_length
    )
    body = forms.CharField(label=gettext_lazy("Besked"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, home_ids: list[int] | None, **kwargs):
        super().__init__(*args, **kwargs)
        homes = BotilbudPage.objects.order_by("title").only("pk", "title")
        memberships = Membership.objects.filter(status=Membership.Status.APPROVED).select_related(
            "relative"
        )
        if home_ids is not None:
            homes = homes.filter(pk__in=home_ids)
            memberships = memberships.filter(botilbud_id__in=home_ids)
        by_home: dict[int, list[Membership]] = {}
        for membership in memberships.order_by("relative__first_name", "relative__email"):
            by_home.setdefault(membership.botilbud_id, []).append(membership)
        self.homes = {home.pk: home for home in homes}
        self.memberships = {m.pk: m for ms in by_home.values() for m in ms}
        choices = [("", _("Vælg modtager"))]
        for home in self.homes.values():
            options = [
                (
                    f"{ALL_PREFIX}{home.pk}",
                    _("Alle pårørende på %(home)s (delt tråd)") % {"home": home.title},
                )
            ]
            options += [
                (f"{ONE_PREFIX}{m.pk}", f"{person(m.relative)} – {m.relation}")
                for m in by_home.get(home.pk, [])
            ]
            choices.append((home.title, options))
        self.fields["audience"].choices = choices
        self.fields["audience"].error_messages["required"] = _("Vælg, hvem tråden er til.")

    def clean(self):
        cleaned = super().clean()
        audience = cleaned.get("audience")
        if not audience:
            return cleaned
        pk = audience.partition(":")[2]
        if audience.startswith(ALL_PREFIX):
            cleaned["botilbud"] = self.homes[int(pk)]
            cleaned["relative"] = None
            cleaned["visibility"] = Thread.Visibility.SHARED
            if cleaned.get("kind") == Thread.Kind.CONCERN:
                self.add_error(
                    "kind",
                    _("En bekymring er altid privat. Vælg én pårørende som modtager."),
                )
        else:
            membership = self.memberships[int(pk)]
            cleaned["botilbud"] = self.homes[membership.botilbud_id]
            cleaned["relative"] = membership.relative
            cleaned["visibility"] = Thread.Visibility.PRIVATE
        return cleaned


class StartThreadView(DialogAdminView):
    template_name = "dialog/admin/start_thread.html"
    page_title = gettext_lazy("Start en tråd")

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form or StartThreadForm(home_ids=home_ids(self.request))
        return context

    def post(self, request, *args, **kwargs):
        form = StartThreadForm(request.POST, home_ids=home_ids(request))
        if form.is_valid():
            data = form.cleaned_data
            try:
                thread = posting.start_thread(
                    botilbud=data["botilbud"],
                    author=request.user,
                    kind=data["kind"],
                    subject=data["subject"],
                    body=data["body"],
                    visibility=data["visibility"],
                    relative=data["relative"],
                    by_staff=True,
                )
            except PermissionDenied:
                return forbidden()
            except posting.PostingRefused as refusal:
                form.add_error(None, refusal.message)
                return self.render_to_response(
                    self.get_context_data(form=form), status=refusal.status
                )
            messages.success(request, _("Tråden er startet."))
            return redirect("dialog_thread", pk=thread.pk)
        return self.render_to_response(self.get_context_data(form=form))


# --- Dashboard --------------------------------------------------------------------------------


def dashboard_counts(ids: list[int] | None) -> dict[str, int]:
    """Held posts, reported posts and unanswered threads of the homes: two queries."""
    held_or_reported = Message.objects.filter(in_queue())
    if ids is not None:
        held_or_reported = held_or_reported.filter(thread__botilbud_id__in=ids)
    # A published post is in the queue only while it has an open report.
    counts = held_or_reported.aggregate(
        pending=Count("pk", filter=Q(status=Message.Status.PENDING)),
        reported=Count("pk", filter=Q(status=Message.Status.PUBLISHED)),
    )
    counts.update(
        waiting_threads(ids).aggregate(
            unanswered=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=timezone.now()))
        )
    )
    return counts


class DialogDashboardPanel(Component):
    name = "dialog_summary"
    template_name = "dialog/admin/dashboard_panel.html"
    order = 50

    def __init__(self, counts: dict[str, int]):
        self.counts = counts

    def get_context_data(self, parent_context=None):
        return {
            "counts": self.counts,
            "queue_url": reverse("dialog_moderation_queue"),
            "threads_url": reverse("dialog_threads"),
        }


def add_dashboard_panel(request, panels) -> None:
    if uses_dialog_admin(request):
        panels.append(DialogDashboardPanel(dashboard_counts(home_ids(request))))


# --- Hooks ------------------------------------------------------------------------------------


@hooks.register("register_admin_menu_item")
def register_dialog_menu():
    return dialog_menu_item()


hooks.register("register_dialog_menu_item", moderation_menu_item)
hooks.register("register_dialog_menu_item", threads_menu_item)
hooks.register("register_dialog_menu_item", start_thread_menu_item)
hooks.register("construct_homepage_panels", add_dashboard_panel)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(moderation.APPROVE, _("Godkend besked"), _("Besked godkendt"))
    actions.register_action(moderation.REJECT, _("Afvis besked"), _("Besked afvist"))
    actions.register_action(moderation.HIDE, _("Skjul besked"), _("Besked skjult"))
    actions.register_action(
        moderation.MOVE, _("Flyt besked til privat tråd"), _("Besked flyttet til privat tråd")
    )
    actions.register_action(
        moderation.RESOLVE_REPORT, _("Behandl anmeldelse"), _("Anmeldelse behandlet")
    )
    actions.register_action(moderation.CLOSE, _("Luk tråd"), _("Tråd lukket"))
    actions.register_action(moderation.REOPEN, _("Genåbn tråd"), _("Tråd genåbnet"))


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("dialog/moderering/", ModerationQueueView.as_view(), name="dialog_moderation_queue"),
        path(
            "dialog/beskeder/<int:pk>/<str:action>/",
            message_action,
            name="dialog_message_action",
        ),
        path("dialog/traade/", ThreadIndexView.as_view(), name="dialog_threads"),
        path("dialog/traade/ny/", StartThreadView.as_view(), name="dialog_start_thread"),
        path("dialog/traade/<int:pk>/", ThreadDetailView.as_view(), name="dialog_thread"),
        path(
            "dialog/traade/<int:pk>/<str:action>/",
            thread_action,
            name="dialog_thread_action",
        ),
    ]
