"""S3_BUCKET: media on moto's S3 server (127.0.0.1). Images and renditions are public objects
any browser fetches; dialog attachments and relatives-only documents are private objects, only
ever reached by a short-lived signed URL that the access-checked view redirects to."""

import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from wagtail.documents import get_document_model

from access.models import RelativesOnlyCollection
from access.s3 import SamspilS3Storage
from dialog.models import Attachment
from tests.conftest import make_image
from tests.dialog.conftest import make_relative
from tests.dialog.test_safety import PDF, start_private, upload

pytestmark = pytest.mark.django_db


def fetch(url: str):
    """An anonymous GET, as a browser (or anyone holding the URL) makes it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (moto on loopback)
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, b"", error.headers


def grants_to_everyone(s3, key: str) -> list[str]:
    grants = s3.get_object_acl(Bucket=s3.bucket, Key=key)["Grants"]
    return [g["Permission"] for g in grants if g["Grantee"].get("URI", "").endswith("/AllUsers")]


def test_the_storage_is_s3(s3):
    assert isinstance(default_storage, SamspilS3Storage)


def test_images_and_renditions_are_public_objects(s3, tree):
    image = make_image("Have")
    key = image.file.name
    assert key.startswith("original_images/")
    assert s3.head_object(Bucket=s3.bucket, Key=key)["ContentLength"] > 0
    assert grants_to_everyone(s3, key) == ["READ"]
    status, body, _headers = fetch(image.file.url)
    assert status == 200 and body.startswith(b"\x89PNG")
    assert "X-Amz-Signature" not in image.file.url  # a plain, cacheable URL

    rendition = image.get_rendition("fill-120x80")
    assert rendition.file.name.startswith("images/")
    status, body, _headers = fetch(rendition.url)
    assert status == 200 and body.startswith(b"\x89PNG")
    # The front page shows it: the page renders with the S3 URL.
    assert rendition.url.startswith(f"{s3.meta.endpoint_url}/{s3.bucket}/images/")


def test_two_uploads_of_one_name_are_two_objects(s3):
    first = default_storage.save("original_images/samme.txt", ContentFile(b"en"))
    second = default_storage.save("original_images/samme.txt", ContentFile(b"to"))
    assert first != second
    assert default_storage.open(first).read() == b"en"
    assert default_storage.open(second).read() == b"to"


def test_dialog_attachments_are_private_and_reached_through_the_view(
    s3, client, tree, relative_a, outsider
):
    thread = start_private(
        tree, relative_a, attachments=[upload("plan.pdf", PDF, "application/pdf")]
    )
    attachment = Attachment.objects.get(message__thread=thread)
    key = attachment.file.name
    assert key.startswith("dialog/")
    head = s3.head_object(Bucket=s3.bucket, Key=key)
    assert head["CacheControl"] == "private, no-store"
    assert grants_to_everyone(s3, key) == []
    # No URL of its own, and the object's address without a signature is refused.
    with pytest.raises(NotImplementedError):
        attachment.file.url  # noqa: B018
    status, _body, _headers = fetch(f"{s3.meta.endpoint_url}/{s3.bucket}/{key}")
    assert status == 403

    url = reverse("dialog:attachment", args=[attachment.pk])
    # Anonymous: to our sign-in page; anyone else: the view's 404. No signed URL for either.
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("dialog:sign_in"))
    client.force_login(outsider)
    assert client.get(url).status_code == 404

    client.force_login(relative_a)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    signed = response["Location"]
    query = parse_qs(urlsplit(signed).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert "attachment" in query["response-content-disposition"][0]
    assert query["response-content-type"] == ["application/pdf"]
    status, body, headers = fetch(signed)
    assert status == 200 and body == PDF
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment")
    # A signature for one object opens no other.
    other = signed.replace(key, key + "x")
    assert fetch(other)[0] == 403


def test_streaming_stays_possible(s3, settings, client, tree, relative_a):
    settings.PRIVATE_FILES_SERVE = "stream"
    thread = start_private(
        tree, relative_a, attachments=[upload("plan.pdf", PDF, "application/pdf")]
    )
    attachment = Attachment.objects.get(message__thread=thread)
    client.force_login(relative_a)
    response = client.get(reverse("dialog:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_relatives_only_documents_redirect_only_for_the_homes_relatives(s3, client, tree):
    collection = RelativesOnlyCollection.objects.get(botilbud=tree.home_a).collection
    document = get_document_model().objects.create(
        title="Referat fra pårørendemødet",
        collection=collection,
        file=ContentFile(b"referat", name="referat.txt"),
    )
    key = document.file.name
    assert key.startswith("documents/")
    assert grants_to_everyone(s3, key) == []
    assert fetch(f"{s3.meta.endpoint_url}/{s3.bucket}/{key}")[0] == 403
    connected = make_relative("karen@example.dk", tree.home_a)
    elsewhere = make_relative("erik@example.dk", tree.home_b)
    assert client.get(document.url).status_code == 404
    client.force_login(elsewhere)
    assert client.get(document.url).status_code == 404
    client.force_login(connected)
    response = client.get(document.url)
    assert response.status_code == 302
    status, body, headers = fetch(response["Location"])
    assert status == 200 and body == b"referat"
    assert headers["Content-Disposition"].startswith("attachment")
