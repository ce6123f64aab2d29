"""The relatives' thread pages: who sees which thread (404 for what is not theirs), who may
post, how authors are named, reporting, and a constant query count per thread page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dialog.models import Attachment, Membership, Message, Report, Thread
from dialog.posting import start_thread

Kind = Thread.Kind
Visibility = Thread.Visibility
Status = Message.Status


def private_thread(tree, relative, subject="Vasketøj i weekenden"):
    return start_thread(
        botilbud=tree.home_a,
        author=relative,
        kind=Kind.QUESTION,
        subject=subject,
        body="Hvornår bliver tøjet vasket?",
    )


def staff_shared_thread(tree, staff):
    return start_thread(
        botilbud=tree.home_a,
        author=staff,
        kind=Kind.SUGGESTION,
        subject="Sommerfest",
        body="Hvem vil hjælpe med sommerfesten?",
        visibility=Visibility.SHARED,
        by_staff=True,
    )


def new_thread_data(**overrides) -> dict:
    data = {
        "ny-kind": "question",
        "ny-subject": "Besøgstider",
        "ny-body": "Hvornår må vi komme på besøg?",
        "ny-visibility": "private",
    }
    data.update(overrides)
    return data


# --- Who sees what --------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, tree, relative_a):
    thread = private_thread(tree, relative_a)

    for url in (
        reverse("dialog:home_threads", args=[tree.home_a.pk]),
        reverse("dialog:thread", args=[thread.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/dialog/log-ind/?next={url}"


def test_relative_cannot_open_another_relatives_private_thread(
    client, tree, relative_a, relative_b
):
    thread = private_thread(tree, relative_a)
    client.force_login(relative_b)

    assert client.get(reverse("dialog:thread", args=[thread.pk])).status_code == 404
    posted = client.post(reverse("dialog:thread", args=[thread.pk]), {"svar-body": "Hej"})
    assert posted.status_code == 404
    assert thread.messages.count() == 1
    listing = client.get(reverse("dialog:home_threads", args=[tree.home_a.pk]))
    assert "Vasketøj i weekenden" not in listing.content.decode()


def test_other_homes_threads_are_not_found(
    client, tree, relative_a, relative_engbo, staff_a, staff_b
):
    private = private_thread(tree, relative_a)
    shared = staff_shared_thread(tree, staff_a)

    for person in (relative_engbo, staff_b):
        client.force_login(person)
        for thread in (private, shared):
            assert client.get(reverse("dialog:thread", args=[thread.pk])).status_code == 404
    assert client.get(reverse("dialog:thread", args=[999_999])).status_code == 404


def test_ended_connection_loses_access(client, tree, relative_a):
    thread = private_thread(tree, relative_a)
    Membership.objects.filter(relative=relative_a).update(status=Membership.Status.ENDED)
    client.force_login(relative_a)

    assert client.get(reverse("dialog:thread", args=[thread.pk])).status_code == 404


def test_unconnected_relative_is_refused_in_danish(client, tree, outsider):
    client.force_login(outsider)
    url = reverse("dialog:home_threads", args=[tree.home_a.pk])

    page = client.get(url)
    posted = client.post(url, new_thread_data())

    assert page.status_code == 403
    assert "Du er ikke tilknyttet Solgården endnu" in page.content.decode()
    assert posted.status_code == 403
    assert not Thread.objects.exists()


def test_home_page_lists_own_private_and_shared_threads(
    client, tree, relative_a, relative_b, staff_a
):
    private_thread(tree, relative_a, subject="Mit eget emne")
    private_thread(tree, relative_b, subject="Bos emne")
    staff_shared_thread(tree, staff_a)
    client.force_login(relative_a)

    page = client.get(reverse("dialog:home_threads", args=[tree.home_a.pk])).content.decode()

    assert "Mit eget emne" in page
    assert "Sommerfest" in page
    assert "Bos emne" not in page
    assert "Ny henvendelse" in page
    assert "Bekymring er altid privat" in page or "altid privat" in page


# --- Posting through the pages -------------------------------------------------------------


def test_new_private_thread_through_the_form(client, tree, relative_a):
    client.force_login(relative_a)

    response = client.post(reverse("dialog:home_threads", args=[tree.home_a.pk]), new_thread_data())

    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dialog:thread", args=[thread.pk])
    assert thread.relative == relative_a
    assert thread.messages.get().status == Status.PUBLISHED


def test_concern_posted_as_shared_becomes_private(client, tree, relative_a):
    client.force_login(relative_a)

    client.post(
        reverse("dialog:home_threads", args=[tree.home_a.pk]),
        new_thread_data(**{"ny-kind": "concern", "ny-visibility": "shared"}),
    )

    thread = Thread.objects.get()
    assert thread.visibility == Visibility.PRIVATE
    assert thread.relative == relative_a


def test_shared_post_waits_and_is_marked_for_its_author(client, tree, relative_a, relative_b):
    client.force_login(relative_a)
    client.post(
        reverse("dialog:home_threads", args=[tree.home_a.pk]),
        new_thread_data(**{"ny-kind": "suggestion", "ny-visibility": "shared"}),
    )
    thread = Thread.objects.get()
    assert thread.messages.get().status == Status.PENDING

    own = client.get(reverse("dialog:thread", args=[thread.pk])).content.decode()
    assert "Afventer godkendelse" in own

    client.force_login(relative_b)
    assert client.get(reverse("dialog:thread", args=[thread.pk])).status_code == 404
    listing = client.get(reverse("dialog:home_threads", args=[tree.home_a.pk])).content.decode()
    assert "Besøgstider" not in listing

    Message.objects.filter(thread=thread).update(status=Status.PUBLISHED)
    Thread.objects.filter(pk=thread.pk).update(last_message_at=thread.created_at)
    shown = client.get(reverse("dialog:thread", args=[thread.pk])).content.decode()
    assert "Hvornår må vi komme på besøg?" in shown
    assert "Afventer godkendelse" not in shown


def test_staff_answer_on_the_thread_page_counts_as_first_reply(client, tree, relative_a, staff_a):
    thread = private_thread(tree, relative_a)
    client.force_login(staff_a)

    response = client.post(
        reverse("dialog:thread", args=[thread.pk]), {"svar-body": "Om tirsdagen."}
    )

    assert response.status_code == 302
    thread.refresh_from_db()
    reply = thread.messages.get(author=staff_a)
    assert reply.author_is_staff
    assert reply.status == Status.PUBLISHED
    assert thread.first_staff_reply_at == reply.created_at


def test_closed_thread_has_no_reply_form_and_refuses_posts(client, tree, relative_a):
    thread = private_thread(tree, relative_a)
    Thread.objects.filter(pk=thread.pk).update(closed_at=thread.created_at)
    client.force_login(relative_a)

    page = client.get(reverse("dialog:thread", args=[thread.pk])).content.decode()
    posted = client.post(reverse("dialog:thread", args=[thread.pk]), {"svar-body": "Hallo"})

    assert "Tråden er lukket" in page
    assert "Send svar" not in page
    assert posted.status_code == 409
    assert thread.messages.count() == 1


def test_author_names(client, tree, relative_a, staff_a):
    thread = private_thread(tree, relative_a)
    Message.objects.create(thread=thread, author=staff_a, author_is_staff=True, body="Svar")
    Message.objects.create(thread=thread, author=None, body="Fra en, der er slettet")
    client.force_login(relative_a)

    page = client.get(reverse("dialog:thread", args=[thread.pk])).content.decode()

    assert "Anna fra Solgården" in page
    assert "slettet pårørende" in page
    # A relative without a name is never shown by e-mail address.
    assert "anna.relative@example.dk" not in page


def test_reporting_a_shared_post(client, tree, relative_a, relative_b, staff_a):
    thread = staff_shared_thread(tree, staff_a)
    message = thread.messages.get()
    client.force_login(relative_b)
    url = reverse("dialog:report_message", args=[message.pk])

    page = client.get(reverse("dialog:thread", args=[thread.pk])).content.decode()
    assert url in page
    response = client.post(url, {"anmeld-reason": "Det er forkert"})
    again = client.post(url, {"anmeld-reason": "Igen"})

    assert response.status_code == 302
    assert again.status_code == 302
    report = Report.objects.get()
    assert (report.message, report.reporter, report.reason) == (
        message,
        relative_b,
        "Det er forkert",
    )
    after = client.get(reverse("dialog:thread", args=[thread.pk])).content.decode()
    assert "Du har anmeldt indlægget" in after
    # Private posts cannot be reported, not even by their own reader.
    private = private_thread(tree, relative_a).messages.get()
    client.force_login(relative_a)
    assert client.post(reverse("dialog:report_message", args=[private.pk])).status_code == 404


# --- Query budget ------------------------------------------------------------------------------


def _fill(thread, relative, staff, count: int) -> None:
    """Messages from both sides, every third with a file (the page links, never opens it)."""
    for n in range(count):
        by_staff = n % 2 == 1
        message = Message.objects.create(
            thread=thread,
            author=staff if by_staff else relative,
            author_is_staff=by_staff,
            body=f"Besked {n} https://example.dk/{n}",
        )
        if n % 3 == 0:
            Attachment.objects.create(
                message=message,
                file=f"dialog/2026/01/{n}.pdf",
                content_type="application/pdf",
                size=100,
                original_name=f"{n}.pdf",
            )


def test_thread_page_query_count_does_not_grow_with_messages(
    client, tree, relative_a, staff_a, django_assert_num_queries
):
    small = private_thread(tree, relative_a, subject="Lille")
    large = private_thread(tree, relative_a, subject="Stor")
    _fill(small, relative_a, staff_a, 2)  # 3 with the first message
    _fill(large, relative_a, staff_a, 29)  # 30
    client.force_login(relative_a)
    client.get(reverse("dialog:thread", args=[small.pk]))  # sessions and caches warmed

    with CaptureQueriesContext(connection) as small_queries:
        response = client.get(reverse("dialog:thread", args=[small.pk]))
    assert response.content.decode().count('<li class="dialog-message') == 3

    with django_assert_num_queries(len(small_queries)):
        response = client.get(reverse("dialog:thread", args=[large.pk]))
    assert response.content.decode().count('<li class="dialog-message') == 30


def test_shared_thread_page_query_count_does_not_grow_with_messages(
    client, tree, relative_a, relative_b, staff_a, django_assert_num_queries
):
    small = staff_shared_thread(tree, staff_a)
    large = staff_shared_thread(tree, staff_a)
    for thread, count in ((small, 2), (large, 29)):
        for n in range(count):
            Message.objects.create(
                thread=thread,
                author=relative_a if n % 2 else staff_a,
                author_is_staff=not n % 2,
                body=f"{n}",
            )
    client.force_login(relative_b)
    client.get(reverse("dialog:thread", args=[small.pk]))

    with CaptureQueriesContext(connection) as small_queries:
        client.get(reverse("dialog:thread", args=[small.pk]))
    with django_assert_num_queries(len(small_queries)):
        response = client.get(reverse("dialog:thread", args=[large.pk]))
    assert response.content.decode().count("Anmeld indlægget til personalet") == 30


def test_home_threads_query_count_does_not_grow_with_threads(
    client, tree, relative_a, staff_a, django_assert_num_queries
):
    private_thread(tree, relative_a, subject="Første")
    client.force_login(relative_a)
    url = reverse("dialog:home_threads", args=[tree.home_a.pk])
    client.get(url)

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(10):
        private_thread(tree, relative_a, subject=f"Emne {number}")
        staff_shared_thread(tree, staff_a)

    with django_assert_num_queries(len(few)):
        page = client.get(url).content.decode()
    assert page.count('class="dialog-thread-list__item"') == 21
