"""Demo residents for Solgården with different photo consents, a network, an album, photos
and a post in "Min hverdag", read from ``residents/fixtures/demo.json``. Idempotent: runs
once per database (nothing is made when residents exist already)."""

import datetime as dt
import io
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from home.models import BotilbudPage, NewsPage

from . import services
from .models import Album, Resident, ResidentConnection

DEMO_FILE = Path(__file__).parent / "fixtures" / "demo.json"


def _picture(colour: str, n: int) -> SimpleUploadedFile:
    image = Image.new("RGB", (1600, 1200), colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return SimpleUploadedFile(f"demo-{n}.jpg", buffer.getvalue(), "image/jpeg")


def seed_demo_residents() -> int:
    """Create the demo residents and photos; returns how many rows it made."""
    spec = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    home = BotilbudPage.objects.filter(slug=spec["home"]).first()
    staff = get_user_model().objects.filter(username=spec["staff"]).first()
    if home is None or staff is None or Resident.objects.exists():
        return 0
    made = 0
    residents = {}
    for item in spec["residents"]:
        resident = services.create_resident(staff, home.pk, item["first_name"], item["initial"])
        for level in [*item.get("history", []), item["consent"]]:
            services.record_consent(staff, resident, level, item["given_by"])
            made += 1
        residents[item["first_name"]] = resident
        made += 1
    User = get_user_model()
    for item in spec["network"]:
        relative = User.objects.filter(email=item["relative"]).first()
        if relative is not None:
            ResidentConnection.objects.create(
                relative=relative,
                resident=residents[item["resident"]],
                relation=item["relation"],
                status=ResidentConnection.Status.APPROVED,
                decided_at=timezone.now(),
                decided_by=staff,
            )
            made += 1
    album = Album.objects.create(
        botilbud=home,
        title=spec["album"]["title"],
        date=timezone.localdate() - dt.timedelta(days=spec["album"]["days_ago"]),
    )
    news = NewsPage.objects.live().filter(botilbud=home, relatives_only=False).first()
    photos = []
    for n, item in enumerate(spec["photos"]):
        attach = {"album": album} if item["attach"] == "album" else {}
        if item["attach"] == "news" and news is not None:
            attach = {"news": news}
        photo = services.save_photo(
            staff,
            home.pk,
            _picture(item["colour"], n),
            caption=item["caption"],
            nobody_recognisable=item.get("nobody", False),
            **attach,
        )
        if item["residents"]:
            services.tag_photo(staff, photo, [residents[name] for name in item["residents"]])
        photos.append(photo)
        made += 1
    for item in spec["posts"]:
        services.write_post(
            staff, residents[item["resident"]], item["text"], photo=photos[item["photo"]]
        )
        made += 1
    return made
