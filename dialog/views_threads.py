"""The relatives' threads: a home's threads with the "Ny henvendelse" form, a thread with
its messages and the reply form, reporting a shared post, and attachments handed out only
to those who may read the thread. Thin: the rules live in dialog.posting.

What a person may not see is not found (404), so ids reveal nothing; what they may see but
not do is refused with a Danish explanation (403).
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from access.files import private_file_response
from access.ratelimit import over_limit
from access.reads import record_thread_read
from access.rules import is_connected, is_staff_of, may_read_thread
from home.models import BotilbudPage

from . import posting, reading
from .attachments import INLINE_TYPES, MAX_FILES, MAX_SIZE
from .forms import NewThreadForm, ReplyForm, ReportForm
from .identity import sign_in_required
from .models import Attachment, HomeDialogSettings, Message, Report, Thread
from .sanitise import render_body

# Posts (new threads, replies and reports) per person per hour.
POST_LIMIT = 30
POST_WINDOW = 3600
# No post is larger: three files at their limit and a full body, with room for the form.
MAX_REQUEST = MAX_FILES * MAX_SIZE + 1024 * 1024


def _too_many(user_id: int) -> bool:
    return over_limit("dialog:post", str(user_id), POST_LIMIT, POST_WINDOW)


def _too_many_response(request):
    return TemplateResponse(request, "dialog/threads/too_many.html", status=429)


def _refused(request, message: str, status: int, botilbud=None):
    return TemplateResponse(
        request,
        "dialog/threads/refused.html",
        {"reason": message, "botilbud": botilbud},
        status=status,
    )


def _not_connected(request, botilbud):
    return _refused(
        request,
        _(
            "Du er ikke tilknyttet %(home)s endnu. Bed om at blive tilknyttet på din side – "
            "når personalet har godkendt det, kan du skrive til dem her."
        )
        % {"home": botilbud.title},
        403,
        botilbud,
    )


def _too_big_response(request):
    return TemplateResponse(
        request,
        "dialog/threads/too_big.html",
        {"max_files": MAX_FILES, "max_body": "10.000"},
        status=413,
    )


def form_post(view):
    """For the dialog's forms: a body over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (or a
    request larger than any allowed post) gets a Danish page saying what the limits are,
    not the bare English 400 Django gives when its CSRF check reads the form. The form is
    read here first, then the very same CSRF check runs (csrf_protect), so every form
    stays protected."""
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > MAX_REQUEST:
                return _too_big_response(request)
            try:
                request.POST  # noqa: B018 - parse now, where RequestDataTooBig can be answered
            except RequestDataTooBig:
                return _too_big_response(request)
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapper)


def _private(response):
    """Dialog pages hold personal matters: never stored by shared caches or indexed."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- A home's threads ---------------------------------------------------------------------


@form_post
@sign_in_required
@require_http_methods(["GET", "POST"])
def home_threads(request, home_pk: int):
    botilbud = get_object_or_404(BotilbudPage.objects.live(), pk=home_pk)
    user = request.user
    staff = is_staff_of(user, botilbud.pk)
    if not staff and not is_connected(user, botilbud.pk):
        return _private(_not_connected(request, botilbud))
    form = None if staff else NewThreadForm(prefix="ny")
    status = 200
    if request.method == "POST":
        if staff:
            return _refused(
                request,
                _("Medarbejdere starter tråde i administrationen."),
                403,
                botilbud,
            )
        if _too_many(user.pk):
            return _too_many_response(request)
        form = NewThreadForm(request.POST, request.FILES, prefix="ny")
        if form.is_valid():
            data = form.cleaned_data
            try:
                thread = posting.start_thread(
                    botilbud=botilbud,
                    author=user,
                    kind=data["kind"],
                    subject=data["subject"],
                    body=data["body"],
                    visibility=data["visibility"],
                    attachments=data.get("attachments") or (),
                )
            except posting.PostingRefused as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _thanks(thread.visibility == Thread.Visibility.SHARED))
                return redirect("dialog:thread", thread.pk)
        else:
            status = 400
    unread = set()
    if not staff:
        # One query: which of this home's threads have something the relative has not read.
        unread = set(
            reading.unread_threads(user)
            .filter(botilbud_id=botilbud.pk)
            .values_list("pk", flat=True)
        )
    context = {
        "botilbud": botilbud,
        "threads": posting.visible_threads_for(user, botilbud.pk),
        "unread_ids": unread,
        "form": form,
        "is_staff": staff,
        "contact": HomeDialogSettings.objects.filter(botilbud=botilbud).first(),
    }
    return _private(
        TemplateResponse(request, "dialog/threads/home_threads.html", context, status=status)
    )


def _thanks(held: bool, by_staff: bool = False) -> str:
    if by_staff:
        return _("Dit svar er sendt.")
    if held:
        return _(
            "Tak. Personalet ser dit indlæg igennem, før de andre pårørende kan se det. "
            "Indtil da står det som »afventer godkendelse«."
        )
    return _("Tak. Personalet har fået din besked og svarer, så snart de kan.")


# --- One thread ---------------------------------------------------------------------------


def _readable_thread(request, pk: int) -> Thread:
    thread = get_object_or_404(Thread.objects.select_related("botilbud"), pk=pk)
    if not may_read_thread(request.user, thread):
        raise Http404
    return thread


def author_label(message: Message, thread: Thread) -> str:
    """Staff as "<first name> fra <home>", relatives by name, deleted ones as such."""
    author = message.author
    home = thread.botilbud.title
    if message.author_is_staff:
        first_name = author.first_name.strip() if author is not None else ""
        if first_name:
            return _("%(name)s fra %(home)s") % {"name": first_name, "home": home}
        return _("Personalet på %(home)s") % {"home": home}
    if author is None:
        return _("slettet pårørende")
    # Never the e-mail address: other relatives read shared threads.
    return author.get_full_name().strip() or _("Pårørende")


def _may_post(thread: Thread, user, staff: bool) -> bool:
    try:
        posting.check_may_post(thread, user, by_staff=staff)
    except posting.PostingRefused:
        return False
    return True


def _thread_page(request, thread: Thread, form, status: int = 200):
    user = request.user
    staff = is_staff_of(user, thread.botilbud_id)
    if staff:
        record_thread_read(user, thread)
    else:
        reading.mark_thread_read(user, thread)
    shared = thread.visibility == Thread.Visibility.SHARED
    entries = posting.visible_messages(thread, user)
    reported = set()
    if shared and not staff:
        # One query for the whole page: which of these posts this person reported.
        reported = set(
            Report.objects.filter(reporter=user, message__thread=thread).values_list(
                "message_id", flat=True
            )
        )
    for message in entries:
        message.body_html = render_body(message.body)
        message.author_label = author_label(message, thread)
        message.is_own = message.author_id == user.pk
        message.may_report = (
            shared
            and not staff
            and not message.is_own
            and not message.awaiting_approval
            and message.pk not in reported
        )
        message.reported = message.pk in reported
    may_post = _may_post(thread, user, staff)
    if may_post and form is None:
        form = ReplyForm(prefix="svar", allow_files=thread.visibility == Thread.Visibility.PRIVATE)
    context = {
        "thread": thread,
        "botilbud": thread.botilbud,
        "entries": entries,
        "form": form if may_post else None,
        "is_staff": staff,
        "shared": shared,
        "report_form": ReportForm(prefix="anmeld"),
    }
    return _private(TemplateResponse(request, "dialog/threads/thread.html", context, status=status))


@form_post
@sign_in_required
@require_http_methods(["GET", "POST"])
def thread_view(request, pk: int):
    thread = _readable_thread(request, pk)
    if request.method == "GET":
        return _thread_page(request, thread, None)
    user = request.user
    staff = is_staff_of(user, thread.botilbud_id)
    try:
        posting.check_may_post(thread, user, by_staff=staff)
    except posting.PostingRefused as error:
        return _private(_refused(request, error.message, error.status, thread.botilbud))
    if _too_many(user.pk):
        return _too_many_response(request)
    allow_files = thread.visibility == Thread.Visibility.PRIVATE
    form = ReplyForm(request.POST, request.FILES, prefix="svar", allow_files=allow_files)
    if not form.is_valid():
        return _thread_page(request, thread, form, status=400)
    try:
        message = posting.post_message(
            thread,
            author=user,
            body=form.cleaned_data["body"],
            by_staff=staff,
            attachments=form.cleaned_data.get("attachments") or (),
        )
    except posting.PostingRefused as error:
        form.add_error(None, error.message)
        return _thread_page(request, thread, form, status=error.status)
    messages.success(request, _thanks(message.status == Message.Status.PENDING, staff))
    return redirect(reverse("dialog:thread", args=[thread.pk]) + f"#besked-{message.pk}")


# --- Reporting a shared post --------------------------------------------------------------


@form_post
@sign_in_required
@require_http_methods(["GET", "POST"])
def report_message(request, pk: int):
    message = get_object_or_404(
        Message.objects.select_related("thread__botilbud", "author"),
        pk=pk,
        status=Message.Status.PUBLISHED,
    )
    thread = message.thread
    if thread.visibility != Thread.Visibility.SHARED or not may_read_thread(request.user, thread):
        raise Http404
    context = {
        "message": message,
        "quote_html": render_body(Truncator(message.body).chars(300)),
        "thread": thread,
        "botilbud": thread.botilbud,
    }
    if request.method == "GET":
        context["form"] = ReportForm(prefix="anmeld")
        return _private(TemplateResponse(request, "dialog/threads/report.html", context))
    if _too_many(request.user.pk):
        return _too_many_response(request)
    form = ReportForm(request.POST, prefix="anmeld")
    context["form"] = form
    if not form.is_valid():
        return _private(
            TemplateResponse(request, "dialog/threads/report.html", context, status=400)
        )
    try:
        posting.report_message(message, request.user, form.cleaned_data["reason"])
    except posting.PostingRefused as error:
        form.add_error(None, error.message)
        return _private(
            TemplateResponse(request, "dialog/threads/report.html", context, status=error.status)
        )
    messages.success(request, _("Tak. Personalet ser på indlægget."))
    return redirect(reverse("dialog:thread", args=[thread.pk]) + f"#besked-{message.pk}")


# --- Attachments --------------------------------------------------------------------------


@sign_in_required
def attachment(request, pk: int):
    """The file, for those who may read its message; PDFs and anything not an image are
    downloaded rather than opened in the page's origin."""
    item = get_object_or_404(Attachment.objects.select_related("message__thread"), pk=pk)
    message, thread = item.message, item.message.thread
    if not may_read_thread(request.user, thread):
        raise Http404
    visible = message.status == Message.Status.PUBLISHED or (
        message.status == Message.Status.PENDING and message.author_id == request.user.pk
    )
    if not visible and not is_staff_of(request.user, thread.botilbud_id):
        raise Http404
    if not item.file or not item.file.storage.exists(item.file.name):
        raise Http404
    response = private_file_response(
        item.file,
        content_type=item.content_type,
        as_attachment=item.content_type not in INLINE_TYPES,
        filename=item.original_name,
    )
    return _private(response)


urlpatterns = [
    path("<id:home_pk>/", home_threads, name="home_threads"),
    path("traad/<id:pk>/", thread_view, name="thread"),
    path("besked/<id:pk>/anmeld/", report_message, name="report_message"),
    path("fil/<id:pk>/", attachment, name="attachment"),
]
