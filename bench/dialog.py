"""The dialog with 50,000 messages over 20 homes: the moderation queue and a thread page.

Usage: python bench/dialog.py [--repetitions N] [--messages N] [--homes N]
Builds a small dialog (one home, a few threads), counts the queries of the staff moderation
queue and of a relative's thread page, grows it to --messages messages over --homes homes
(bulk-inserted: 50 relatives per home, threads of 10 messages, the last relative's post of
each shared thread waiting for moderation, and the measured thread grown to 200 messages)
and counts again; then times both pages alternately with the framework floor (a bare view
rendering base.html through the same routing and middleware).
Last line: one JSON object with the figures.
"""

import argparse
import datetime as dt
import json
import sys
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

RELATIVES_PER_HOME = 50
MESSAGES_PER_THREAD = 10
MEASURED_THREAD_MESSAGES = 200


def add_home(front, n: int):
    from django.contrib.auth import get_user_model

    from home.models import BotilbudPage, HomeStaffAccess

    home = front.add_child(
        instance=BotilbudPage(
            title=f"Botilbud {n}",
            slug=f"botilbud-{n}",
            intro="Et botilbud for voksne.",
            target_group="Voksne med udviklingshæmning.",
            street_address="Skolegade 1",
            postal_code="6270",
            city="Tønder",
        )
    )
    staff = get_user_model().objects.create_user(
        f"personale-{n}", f"personale-{n}@example.dk", "x", first_name="Mette"
    )
    staff.groups.add(HomeStaffAccess.objects.get(botilbud=home).group)
    return home, staff


def add_relatives(home, count: int, first: int):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from dialog.models import Membership

    User = get_user_model()
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(
            username=f"r{home.pk}-{n}@example.dk",
            email=f"r{home.pk}-{n}@example.dk",
            first_name=f"Pårørende {n}",
            password=unusable,
        )
        for n in range(first, first + count)
    )
    Membership.objects.bulk_create(
        Membership(relative=user, botilbud=home, relation="Søster til en beboer", status="approved")
        for user in users
    )
    return users


def add_threads(home, staff, relatives, messages: int, start: dt.datetime) -> None:
    """Threads of MESSAGES_PER_THREAD: alternately private (relative ↔ staff) and shared;
    the last relative's post of each shared thread waits for moderation."""
    from dialog.models import Message, Thread

    kinds = [kind for kind, _label in Thread.Kind.choices]
    count = max(messages // MESSAGES_PER_THREAD, 1)
    threads = Thread.objects.bulk_create(
        Thread(
            botilbud=home,
            kind=kinds[n % len(kinds)],
            subject=f"Henvendelse {n}",
            visibility="private" if n % 2 == 0 or kinds[n % 4] == "concern" else "shared",
            relative=relatives[n % len(relatives)] if n % 2 == 0 else None,
            started_by=relatives[n % len(relatives)],
            created_at=start,
            last_message_at=start + dt.timedelta(minutes=n),
            first_staff_reply_at=start + dt.timedelta(hours=3),
        )
        for n in range(count)
    )
    rows = []
    for thread in threads:
        for m in range(MESSAGES_PER_THREAD):
            by_staff = m % 2 == 1
            # The last relative's post of every shared thread waits for moderation.
            held = not by_staff and thread.visibility == "shared" and m == MESSAGES_PER_THREAD - 2
            rows.append(
                Message(
                    thread=thread,
                    author=staff if by_staff else thread.started_by,
                    author_is_staff=by_staff,
                    body="Tak for jeres besked. Vi ser på det i morgen – se https://example.dk.",
                    status="pending" if held else "published",
                )
            )
    Message.objects.bulk_create(rows, batch_size=2000)


def grow_thread(thread, staff, total: int) -> None:
    from dialog.models import Message

    have = thread.messages.count()
    Message.objects.bulk_create(
        Message(
            thread=thread,
            author=staff if n % 2 else thread.relative,
            author_is_staff=bool(n % 2),
            body=f"Besked {n} i tråden.",
            status="published",
        )
        for n in range(have, total)
    )


def moderation_url() -> str:
    from django.urls import reverse

    return reverse("dialog_moderation_queue")


def thread_url(thread) -> str:
    from django.urls import reverse

    return reverse("dialog:thread", args=[thread.pk])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repetitions", type=int, default=40)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--homes", type=int, default=20)
    args = parser.parse_args()
    teardown = setup_django()
    try:
        from django.test import Client
        from django.utils import timezone

        from dialog.models import Message, Thread

        start = timezone.now() - dt.timedelta(days=30)
        with no_background_tasks():
            front, _image = build_front_page()
            home, staff = add_home(front, 0)
            relatives = add_relatives(home, RELATIVES_PER_HOME, 0)
            add_threads(home, staff, relatives, 60, start)
        thread = (
            Thread.objects.filter(botilbud=home, visibility="private")
            .exclude(relative=None)
            .order_by("pk")
            .first()
        )
        relative_client, staff_client = Client(), Client()
        relative_client.force_login(thread.relative)
        staff_client.force_login(staff)
        urls = {"moderation_queue": moderation_url(), "thread": thread_url(thread)}
        clients = {"moderation_queue": staff_client, "thread": relative_client}
        small = {name: count_queries(clients[name], url) for name, url in urls.items()}
        small_sizes = {
            "messages": Message.objects.count(),
            "queue": Message.objects.filter(status="pending").count(),
            "thread": thread.messages.count(),
        }

        with no_background_tasks():
            per_home = args.messages // args.homes
            add_threads(home, staff, relatives, per_home - Message.objects.count(), start)
            for n in range(1, args.homes):
                other, other_staff = add_home(front, n)
                add_threads(
                    other, other_staff, add_relatives(other, RELATIVES_PER_HOME, 0), per_home, start
                )
            grow_thread(thread, staff, MEASURED_THREAD_MESSAGES)
        large = {name: count_queries(clients[name], url) for name, url in urls.items()}
        large_sizes = {
            "messages": Message.objects.count(),
            "queue": Message.objects.filter(status="pending", thread__botilbud=home).count(),
            "thread": thread.messages.count(),
        }

        floor_client = Client()

        def floor():
            return floor_client.get("/__floor__/")

        results = {}
        for name, url in urls.items():
            page_ms, floor_ms = paired_medians_ms(
                lambda client=clients[name], url=url: client.get(url), floor, args.repetitions
            )
            results[name] = {
                "median_ms": round(page_ms, 3),
                "floor_ms": round(floor_ms, 3),
                "ratio_to_floor": round(page_ms / floor_ms, 2),
                "queries_small": small[name],
                "queries_large": large[name],
            }
        results["sizes_small"] = small_sizes
        results["sizes_large"] = large_sizes
        results["homes"] = args.homes
        results["peak_rss_mb"] = round(peak_rss_mb(), 1)
        for name in urls:
            row = results[name]
            print(
                f"{name:<17} {row['median_ms']:8.2f} ms  floor {row['floor_ms']:6.2f} ms  "
                f"ratio {row['ratio_to_floor']:5.2f}  queries "
                f"{row['queries_small']} → {row['queries_large']}"
            )
        print(f"messages {small_sizes['messages']} → {large_sizes['messages']}, {args.homes} homes")
        print(json.dumps(results))
    finally:
        teardown()


if __name__ == "__main__":
    main()
