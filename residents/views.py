"""The relatives' side: photo files (access-checked), a resident's album "Min hverdag",
asking to join a resident's network, asking for a photo to be taken down."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access import rules
from access.files import private_file_response

from . import services
from .models import Album, Photo, PhotoRendition, Resident, ResidentConnection
from .screens import PAIRED_HEADER, paired_device
from .visibility import (
    RENDITION_SIZES,
    may_see_photo,
    may_show_on_screen,
    photos_in_album,
    resident_album,
)

app_name = "residents"


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def photo_file(request, token: str, size: str):
    """A photo or rendition, for whoever ``visibility.may_see_photo`` allows at this very
    request: a withdrawn consent answers 404 from the next request on. Public photos may be
    cached briefly by browsers only (a withdrawal must not linger in shared caches)."""
    photo = Photo.objects.filter(token=token).first()
    if photo is None:
        raise Http404
    device = None
    if not may_see_photo(request.user, photo):
        # A screen paired with the photo's home sees its HOME photos, in renditions only.
        device = paired_device(request, photo.botilbud_id) if size in RENDITION_SIZES else None
        if device is None or not may_show_on_screen(photo):
            raise Http404
    if size == "original":
        if not rules.may_manage_residents(request.user, photo.botilbud_id):
            raise Http404
        file = photo.file
    elif size in RENDITION_SIZES:
        rendition = PhotoRendition.objects.filter(photo=photo, size=size).first()
        if rendition is None:
            raise Http404
        file = rendition.file
    else:
        raise Http404
    if not file or not file.storage.exists(file.name):
        raise Http404
    response = private_file_response(
        file, filename=f"foto-{size}.jpg", content_type="image/jpeg", as_attachment=False
    )
    response["X-Robots-Tag"] = "noindex"
    if device is not None:
        response["Cache-Control"] = "private, no-store"
        response[PAIRED_HEADER] = "1"
    elif may_see_photo(None, photo):
        response["Cache-Control"] = "private, max-age=300"
    return response


def _signed_in_or_login(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def album_view(request, pk: int):
    """ "Min hverdag": the resident's own network and the home's staff only; to anyone else
    the album does not exist (404, the same for every id)."""
    login = _signed_in_or_login(request)
    if login:
        return login
    resident = Resident.objects.filter(pk=pk, active=True).select_related("botilbud").first()
    if resident is None or not rules.may_open_resident_album(request.user, resident):
        raise Http404
    context = {
        "resident": resident,
        "entries": resident_album(resident, request.user),
        "is_staff": rules.may_manage_residents(request.user, resident.botilbud_id),
    }
    return _private(TemplateResponse(request, "residents/resident_album.html", context))


def dated_album_view(request, pk: int):
    album = get_object_or_404(Album.objects.select_related("botilbud"), pk=pk)
    photos = photos_in_album(album, request.user)
    if not photos and not rules.may_manage_residents(request.user, album.botilbud_id):
        raise Http404
    response = TemplateResponse(request, "residents/album.html", {"album": album, "photos": photos})
    return _private(response) if request.user.is_authenticated else response


@require_http_methods(["GET", "POST"])
def connect_view(request, pk: int):
    """A relative of the home asks to join one resident's network."""
    login = _signed_in_or_login(request)
    if login:
        return login
    resident = Resident.objects.filter(pk=pk, active=True).select_related("botilbud").first()
    if resident is None or not rules.is_connected(request.user, resident.botilbud_id):
        raise Http404
    error = None
    if request.method == "POST":
        try:
            services.request_connection(request.user, resident, request.POST.get("relation", ""))
        except ValidationError as exc:
            error = exc.messages[0]
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Tak. Personalet ser på din anmodning."))
            return redirect("residents:connect", pk=resident.pk)
    active = (
        ResidentConnection.objects.filter(
            relative=request.user,
            resident=resident,
            status__in=[ResidentConnection.Status.PENDING, ResidentConnection.Status.APPROVED],
        )
        .values_list("status", flat=True)
        .first()
    )
    context = {
        "resident": resident,
        "error": error,
        "relation": request.POST.get("relation", ""),
        # A request already sent is shown as such (pending, or approved with the way to the
        # album) instead of a form that could only be refused.
        "pending": active == ResidentConnection.Status.PENDING,
        "approved": active == ResidentConnection.Status.APPROVED,
    }
    status = 400 if error else 200
    return _private(TemplateResponse(request, "residents/connect.html", context, status=status))


@require_http_methods(["GET", "POST"])
def report_view(request, token: str):
    """A relative who sees a photo asks staff to take it down."""
    login = _signed_in_or_login(request)
    if login:
        return login
    photo = Photo.objects.filter(token=token).first()
    if photo is None or not rules.is_relative(request.user):
        raise Http404
    if not may_see_photo(request.user, photo):
        raise Http404
    error = None
    if request.method == "POST":
        try:
            services.report_photo(request.user, photo, request.POST.get("reason", ""))
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(
                request, _("Tak. Personalet ser på billedet og fjerner det, hvis det skal fjernes.")
            )
            return redirect("residents:report", token=photo.token)
    context = {"photo": photo, "error": error}
    return _private(
        TemplateResponse(request, "residents/report.html", context, status=400 if error else 200)
    )


urlpatterns = [
    path("foto/<slug:token>/<slug:size>.jpg", photo_file, name="photo_file"),
    path("foto/<slug:token>/fjern/", report_view, name="report"),
    path("beboer/<id:pk>/min-hverdag/", album_view, name="resident_album"),
    path("beboer/<id:pk>/tilknyt/", connect_view, name="connect"),
    path("album/<id:pk>/", dated_album_view, name="album"),
]
