"""Requests per second under gunicorn with production settings: the static floor, the
framework floor, and the front page, a home's page, the calendar and an event page, each
uncached and from the page cache, in one run.

Usage: python bench/pagecache.py [--seconds N] [--connections N] [--workers N]
Two gunicorn servers (``--workers`` each) on 127.0.0.1 share one throw-away SQLite database:
one with the page cache off, one with it on. In each of ``--rounds`` rounds, each page is
measured uncached in turns with the framework floor and cached in turns with the static file
(``--seconds`` turns of one second each, after a warm-up), so that each ratio compares figures
taken side by side; the load is wrk (Debian's package, installed by ``make bench``), or a
small Python load generator when wrk is missing. Requests are anonymous and say they came
over HTTPS from the proxy (X-Forwarded-Proto), as behind the municipality's proxy. Figures are
medians over the rounds (a floor's over all its measurements); a ratio is the median of the
rounds' own ratios.
Last line: one JSON object {"static": rps, "floor": rps, "<page>": {"uncached", "cached",
"cached_to_static", "uncached_floor_ratio", "uncached_floor_ratio_per_round"}, ...}.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORTS = (18401, 18402)
PROXY_HEADER = ("X-Forwarded-Proto", "https")
STATIC_PATH = "/static/css/samspil.css"


def build_data(tmp: Path, env: dict) -> dict[str, str]:
    """Migrate a fresh SQLite file and build the benchmark's page tree in it (bench/pages.py's
    tree, five items per home); return the addresses to measure."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "samspil.settings.test"
    import django

    django.setup()
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
        "front": site["front"].url,
        "home": site["homes"][0].url,
        "calendar": site["calendar"].url,
        "event": event.url,
    }


def collect_static(env: dict) -> None:
    """The production manifest (staticfiles/, kept between runs: the compression of every
    admin file takes minutes on a busy machine); --collectstatic makes it again."""
    if (ROOT / "staticfiles" / "staticfiles.json").exists() and "--collectstatic" not in sys.argv:
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.settings_production"},
        check=True,
    )


def start_gunicorn(port: int, workers: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "samspil.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.settings_production"},
    )


def fetch(port: int, path: str) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=dict([PROXY_HEADER]))
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        response.read()
        return response.status, dict(response.headers)


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn on {port} stopped")
        try:
            fetch(port, STATIC_PATH)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn on {port} did not answer")


def run_wrk(url: str, seconds: int, connections: int) -> tuple[float, int]:
    output = subprocess.run(  # noqa: S603 (wrk from PATH, fixed arguments)
        [
            shutil.which("wrk"),
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-H",
            f"{PROXY_HEADER[0]}: {PROXY_HEADER[1]}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*?read (\d+), write (\d+), timeout (\d+)", output)
    failures = (int(bad.group(1)) if bad else 0) + (
        sum(int(n) for n in errors.groups()) if errors else 0
    )
    return rps, failures


def run_python(url: str, seconds: int, connections: int) -> tuple[float, int]:
    """Keep-alive connections in threads: slower than wrk (the GIL), so a lower ceiling."""
    host, port_path = url.removeprefix("http://").split(":", 1)
    port, path = port_path.split("/", 1)
    counts, failures = [0] * connections, [0] * connections
    deadline = time.perf_counter() + seconds

    def worker(n: int) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        while time.perf_counter() < deadline:
            connection.request("GET", "/" + path, headers=dict([PROXY_HEADER]))
            response = connection.getresponse()
            response.read()
            counts[n] += 1
            failures[n] += response.status >= 400

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - start), sum(failures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--collectstatic", action="store_true", help="make staticfiles/ again")
    args = parser.parse_args()
    load = run_wrk if shutil.which("wrk") else run_python
    tmp = Path(tempfile.mkdtemp(prefix="samspil-bench-pagecache-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "SAMSPIL_VAR_DIR": str(tmp / "var"),
        "MEDIA_ROOT": str(tmp / "var" / "test-media"),
        "SECRET_KEY": "samspil-bench-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    # The embedded default (page cache in files under var/); REDIS_URL switches it to Redis.
    servers = []
    try:
        started = time.perf_counter()
        paths = build_data(tmp, env)
        collect_static(env)
        print(f"set-up took {time.perf_counter() - started:.0f} s", file=sys.stderr)
        for port, cached in zip(PORTS, ("0", "1"), strict=True):
            server = start_gunicorn(port, args.workers, {**env, "PAGECACHE_ENABLED": cached})
            servers.append(server)
            wait_until_up(port, server)
        uncached_port, cached_port = PORTS
        for name, path in paths.items():
            status, _ = fetch(uncached_port, path)
            assert status == 200, (name, path, status)
            fetch(cached_port, path)
            status, headers = fetch(cached_port, path)
            assert headers.get("X-Page-Cache") == "hit", (name, path, headers)

        def side_by_side(floor_url: str, page_url: str) -> tuple[float, float]:
            """Requests/s of the floor and of the page, measured in turns of one second
            (``--seconds`` turns each, after a warm-up of each): drift of the machine's speed
            over seconds hits both alike."""
            for url in (floor_url, page_url):
                load(url, 1, args.connections)  # warm-up
            turns = {floor_url: [], page_url: []}
            for _ in range(args.seconds):
                for url in (floor_url, page_url):
                    rps, failures = load(url, 1, args.connections)
                    assert failures == 0, (url, failures)
                    turns[url].append(rps)
            return (
                statistics.fmean(turns[floor_url]),
                statistics.fmean(turns[page_url]),
            )

        def url(port: int, path: str) -> str:
            return f"http://127.0.0.1:{port}{path}"

        # Side by side: each page is measured in turns with its floor (the framework floor
        # uncached, the static file cached), so that a ratio compares figures taken in the
        # same seconds; the machine's speed drifts (it is shared), at times by a third within
        # seconds. A floor's figure is the median of all its measurements, a page's the median
        # over the rounds, and each ratio the median of the rounds' own ratios.
        rounds = []
        for _ in range(args.rounds):
            one = {"static_runs": [], "floor_runs": []}
            for name, path in paths.items():
                floor_rps, uncached = side_by_side(
                    url(uncached_port, "/__floor__/"), url(uncached_port, path)
                )
                static_rps, cached = side_by_side(
                    url(uncached_port, STATIC_PATH), url(cached_port, path)
                )
                one["floor_runs"].append(floor_rps)
                one["static_runs"].append(static_rps)
                one[name] = {
                    "uncached": round(uncached, 1),
                    "cached": round(cached, 1),
                    "floor_ratio": floor_rps / uncached,
                    "to_static": cached / static_rps,
                }
            one["static"] = round(statistics.median(one["static_runs"]), 1)
            one["floor"] = round(statistics.median(one["floor_runs"]), 1)
            rounds.append(one)

        def median(values):
            return round(statistics.median(values), 3)

        static = median([rps for one in rounds for rps in one["static_runs"]])
        floor = median([rps for one in rounds for rps in one["floor_runs"]])
        results = {
            "load": load.__name__.removeprefix("run_"),
            "rounds": args.rounds,
            "static": static,
            "floor": floor,
            "static_per_round": [one["static"] for one in rounds],
            "floor_per_round": [one["floor"] for one in rounds],
        }
        for name in paths:
            results[name] = {
                "uncached": median([one[name]["uncached"] for one in rounds]),
                "cached": median([one[name]["cached"] for one in rounds]),
                "cached_to_static": median([one[name]["to_static"] for one in rounds]),
                "uncached_floor_ratio": median([one[name]["floor_ratio"] for one in rounds]),
                "uncached_floor_ratio_per_round": [
                    round(one[name]["floor_ratio"], 2) for one in rounds
                ],
            }
        print(
            f"{args.rounds} rounds; medians: static file {static:9.1f} req/s (the floor)   "
            f"framework floor {floor:9.1f} req/s"
        )
        print(
            f"{'page':<10} {'uncached':>9} {'cached':>9}  cached/static  floor/uncached  per round"
        )
        for name in paths:
            row = results[name]
            per_round = " ".join(f"{ratio:.2f}" for ratio in row["uncached_floor_ratio_per_round"])
            print(
                f"{name:<10} {row['uncached']:9.1f} {row['cached']:9.1f}  "
                f"{row['cached_to_static']:13.1%}  {row['uncached_floor_ratio']:14.2f}  {per_round}"
            )
        print(
            "floors per round: static "
            + ", ".join(f"{value:.1f}" for value in results["static_per_round"])
            + "; framework "
            + ", ".join(f"{value:.1f}" for value in results["floor_per_round"])
        )
        print(json.dumps(results))
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
