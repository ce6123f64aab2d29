"""Uploads are checked by content and size, resized and stripped of EXIF (GPS included);
many at once from a phone through the admin view."""

import io
import os

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from residents import services
from residents.models import Album, Photo, PhotoRendition

from ..conftest import make_news
from .conftest import jpeg_bytes, upload

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("size", [(3200, 2400), (4000, 3000), (3000, 4000)])
def test_stored_photo_is_resized_and_has_no_exif(tree, people, private_root, size):
    source = jpeg_bytes(size)
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(0x8825)  # GPS in the upload
    photo = services.save_photo(people["staff_a"], tree.home_a.pk, upload(content=source))
    assert max(photo.width, photo.height) == services.ORIGINAL_MAX_SIDE
    files = [photo.file, *(r.file for r in photo.renditions.all())]
    assert {r.size for r in photo.renditions.all()} == {"small", "large"}
    for file in files:
        with file.open("rb") as handle, Image.open(handle) as stored:
            assert stored.format == "JPEG"
            assert not stored.getexif()
            assert "exif" not in stored.info
        assert file.path.startswith(str(private_root))
    small = Image.open(photo.renditions.get(size="small").file.path)
    assert max(small.size) == 480


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "trick.jpg"),
        (b"", "empty.jpg"),
        (jpeg_bytes()[:400], "cut.jpg"),
        (b"GIF89a" + b"\0" * 100, "anim.gif"),
    ],
)
def test_non_images_are_refused_by_content(tree, people, content, name):
    with pytest.raises(ValidationError):
        services.save_photo(people["staff_a"], tree.home_a.pk, upload(name, content))
    assert not Photo.objects.exists()


def test_too_large_and_too_many_pixels_are_refused(tree, people, monkeypatch):
    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 10_000)
    with pytest.raises(ValidationError) as error:
        services.save_photo(people["staff_a"], tree.home_a.pk, upload())
    assert error.value.code == "too_large"
    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 15 * 2**20)
    monkeypatch.setattr(services, "MAX_PIXELS", 1000)
    with pytest.raises(ValidationError) as error:
        services.save_photo(people["staff_a"], tree.home_a.pk, upload())
    assert error.value.code == "pixels"


def test_upload_many_at_once_in_the_admin(tree, people):
    news = make_news(tree.home_a, "Udflugt")
    client = login(people["staff_a"])
    url = reverse("residents_admin_upload")
    assert client.get(url).status_code == 200
    files = [upload(f"IMG_{n}.jpg") for n in range(3)]
    response = client.post(
        url,
        {
            "botilbud": tree.home_a.pk,
            "files": files,
            "news": news.pk,
            "new_album": "Udflugt til Rømø",
            "residents": [people["per"].pk, people["hanne"].pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    photos = Photo.objects.filter(news=news)
    assert photos.count() == 3
    assert Album.objects.get().photos.count() == 3
    assert all(set(p.residents.all()) == {people["per"], people["hanne"]} for p in photos)
    assert PhotoRendition.objects.count() == 6


def test_admin_upload_bad_input_is_a_danish_400(tree, people):
    client = login(people["staff_a"])
    url = reverse("residents_admin_upload")
    bad = SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")
    response = client.post(url, {"botilbud": tree.home_a.pk, "files": [upload(), bad]})
    assert response.status_code == 400
    assert "Filen er ikke et billede" in response.content.decode()
    assert not Photo.objects.exists()  # one bad file refuses the batch
    assert client.post(url, {"botilbud": tree.home_a.pk}).status_code == 400
    # Another home's news item or resident cannot be chosen.
    news_b = make_news(tree.home_b, "Engbo-nyt")
    response = client.post(
        url, {"botilbud": tree.home_a.pk, "files": [upload()], "news": news_b.pk}
    )
    assert response.status_code == 400
    response = client.post(url, {"botilbud": tree.home_b.pk, "files": [upload()]})
    assert response.status_code == 400
    assert not Photo.objects.exists()


def test_staff_of_another_home_cannot_upload_tag_or_edit(tree, people, photo_of):
    with pytest.raises(PermissionDenied):
        services.save_photo(people["staff_b"], tree.home_a.pk, upload())
    photo = photo_of(people["per"])
    with pytest.raises(PermissionDenied):
        services.tag_photo(people["staff_b"], photo, [people["erik"]])
    with pytest.raises(PermissionDenied):
        services.tag_photo(people["staff_a"], photo, [people["erik"]])  # another home's resident
    edit = reverse("residents_admin_photo", args=[photo.pk])
    assert login(people["staff_b"]).get(edit).status_code == 403
    assert login(people["home_relative"]).get(reverse("residents_admin_upload")).status_code in (
        302,
        403,
    )


def test_relative_asks_for_takedown_and_staff_take_it_down(
    tree, people, photo_of, django_capture_on_commit_callbacks
):
    photo = photo_of(people["hanne"])
    hidden = photo_of(people["anna"])
    relative = login(people["home_relative"])
    url = reverse("residents:report", args=[photo.token])
    assert relative.get(url).status_code == 200
    assert relative.post(url, {"reason": "Hanne vil ikke være med"}).status_code == 302
    assert relative.get(reverse("residents:report", args=[hidden.token])).status_code == 404
    report = photo.reports.get()
    path = photo.file.path
    staff = login(people["staff_a"])
    assert "Hanne vil ikke" in staff.get(reverse("residents_admin_reports")).content.decode()
    action = reverse("residents_admin_report", args=[report.pk, "take_down"])
    assert login(people["staff_b"]).post(action).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(action).status_code == 302
    assert not Photo.objects.filter(pk=photo.pk).exists()
    assert not os.path.exists(path)
    assert not PhotoRendition.objects.filter(photo_id=photo.pk).exists()
