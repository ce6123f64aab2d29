"""Shared set-up for the benchmarks: a throw-away database and timing helpers."""

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(urlconf: str = "bench.urls"):
    """Configure Django on a throw-away database: a temporary SQLite file, or a test
    database on the server named by DATABASE_URL. Returns a function that drops it."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.settings.test")
    import django
    from django.conf import settings

    tmpdir = tempfile.mkdtemp(prefix="samspil-bench-")
    settings.ROOT_URLCONF = urlconf
    settings.MEDIA_ROOT = Path(tmpdir) / "media"
    settings.DEBUG = False
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db["TEST"] = {"NAME": str(Path(tmpdir) / "bench.sqlite3")}
    else:
        db["TEST"] = {"NAME": f"{db['NAME']}_bench"}
    django.setup()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)

    def teardown():
        connection.creation.destroy_test_db(db["NAME"], verbosity=0)

    return teardown


def median_ms(fn, repetitions: int, warmup: int = 5) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repetitions):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def paired_medians_ms(fn, floor, repetitions: int, warmup: int = 5) -> tuple[float, float]:
    """Time `fn` and `floor` alternately, so drift in the machine's speed hits both alike."""
    for _ in range(warmup):
        fn()
        floor()
    samples, floor_samples = [], []
    for _ in range(repetitions):
        for target, bucket in ((fn, samples), (floor, floor_samples)):
            start = time.perf_counter()
            target()
            bucket.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), statistics.median(floor_samples)


def count_queries(client, url: str) -> int:
    """The queries of a second GET of ``url`` (the first warms per-process caches)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def peak_rss_mb() -> float:
    """Peak resident set size of this process (resource.getrusage; Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_front_page():
    """The front page as the default site's root, and one image: what every benchmark's
    page tree starts from. Returns (front page, image)."""
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model
    from wagtail.models import Page, Site

    from home.models import HomePage

    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 675), "#3d7a5a").save(buffer, format="JPEG")
    image = get_image_model().objects.create(
        title="Have med blomster", file=ImageFile(buffer, name="have.jpg")
    )
    root = Page.get_first_root_node()
    front = root.add_child(instance=HomePage(title="Botilbud i Tønder Kommune", slug="forside"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "testserver", "root_page": front}
    )
    Page.objects.filter(depth=2).exclude(pk=front.pk).delete()
    return front, image


def no_background_tasks():
    """Build benchmark data fast: search and reference-index tasks are dropped meanwhile."""
    from django.test import override_settings

    return override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    )
