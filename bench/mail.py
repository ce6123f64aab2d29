"""Mail throughput and faults over HTTP: real ``manage.py send_digests`` processes with
anymail's real Postmark backend, against a fake Postmark on 127.0.0.1 (tests/fake_esp.py).

Usage: python bench/mail.py [--subscribers 20000] [--fault-subscribers 2000] [--repeat 3]
On PostgreSQL (DATABASE_URL set) it measures 1 and 4 senders; without DATABASE_URL it says
so and measures 1 sender on a SQLite file. Figures:
- deliveries_per_s: messages the ESP accepted / seconds from its first to its last
  acceptance (the send phase; median of --repeat runs); run_per_s counts the whole run,
  process start-up and building the digests included;
- sender_cpu_ms_per_delivery, esp_cpu_ms_per_delivery: CPU time per delivery (getrusage) of
  the sender processes and of this process (mostly the fake ESP): cost, apart from how busy
  the machine is;
- tcp_connections: connections the fake ESP accepted during a run; requests and
  batch_requests: the HTTP requests it answered, and how many were Postmark's email/batch
  (OUTBOX["SEND_BATCH"] messages each, the last of a claim fewer);
- load_before / load_after: the machine's 1-minute load average around the run (the
  benchmark shares the machine; read the rates with it);
- sender_peak_rss_mb: the largest peak RSS of any sender process (resource.getrusage in the
  sender itself: VmHWM, see bench/mail_sender.py); bench_peak_rss_mb: this process (set-up and
  the fake ESP);
- faults (at --fault-subscribers): due, delivered (recipients who got it), duplicates and
  missing for kill -9 at 30 %, SIGTERM at 30 %, a 401 and a 500 outage, an ESP slower than
  the lease, and 4 senders at once. A sender killed outright may send its one batch in
  flight twice: kill_9's duplicates are bounded by send_batch.
Last line: one JSON object.
"""

import argparse
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import no_background_tasks, peak_rss_mb, setup_django  # noqa: E402
from bench.digests import add_subscribers, build_site  # noqa: E402
from tests.fake_esp import FakePostmark  # noqa: E402

FAULT_LEASE = 2.0


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


class Bench:
    def __init__(self, esp: FakePostmark, database_url: str, due: int):
        self.esp = esp
        self.database_url = database_url
        self.due = due
        from django.conf import settings

        self.media_root = str(settings.MEDIA_ROOT)
        self.sender_peak_kb = 0

    def reset(self, subscribers: int | None = None) -> None:
        """Make every digest due again and forget the last run."""
        from newsletters.models import DigestBody, DigestMail, DigestRun, Subscriber
        from outbox.models import MailService, SendRun

        if subscribers is not None:
            keep = Subscriber.objects.order_by("pk").values_list("pk", flat=True)[subscribers]
            DigestMail.objects.filter(subscriber_id__gte=keep).delete()
            Subscriber.objects.filter(pk__gte=keep).delete()
            self.due = subscribers
        DigestMail.objects.all().delete()
        DigestBody.objects.all().delete()
        DigestRun.objects.all().delete()
        SendRun.objects.all().delete()
        MailService.objects.all().delete()
        Subscriber.objects.update(last_digest_period="", last_digest_at=None)
        self.esp.reset()
        self.esp.delay = 0.0

    def sender(self, **env) -> subprocess.Popen:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.outbox.mail_settings",
            "DATABASE_URL": self.database_url,
            "FAKE_ESP_URL": self.esp.url,
            "MAIL_MEDIA_ROOT": self.media_root,
            **{key: str(value) for key, value in env.items()},
        }
        return subprocess.Popen(
            [sys.executable, "bench/mail_sender.py"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait(self, processes) -> None:
        for process in processes:
            _out, stderr = process.communicate(timeout=3600)
            if process.returncode not in (0, -signal.SIGKILL):
                raise RuntimeError(stderr)
            for line in stderr.splitlines():
                if line.startswith("peak_rss_kb="):
                    self.sender_peak_kb = max(self.sender_peak_kb, int(line.split("=")[1]))

    def counts(self) -> dict:
        deliveries = self.esp.deliveries
        return {
            "due": self.due,
            "delivered": len(deliveries),
            "duplicates": sum(count - 1 for count in deliveries.values() if count > 1),
            "missing": self.due - len(deliveries),
        }

    def throughput(self, senders: int) -> dict:
        self.reset()
        load_before = round(os.getloadavg()[0], 1)
        cpu_before = cpu_seconds(resource.RUSAGE_CHILDREN), cpu_seconds(resource.RUSAGE_SELF)
        start = time.monotonic()
        self.wait([self.sender() for _ in range(senders)])
        wall = time.monotonic() - start
        delivered = self.esp.delivered
        senders_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - cpu_before[0]
        esp_cpu = cpu_seconds(resource.RUSAGE_SELF) - cpu_before[1]
        window = max(self.esp.last_at - self.esp.first_at, 1e-9)
        return {
            **self.counts(),
            "deliveries_per_s": round(delivered / window, 1),
            "run_per_s": round(delivered / wall, 1),
            "seconds": round(wall, 2),
            # CPU time per delivery (resource.getrusage): the sender processes (start-up and
            # building included), and this process, which is mostly the fake ESP.
            "sender_cpu_ms_per_delivery": round(senders_cpu * 1000 / max(delivered, 1), 2),
            "esp_cpu_ms_per_delivery": round(esp_cpu * 1000 / max(delivered, 1), 2),
            "tcp_connections": self.esp.connections,
            "requests": self.esp.requests,
            "batch_requests": len(self.esp.batches),
            "load_before": load_before,
            "load_after": round(os.getloadavg()[0], 1),
        }

    # Fault scenarios

    def fault_env(self, **env) -> dict:
        return {"MAIL_LEASE": FAULT_LEASE, "MAIL_PAUSE": 1, "MAIL_ESP_TIMEOUT": 1, **env}

    def killed(self, sig: int) -> dict:
        self.reset()
        self.esp.delay = 0.002
        process = self.sender(**self.fault_env())
        self.esp.wait_for(self.due * 3 // 10, timeout=600)
        process.send_signal(sig)
        self.wait([process])
        if sig == signal.SIGKILL:
            time.sleep(FAULT_LEASE + 0.5)  # the dead sender's lease runs out
        self.wait([self.sender(**self.fault_env())])
        return self.counts()

    def outage(self, status: int) -> dict:
        self.reset()
        process = self.sender(**self.fault_env())
        self.esp.wait_for(self.due // 4, timeout=600)
        self.esp.fail(status, seconds=3)
        self.wait([process])
        paused = self.esp.delivered
        time.sleep(3.5)
        self.wait([self.sender(**self.fault_env())])
        return {**self.counts(), "delivered_before_pause": paused}

    def slow(self) -> dict:
        """Each claim of 500 takes ~5 s to send, the lease is 2 s; a second run starts."""
        self.reset()
        self.esp.delay = 0.01
        first = self.sender(**self.fault_env(MAIL_CLAIM_SIZE=500))
        self.esp.wait_for(20, timeout=600)
        time.sleep(FAULT_LEASE * 1.5)
        self.wait([self.sender(**self.fault_env(MAIL_CLAIM_SIZE=500)), first])
        return self.counts()

    def concurrent(self, senders: int) -> dict:
        self.reset()
        self.wait([self.sender(**self.fault_env()) for _ in range(senders)])
        return self.counts()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=20000)
    parser.add_argument("--fault-subscribers", type=int, default=2000)
    parser.add_argument("--homes", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    postgres = bool(os.environ.get("DATABASE_URL", "").startswith("postgres"))
    if not postgres:
        print(
            "DATABASE_URL is not set to PostgreSQL: measuring 1 sender on a SQLite file.",
            flush=True,
        )
    teardown = setup_django()
    esp = FakePostmark().start()
    try:
        from django.db import connection

        with no_background_tasks():
            homes = build_site(args.homes)
            add_subscribers(homes, args.subscribers)
            from wagtail.images import get_image_model

            from newsletters.digests import IMAGE_SPEC

            get_image_model().objects.get().get_rendition(IMAGE_SPEC)  # made once, ever
        db = connection.settings_dict
        if postgres:
            password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
            database_url = (
                f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            )
        else:
            database_url = f"sqlite:///{db['NAME']}"
        bench = Bench(esp, database_url, args.subscribers)
        from outbox.conf import setting

        results = {
            "send_batch": setting("SEND_BATCH"),
            "cpus": os.cpu_count(),
            "database": connection.vendor,
            "subscribers": args.subscribers,
            "repeat": args.repeat,
        }
        for senders in (1, 4) if postgres else (1,):
            runs = [bench.throughput(senders) for _ in range(args.repeat)]
            median = statistics.median(run["deliveries_per_s"] for run in runs)
            typical = min(runs, key=lambda run: abs(run["deliveries_per_s"] - median))
            results[f"senders_{senders}"] = {**typical, "deliveries_per_s": median}
            print(
                f"{senders} sender(s), {args.subscribers} digests: {median}/s in the send "
                f"phase (runs: {[run['deliveries_per_s'] for run in runs]}), "
                f"{typical['run_per_s']}/s for the whole run, "
                f"{typical['tcp_connections']} TCP connections, "
                f"{typical['requests']} requests ({typical['batch_requests']} batches), "
                f"load {typical['load_before']}->{typical['load_after']}, "
                f"{typical['duplicates']} duplicates, {typical['missing']} missing, "
                f"{typical['sender_cpu_ms_per_delivery']} ms sender CPU and "
                f"{typical['esp_cpu_ms_per_delivery']} ms fake-ESP CPU per delivery",
                flush=True,
            )
        bench.reset(args.fault_subscribers)
        faults = {
            "kill_9_at_30_percent": bench.killed(signal.SIGKILL),
            "sigterm_at_30_percent": bench.killed(signal.SIGTERM),
            "outage_401": bench.outage(401),
            "outage_500": bench.outage(500),
            "slow_esp_beyond_lease": bench.slow(),
            "four_senders_at_once": bench.concurrent(4),
        }
        for name, counts in faults.items():
            print(f"{name}: {counts}", flush=True)
        results["faults"] = faults
        results["sender_peak_rss_mb"] = round(bench.sender_peak_kb / 1024, 1)
        results["bench_peak_rss_mb"] = round(peak_rss_mb(), 1)
        print(json.dumps(results))
    finally:
        esp.stop()
        teardown()


if __name__ == "__main__":
    main()
