"""The header's unread count for a signed-in relative (issue 11): threads with something
published by others since the relative last opened them, counted in one query."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dialog import posting
from dialog.models import Membership, Thread, ThreadRead
from dialog.reading import unread_thread_count

from .conftest import make_relative


def header_unread(client, url="/") -> str:
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    badge = soup.select_one(".portal-info .header-my-page .header-unread")
    return badge.get_text(strip=True) if badge else ""


def private_thread(home, relative, subject="Medicin"):
    return posting.start_thread(
        botilbud=home, author=relative, kind="question", subject=subject, body="Hvordan går det?"
    )


def answer(thread, staff):
    return posting.post_message(thread, author=staff, body="Det går godt.", by_staff=True)


def test_staff_answer_is_counted_until_the_relative_opens_the_thread(
    client, tree, relative_a, staff_a
):
    thread = private_thread(tree.home_a, relative_a)
    client.force_login(relative_a)
    assert header_unread(client) == ""  # only their own message so far
    answer(thread, staff_a)
    assert header_unread(client) == "1 ulæst tråd"
    listing = BeautifulSoup(client.get(f"/dialog/{tree.home_a.pk}/").content, "html.parser")
    assert listing.select_one(".dialog-thread-list__unread").get_text(strip=True) == "Nyt"
    # Opening the thread reads it: the page itself already shows no count.
    assert header_unread(client, f"/dialog/traad/{thread.pk}/") == ""
    assert ThreadRead.objects.filter(relative=relative_a, thread=thread).exists()
    assert header_unread(client) == ""
    answer(thread, staff_a)
    second = private_thread(tree.home_a, relative_a, "Besøg")
    answer(second, staff_a)
    assert header_unread(client) == "2 ulæste tråde"


def test_threads_the_relative_may_not_read_are_not_counted(tree, relative_a, relative_b, staff_a):
    other = private_thread(tree.home_a, relative_b)
    answer(other, staff_a)
    held = posting.start_thread(
        botilbud=tree.home_a,
        author=relative_b,
        kind="suggestion",
        subject="Sommerfest",
        body="Skal vi holde sommerfest?",
        visibility=Thread.Visibility.SHARED,
    )
    assert unread_thread_count(relative_a) == 0  # another's private thread; a held post
    # Published by staff, a shared post is news for every connected relative.
    posting.post_message(held, author=staff_a, body="God idé.", by_staff=True)
    assert unread_thread_count(relative_a) == 1
    # A relative whose connection ended no longer counts the home's threads.
    Membership.objects.filter(relative=relative_a).update(status=Membership.Status.ENDED)
    assert unread_thread_count(relative_a) == 0


def test_staff_and_anonymous_have_no_count(client, tree, staff_a):
    assert unread_thread_count(staff_a) == 0
    assert header_unread(client) == ""


@pytest.mark.parametrize("threads", [1, 6])
def test_the_count_costs_one_query_however_many_threads(tree, staff_a, threads):
    relative = make_relative("mange@example.dk", tree.home_a)
    for n in range(threads):
        answer(private_thread(tree.home_a, relative, f"Emne {n}"), staff_a)
    with CaptureQueriesContext(connection) as queries:
        assert unread_thread_count(relative) == threads
    assert len(queries) == 1


def test_reading_a_thread_costs_one_query_the_first_time_and_after(tree, relative_a, staff_a):
    from dialog.reading import mark_thread_read

    thread = private_thread(tree.home_a, relative_a)
    for _visit in range(2):
        with CaptureQueriesContext(connection) as queries:
            mark_thread_read(relative_a, thread)
        assert len(queries) == 1
    assert ThreadRead.objects.filter(relative=relative_a, thread=thread).count() == 1
