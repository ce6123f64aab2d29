"""A digest run costs the same queries for 3 subscribers as for 40 (one batch, one claim),
plus the one UPDATE per accepted message that records it before the next is sent."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletters.digests import IMAGE_SPEC
from newsletters.sending import run_digests
from tests.conftest import make_call, make_event, make_image, make_news

from .conftest import make_subscriber, publish

# Measured on SQLite (BEGIN/COMMIT count there) and PostgreSQL, with a little headroom.
BUDGET = 40


def add_content(tree, image, label: str) -> None:
    for home in (tree.home_a, tree.home_b):
        publish(make_news(home, f"Nyhed {label} {home.title}", image=image))
        publish(make_event(home, f"Arrangement {label} {home.title}", organiser=tree.organisation))
        publish(make_call(home, f"Opslag {label} {home.title}"))


def test_query_count_of_a_run_does_not_grow_with_subscribers(tree, django_assert_max_num_queries):
    image = make_image()
    image.get_rendition(IMAGE_SPEC)  # renditions are made once, ever; not what is measured
    add_content(tree, image, "1")
    for n in range(3):
        make_subscriber(f"a{n}@example.dk", [tree.home_a, tree.home_b])
    now = timezone.now()
    run_digests(now=now - dt.timedelta(days=30))  # warms process caches (site root paths)
    with CaptureQueriesContext(connection) as small:
        assert run_digests(now=now).sent == 3

    add_content(tree, image, "2")
    for n in range(37):
        make_subscriber(f"b{n}@example.dk", [tree.home_a] if n % 2 else [tree.home_b])
    with django_assert_max_num_queries(BUDGET + 40), CaptureQueriesContext(connection) as large:
        assert run_digests(now=now + dt.timedelta(days=7)).sent == 40
    per_message = [query for query in large if "SET \"status\" = 'sent'" in query["sql"]]
    assert len(per_message) == 40
    assert len(small) - 3 == len(large) - 40
