"""The notice-board screen's page weight and requests per refresh, and the time to make the
week poster and the monthly letter as PDF.

Usage: python bench/screen.py [--repetitions N] [--events N]
Builds one home with --events events this week (24 by default; a third with a photo, most
with a pictogram). Page weight: the screen's HTML plus every file it loads (stylesheet,
scripts, pictograms, photo renditions), read from disk as the browser would receive them
(uncompressed). Per refresh: the requests the screen's script makes every five minutes (one
content fragment; a 304 when nothing changed) and their bytes. Times: medians of the screen,
the fragment and the framework floor, alternated; then the poster and the letter (WeasyPrint).
Last line: one JSON object with the figures.
"""

import argparse
import datetime as dt
import io
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    build_front_page,
    count_queries,
    no_background_tasks,
    paired_medians_ms,
    peak_rss_mb,
    setup_django,
)

PICTOGRAMS = ["kaffe", "musik", "gaatur", "mad", "have", "bus", "fest", ""]


def build_home(events: int):
    from django.utils import timezone

    from home.models import BotilbudPage, EventPage, NewsPage

    front, image = build_front_page()
    home = front.add_child(
        instance=BotilbudPage(
            title="Solgården",
            slug="solgarden",
            intro="Et botilbud for voksne.",
            target_group="Voksne med udviklingshæmning.",
            street_address="Skolegade 1",
            postal_code="6270",
            city="Tønder",
            phone="74 92 92 92",
        )
    )
    now = timezone.localtime()
    monday = now.date() - dt.timedelta(days=now.weekday())
    for n in range(events):
        # Spread over the week, several still to come today.
        day = monday + dt.timedelta(days=n % 7)
        if n % 3 == 0:
            day = now.date()
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(8 + n % 12)))
        if day == now.date():
            start = max(start, now + dt.timedelta(minutes=5 + n))
        home.add_child(
            instance=EventPage(
                title=f"Aktivitet {n}",
                start=start,
                end=start + dt.timedelta(hours=1),
                intro="Vi mødes i fælleshuset og hygger os sammen med pårørende og naboer.",
                easy_read="Vi hygger os sammen." if n % 2 else "",
                pictogram=PICTOGRAMS[n % len(PICTOGRAMS)],
                location="Fælleshuset",
                image=image if n % 3 == 0 else None,
            )
        )
    for n in range(8):
        home.add_child(
            instance=NewsPage(
                title=f"Nyhed {n}",
                intro="Det skete i sidste måned.",
                date=(now.date().replace(day=1) - dt.timedelta(days=3 + n)),
                image=image if n % 2 else None,
            )
        )
    return home


def file_bytes(url: str) -> int:
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.core.files.storage import default_storage

    if url.startswith(settings.STATIC_URL):
        found = finders.find(url[len(settings.STATIC_URL) :])
        return Path(found).stat().st_size
    if url.startswith(settings.MEDIA_URL):
        return default_storage.size(url[len(settings.MEDIA_URL) :])
    raise ValueError(f"not a file of this site: {url}")


def page_weight(html: str) -> dict:
    urls = sorted(set(re.findall(r'(?:src|href)="(/(?:static|media)/[^"]+)"', html)))
    # The service worker script is fetched once on registration.
    return {
        "html_bytes": len(html.encode()),
        "files": len(urls),
        "files_bytes": sum(file_bytes(url) for url in urls),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repetitions", type=int, default=30)
    parser.add_argument("--pdf-repetitions", type=int, default=5)
    parser.add_argument("--events", type=int, default=24)
    args = parser.parse_args()
    teardown = setup_django()
    try:
        from django.test import Client

        with no_background_tasks():
            home = build_home(args.events)
        client = Client()
        screen_url = home.url + "skaerm/"
        fragment_url = home.url + "skaerm/indhold/"
        screen = client.get(screen_url)
        assert screen.status_code == 200
        html = screen.content.decode()
        weight = page_weight(html)
        worker = client.get(f"/{home.slug}/skaerm/sw.js")
        fragment = client.get(fragment_url)
        unchanged = client.get(fragment_url, headers={"if-none-match": fragment["ETag"]})
        assert unchanged.status_code == 304
        figures = {
            "events": args.events,
            "screen_html_bytes": weight["html_bytes"],
            "screen_files": weight["files"],
            "screen_files_bytes": weight["files_bytes"],
            "service_worker_bytes": len(worker.content),
            "screen_page_weight_bytes": weight["html_bytes"]
            + weight["files_bytes"]
            + len(worker.content),
            "screen_requests_first_load": 1 + weight["files"] + 1,
            "requests_per_refresh": 1,
            "refresh_bytes_changed": len(fragment.content),
            "refresh_bytes_unchanged": len(unchanged.content),
            "screen_queries": count_queries(client, screen_url),
            "fragment_queries": count_queries(client, fragment_url),
        }
        for name, url in (("screen", screen_url), ("fragment", fragment_url)):
            median, floor = paired_medians_ms(
                lambda url=url: client.get(url),
                lambda: client.get("/__floor__/"),
                args.repetitions,
            )
            figures[f"{name}_median_ms"] = round(median, 2)
            figures[f"{name}_ratio_to_floor"] = round(median / floor, 2)
            figures["floor_median_ms"] = round(floor, 2)

        from django.contrib.auth import get_user_model
        from pypdf import PdfReader

        admin = get_user_model().objects.create_superuser("bench", "bench@example.dk", "x")
        client.force_login(admin)
        for name, url in (
            ("poster", f"/{home.slug}/uge.pdf"),
            ("letter", f"/admin/botilbud/maanedsbrev/{home.pk}/"),
        ):
            response = client.get(url)  # warm-up: fonts loaded, renditions made
            assert response.status_code == 200, (url, response.status_code)
            samples = []
            for _ in range(args.pdf_repetitions):
                started = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
            figures[f"{name}_pdf_median_ms"] = round(statistics.median(samples), 1)
            figures[f"{name}_pdf_bytes"] = len(response.content)
            figures[f"{name}_pdf_pages"] = len(PdfReader(io.BytesIO(response.content)).pages)
        figures["peak_rss_mb"] = round(peak_rss_mb(), 1)
    finally:
        teardown()
    for key, value in figures.items():
        print(f"{key:32} {value}")
    print(json.dumps({"bench": "screen", **figures}))


if __name__ == "__main__":
    main()
