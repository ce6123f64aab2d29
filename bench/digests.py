"""Digest run throughput: N confirmed subscribers over 20 homes, one full send_digests run.

Usage: python bench/digests.py [--subscribers N] [--homes 20] [--backend esp|mime]
The mail backend is an in-process fake ESP that serialises every message and drops it:
"esp" (default) builds the JSON request body an anymail HTTP ESP backend would post;
"mime" builds the full MIME message as bytes, as the SMTP backend would.
Last line: one JSON object with digests_per_second, queries (every query of the run,
counted with a connection execute wrapper), seconds and peak_rss_mb (resource.getrusage
peak RSS of the whole process, set-up included).
"""

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.core.mail.backends.base import BaseEmailBackend

from bench.common import build_front_page, no_background_tasks, peak_rss_mb, setup_django


class MimeBackend(BaseEmailBackend):
    """A stand-in SMTP server: builds each MIME message as bytes and counts it."""

    sent = 0
    bytes = 0

    def send_messages(self, messages):
        for message in messages:
            MimeBackend.bytes += len(message.message().as_bytes())
            MimeBackend.sent += 1
        return len(messages)


class EspBackend(MimeBackend):
    """A stand-in HTTP ESP: the JSON body anymail would post (from, to, subject, bodies,
    headers), encoded to bytes and counted."""

    def send_messages(self, messages):
        for message in messages:
            payload = {
                "From": message.from_email,
                "To": ", ".join(message.to),
                "Subject": message.subject,
                "TextBody": message.body,
                "HtmlBody": message.alternatives[0][0],
                "Headers": [{"Name": k, "Value": v} for k, v in message.extra_headers.items()],
            }
            MimeBackend.bytes += len(json.dumps(payload).encode())
            MimeBackend.sent += 1
        return len(messages)


BACKENDS = {"esp": "bench.digests.EspBackend", "mime": "bench.digests.MimeBackend"}


def build_site(homes: int):
    from django.utils import timezone

    from home.models import (
        BotilbudPage,
        EventPage,
        NewsPage,
        Organisation,
        VolunteerCallPage,
    )

    front, image = build_front_page()
    organiser = Organisation.objects.create(name="Tønder Idrætsforening", description="Sport.")
    now = timezone.now()
    result = []
    for n in range(homes):
        home = front.add_child(
            instance=BotilbudPage(
                title=f"Botilbud {n + 1:02d}",
                intro="Et botilbud for voksne.",
                target_group="Voksne med udviklingshæmning.",
                street_address="Skolegade 1",
                postal_code="6270",
                city="Tønder",
            )
        )
        for k in range(3):
            home.add_child(
                instance=NewsPage(
                    title=f"Sommerfest i haven, del {k + 1}",
                    intro="Vi grillede, sang og hyggede os i haven med familie og venner. "
                    "Tak til alle, der kom og hjalp til.",
                    image=image,
                )
            )
            start = now + dt.timedelta(days=2 + k * 5, hours=n)
            home.add_child(
                instance=EventPage(
                    title=f"Koncert med Tønder Kor, nr. {k + 1}",
                    start=start,
                    end=start + dt.timedelta(hours=2),
                    intro="Kom og syng med.",
                    location="Fælleshuset",
                    organiser=organiser,
                )
            )
        for k in range(2):
            home.add_child(
                instance=VolunteerCallPage(
                    title=f"Hjælp til havearbejde {k + 1}",
                    summary="Vi søger en frivillig, der vil hjælpe med at passe vores have.",
                    when="Tirsdage kl. 14–16",
                    contact_name="Mette",
                )
            )
        result.append(home)
    # Published a day ago, as the admin's publish would have stamped them.
    published = now - dt.timedelta(days=1)
    for model in (NewsPage, EventPage, VolunteerCallPage):
        model.objects.update(first_published_at=published, last_published_at=published)
    return result


def add_subscribers(homes, count: int) -> None:
    from django.utils import timezone

    from newsletters.models import Subscriber

    through = Subscriber.homes.through
    now = timezone.now()
    chunk = 2000
    for first in range(0, count, chunk):
        batch = [
            Subscriber(
                email=f"paaroerende{n}@example.dk",
                status=Subscriber.Status.ACTIVE,
                frequency="weekly",
                consent_version="2026-1",
                consented_at=now,
                confirmed_at=now,
            )
            for n in range(first, min(first + chunk, count))
        ]
        Subscriber.objects.bulk_create(batch)
        created = Subscriber.objects.filter(
            email__in=[subscriber.email for subscriber in batch]
        ).values_list("pk", flat=True)
        links = []
        for pk in created:
            for offset in range(1 + pk % 3):  # follows one to three homes
                links.append(
                    through(subscriber_id=pk, botilbudpage_id=homes[(pk + offset) % len(homes)].pk)
                )
        through.objects.bulk_create(links)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--homes", type=int, default=20)
    parser.add_argument("--backend", choices=["esp", "mime"], default="esp")
    args = parser.parse_args()
    teardown = setup_django()
    try:
        from django.db import connection
        from django.test import override_settings

        from newsletters.sending import run_digests

        with no_background_tasks():
            homes = build_site(args.homes)
            add_subscribers(homes, args.subscribers)

        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        with (
            override_settings(EMAIL_BACKEND=BACKENDS[args.backend]),
            connection.execute_wrapper(count),
        ):
            start = time.perf_counter()
            run = run_digests()
            seconds = time.perf_counter() - start
        from bench.digests import MimeBackend as Backend  # the class Django loaded

        assert run.sent == args.subscribers == Backend.sent, (run.counts(), Backend.sent)
        results = {
            "subscribers": args.subscribers,
            "homes": args.homes,
            "backend": args.backend,
            "sent": run.sent,
            "skipped_empty": run.skipped_empty,
            "failed": run.failed,
            "seconds": round(seconds, 2),
            "digests_per_second": round(run.sent / seconds, 1),
            "queries": queries,
            "subscribers_per_query": round(args.subscribers / queries, 1),
            "mean_message_kb": round(Backend.bytes / max(Backend.sent, 1) / 1024, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1),
        }
        print(
            f"{run.sent} digests in {seconds:.2f} s = {results['digests_per_second']}/s, "
            f"{queries} queries, peak RSS {results['peak_rss_mb']} MB"
        )
        print(json.dumps(results))
    finally:
        teardown()


if __name__ == "__main__":
    main()
