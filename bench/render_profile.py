"""CPU time per uncached request of the pages bench/pagecache.py measures, and where it goes.

Usage: python bench/render_profile.py [--repetitions N] [--profile PAGE] [--top N]
Builds bench/pagecache.py's data (bench/pages.py's tree, five items per home) in a throw-away
SQLite file with production settings (bench/settings_production.py, page cache off), then
requests the framework floor, the front page, a home's page, the calendar and an event page
through Django's test client as bench/pagecache.py's load does: anonymous, to 127.0.0.1, said
to have come over HTTPS from the proxy. Each page's figure is the median of
``--repetitions`` requests' CPU time (time.process_time, so robust against other work on a
shared machine; the pages are requested in turn, so drift hits all alike), its ratio to the
floor, and its query count.
``--profile front`` (or any page's name, or ``all``) adds a cProfile listing of that many
requests, sorted by cumulative and by own time.
Also the fastest tenth (p10, least disturbed by other processes) and its ratio.
Last line: one JSON object {"<page or floor>": {"cpu_ms", "ratio", "p10_ms", "p10_ratio",
"queries"}, ...}.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"


def configure(tmp: Path) -> None:
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "SAMSPIL_VAR_DIR": str(tmp / "var"),
            "MEDIA_ROOT": str(tmp / "var" / "test-media"),
            "SECRET_KEY": "samspil-bench-only",
            "ALLOWED_HOSTS": HOST,
            "LOG_LEVEL": "WARNING",
            "PAGECACHE_ENABLED": "0",
            "DJANGO_SETTINGS_MODULE": "bench.settings_production",
        }
    )
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        raise SystemExit("staticfiles/ is missing: run bench/pagecache.py --collectstatic once")
    import django

    django.setup()


def build_data() -> dict[str, str]:
    """bench/pagecache.py's build_data, in this process."""
    from django.core.management import call_command

    from bench.common import no_background_tasks
    from bench.pages import build_site
    from home.models import EventPage

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    with no_background_tasks():
        site = build_site(5)
    event = EventPage.objects.filter(botilbud=site["homes"][0]).order_by("pk").first()
    return {
        "floor": "/__floor__/",
        "front": site["front"].url,
        "home": site["homes"][0].url,
        "calendar": site["calendar"].url,
        "event": event.url,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repetitions", type=int, default=200)
    parser.add_argument("--profile", default="", help="a page's name, or all")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--queries", action="store_true", help="list each page's queries")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="samspil-bench-render-"))
    try:
        configure(tmp)
        paths = build_data()
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")

        def get(path: str):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        queries = {}
        for name, path in paths.items():
            get(path)  # warm per-process caches
            with CaptureQueriesContext(connection) as captured:
                get(path)
            queries[name] = len(captured)
            if args.queries:
                print(f"\n=== {name}: {len(captured)} queries ===", file=sys.stderr)
                for query in captured:
                    print(f"- {query['sql']}", file=sys.stderr)

        # Round robin over the pages, so that drift in the machine's speed hits all alike.
        samples = {name: [] for name in paths}
        for repetition in range(10 + args.repetitions):
            for name, path in paths.items():
                start = time.process_time()
                get(path)
                if repetition >= 10:  # warm-up
                    samples[name].append((time.process_time() - start) * 1000)
        results = {
            name: {
                "cpu_ms": round(statistics.median(samples[name]), 3),
                # The fastest tenth: least disturbed by other processes on a busy machine.
                "p10_ms": round(statistics.quantiles(samples[name], n=10)[0], 3),
                "queries": queries[name],
            }
            for name in paths
        }
        floor = results["floor"]["cpu_ms"]
        floor_p10 = results["floor"]["p10_ms"]
        for row in results.values():
            row["ratio"] = round(row["cpu_ms"] / floor, 2)
            row["p10_ratio"] = round(row["p10_ms"] / floor_p10, 2)
        print(f"{'page':<10} {'cpu ms':>8} {'ratio':>6} {'p10 ms':>8} {'ratio':>6} {'queries':>8}")
        for name, row in results.items():
            print(
                f"{name:<10} {row['cpu_ms']:8.2f} {row['ratio']:6.2f} "
                f"{row['p10_ms']:8.2f} {row['p10_ratio']:6.2f} {row['queries']:8}"
            )

        wanted = list(paths) if args.profile == "all" else [p for p in args.profile.split(",") if p]
        for name in wanted:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.repetitions):
                get(paths[name])
            profiler.disable()
            for order in ("cumulative", "tottime"):
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
                print(f"\n=== {name}, {args.repetitions} requests, by {order} ===", file=sys.stderr)
                print(out.getvalue(), file=sys.stderr)
        print(json.dumps(results))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
