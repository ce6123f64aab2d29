"""Where files live, and how private ones are handed out.

One storage for every file field: names under ``documents/`` (Wagtail's documents) and
``dialog/`` (attachments on dialog messages) and ``photos/`` (photos of residents and their
renditions, see residents.visibility) are kept in PRIVATE_ROOT, which no URL maps to,
and have no URL of their own (``url()`` raises NotImplementedError, as Wagtail expects of
a storage without URLs); they
are only ever served by a view that has asked ``access.rules`` first. Everything else (images
and their renditions) stays public under MEDIA_ROOT/MEDIA_URL.

With S3_BUCKET set, ``access.s3.SamspilS3Storage`` keeps the same split in a bucket: public
names are written with S3_PUBLIC_ACL and have a plain URL; private ones are written with none
(the bucket's own, private) and still have no ``url()``: after the access check the view
redirects to a URL signed for S3_SIGNED_URL_SECONDS (``signed_url``), or streams the object.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils._os import safe_join
from django.utils.deconstruct import deconstructible

PRIVATE_PREFIXES = ("documents/", "dialog/", "photos/")


def is_private_name(name: str) -> bool:
    return str(name).replace("\\", "/").lstrip("/").startswith(PRIVATE_PREFIXES)


@deconstructible
class SamspilStorage(FileSystemStorage):
    """MEDIA_ROOT for public files, PRIVATE_ROOT for private ones (both read at each call,
    so settings overridden in tests apply)."""

    def path(self, name: str) -> str:
        root = settings.PRIVATE_ROOT if is_private_name(name) else settings.MEDIA_ROOT
        return safe_join(str(root), name)

    def _save(self, name, content):
        # Django names a saved file relative to MEDIA_ROOT; a private one is named relative
        # to PRIVATE_ROOT instead, so it keeps its "documents/…" or "dialog/…" name.
        os.makedirs(self.location, exist_ok=True)  # Django compares file groups with it
        saved = super()._save(name, content)
        if not is_private_name(name):
            return saved
        full = os.path.normpath(os.path.join(self.location, saved))
        return Path(os.path.relpath(full, settings.PRIVATE_ROOT)).as_posix()

    def url(self, name):
        if is_private_name(name):
            # What Wagtail's document view expects of a storage without URLs.
            raise NotImplementedError("A private file has no public URL; use its view.")
        return super().url(name)


def private_file_response(
    file, *, filename: str, content_type: str, as_attachment: bool
) -> HttpResponse:
    """The file as a response, after the caller decided the person may have it.

    By default Django streams it. With PRIVATE_FILES_SERVE = "x-accel-redirect" (nginx) or
    "x-sendfile" (Apache, lighttpd) the web server sends it from its internal location
    (PRIVATE_FILES_INTERNAL_URL, mapped to PRIVATE_ROOT and marked internal in its config).
    With "redirect" (the default on S3) the answer is a redirect to a short-lived signed URL.
    """
    method = getattr(settings, "PRIVATE_FILES_SERVE", "stream")
    signer = getattr(file.storage, "signed_url", None)
    if method == "redirect" and signer is not None:
        response = HttpResponseRedirect(
            signer(
                file.name,
                filename=filename,
                content_type=content_type,
                as_attachment=as_attachment,
            )
        )
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
    if method in ("x-accel-redirect", "x-sendfile"):
        relative = Path(file.name).as_posix().lstrip("/")
        response = HttpResponse(content_type=content_type)
        if method == "x-accel-redirect":
            internal = settings.PRIVATE_FILES_INTERNAL_URL.rstrip("/")
            response["X-Accel-Redirect"] = f"{internal}/{relative}"
        else:
            response["X-Sendfile"] = file.path
        disposition = "attachment" if as_attachment else "inline"
        response["Content-Disposition"] = FileResponse(
            b"", as_attachment=as_attachment, filename=filename
        ).get("Content-Disposition", disposition)
    else:
        response = FileResponse(
            file.open("rb"),
            content_type=content_type,
            as_attachment=as_attachment,
            filename=filename,
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
