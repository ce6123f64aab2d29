"""Residents of Solgården (A: mit netværk, P: offentligt, H: botilbuddet, N: ingen) and of
Engbo, relatives in and outside their networks, staff of each home, and photo helpers."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from dialog.models import Membership
from home.services import ensure_home_staff_access
from residents import services
from residents.models import ConsentLevel, PhotoConsent, ResidentConnection

GIVEN = PhotoConsent.GivenBy.RESIDENT


def make_relative(email: str, *homes):
    user = get_user_model().objects.create_user(username=email, email=email)
    user.set_unusable_password()
    user.save()
    for home in homes:
        Membership.objects.create(
            relative=user, botilbud=home, relation="Søster til en beboer", status="approved"
        )
    return user


def connect(relative, resident):
    return ResidentConnection.objects.create(
        relative=relative, resident=resident, relation="Bror", status="approved"
    )


def jpeg_bytes(size=(1600, 1200), *, gps: bool = True, colour=(90, 140, 60)) -> bytes:
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Telefon"
    exif[ExifTags.Base.Model] = "Model 12"
    if gps:
        gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps_ifd[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps_ifd[ExifTags.GPS.GPSLatitude] = (54.0, 56.0, 12.0)
        gps_ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps_ifd[ExifTags.GPS.GPSLongitude] = (8.0, 51.0, 30.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=80)
    return buffer.getvalue()


def upload(name="IMG_0001.jpg", content=None, **kwargs):
    return SimpleUploadedFile(
        name, content if content is not None else jpeg_bytes(**kwargs), "image/jpeg"
    )


@pytest.fixture
def staff_a(tree):
    user = get_user_model().objects.create_user("personale-a", "pa@example.dk", "kode-a")
    user.groups.add(ensure_home_staff_access(tree.home_a).group)
    return user


@pytest.fixture
def staff_b(tree):
    user = get_user_model().objects.create_user("personale-b", "pb@example.dk", "kode-b")
    user.groups.add(ensure_home_staff_access(tree.home_b).group)
    return user


@pytest.fixture
def people(tree, staff_a, staff_b):
    """Residents with consents and relatives: ``network_a`` is in Anna's network,
    ``network_b`` in Bent's (both of Solgården), ``home_relative`` is connected to
    Solgården only, ``engbo_relative`` to Engbo only."""

    def resident(home, name, level, staff):
        person = services.create_resident(staff, home.pk, name, name[0])
        services.record_consent(staff, person, level, GIVEN)
        return person

    anna = resident(tree.home_a, "Anna", ConsentLevel.NETWORK, staff_a)
    bent = resident(tree.home_a, "Bent", ConsentLevel.NETWORK, staff_a)
    per = resident(tree.home_a, "Per", ConsentLevel.PUBLIC, staff_a)
    hanne = resident(tree.home_a, "Hanne", ConsentLevel.HOME, staff_a)
    nina = resident(tree.home_a, "Nina", ConsentLevel.NONE, staff_a)
    erik = resident(tree.home_b, "Erik", ConsentLevel.PUBLIC, staff_b)
    network_a = make_relative("netvaerk.anna@example.dk", tree.home_a)
    connect(network_a, anna)
    network_b = make_relative("netvaerk.bent@example.dk", tree.home_a)
    connect(network_b, bent)
    home_relative = make_relative("paaroerende.solgaarden@example.dk", tree.home_a)
    engbo_relative = make_relative("paaroerende.engbo@example.dk", tree.home_b)
    return {
        "anna": anna,
        "bent": bent,
        "per": per,
        "hanne": hanne,
        "nina": nina,
        "erik": erik,
        "network_a": network_a,
        "network_b": network_b,
        "home_relative": home_relative,
        "engbo_relative": engbo_relative,
        "staff_a": staff_a,
        "staff_b": staff_b,
    }


@pytest.fixture
def photo_of(tree, staff_a):
    """``photo_of(*residents, news=..., caption=...)``: a photo of Solgården tagged with them."""

    def make(*residents, nobody=False, home=None, staff=None, **attach):
        home = home or tree.home_a
        staff = staff or staff_a
        photo = services.save_photo(staff, home.pk, upload(), nobody_recognisable=nobody, **attach)
        if residents:
            services.tag_photo(staff, photo, residents)
        return photo

    return make


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.PRIVATE_ROOT
