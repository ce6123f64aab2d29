"""Media on S3-compatible storage (S3_BUCKET), with the split of ``access.files`` kept.

Loaded only when STORAGES names it, so the embedded default never imports boto3. Public names
(images, renditions) are written with S3_PUBLIC_ACL and have a plain URL (MEDIA_URL, or the
CDN host in S3_CUSTOM_DOMAIN). Private names (``documents/``, ``dialog/``) are written without
an ACL, so the bucket's own private default holds, and have no ``url()``: only
``signed_url()``, which ``access.files.private_file_response`` calls after the view has asked
``access.rules``; the URL it signs lives S3_SIGNED_URL_SECONDS and carries the content type and
disposition the view decided.
"""

from django.conf import settings
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from .files import is_private_name


@deconstructible
class SamspilS3Storage(S3Storage):
    def get_default_settings(self):
        defaults = super().get_default_settings()
        # Two uploads of "rapport.pdf" are two objects, never one overwriting the other.
        defaults["file_overwrite"] = False
        # No ACL unless get_object_parameters gives one: private is the bucket's default.
        defaults["default_acl"] = None
        # Public objects get plain URLs; private ones are signed by signed_url() only.
        defaults["querystring_auth"] = False
        return defaults

    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        params.pop("ACL", None)
        if is_private_name(name):
            params["CacheControl"] = "private, no-store"
        elif settings.S3_PUBLIC_ACL:
            params["ACL"] = settings.S3_PUBLIC_ACL
        return params

    def url(self, name, parameters=None, expire=None, http_method=None):
        if is_private_name(name):
            # What Wagtail's document view expects of a storage without URLs.
            raise NotImplementedError("A private file has no public URL; use its view.")
        return super().url(name, parameters, expire, http_method)

    def signed_url(
        self, name: str, *, filename: str, content_type: str, as_attachment: bool
    ) -> str:
        """A GET of the object, valid for S3_SIGNED_URL_SECONDS: for the view that has already
        decided that this person may have the file, and how it is to be opened."""
        disposition = FileResponse(b"", as_attachment=as_attachment, filename=filename).get(
            "Content-Disposition", "attachment" if as_attachment else "inline"
        )
        params = {
            "Bucket": self.bucket_name,
            "Key": self._normalize_name(clean_name(name)),
            "ResponseContentType": content_type,
            "ResponseContentDisposition": disposition,
            "ResponseCacheControl": "private, no-store",
        }
        return self.connection.meta.client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=settings.S3_SIGNED_URL_SECONDS
        )
