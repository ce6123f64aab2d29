"""Staff admin for residents, consent, photos, posts, network requests and takedown requests.

Each view asks access.rules (through ``staff_home_ids`` / ``may_manage_residents``) before it
shows or changes anything; staff of one home acting on another home's rows get a plain 403.
Views stay thin: everything that changes data is a service in ``residents.services``."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.admin import messages

from access.rules import may_manage_residents, staff_home_ids
from home.models import BotilbudPage

from . import services
from .forms import ConsentForm, PhotoEditForm, PostForm, ResidentForm, UploadForm
from .models import Album, Photo, PhotoReport, Resident, ResidentConnection
from .visibility import current_consent_level, photo_url

PHOTOS_PER_PAGE = 60


def _forbidden():
    return HttpResponseForbidden(_("Du kan kun arbejde med beboere på dit eget botilbud."))


def _homes(user):
    homes = staff_home_ids(user)
    queryset = BotilbudPage.objects.order_by("title")
    return list(queryset if homes is None else queryset.filter(pk__in=homes))


def _scoped(queryset, user, field="botilbud_id"):
    homes = staff_home_ids(user)
    return queryset if homes is None else queryset.filter(**{f"{field}__in": homes})


def _render(request, template, title, status=200, **context):
    return TemplateResponse(
        request,
        f"residents/admin/{template}.html",
        {"header_title": title, **context},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def residents_index(request):
    """The residents of the person's homes with their consent in force; a form to add one.
    Three queries whatever the number of residents."""
    homes = _homes(request.user)
    if not homes:
        return _forbidden()
    form = ResidentForm(request.POST or None, homes=homes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not may_manage_residents(request.user, data["botilbud"]):
            return _forbidden()
        resident = services.create_resident(
            request.user, data["botilbud"], data["first_name"], data["initial"]
        )
        services.record_consent(request.user, resident, data["level"], data["given_by"])
        messages.success(request, _("%(name)s er oprettet.") % {"name": resident})
        return redirect("residents_admin_index")
    residents = (
        _scoped(Resident.objects.select_related("botilbud"), request.user)
        .annotate(level=current_consent_level("pk"))
        .annotate(pending=Count("connections", filter=_pending_q()))
        .order_by("botilbud__title", "first_name", "initial", "pk")
    )
    pending = _scoped(
        ResidentConnection.objects.filter(status=ResidentConnection.Status.PENDING).select_related(
            "relative", "resident"
        ),
        request.user,
        "resident__botilbud_id",
    )
    return _render(
        request,
        "index",
        _("Beboere"),
        form=form,
        residents=residents,
        pending=pending,
        status=400 if request.method == "POST" else 200,
    )


def _pending_q():
    return Q(connections__status=ResidentConnection.Status.PENDING)


def _resident_for(request, pk):
    resident = get_object_or_404(Resident.objects.select_related("botilbud"), pk=pk)
    if not may_manage_residents(request.user, resident.botilbud_id):
        raise PermissionDenied
    return resident


@require_http_methods(["GET", "POST"])
def consent_view(request, pk: int):
    """Change or withdraw a resident's photo consent on their behalf; the history below."""
    try:
        resident = _resident_for(request, pk)
    except PermissionDenied:
        return _forbidden()
    current = resident.current_consent()
    initial = {"given_on": timezone.localdate()}
    if current:
        initial.update(level=current.level, given_by=current.given_by)
    form = ConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_consent(
                request.user,
                resident,
                data["level"],
                data["given_by"],
                given_on=data["given_on"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error("note", error)
        else:
            messages.success(
                request,
                _("Samtykket for %(name)s er ændret. Det gælder fra nu.") % {"name": resident},
            )
            return redirect("residents_admin_consent", pk=resident.pk)
    history = resident.consents.select_related("recorded_by").order_by("-recorded_at", "-pk")
    return _render(
        request,
        "consent",
        _("Fotosamtykke for %(name)s") % {"name": resident},
        resident=resident,
        form=form,
        history=history,
    )


@require_http_methods(["GET", "POST"])
def post_view(request, pk: int):
    """Staff write a post in the resident's "Min hverdag", together with the resident."""
    try:
        resident = _resident_for(request, pk)
    except PermissionDenied:
        return _forbidden()
    form = PostForm(request.POST or None, resident=resident)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.write_post(
            request.user,
            resident,
            data["text"],
            photo=data["photo"],
            with_resident=data["written_with_resident"],
        )
        messages.success(request, _("Opslaget er lagt i Min hverdag."))
        return redirect("residents_admin_post", pk=resident.pk)
    posts = resident.posts.order_by("-created_at", "-pk")[:20]
    return _render(
        request,
        "post",
        _("Min hverdag: %(name)s") % {"name": resident},
        resident=resident,
        form=form,
        posts=posts,
    )


@require_POST
def connection_action(request, pk: int, action: str):
    if action not in ("approve", "decline", "end"):
        raise Http404
    connection = get_object_or_404(ResidentConnection.objects.select_related("resident"), pk=pk)
    if not may_manage_residents(request.user, connection.resident.botilbud_id):
        return _forbidden()
    try:
        if action == "end":
            services.end_connection(request.user, connection)
        else:
            services.decide_connection(request.user, connection, approve=action == "approve")
    except ValidationError as error:
        messages.warning(request, error.messages[0])
    else:
        messages.success(request, _("Anmodningen er besvaret."))
    return redirect("residents_admin_index")


@require_http_methods(["GET", "POST"])
def upload_view(request):
    """Many photos at once from a phone, attached to a news item, event or album, tagged
    with the residents who can be recognised (or marked as showing nobody recognisable)."""
    homes = _homes(request.user)
    if not homes:
        return _forbidden()
    form = UploadForm(request.POST or None, request.FILES or None, homes=homes)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            home_id = data["botilbud"]
            if not may_manage_residents(request.user, home_id):
                return _forbidden()
            album = data["album"]
            if album is None and data["new_album"]:
                album = Album.objects.create(
                    botilbud_id=home_id,
                    title=data["new_album"],
                    date=data["new_album_date"] or timezone.localdate(),
                )
            try:
                photos = services.save_photos(
                    request.user,
                    home_id,
                    data["files"],
                    caption=data["caption"],
                    news=data["news"],
                    event=data["event"],
                    album=album,
                    nobody_recognisable=data["nobody_recognisable"],
                )
            except ValidationError as error:
                form.add_error("files", error)
            else:
                for photo in photos:
                    if data["residents"]:
                        services.tag_photo(request.user, photo, data["residents"])
                messages.success(request, _("%(n)s billeder er gemt.") % {"n": len(photos)})
                return redirect("residents_admin_photos")
    return _render(request, "upload", _("Tilføj fotos"), form=form, status=status)


def photos_index(request):
    """The latest photos of the person's homes, with their tags, for tagging and editing."""
    homes = _homes(request.user)
    if not homes:
        return _forbidden()
    photos = list(
        _scoped(Photo.objects.all(), request.user)
        .prefetch_related("residents")
        .order_by("-uploaded_at", "-pk")[:PHOTOS_PER_PAGE]
    )
    for photo in photos:
        photo.small_url = photo_url(photo, "small")
    return _render(request, "photos", _("Fotos af beboere"), photos=photos)


@require_http_methods(["GET", "POST"])
def photo_edit(request, pk: int):
    photo = get_object_or_404(Photo, pk=pk)
    if not may_manage_residents(request.user, photo.botilbud_id):
        return _forbidden()
    initial = {
        "caption": photo.caption,
        "residents": list(photo.residents.all()),
        "nobody_recognisable": photo.nobody_recognisable,
    }
    form = PhotoEditForm(request.POST or None, photo=photo, initial=initial)
    if request.method == "POST" and "delete" in request.POST:
        services.delete_photo(request.user, photo)
        messages.success(request, _("Billedet er slettet."))
        return redirect("residents_admin_photos")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.update_caption(request.user, photo, data["caption"])
        services.tag_photo(
            request.user,
            photo,
            data["residents"],
            nobody_recognisable=data["nobody_recognisable"],
        )
        messages.success(request, _("Billedet er gemt."))
        return redirect("residents_admin_photos")
    return _render(
        request,
        "photo_edit",
        _("Rediger foto"),
        photo=photo,
        form=form,
        large_url=photo_url(photo, "large"),
    )


def reports_index(request):
    homes = _homes(request.user)
    if not homes:
        return _forbidden()
    reports = list(
        _scoped(
            PhotoReport.objects.filter(handled_at__isnull=True).select_related("photo", "reporter"),
            request.user,
            "photo__botilbud_id",
        )
    )
    for report in reports:
        report.small_url = photo_url(report.photo, "small")
    return _render(request, "reports", _("Anmodninger om at fjerne fotos"), reports=reports)


@require_POST
def report_action(request, pk: int, action: str):
    if action not in ("take_down", "keep"):
        raise Http404
    report = get_object_or_404(PhotoReport.objects.select_related("photo"), pk=pk)
    if not may_manage_residents(request.user, report.photo.botilbud_id):
        return _forbidden()
    services.handle_report(request.user, report, take_down=action == "take_down")
    messages.success(
        request,
        _("Billedet er fjernet.") if action == "take_down" else _("Anmodningen er afsluttet."),
    )
    return redirect("residents_admin_reports")
