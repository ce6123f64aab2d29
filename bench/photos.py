"""Upload of 30 phone photos (3–5 MB, 4000x3000 JPEGs with EXIF and GPS) in one go.

Usage: python bench/photos.py [--photos N] [--repetitions N]
Generates the photos with Pillow (smooth gradients and shapes under sensor-like noise, so
they compress like real photos to 3–5 MB), then posts them all in ONE multipart request to
the staff admin's upload view (Django's test client, the same routing and middleware as the
site): content check, EXIF/GPS strip, resize to 2000 px (JPEGs decoded at half size),
two renditions, private storage.
Reports the median time per upload of all photos, per photo, and memory: the process's
peak RSS (resource.getrusage) before and after the uploads, and the tracemalloc peak of
one upload (Python allocations, Pillow's pixel buffers included), said which.
Last line: one JSON object with the figures.
"""

import argparse
import io
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import build_front_page, no_background_tasks, peak_rss_mb, setup_django

WIDTH, HEIGHT = 4000, 3000


def phone_photo(seed: int) -> bytes:
    """A 4000x3000 JPEG that weighs what a phone's does: gradients, shapes and noise."""
    from PIL import Image, ImageDraw, ImageFilter, ImageOps

    small = Image.linear_gradient("L").resize((WIDTH // 4, HEIGHT // 4)).rotate(seed * 37)
    base = Image.merge(
        "RGB",
        (
            ImageOps.autocontrast(small),
            small.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
            small.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
        ),
    )
    draw = ImageDraw.Draw(base)
    for n in range(40):
        x, y = (seed * 131 + n * 977) % (WIDTH // 4), (seed * 71 + n * 613) % (HEIGHT // 4)
        colour = ((seed * 29 + n * 53) % 256, (n * 97) % 256, (seed * 11 + n * 7) % 256)
        draw.ellipse((x, y, x + 40 + n * 3, y + 30 + n * 2), fill=colour)
    image = base.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC).filter(ImageFilter.SMOOTH)
    noise = Image.effect_noise((WIDTH, HEIGHT), 28 + seed % 10)
    image = Image.blend(image, Image.merge("RGB", (noise, noise, noise)), 0.22)
    exif = Image.Exif()
    exif[0x010F] = "Telefon"  # Make
    exif[0x0110] = "Model 15"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (54.0, 56.0, 12.0), "E", (8.0, 51.0, 30.0)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=30)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    teardown = setup_django("samspil.urls")
    try:
        run(args)
    finally:
        teardown()


def run(args) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from home.models import BotilbudPage, HomeStaffAccess
    from residents.models import Photo

    settings.PRIVATE_ROOT = Path(settings.MEDIA_ROOT).parent / "private"
    settings.ALLOWED_HOSTS = ["*"]
    with no_background_tasks():
        front, _image = build_front_page()
        home = front.add_child(
            instance=BotilbudPage(
                title="Solgården",
                slug="solgaarden",
                intro="Et botilbud.",
                target_group="Voksne.",
                street_address="Skolegade 1",
                postal_code="6270",
                city="Tønder",
            )
        )
    staff = get_user_model().objects.create_user("personale", "p@example.dk", "x")
    staff.groups.add(HomeStaffAccess.objects.get(botilbud=home).group)
    client = Client()
    client.force_login(staff)

    start = time.perf_counter()
    photos = [phone_photo(seed) for seed in range(args.photos)]
    generate_s = time.perf_counter() - start
    sizes_mb = [len(photo) / 2**20 for photo in photos]
    url = reverse("residents_admin_upload")

    def upload() -> None:
        files = [
            SimpleUploadedFile(f"IMG_{n:04}.jpg", data, "image/jpeg")
            for n, data in enumerate(photos)
        ]
        response = client.post(url, {"botilbud": home.pk, "files": files})
        assert response.status_code == 302, response.content[:500]

    rss_before = peak_rss_mb()
    samples = []
    for _ in range(args.repetitions):
        begin = time.perf_counter()
        upload()
        samples.append(time.perf_counter() - begin)
    rss_after = peak_rss_mb()
    tracemalloc.start()
    upload()
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert Photo.objects.count() == args.photos * (args.repetitions + 1)
    stored = Photo.objects.first()

    median_s = statistics.median(samples)
    figures = {
        "photos": args.photos,
        "photo_mb_min": round(min(sizes_mb), 2),
        "photo_mb_max": round(max(sizes_mb), 2),
        "upload_mb": round(sum(sizes_mb), 1),
        "generate_s": round(generate_s, 1),
        "repetitions": args.repetitions,
        "upload_median_s": round(median_s, 2),
        "per_photo_median_ms": round(median_s * 1000 / args.photos),
        "stored_size": [stored.width, stored.height],
        "peak_rss_mb_before_uploads": round(rss_before),
        "peak_rss_mb_after_uploads": round(rss_after),
        "tracemalloc_peak_mb_one_upload": round(traced_peak / 2**20),
    }
    print(
        f"{args.photos} photos of {figures['photo_mb_min']}–{figures['photo_mb_max']} MB "
        f"({figures['upload_mb']} MB) in one request: median {median_s:.2f} s "
        f"({figures['per_photo_median_ms']} ms per photo) over {args.repetitions} runs"
    )
    print(
        f"peak RSS {rss_before:.0f} MB before, {rss_after:.0f} MB after the uploads "
        f"(getrusage); tracemalloc peak of one upload {traced_peak / 2**20:.0f} MB"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
