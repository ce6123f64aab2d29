"""The home's threads: the filtered index, one thread with everything in it (and the staff
reply), closing and reopening, and starting a new thread."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin import messages

from access.reads import record_thread_read
from home.models import BotilbudPage

from .. import forms as dialog_forms
from .. import moderation, posting
from ..models import Membership, Message, Thread
from ..timeliness import waiting_threads
from .common import (
    PER_PAGE,
    DialogAdminView,
    describe_messages,
    forbidden,
    home_ids,
    in_scope,
    open_reports_prefetch,
    person,
    scoped,
)

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
        if request.method == "GET":
            record_thread_read(request.user, self.thread)
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
