"""Workflows for residents and their photos. Each runs in one transaction and logs who did
what (Wagtail's ``log()``); access is asked of ``access.rules`` before anything changes.
Requests and their answers queue their mails (``residents.mails``) in that transaction."""

import io
import math
import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError
from wagtail.log_actions import log

from access import rules
from access.cpr import contains_cpr

from . import mails
from .models import (
    ConsentLevel,
    Photo,
    PhotoConsent,
    PhotoRendition,
    PhotoReport,
    PhotoTag,
    Resident,
    ResidentConnection,
    ResidentPost,
)
from .visibility import RENDITION_SIZES, may_see_photo

# Uploads: what a phone sends (JPEG, HEIC converted by the phone's browser, PNG), checked
# by content; larger files are refused before Pillow decodes them.
MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PHOTOS_PER_UPLOAD = 50
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
# The longest side kept of the upload itself; renditions are smaller (visibility.SIZES).
ORIGINAL_MAX_SIDE = 2000  # enough for the common room's TV (1920 px) and phones
MAX_PIXELS = 50_000_000  # a 4000x3000 phone photo is 12 Mpx; more is a decompression bomb
JPEG_QUALITY = 85

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")
CPR_REFUSED = gettext_lazy(
    "Skriv ikke et CPR-nummer her. CPR-numre er følsomme personoplysninger og må ikke gemmes. "
    "Brug beboerens fornavn i stedet."
)


def _clean_line(text: str, max_length: int, *, required: bool = False) -> str:
    text = " ".join((text or "").split()) if not _CONTROL.search(text or "") else None
    if text is None:
        raise ValidationError(_("Brug kun almindelige tegn på én linje."), code="invalid")
    if required and not text:
        raise ValidationError(_("Udfyld feltet."), code="required")
    # CPR first: the refusal must say why, whatever else is wrong with the text.
    if contains_cpr(text):
        raise ValidationError(CPR_REFUSED, code="cpr")
    if len(text) > max_length:
        raise ValidationError(_("Skriv højst %(max)s tegn.") % {"max": max_length}, code="max")
    return text


def clean_first_name(text: str) -> str:
    return _clean_line(text, 60, required=True)


def clean_initial(text: str) -> str:
    text = _clean_line(text, 2).rstrip(".")
    if text and not text.isalpha():
        raise ValidationError(_("Skriv kun forbogstavet i efternavnet."), code="invalid")
    return text.upper()


def clean_caption(text: str) -> str:
    return _clean_line(text, 300)


def clean_post_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Skriv opslaget."), code="required")
    if contains_cpr(text):
        raise ValidationError(CPR_REFUSED, code="cpr")
    if len(text) > 500:
        raise ValidationError(_("Skriv højst %(max)s tegn.") % {"max": 500}, code="max")
    return text


def _require_staff(user, botilbud_id: int) -> None:
    if not rules.may_manage_residents(user, botilbud_id):
        raise PermissionDenied


# --- Residents and consent --------------------------------------------------------------


def create_resident(user, botilbud_id: int, first_name: str, initial: str = "") -> Resident:
    _require_staff(user, botilbud_id)
    with transaction.atomic():
        resident = Resident.objects.create(
            botilbud_id=botilbud_id,
            first_name=clean_first_name(first_name),
            initial=clean_initial(initial),
        )
        log(resident, "wagtail.create", user=user)
    return resident


def record_consent(
    user,
    resident: Resident,
    level: str,
    given_by: str,
    *,
    given_on=None,
    note: str = "",
) -> PhotoConsent:
    """A new consent for ``resident`` (a change, or a withdrawal with level *ingen*), given
    by the resident or their guardian and recorded by staff. Photos follow at once: their
    visibility is computed from the newest row."""
    _require_staff(user, resident.botilbud_id)
    if level not in ConsentLevel.values:
        raise ValidationError(_("Vælg et samtykke."), code="invalid")
    if given_by not in PhotoConsent.GivenBy.values:
        raise ValidationError(_("Vælg, hvem der har givet samtykket."), code="invalid")
    with transaction.atomic():
        previous = resident.current_consent()
        consent = PhotoConsent.objects.create(
            resident=resident,
            level=level,
            given_by=given_by,
            given_on=given_on or timezone.localdate(),
            recorded_by=user,
            note=_clean_line(note, 300),
        )
        log(
            resident,
            "residents.consent",
            user=user,
            data={
                "from": previous.level if previous else None,
                "to": level,
                "given_by": given_by,
                "consent_id": consent.pk,
            },
        )
    return consent


def withdraw_consent(user, resident: Resident, given_by: str, note: str = "") -> PhotoConsent:
    return record_consent(user, resident, ConsentLevel.NONE, given_by, note=note)


# --- Relatives join a resident's network -----------------------------------------------


def request_connection(relative, resident: Resident, relation: str) -> ResidentConnection:
    """A relative of the resident's home asks to join the resident's own network."""
    if not rules.is_relative(relative) or not rules.is_connected(relative, resident.botilbud_id):
        raise PermissionDenied
    relation = _clean_line(relation, 200, required=True)
    with transaction.atomic():
        try:
            with transaction.atomic():
                connection = ResidentConnection.objects.create(
                    relative=relative, resident=resident, relation=relation
                )
        except IntegrityError as error:
            # Pending or approved already (resident_connection_one_active): no new mail.
            raise ValidationError(
                _("Du er allerede tilknyttet beboeren eller venter på svar."), code="duplicate"
            ) from error
        log(connection, "residents.connection.request", user=relative)
        mails.connection_requested(connection)
    return connection


def decide_connection(user, connection: ResidentConnection, approve: bool) -> None:
    _require_staff(user, connection.resident.botilbud_id)
    Status = ResidentConnection.Status
    with transaction.atomic():
        locked = (
            ResidentConnection.objects.select_for_update(of=("self",))
            .select_related("relative", "resident__botilbud")
            .get(pk=connection.pk)
        )
        if locked.status != Status.PENDING:
            raise ValidationError(_("Anmodningen er allerede besvaret."), code="decided")
        locked.status = Status.APPROVED if approve else Status.DECLINED
        locked.decided_at = timezone.now()
        locked.decided_by = user
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        log(locked, "residents.connection." + ("approve" if approve else "decline"), user=user)
        mails.connection_decided(locked)
    connection.refresh_from_db()


def end_connection(user, connection: ResidentConnection) -> None:
    """Staff or the relative end a connection; the network shrinks at once."""
    if connection.relative_id != user.pk:
        _require_staff(user, connection.resident.botilbud_id)
    with transaction.atomic():
        ResidentConnection.objects.filter(pk=connection.pk).update(
            status=ResidentConnection.Status.ENDED
        )
        log(connection, "residents.connection.end", user=user)


# --- Photos -----------------------------------------------------------------------------


def check_upload(upload) -> None:
    """Refuse what is not a JPEG, PNG or WebP by its content, is too large in bytes or in
    pixels, or is damaged (Pillow's verify, without decoding the pixels)."""
    size = getattr(upload, "size", None)
    if size is None or size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Billedet er for stort. Et billede må højst fylde %(mb)s MB.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("Filen er tom."), code="empty")
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Filen er ikke et billede (JPEG, PNG eller WebP)."), code="format"
                )
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("Billedet har for mange pixels."), code="pixels")
            probe.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_DAMAGED, code="format") from None
    finally:
        upload.seek(0)


_DAMAGED = gettext_lazy("Filen er ikke et billede (JPEG, PNG eller WebP), eller den er ødelagt.")


def _open_checked(upload) -> Image.Image:
    """The upload as a decoded Pillow image, after check_upload."""
    check_upload(upload)
    try:
        image = Image.open(upload)
        # A JPEG is decoded straight at 1/2, 1/4 … of its size when that still covers the
        # kept size: a 4000x3000 phone photo costs a 2000x1500 decode, not 12 Mpx.
        scale = ORIGINAL_MAX_SIDE / max(image.size)
        if scale < 1:
            image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_DAMAGED, code="format") from None
    return image


def _jpeg(image: Image.Image, max_side: int) -> tuple[ContentFile, int, int]:
    """A fresh JPEG without any metadata (EXIF, GPS, XMP, comments are not copied)."""
    copy = image.copy() if max(image.size) > max_side else image
    if copy is not image:
        copy.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    copy.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(buffer.getvalue()), copy.width, copy.height


def prepare_photo(upload) -> Image.Image:
    """Decode, turn upright (EXIF orientation) and convert one upload; raises
    ValidationError in Danish. The returned image carries no metadata."""
    image = _open_checked(upload)
    ImageOps.exif_transpose(image, in_place=True)  # no second full-size copy
    if image.mode != "RGB":
        converted = image.convert("RGB")
        image.close()
        image = converted
    image.info.clear()  # EXIF (GPS), XMP, ICC, comments: nothing is carried over
    return image


def save_photo(
    user,
    botilbud_id: int,
    upload,
    *,
    caption: str = "",
    news=None,
    event=None,
    album=None,
    nobody_recognisable: bool = False,
) -> Photo:
    """One uploaded photo, stored privately as a resized EXIF-free JPEG with renditions."""
    _require_staff(user, botilbud_id)
    for page in (news, event, album):
        if page is not None and getattr(page, "botilbud_id", None) != botilbud_id:
            raise PermissionDenied
    image = prepare_photo(upload)
    try:
        # Renditions are made from the resized image, not the full upload: one large copy.
        image.thumbnail((ORIGINAL_MAX_SIDE, ORIGINAL_MAX_SIDE), Image.Resampling.LANCZOS)
        original, width, height = _jpeg(image, ORIGINAL_MAX_SIDE)
        renditions = {size: _jpeg(image, side)[0] for size, side in RENDITION_SIZES.items()}
    finally:
        image.close()
    with transaction.atomic():
        photo = Photo(
            botilbud_id=botilbud_id,
            caption=clean_caption(caption),
            news=news,
            event=event,
            album=album,
            nobody_recognisable=nobody_recognisable,
            uploaded_by=user,
            width=width,
            height=height,
        )
        photo.file.save(f"{photo.token}.jpg", original, save=False)
        photo.save()
        for size, content in renditions.items():
            rendition = PhotoRendition(photo=photo, size=size)
            rendition.file.save(f"{photo.token}-{size}.jpg", content, save=False)
            rendition.save()
        log(photo, "wagtail.create", user=user)
    return photo


def save_photos(user, botilbud_id: int, uploads: Iterable, **attach) -> list[Photo]:
    """Many photos at once (a phone's selection); all are checked before any is stored, so
    one bad file refuses the batch with a message naming it."""
    uploads = list(uploads)
    if not uploads:
        raise ValidationError(_("Vælg mindst ét billede."), code="required")
    if len(uploads) > MAX_PHOTOS_PER_UPLOAD:
        raise ValidationError(
            _("Du kan højst uploade %(max)s billeder ad gangen.") % {"max": MAX_PHOTOS_PER_UPLOAD},
            code="too_many",
        )
    for upload in uploads:
        try:
            check_upload(upload)
        except ValidationError as error:
            raise ValidationError(
                _("%(name)s: %(error)s")
                % {"name": getattr(upload, "name", "?")[:80], "error": error.messages[0]},
                code=error.code,
            ) from None
    return [save_photo(user, botilbud_id, upload, **attach) for upload in uploads]


def tag_photo(
    user, photo: Photo, residents: Iterable[Resident], *, nobody_recognisable: bool = False
) -> None:
    """Set who can be recognised in ``photo`` (replacing earlier tags), or mark it as showing
    nobody recognisable. Only the photo's home's residents can be tagged."""
    _require_staff(user, photo.botilbud_id)
    residents = list(residents)
    if any(resident.botilbud_id != photo.botilbud_id for resident in residents):
        raise PermissionDenied
    if residents and nobody_recognisable:
        raise ValidationError(
            _(
                "Et billede med genkendelige beboere kan ikke markeres som uden genkendelige "
                "personer."
            ),
            code="contradiction",
        )
    with transaction.atomic():
        PhotoTag.objects.filter(photo=photo).exclude(resident__in=residents).delete()
        existing = set(PhotoTag.objects.filter(photo=photo).values_list("resident_id", flat=True))
        PhotoTag.objects.bulk_create(
            PhotoTag(photo=photo, resident=resident)
            for resident in residents
            if resident.pk not in existing
        )
        photo.nobody_recognisable = nobody_recognisable
        photo.save(update_fields=["nobody_recognisable"])
        log(
            photo,
            "residents.photo.tag",
            user=user,
            data={"residents": [r.pk for r in residents], "nobody": nobody_recognisable},
        )


def update_caption(user, photo: Photo, caption: str) -> None:
    _require_staff(user, photo.botilbud_id)
    with transaction.atomic():
        photo.caption = clean_caption(caption)
        photo.save(update_fields=["caption"])
        log(photo, "wagtail.edit", user=user)


def delete_photo(user, photo: Photo) -> None:
    """Remove a photo and its files (after a takedown request, for instance). Relatives who
    asked for it to be taken down and have not been answered are told it was."""
    _require_staff(user, photo.botilbud_id)
    with transaction.atomic():
        open_reports = list(
            PhotoReport.objects.select_for_update(of=("self",))
            .filter(photo=photo, handled_at__isnull=True)
            .select_related("reporter")
        )
        if open_reports:
            PhotoReport.objects.filter(pk__in=[r.pk for r in open_reports]).update(
                handled_at=timezone.now()
            )
            mails.reports_handled(open_reports, photo.botilbud, taken_down=True)
        log(photo, "wagtail.delete", user=user)
        files = [photo.file, *(rendition.file for rendition in photo.renditions.all())]
        photo.delete()
        transaction.on_commit(lambda: [file.delete(save=False) for file in files])


def report_photo(user, photo: Photo, reason: str = "") -> PhotoReport:
    """A relative who can see a photo asks staff to take it down (once per person)."""
    if not rules.is_relative(user) or not may_see_photo(user, photo):
        raise PermissionDenied
    reason = _clean_line(reason, 500)
    with transaction.atomic():
        report, created = PhotoReport.objects.get_or_create(
            photo=photo, reporter=user, defaults={"reason": reason}
        )
        if created:
            log(photo, "residents.photo.report", user=user, data={"report_id": report.pk})
            mails.photo_reported(report)
    return report


def handle_report(user, report: PhotoReport, *, take_down: bool) -> None:
    """Answer every open request to take the photo down; each relative who asked is told
    whether it was. Requests answered already are not answered (nor mailed) again."""
    _require_staff(user, report.photo.botilbud_id)
    with transaction.atomic():
        # Read before the update (and before a take-down deletes the reports with the photo).
        answered = list(
            PhotoReport.objects.select_for_update(of=("self",))
            .filter(photo=report.photo, handled_at__isnull=True)
            .select_related("reporter")
        )
        PhotoReport.objects.filter(pk__in=[r.pk for r in answered]).update(
            handled_at=timezone.now()
        )
        log(
            report.photo, "residents.photo.report_handled", user=user, data={"take_down": take_down}
        )
        mails.reports_handled(answered, report.photo.botilbud, taken_down=take_down)
        if take_down:
            delete_photo(user, report.photo)


# --- "Min hverdag" ----------------------------------------------------------------------


def write_post(
    user, resident: Resident, text: str, *, photo: Photo | None = None, with_resident=True
) -> ResidentPost:
    """Staff write a short post in the resident's album, usually together with them."""
    _require_staff(user, resident.botilbud_id)
    if photo is not None and photo.botilbud_id != resident.botilbud_id:
        raise PermissionDenied
    with transaction.atomic():
        post = ResidentPost.objects.create(
            resident=resident,
            text=clean_post_text(text),
            photo=photo,
            written_with_resident=with_resident,
            written_by=user,
        )
        log(post, "wagtail.create", user=user)
    return post
