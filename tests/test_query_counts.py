"""A page with a handful of items costs the same queries as one with many (pinned budgets)."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .conftest import make_call, make_event, make_image, make_news

# Pinned at what SQLite and PostgreSQL both measure today; a rise means a new N+1 or a lost
# prefetch (e.g. a deferred foreign key that the directory's event prefetch needs).
# Pages below the front page are routed without loading the front page's own fields
# (home.middleware.LeanPageRouting).
BUDGETS = {
    "front": 9,
    # A home that lends out facilities costs one query more for their links (tests/facilities/
    # test_queries.py); one that lends out none knows it from its own query.
    "home": 8,
    "calendar": 8,
    "calendar_month": 7,
    "directory": 6,
    # A page without photos of residents asks no photo query (it knows from its own query,
    # home.models.base.resident_photos_exist); with photos it costs one more.
    "news": 7,
    "event": 7,
    "event_signup": 8,
    "volunteer_call": 6,
}


def fill(tree, count: int) -> None:
    image = make_image()
    start = timezone.now() + dt.timedelta(days=1)
    for n in range(count):
        home = tree.home_a if n % 2 == 0 else tree.home_b
        make_news(home, f"Nyhed {n}", image=image)
        make_event(
            home,
            f"Arrangement {n}",
            start=start + dt.timedelta(hours=n),
            organiser=tree.organisation,
            image=image,
            signup_enabled=n % 4 == 0,
            capacity=10,
        )
        make_call(home, f"Opslag {n}")


def urls(tree) -> dict[str, str]:
    from home.models import EventPage, NewsPage, VolunteerCallPage

    return {
        "front": tree.front.url,
        "home": tree.home_a.url,
        "calendar": f"{tree.calendar.url}?home={tree.home_a.pk}",
        "directory": tree.directory.url,
        "news": NewsPage.objects.filter(botilbud=tree.home_a).first().url,
        "event": EventPage.objects.filter(botilbud=tree.home_a, signup_enabled=False).first().url,
        "event_signup": EventPage.objects.filter(botilbud=tree.home_a, signup_enabled=True)
        .first()
        .url,
        "volunteer_call": VolunteerCallPage.objects.filter(botilbud=tree.home_a).first().url,
        "calendar_month": f"{tree.calendar.url}?visning=maaned",
    }


def count_queries(client, url: str) -> int:
    client.get(url)  # warm caches that live for the process (content types, site root paths)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_content_and_stays_in_budget(client, tree):
    def measure() -> dict[str, int]:
        return {name: count_queries(client, url) for name, url in urls(tree).items()}

    fill(tree, 5)
    small = measure()
    fill(tree, 20)
    large = measure()
    assert small == large
    over = {name: n for name, n in large.items() if n > BUDGETS[name]}
    under = {name: n for name, n in large.items() if n < BUDGETS[name]}
    assert not under, f"fewer queries than pinned, lower the budget: {under}"
    assert not over, f"over budget: {over} (budgets {BUDGETS})"


def test_front_page_budget_with_assert_max(client, tree, django_assert_max_num_queries):
    fill(tree, 8)
    client.get("/")
    with django_assert_max_num_queries(BUDGETS["front"]):
        assert client.get("/").status_code == 200


def test_a_homes_own_listings_do_not_join_the_homes_title(client, tree):
    """A home's page names the home once, in its heading: its news, events and calls come
    without the joins to the home's title the front page's cards need. The hero image comes
    with the news cards' images and renditions, not joined to the page itself."""
    tree.home_a.image = make_image("Haven")
    tree.home_a.save_revision().publish()
    make_news(tree.home_a, "Nyt fra haven", image=make_image("Bed"))
    make_event(tree.home_a, "Bålaften")
    make_call(tree.home_a, "Hjælp til havedagen")
    client.get(tree.home_a.url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(tree.home_a.url)
    html = response.content.decode()
    assert "Nyt fra haven" in html and "Bålaften" in html and "Hjælp til havedagen" in html
    assert html.count('class="hero-image"') == 1
    listings = [
        query["sql"]
        for query in queries
        if any(
            f'FROM "home_{table}"' in query["sql"]
            for table in ("newspage", "eventpage", "volunteercallpage")
        )
    ]
    assert len(listings) == 3
    assert not [sql for sql in listings if 'JOIN "home_botilbudpage"' in sql]
    routed = [q["sql"] for q in queries if 'FROM "home_botilbudpage"' in q["sql"]]
    assert routed and not [sql for sql in routed if "wagtailimages_image" in sql]
    # The front page's cards still name their homes.
    front = client.get(tree.front.url).content.decode()
    assert front.count("· Solgården") == 3  # the news, the event and the call
