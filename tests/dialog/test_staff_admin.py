"""The staff side in the Wagtail admin: the moderation queue, the threads, starting a
thread and the dashboard – own homes only, 403 for another home's, CSRF on every action,
and a query count that does not grow with the list."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access.rules import may_read_thread
from dialog import moderation, posting
from dialog.admin_moderation import dashboard_counts
from dialog.models import Message, Report, Thread
from tests.dialog.conftest import make_relative
from tests.dialog.test_moderation import published_post, report, shared_post

Status = Message.Status


@pytest.fixture
def staff_client(client, staff_a):
    client.force_login(staff_a)
    return client


def queue_url():
    return reverse("dialog_moderation_queue")


def action_url(message, action):
    return reverse("dialog_message_action", args=[message.pk, action])


def thread_url(thread):
    return reverse("dialog_thread", args=[thread.pk])


def private_question(home, relative, subject="Tøj til vinteren", body="Mangler hun en jakke?"):
    return posting.start_thread(
        botilbud=home,
        author=relative,
        kind=Thread.Kind.QUESTION,
        subject=subject,
        body=body,
    )


# --- Access -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["dialog_moderation_queue", "dialog_threads", "dialog_start_thread"]
)
def test_anonymous_is_sent_to_the_login(client, tree, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


def test_anonymous_actions_are_sent_to_the_login(client, tree, relative_a):
    message = shared_post(tree.home_a, relative_a)
    for url in (
        action_url(message, "approve"),
        reverse("dialog_thread_action", args=[message.thread_id, "close"]),
        thread_url(message.thread),
    ):
        response = client.post(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("wagtailadmin_login"))
    assert Message.objects.get(pk=message.pk).status == Status.PENDING


def test_a_relative_gets_no_admin(client, tree, relative_a):
    client.force_login(relative_a)
    response = client.get(queue_url())
    assert response.status_code == 302
    assert not response.url.startswith(queue_url())


def test_an_admin_user_without_a_home_is_refused(client, tree):
    editor = get_user_model().objects.create_user("redaktoer", "r@example.dk", "kode")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert client.get(queue_url()).status_code == 403
    assert client.get(reverse("dialog_threads")).status_code == 403


@pytest.mark.parametrize("action", ["approve", "reject", "hide", "move", "resolve"])
def test_staff_of_another_home_get_403_for_every_message_action(
    client, tree, relative_a, relative_b, staff_a, staff_b, action
):
    message = published_post(tree.home_a, relative_a, staff_a)
    report(message, relative_b)
    if action in ("approve", "reject"):
        Message.objects.filter(pk=message.pk).update(status=Status.PENDING)
    before = Message.objects.get(pk=message.pk).status
    client.force_login(staff_b)

    response = client.post(action_url(message, action), {"reason": "Fordi"})

    assert response.status_code == 403
    assert "eget botilbud" in response.content.decode()
    assert Message.objects.get(pk=message.pk).status == before
    assert Thread.objects.count() == 1
    assert Report.objects.get().handled_at is None


def test_staff_of_another_home_get_403_on_threads(client, tree, relative_a, staff_b):
    thread = private_question(tree.home_a, relative_a)
    client.force_login(staff_b)
    assert client.get(thread_url(thread)).status_code == 403
    assert client.post(thread_url(thread), {"body": "Svar fra Engbo"}).status_code == 403
    for action in ("close", "reopen"):
        url = reverse("dialog_thread_action", args=[thread.pk, action])
        assert client.post(url).status_code == 403
    thread.refresh_from_db()
    assert thread.closed_at is None
    assert thread.messages.count() == 1


def test_unknown_actions_and_messages_are_404(staff_client, tree, relative_a):
    message = shared_post(tree.home_a, relative_a)
    assert staff_client.post(action_url(message, "delete")).status_code == 404
    assert (
        staff_client.post(reverse("dialog_message_action", args=[99999, "approve"])).status_code
        == 404
    )
    assert staff_client.get(reverse("dialog_thread", args=[99999])).status_code == 404
    assert staff_client.get(action_url(message, "approve")).status_code == 405


def test_csrf_is_enforced_on_the_actions(tree, relative_a, staff_a):
    message = shared_post(tree.home_a, relative_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_a)
    assert client.post(action_url(message, "approve")).status_code == 403
    assert client.post(thread_url(message.thread), {"body": "Hej"}).status_code == 403
    url = reverse("dialog_thread_action", args=[message.thread_id, "close"])
    assert client.post(url).status_code == 403
    assert client.post(reverse("dialog_start_thread"), {}).status_code == 403
    assert Message.objects.get(pk=message.pk).status == Status.PENDING
    assert Message.objects.count() == 1
    # With the page's token the same button works.
    page = client.get(queue_url())
    token = page.cookies["csrftoken"].value
    response = client.post(action_url(message, "approve"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Message.objects.get(pk=message.pk).status == Status.PUBLISHED


# --- The queue ----------------------------------------------------------------------------


def test_queue_shows_own_homes_held_and_reported_posts_oldest_first(
    staff_client, tree, relative_a, relative_b, relative_engbo, staff_a
):
    older = shared_post(tree.home_a, relative_a, body="Først skrevet", subject="Første")
    reported = published_post(tree.home_a, relative_b, staff_a, body="Anmeldt indlæg")
    report(reported, relative_a, reason="Grimt sagt")
    published_post(tree.home_a, relative_b, staff_a, body="Helt i orden")
    shared_post(tree.home_a, relative_b, body="<script>alert(1)</script> se https://eks.dk")
    shared_post(tree.home_b, relative_engbo, body="Engbos indlæg")

    response = staff_client.get(queue_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Engbos indlæg" not in html
    assert "Helt i orden" not in html
    assert html.index("Først skrevet") < html.index("Anmeldt indlæg") < html.index("alert(1)")
    assert "Grimt sagt" in html
    assert "<script>alert(1)" not in html
    assert '<a href="https://eks.dk" rel="nofollow noopener ugc">' in html
    assert action_url(older, "approve") in html
    assert action_url(reported, "resolve") in html
    assert response.context["items"][0].pk == older.pk


def test_a_municipal_admin_sees_every_homes_queue(client, tree, relative_a, relative_engbo):
    shared_post(tree.home_a, relative_a, body="Solgårdens indlæg")
    shared_post(tree.home_b, relative_engbo, body="Engbos indlæg")
    client.force_login(get_user_model().objects.create_superuser("kommune", "k@example.dk", "x"))
    html = client.get(queue_url()).content.decode()
    assert "Solgårdens indlæg" in html
    assert "Engbos indlæg" in html
    assert "Engbo ·" in html  # with several homes, each post says whose it is


def test_approve_and_reject_from_the_queue(
    staff_client, tree, relative_a, relative_b, django_capture_on_commit_callbacks
):
    good = shared_post(tree.home_a, relative_a, body="Godt forslag")
    bad = shared_post(tree.home_a, relative_b, body="Mindre godt")

    response = staff_client.post(action_url(good, "approve"), {"next": queue_url()})
    assert response.status_code == 302
    assert response.url == queue_url()
    assert Message.objects.get(pk=good.pk).status == Status.PUBLISHED

    # No reason: refused with a Danish message, nothing mailed.
    response = staff_client.post(action_url(bad, "reject"), {"reason": ""}, follow=True)
    assert "Skriv en begrundelse" in response.content.decode()
    assert Message.objects.get(pk=bad.pk).status == Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(action_url(bad, "reject"), {"reason": "Hold en god tone."})
    assert Message.objects.get(pk=bad.pk).status == Status.REJECTED
    assert [m.to for m in mail.outbox] == [[relative_b.email]]
    assert "Hold en god tone." in mail.outbox[0].body


def test_an_outside_next_url_is_not_followed(staff_client, tree, relative_a):
    message = shared_post(tree.home_a, relative_a)
    response = staff_client.post(action_url(message, "approve"), {"next": "https://ondt.example/"})
    assert response.url == queue_url()


def test_move_to_private_from_the_queue_only_author_and_staff_see_it(
    client, staff_client, tree, relative_a, relative_b
):
    message = shared_post(tree.home_a, relative_a, body="Det handler om min mor")

    response = staff_client.post(action_url(message, "move"))

    assert response.status_code == 302
    private = Thread.objects.get(visibility=Thread.Visibility.PRIVATE)
    assert private.relative == relative_a
    assert staff_client.get(thread_url(private)).status_code == 200
    relative_view = reverse("dialog:thread", args=[private.pk])
    client.force_login(relative_b)
    assert client.get(relative_view).status_code == 404
    client.force_login(relative_a)
    response = client.get(relative_view)
    assert response.status_code == 200
    assert "Det handler om min mor" in response.content.decode()


def _many_posts(home, numbers, reported_by, moderator):
    """Queue items by different relatives, every third one a reported post."""
    for number in numbers:
        author = make_relative(f"paarorende{number}@example.dk", home)
        if number % 3 == 0:
            message = published_post(home, author, moderator, body=f"Indlæg {number}")
            Report.objects.create(message=message, reporter=reported_by, reason="Se her")
        else:
            shared_post(home, author, body=f"Indlæg {number} https://eks.dk/{number}")


def test_queue_query_count_is_the_same_for_3_and_30_items(
    staff_client, tree, relative_b, staff_a, django_assert_num_queries
):
    _many_posts(tree.home_a, range(3), relative_b, staff_a)
    staff_client.get(queue_url())  # warm caches (site, locale) out of the count
    with CaptureQueriesContext(connection) as few:
        assert len(staff_client.get(queue_url()).context["items"]) == 3

    _many_posts(tree.home_a, range(3, 30), relative_b, staff_a)
    with django_assert_num_queries(len(few)):
        assert len(staff_client.get(queue_url()).context["items"]) == 30


# --- Threads ------------------------------------------------------------------------------


def test_thread_page_shows_everything_marked_and_staff_reply(
    staff_client, tree, relative_a, relative_b, staff_a
):
    shown = published_post(tree.home_a, relative_a, staff_a, body="Synligt indlæg")
    thread = shown.thread
    hidden = posting.post_message(thread, author=relative_b, body="Skjult indlæg")
    moderation.approve_message(hidden, staff_a)
    moderation.hide_message(hidden, staff_a, reason="Personfølsomt")
    posting.post_message(thread, author=relative_b, body="Venter stadig")

    html = staff_client.get(thread_url(thread)).content.decode()
    for text in ("Synligt indlæg", "Skjult indlæg", "Skjult", "Personfølsomt", "Venter stadig"):
        assert text in html
    assert "Afventer godkendelse" in html

    response = staff_client.post(thread_url(thread), {"body": "Tak for forslaget!"})
    assert response.status_code == 302
    reply = thread.messages.get(body="Tak for forslaget!")
    assert (reply.author, reply.author_is_staff, reply.status) == (staff_a, True, Status.PUBLISHED)
    assert Thread.objects.get(pk=thread.pk).first_staff_reply_at == reply.created_at


def test_a_refused_reply_keeps_the_text_and_says_why(staff_client, tree, relative_a):
    thread = private_question(tree.home_a, relative_a)
    text = "Hendes CPR er 010203-1234, ikke?"
    response = staff_client.post(thread_url(thread), {"body": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "CPR" in html
    assert "010203-1234, ikke?" in html  # the text is still in the form
    assert thread.messages.count() == 1
    assert staff_client.post(thread_url(thread), {"body": "  "}).status_code == 200
    assert thread.messages.count() == 1


def test_close_and_reopen_from_the_thread_page(staff_client, tree, relative_a, staff_a):
    thread = private_question(tree.home_a, relative_a)
    staff_client.post(reverse("dialog_thread_action", args=[thread.pk, "close"]))
    thread.refresh_from_db()
    assert thread.closed_at is not None
    response = staff_client.post(thread_url(thread), {"body": "Et sidste svar"})
    assert response.status_code == 409
    assert "lukket" in response.content.decode()
    staff_client.post(reverse("dialog_thread_action", args=[thread.pk, "reopen"]))
    thread.refresh_from_db()
    assert thread.closed_at is None


def test_thread_page_query_count_is_the_same_for_3_and_30_messages(
    staff_client, tree, relative_a, staff_a, django_assert_num_queries
):
    thread = private_question(tree.home_a, relative_a)
    for number in range(2):
        posting.post_message(thread, author=staff_a, body=f"Svar {number}", by_staff=True)
    staff_client.get(thread_url(thread))
    with CaptureQueriesContext(connection) as few:
        assert len(staff_client.get(thread_url(thread)).context["items"]) == 3
    for number in range(27):
        author, by_staff = (staff_a, True) if number % 2 else (relative_a, False)
        posting.post_message(thread, author=author, body=f"Besked {number}", by_staff=by_staff)
    with django_assert_num_queries(len(few)):
        assert len(staff_client.get(thread_url(thread)).context["items"]) == 30


def test_thread_list_filters_by_status_and_kind(
    staff_client, tree, relative_a, relative_engbo, staff_a
):
    waiting = private_question(tree.home_a, relative_a, subject="Ubesvaret spørgsmål")
    answered = private_question(tree.home_a, relative_a, subject="Besvaret spørgsmål")
    posting.post_message(answered, author=staff_a, body="Svar", by_staff=True)
    closed = private_question(tree.home_a, relative_a, subject="Lukket spørgsmål")
    moderation.close_thread(closed, staff_a)
    overdue = private_question(tree.home_a, relative_a, subject="Forsinket spørgsmål")
    Thread.objects.filter(pk=overdue.pk).update(due_at="2020-01-01T00:00:00Z")
    private_question(tree.home_b, relative_engbo, subject="Engbos spørgsmål")
    url = reverse("dialog_threads")

    def subjects(**query):
        response = staff_client.get(url, query)
        assert response.status_code == 200
        return {thread.subject for thread in response.context["page"].object_list}

    assert subjects() == {
        "Ubesvaret spørgsmål",
        "Besvaret spørgsmål",
        "Lukket spørgsmål",
        "Forsinket spørgsmål",
    }
    assert subjects(status="unanswered") == {waiting.subject, overdue.subject}
    assert subjects(status="overdue") == {overdue.subject}
    assert subjects(status="closed") == {closed.subject}
    assert subjects(kind="concern") == set()
    # Nonsense in the filter is ignored, not a 500.
    assert len(subjects(status="<script>", kind="x", p="abc")) == 4


# --- Starting a thread --------------------------------------------------------------------


def test_staff_start_a_private_thread_to_one_relative(
    staff_client, tree, relative_a, relative_b, relative_engbo, staff_a
):
    form = staff_client.get(reverse("dialog_start_thread")).context["form"]
    values = [
        value for _group, options in form.fields["audience"].choices[1:] for value, _ in options
    ]
    membership_a = relative_a.memberships.get()
    assert f"home:{tree.home_a.pk}" in values
    assert f"membership:{membership_a.pk}" in values
    assert f"membership:{relative_engbo.memberships.get().pk}" not in values
    assert f"home:{tree.home_b.pk}" not in values

    response = staff_client.post(
        reverse("dialog_start_thread"),
        {
            "audience": f"membership:{membership_a.pk}",
            "kind": "question",
            "subject": "Fødselsdag",
            "body": "Kommer du til fødselsdagen på lørdag?",
        },
    )

    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response.url == thread_url(thread)
    assert (thread.visibility, thread.relative, thread.started_by_staff) == (
        Thread.Visibility.PRIVATE,
        relative_a,
        True,
    )
    assert thread.botilbud_id == tree.home_a.pk
    message = thread.messages.get()
    assert (message.author, message.author_is_staff, message.status) == (
        staff_a,
        True,
        Status.PUBLISHED,
    )
    assert may_read_thread(relative_a, thread)
    assert not may_read_thread(relative_b, thread)


def test_staff_start_a_shared_thread_to_all_relatives(staff_client, tree, relative_a, relative_b):
    response = staff_client.post(
        reverse("dialog_start_thread"),
        {
            "audience": f"home:{tree.home_a.pk}",
            "kind": "suggestion",
            "subject": "Julemarked",
            "body": "Vi holder julemarked den 1. december. Vil I hjælpe?",
        },
    )
    assert response.status_code == 302
    thread = Thread.objects.get()
    assert (thread.visibility, thread.relative) == (Thread.Visibility.SHARED, None)
    assert thread.messages.get().status == Status.PUBLISHED
    for relative in (relative_a, relative_b):
        assert thread in posting.visible_threads_for(relative, tree.home_a.pk)


def test_starting_a_thread_refuses_bad_input_in_danish(
    staff_client, tree, relative_a, relative_engbo
):
    url = reverse("dialog_start_thread")
    data = {"kind": "concern", "subject": "Emne", "body": "Tekst"}
    response = staff_client.post(url, {**data, "audience": f"home:{tree.home_a.pk}"})
    assert "altid privat" in response.content.decode()
    other_home = f"membership:{relative_engbo.memberships.get().pk}"
    response = staff_client.post(url, {**data, "audience": other_home})
    assert response.status_code == 200
    assert response.context["form"].errors["audience"]
    response = staff_client.post(url, {**data, "audience": f"home:{tree.home_b.pk}"})
    assert response.context["form"].errors["audience"]
    response = staff_client.post(
        url,
        {**data, "kind": "question", "audience": f"home:{tree.home_a.pk}", "body": "310150-1234"},
    )
    assert response.status_code == 400
    assert "CPR" in response.content.decode()
    assert not Thread.objects.exists()


# --- Dashboard ----------------------------------------------------------------------------


def test_dashboard_counts_own_homes_in_two_queries(
    client, tree, relative_a, relative_b, relative_engbo, staff_a, django_assert_num_queries
):
    shared_post(tree.home_a, relative_a)
    shared_post(tree.home_a, relative_b)
    flagged = published_post(tree.home_a, relative_a, staff_a)
    report(flagged, relative_b)
    private_question(tree.home_a, relative_a)
    shared_post(tree.home_b, relative_engbo)
    private_question(tree.home_b, relative_engbo)

    with django_assert_num_queries(2):
        counts = dashboard_counts([tree.home_a.pk])
    # Unanswered: the private question and the three shared threads started by relatives.
    assert counts == {"pending": 2, "reported": 1, "unanswered": 4, "overdue": 0}

    client.force_login(staff_a)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Dialog med pårørende" in html
    assert "venter på godkendelse" in html
    assert queue_url() in html
