"""Over anymail's real Postmark backend (email/batch), a run costs the same queries for 3
subscribers as for 40: one claim, one batch, and one UPDATE that records the whole batch."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsletters.digests import IMAGE_SPEC
from newsletters.sending import run_digests
from tests.conftest import make_image
from tests.newsletters.conftest import make_subscriber
from tests.newsletters.test_query_budget import add_content

# Measured on SQLite and PostgreSQL (42 on both), with a little headroom: the locmem run's
# budget plus the few queries the batch path adds once per run (the service's state).
BUDGET = 45


def test_a_batched_run_costs_the_same_queries_for_3_as_for_40(
    tree, esp, settings, django_assert_max_num_queries
):
    settings.OUTBOX = {**getattr(settings, "OUTBOX", {}), "SEND_BATCH": 50}
    image = make_image()
    image.get_rendition(IMAGE_SPEC)
    add_content(tree, image, "1")
    for n in range(3):
        make_subscriber(f"a{n}@example.dk", [tree.home_a, tree.home_b])
    now = timezone.now()
    run_digests(now=now - dt.timedelta(days=30))  # warms process caches
    esp.reset()
    with CaptureQueriesContext(connection) as small:
        assert run_digests(now=now).sent == 3

    add_content(tree, image, "2")
    for n in range(37):
        make_subscriber(f"b{n}@example.dk", [tree.home_a] if n % 2 else [tree.home_b])
    with django_assert_max_num_queries(BUDGET), CaptureQueriesContext(connection) as large:
        assert run_digests(now=now + dt.timedelta(days=7)).sent == 40
    recorded = [query for query in large if "SET \"status\" = 'sent'" in query["sql"]]
    assert len(recorded) == 1  # the whole batch in one UPDATE
    assert len(small) == len(large), (len(small), len(large))
    assert esp.batches == [3, 40]
    assert esp.connections == 2  # one per run, kept alive for the run's requests
