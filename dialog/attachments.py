"""Files on messages in private threads: images and PDFs, checked by what they contain.

The name and the browser's content type are not trusted: an HTML page renamed ``.pdf`` or
an SVG (which can carry script) is refused. Images must open in Pillow as the format their
first bytes claim; a PDF must start with ``%PDF-`` and end with ``%%EOF``. Accepted files
are stored under a random name in MEDIA_ROOT/dialog/ and handed out only by the dialog's
download view, which checks that the person may read the thread.
"""

import unicodedata
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image

MAX_SIZE = 5 * 1024 * 1024
MAX_FILES = 3
# Larger images are refused before Pillow decodes them (a small file can claim huge sizes).
MAX_PIXELS = 40_000_000
# How far from the end a PDF's %%EOF may be (some writers add a line or two after it).
PDF_TAIL = 1024

# Signature → (Pillow's format name or None for PDF, content type, extension).
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG", "image/png", "png"),
    (b"\xff\xd8\xff", "JPEG", "image/jpeg", "jpg"),
    (b"GIF87a", "GIF", "image/gif", "gif"),
    (b"GIF89a", "GIF", "image/gif", "gif"),
    (b"%PDF-", None, "application/pdf", "pdf"),
)
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    content_type: str
    extension: str
    size: int
    original_name: str

    def storage_name(self) -> str:
        """A random name: the author's file name never reaches the file system."""
        return f"{uuid.uuid4().hex}.{self.extension}"


def _refuse(name: str, reason: str) -> ValidationError:
    return ValidationError(
        _("Filen »%(name)s« kan ikke vedhæftes: %(reason)s") % {"name": name, "reason": reason},
        code="attachment",
    )


def display_name(name: str) -> str:
    """The file's own name without folders or control characters, at most 200 characters."""
    name = PurePath((name or "").replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[-200:] or _("fil")


def _sniff(head: bytes) -> tuple[str | None, str, str] | None:
    for signature, image_format, content_type, extension in _SIGNATURES:
        if head.startswith(signature):
            return image_format, content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP", "image/webp", "webp"
    return None


def _read_tail(upload: UploadedFile, size: int) -> bytes:
    upload.seek(max(size - PDF_TAIL, 0))
    return upload.read(PDF_TAIL)


def _is_image(upload: UploadedFile, image_format: str) -> bool:
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format != image_format:
                    return False
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return False
                image.verify()
    except Exception:  # Pillow raises many kinds for broken or hostile files.
        return False
    return True


def check_file(upload: UploadedFile) -> CheckedFile:
    """The file as we will store it, or ValidationError with a Danish reason."""
    name = display_name(upload.name)
    size = upload.size or 0
    if size == 0:
        raise _refuse(name, _("filen er tom."))
    if size > MAX_SIZE:
        raise _refuse(name, _("den er større end 5 MB. Gør billedet mindre, eller del PDF'en op."))
    upload.seek(0)
    found = _sniff(upload.read(16))
    if found is None:
        raise _refuse(name, _("vi tager kun imod billeder (fx fotos) og PDF-filer."))
    image_format, content_type, extension = found
    if image_format is None:
        if b"%%EOF" not in _read_tail(upload, size):
            raise _refuse(name, _("den er ikke en hel PDF-fil."))
    elif not _is_image(upload, image_format):
        raise _refuse(name, _("billedet kan ikke åbnes, eller det er for stort."))
    upload.seek(0)
    return CheckedFile(upload, content_type, extension, size, name)


def check_files(uploads: Iterable[UploadedFile]) -> list[CheckedFile]:
    """Every file checked, at most MAX_FILES of them; the first problem is reported."""
    uploads = list(uploads)
    if len(uploads) > MAX_FILES:
        raise ValidationError(
            _("Du kan vedhæfte højst %(max)s filer til en besked.") % {"max": MAX_FILES},
            code="attachment",
        )
    return [check_file(upload) for upload in uploads]
