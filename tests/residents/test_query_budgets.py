"""Listings of photos cost the same queries for a few photos as for many (pinned budgets)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residents import services
from residents.visibility import PUBLIC, photo_url, photos_on_page, photos_on_pages

from ..conftest import make_news

pytestmark = pytest.mark.django_db

# Measured on SQLite and PostgreSQL; a rise means a lost prefetch or a query per photo.
BUDGETS = {"album": 11, "photo_file": 6, "admin_photos": 23, "admin_residents": 23}
# "Bliv tilknyttet": the same for a relative who has not asked, who waits, and who is in.
CONNECT_BUDGET = 9


def count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_page_photos_cost_one_query_however_many(tree, people, photo_of, django_assert_num_queries):
    news = make_news(tree.home_a, "Fest")
    for _ in range(2):
        photo_of(people["per"], people["hanne"], news=news)
    with django_assert_num_queries(1):
        assert len(photos_on_page(news, people["home_relative"])) == 2
    for _ in range(6):
        photo_of(people["per"], news=news)
    with django_assert_num_queries(1):
        assert len(photos_on_page(news, None)) == 6
    with django_assert_num_queries(1):
        assert len(photos_on_pages([news.pk], PUBLIC)[news.pk]) == 6


def test_album_file_and_admin_listings_stay_in_budget(tree, people, photo_of):
    anna = people["anna"]
    own = login(people["network_a"])
    staff = login(people["staff_a"])

    def measure(photo):
        return {
            "album": count(own, reverse("residents:resident_album", args=[anna.pk])),
            "photo_file": count(own, photo_url(photo)),
            "admin_photos": count(staff, reverse("residents_admin_photos")),
            "admin_residents": count(staff, reverse("residents_admin_index")),
        }

    def fill(n):
        last = None
        for i in range(n):
            last = photo_of(anna, people["per"])
            services.write_post(people["staff_a"], anna, f"Opslag {i}", photo=last)
        return last

    small = measure(fill(2))
    large = measure(fill(8))
    assert small == large
    assert large == BUDGETS


def test_connect_page_stays_in_budget_whatever_the_request_state(tree, people):
    """The page "bliv tilknyttet" costs the same whether the relative has not asked, waits,
    or is in the network (the state is one query)."""
    anna = people["anna"]
    url = reverse("residents:connect", args=[anna.pk])
    asking = login(people["home_relative"])
    before = count(asking, url)
    services.request_connection(people["home_relative"], anna, "Kusine")
    waiting = count(asking, url)
    member = count(login(people["network_a"]), url)
    assert before == waiting == member == CONNECT_BUDGET
