"""The mixed run: 2 web processes (gunicorn, production settings) and 2 RQ workers on
PostgreSQL and Redis, anonymous load while a digest run and sign-ups happen.

Usage: DATABASE_URL=postgres://… python bench/mixed.py [--seconds 30] [--subscribers 1000]
       [--signups 40] [--port 18520] [--redis redis://127.0.0.1:6379/3]
       [--rq redis://127.0.0.1:6379/10]
The web and worker processes run samspil.settings.production with REDIS_URL, RQ_URL and
anymail's Postmark backend pointed at the fake Postmark on 127.0.0.1 (tests/fake_esp.py). While
two load processes GET the front page, a home's page, the calendar and an event page, the digest
run is enqueued twice (both workers may build and send at once) and people sign up for an
event and for the newsletter through the real forms (CSRF token from the page, a distinct
X-Forwarded-For each, TRUSTED_PROXY_COUNT=1 as behind the municipality's proxy). Then it waits
for the queue and the outbox to drain and counts at the fake ESP, per recipient.
Figures: requests/s and errors (any answer but 200, or no answer) of the anonymous load, and of
the same load on a static file (whitenoise) just before: the floor of that machine at that
moment; sign-up errors (any answer but the form's redirect); mails due / delivered /
duplicates / missing / unexpected, counted per recipient at the fake ESP.
Last line: one JSON object.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import no_background_tasks, setup_django  # noqa: E402
from bench.digests import add_subscribers, build_site  # noqa: E402
from tests.fake_esp import FakePostmark  # noqa: E402

HOST = "127.0.0.1"
WAITING = ("queued", "sending", "retry")
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _load(port: int, paths: list[str], until: float, threads: int, out) -> None:
    """One load process: ``threads`` keep-alive connections GETting ``paths`` in turn."""
    counts = {"requests": 0, "errors": 0, "statuses": {}}
    lock = threading.Lock()

    def run(offset: int) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        n = offset
        while time.monotonic() < until:
            path = paths[n % len(paths)]
            n += 1
            try:
                connection.request("GET", path, headers={"Host": HOST})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
                status = 0
            with lock:
                counts["requests"] += 1
                if status != 200:
                    counts["errors"] += 1
                    counts["statuses"][str(status)] = counts["statuses"].get(str(status), 0) + 1
        connection.close()

    workers = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put(counts)


class Site:
    """A browser of one person: GET the form's page for its CSRF cookie and token, POST it."""

    def __init__(self, port: int, address: str):
        self.port = port
        self.address = address
        self.cookies: dict[str, str] = {}

    def _request(self, method: str, path: str, body: str | None = None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = {"Host": HOST, "X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response.status, content

    def submit(self, path: str, fields: dict) -> int:
        status, page = self._request("GET", path)
        match = CSRF_FIELD.search(page)
        if status != 200 or match is None:
            return status or -1
        fields = {**fields, "csrfmiddlewaretoken": match.group(1).decode()}
        status, _ = self._request("POST", path, urlencode(fields, doseq=True))
        return status


def sign_ups(
    port: int,
    event_path: str,
    subscribe_path: str,
    home_pk: int,
    count: int,
    spread: float,
    results: dict,
) -> None:
    """``count`` event sign-ups and ``count`` newsletter subscriptions, spread over ``spread``
    seconds, each from its own address; results["due"] gets each address that should get mail."""
    pause = spread / max(1, 2 * count)
    for n in range(count):
        who = f"tilmeldt{n}@example.org"
        status = Site(port, f"198.51.100.{n % 250 + 1}").submit(
            event_path,
            {  # the event's form has the prefix "signup"
                f"signup-{field}": value
                for field, value in (
                    ("name", f"Tilmeldt {n}"),
                    ("email", who),
                    ("party_size", "1"),
                    ("note", ""),
                    ("consent", "on"),
                )
            },
        )
        results["statuses"].append(status)
        if status == 302:
            results["due"].append(who)
        time.sleep(pause)
        reader = f"ny-laeser{n}@example.org"
        status = Site(port, f"203.0.113.{n % 250 + 1}").submit(
            subscribe_path,
            {"email": reader, "homes": [str(home_pk)], "frequency": "weekly", "consent": "on"},
        )
        results["statuses"].append(status)
        if status == 302:
            results["due"].append(reader)
        time.sleep(pause)


def _run_load(args, paths: list[str], seconds: float) -> dict:
    out = multiprocessing.Queue()
    started = time.monotonic()
    loaders = [
        multiprocessing.Process(
            target=_load, args=(args.port, paths, started + seconds, args.threads, out)
        )
        for _ in range(args.load_processes)
    ]
    for loader in loaders:
        loader.start()
    parts = [out.get() for _ in loaders]
    for loader in loaders:
        loader.join()
    return {
        "requests": sum(part["requests"] for part in parts),
        "errors": sum(part["errors"] for part in parts),
        "seconds": time.monotonic() - started,
    }


def wait_http(port: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/", headers={"Host": HOST})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--homes", type=int, default=5)
    parser.add_argument("--signups", type=int, default=40)
    parser.add_argument("--port", type=int, default=18520)
    parser.add_argument("--load-processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--floor-seconds", type=float, default=8)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--rq", default="redis://127.0.0.1:6379/10")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to PostgreSQL: the mixed run is PostgreSQL and Redis.")
    import redis

    for url in (args.redis, args.rq):
        redis.Redis.from_url(url).flushdb()  # this run's own databases

    teardown = setup_django()
    esp = FakePostmark().start()
    processes: list[subprocess.Popen] = []
    logs = ROOT / "var" / "bench-mixed"  # the web and worker processes' stderr
    logs.mkdir(parents=True, exist_ok=True)
    try:
        from django.conf import settings
        from django.db import connection

        from home.models import EventIndexPage, EventPage
        from newsletters.models import Subscriber

        with no_background_tasks():
            homes = build_site(args.homes)
            add_subscribers(homes, args.subscribers)
            homes[0].get_parent().add_child(
                instance=EventIndexPage(title="Kalender", slug="kalender", show_in_menus=True)
            )
            event = (
                EventPage.objects.live().filter(botilbud=homes[0]).first()
                or EventPage.objects.live().first()
            )
            event.signup_enabled = True
            event.capacity = None
            event.signup_deadline = None
            event.save_revision().publish()
        digest_due = sorted(
            Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).values_list(
                "email", flat=True
            )
        )
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        database_url = (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("TASKS_BACKEND", "CACHE_BACKEND")},
            "DJANGO_SETTINGS_MODULE": "samspil.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "BASE_URL": f"http://{HOST}:{args.port}",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "TRUSTED_PROXY_COUNT": "1",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "REDIS_URL": args.redis,
            "RQ_URL": args.rq,
            "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
            "ANYMAIL_POSTMARK_SERVER_TOKEN": "fake-server-token",
            "ANYMAIL_POSTMARK_API_URL": esp.url,
            "LOG_LEVEL": "WARNING",
            "WORKER_LOG_LEVEL": "WARNING",
        }
        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            # Once per checkout: the production settings serve hashed, compressed files.
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                cwd=ROOT,
                env=env,
                check=True,
            )
        web = subprocess.Popen(  # noqa: S603 (our interpreter, fixed arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "samspil.wsgi",
                "--workers",
                "2",
                "--bind",
                f"{HOST}:{args.port}",
                "--access-logfile",
                "-",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(logs / "web.log").open("w"),
        )
        processes.append(web)
        for n in range(2):
            processes.append(
                subprocess.Popen(  # noqa: S603 (our interpreter, fixed arguments)
                    [
                        sys.executable,
                        "manage.py",
                        "rqworker",
                        "--job-class",
                        "django_tasks_rq.Job",
                        "--name",
                        f"mixed-{n}-{os.getpid()}",
                        "default",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=(logs / f"worker{n}.log").open("w"),
                )
            )
        wait_http(args.port)
        paths = ["/", homes[0].url, EventIndexPage.objects.live().get().url, event.url]
        assert all(path.startswith("/") for path in paths), paths
        for path in paths:  # warm both workers' first renders
            for _ in range(4):
                connection_ = http.client.HTTPConnection(HOST, args.port, timeout=30)
                connection_.request("GET", path, headers={"Host": HOST})
                response = connection_.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"{path}: {response.status}")

        # The floor in the same run: the same load on a static file (whitenoise) for a while,
        # to read the mixed figure against on a machine that others share.
        floor = _run_load(args, ["/static/css/samspil.css"], args.floor_seconds)

        from django.test import override_settings

        from newsletters.tasks import send_due_digests

        rq_tasks = override_settings(
            TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
            RQ_QUEUES={"default": {"URL": args.rq}},
        )
        out = multiprocessing.Queue()
        started = time.monotonic()
        until = started + args.seconds
        loaders = [
            multiprocessing.Process(target=_load, args=(args.port, paths, until, args.threads, out))
            for _ in range(args.load_processes)
        ]
        for loader in loaders:
            loader.start()
        time.sleep(min(2.0, args.seconds / 10))
        with rq_tasks:
            # Two runs at once (a cron line and an admin's click): each mail still goes once.
            send_due_digests.enqueue()
            send_due_digests.enqueue()
        from django.urls import reverse

        signup_results = {"statuses": [], "due": []}
        signer = threading.Thread(
            target=sign_ups,
            args=(
                args.port,
                reverse("participation:event_signup", args=[event.pk]),
                "/nyhedsbrev/",
                homes[0].pk,
                args.signups,
                args.seconds * 0.6,
                signup_results,
            ),
        )
        signer.start()
        load = [out.get() for _ in loaders]
        for loader in loaders:
            loader.join()
        load_seconds = time.monotonic() - started
        signer.join()

        # Drain: the queue empty, no job running, and the outbox with nothing waiting.
        from django_rq import get_queue

        from outbox.models import OutgoingMail

        with rq_tasks:
            queue = get_queue("default")
        drain_deadline = time.monotonic() + 90
        while time.monotonic() < drain_deadline:
            busy = queue.count + queue.started_job_registry.count
            waiting = OutgoingMail.objects.filter(status__in=WAITING).count()
            digests_waiting = _digests_waiting()
            if not busy and not waiting and not digests_waiting:
                break
            time.sleep(0.5)
        drained_after = round(time.monotonic() - started, 1)

        expected = set(digest_due) | set(signup_results["due"])
        deliveries = dict(esp.deliveries)
        due_digest = {email: deliveries.get(email, 0) for email in digest_due}
        due_signups = {email: deliveries.get(email, 0) for email in signup_results["due"]}
        all_due = {**due_digest, **due_signups}
        requests = sum(part["requests"] for part in load)
        errors = sum(part["errors"] for part in load)
        statuses: dict[str, int] = {}
        for part in load:
            for status, count in part["statuses"].items():
                statuses[status] = statuses.get(status, 0) + count
        results = {
            "web_processes": 2,
            "rq_workers": 2,
            "database": connection.vendor,
            "load_seconds": round(load_seconds, 1),
            "requests": requests,
            "requests_per_s": round(requests / load_seconds, 1),
            "static_floor_per_s": round(floor["requests"] / floor["seconds"], 1),
            "static_floor_errors": floor["errors"],
            "errors": errors,
            "error_statuses": statuses,
            "signups_sent": len(signup_results["statuses"]),
            "signup_errors": sum(1 for s in signup_results["statuses"] if s != 302),
            "signup_statuses": sorted(set(signup_results["statuses"])),
            "mail_due": len(all_due),
            "digests_due": len(digest_due),
            "signup_mails_due": len(due_signups),
            "delivered": sum(1 for count in all_due.values() if count >= 1),
            "duplicates": sum(count - 1 for count in all_due.values() if count > 1),
            "missing": sum(1 for count in all_due.values() if count == 0),
            "unexpected_recipients": sorted(set(deliveries) - expected)[:10],
            "drained_after_s": drained_after,
        }
        print(
            f"{requests} requests in {results['load_seconds']} s: {results['requests_per_s']}/s, "
            f"{errors} errors (static floor {results['static_floor_per_s']}/s); "
            f"{results['signups_sent']} sign-ups, {results['signup_errors']} "
            f"errors; mail: {results['mail_due']} due, {results['delivered']} delivered, "
            f"{results['duplicates']} doubled, {results['missing']} missing",
            flush=True,
        )
        print(json.dumps(results))
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        esp.stop()
        teardown()


def _digests_waiting() -> int:
    from newsletters.models import DigestMail

    return DigestMail.objects.filter(status__in=WAITING).count()


if __name__ == "__main__":
    main()
