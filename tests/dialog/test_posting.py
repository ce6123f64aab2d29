"""Starting threads, posting and reporting: who may write where, what is held for
moderation, what is published at once, and the answer-time marker."""

import pytest
from django.dispatch import receiver

from dialog import signals
from dialog.models import Membership, Message, Report, Thread
from dialog.posting import (
    MAX_BODY,
    PostingRefused,
    post_message,
    report_message,
    start_thread,
    visible_messages,
    visible_threads_for,
)
from tests.dialog.conftest import make_relative

Kind = Thread.Kind
Visibility = Thread.Visibility
Status = Message.Status


@pytest.fixture
def sent():
    """The dialog signals sent during the test, in order: (name, object)."""
    events = []

    @receiver(signals.thread_started, weak=False)
    def started(sender, thread, **kwargs):
        events.append(("thread_started", thread))

    @receiver(signals.message_published, weak=False)
    def published(sender, message, **kwargs):
        events.append(("message_published", message))

    @receiver(signals.message_held, weak=False)
    def held(sender, message, **kwargs):
        events.append(("message_held", message))

    yield events
    signals.thread_started.disconnect(started)
    signals.message_published.disconnect(published)
    signals.message_held.disconnect(held)


def private_question(tree, relative, body="Hvornår er der forældremøde?"):
    return start_thread(
        botilbud=tree.home_a,
        author=relative,
        kind=Kind.QUESTION,
        subject="Forældremøde",
        body=body,
    )


def shared_suggestion(tree, relative):
    return start_thread(
        botilbud=tree.home_a,
        author=relative,
        kind=Kind.SUGGESTION,
        subject="Sommerudflugt",
        body="Jeg vil gerne arrangere en tur til stranden.",
        visibility=Visibility.SHARED,
    )


def test_private_thread_is_published_at_once(tree, relative_a, sent):
    thread = private_question(tree, relative_a)

    message = thread.messages.get()
    assert thread.visibility == Visibility.PRIVATE
    assert thread.relative == relative_a
    assert thread.started_by == relative_a
    assert message.status == Status.PUBLISHED
    assert thread.last_message_at == message.created_at
    assert thread.first_staff_reply_at is None
    assert [name for name, _ in sent] == ["thread_started", "message_published"]


def test_shared_post_by_relative_is_held_and_hidden_from_others(tree, relative_a, relative_b, sent):
    thread = shared_suggestion(tree, relative_a)

    message = thread.messages.get()
    assert message.status == Status.PENDING
    assert thread.relative is None
    assert thread.last_message_at is None
    assert [name for name, _ in sent] == ["thread_started", "message_held"]
    # The author sees their own post, marked as waiting; other relatives see nothing yet.
    assert list(visible_threads_for(relative_a, tree.home_a.pk)) == [thread]
    [own] = visible_messages(thread, relative_a)
    assert own.awaiting_approval is True
    assert list(visible_threads_for(relative_b, tree.home_a.pk)) == []
    assert visible_messages(thread, relative_b) == []


def test_concern_is_always_private(tree, relative_a):
    thread = start_thread(
        botilbud=tree.home_a,
        author=relative_a,
        kind=Kind.CONCERN,
        subject="Medicin",
        body="Jeg er bekymret for medicinen.",
        visibility=Visibility.SHARED,
    )

    assert thread.visibility == Visibility.PRIVATE
    assert thread.relative == relative_a
    assert thread.messages.get().status == Status.PUBLISHED


def test_unconnected_relative_cannot_start_a_thread(tree, outsider, relative_engbo):
    for person in (outsider, relative_engbo):
        with pytest.raises(PostingRefused) as refused:
            private_question(tree, person)
        assert refused.value.status == 403
        assert "tilknyttet" in refused.value.message
    assert not Thread.objects.exists()
    assert not Message.objects.exists()


def test_pending_connection_is_not_enough(tree):
    waiting = make_relative("venter@example.dk", tree.home_a, status=Membership.Status.PENDING)

    with pytest.raises(PostingRefused):
        private_question(tree, waiting)


def test_staff_reply_is_published_and_sets_first_staff_reply_at(tree, relative_a, staff_a, sent):
    thread = private_question(tree, relative_a)
    sent.clear()

    reply = post_message(thread, author=staff_a, body="Den 3. juni kl. 17.", by_staff=True)
    second = post_message(thread, author=staff_a, body="Vi ses!", by_staff=True)

    thread.refresh_from_db()
    assert reply.status == Status.PUBLISHED
    assert reply.author_is_staff is True
    assert thread.first_staff_reply_at == reply.created_at
    assert thread.last_message_at == second.created_at
    assert [name for name, _ in sent] == ["message_published", "message_published"]


def test_relative_reply_does_not_count_as_staff_answer(tree, relative_a):
    thread = private_question(tree, relative_a)

    post_message(thread, author=relative_a, body="Og hvor er det?")

    thread.refresh_from_db()
    assert thread.first_staff_reply_at is None


def test_staff_of_another_home_cannot_answer(tree, relative_a, staff_b):
    thread = private_question(tree, relative_a)

    with pytest.raises(PostingRefused) as refused:
        post_message(thread, author=staff_b, body="Hej", by_staff=True)
    assert refused.value.status == 403
    assert thread.messages.count() == 1


def test_relative_cannot_post_in_anothers_private_thread(tree, relative_a, relative_b):
    thread = private_question(tree, relative_a)

    with pytest.raises(PostingRefused) as refused:
        post_message(thread, author=relative_b, body="Hej")
    assert refused.value.status == 403
    assert thread.messages.count() == 1


def test_shared_reply_from_relative_is_held_staff_reply_is_not(
    tree, relative_a, relative_b, staff_a
):
    thread = start_thread(
        botilbud=tree.home_a,
        author=staff_a,
        kind=Kind.SUGGESTION,
        subject="Julefrokost",
        body="Hvem vil hjælpe med julefrokosten?",
        visibility=Visibility.SHARED,
        by_staff=True,
    )
    assert thread.first_staff_reply_at is not None
    assert thread.started_by_staff is True

    held = post_message(thread, author=relative_b, body="Jeg kan bage.")
    answered = post_message(thread, author=staff_a, body="Tak!", by_staff=True)

    assert held.status == Status.PENDING
    assert answered.status == Status.PUBLISHED
    # Relative A sees staff's posts but not B's post that waits for approval.
    seen = {message.pk for message in visible_messages(thread, relative_a)}
    assert held.pk not in seen
    assert answered.pk in seen


def test_relative_of_another_home_cannot_post_in_shared_thread(tree, relative_engbo, staff_a):
    thread = start_thread(
        botilbud=tree.home_a,
        author=staff_a,
        kind=Kind.QUESTION,
        subject="Sommerfest",
        body="Kommer I?",
        visibility=Visibility.SHARED,
        by_staff=True,
    )

    with pytest.raises(PostingRefused):
        post_message(thread, author=relative_engbo, body="Ja")


def test_staff_private_thread_goes_to_one_connected_relative(
    tree, relative_a, relative_engbo, staff_a
):
    thread = start_thread(
        botilbud=tree.home_a,
        author=staff_a,
        kind=Kind.QUESTION,
        subject="Besøg",
        body="Kommer du på søndag?",
        relative=relative_a,
        by_staff=True,
    )
    assert thread.relative == relative_a
    assert thread in visible_threads_for(relative_a, tree.home_a.pk)

    with pytest.raises(PostingRefused):
        start_thread(
            botilbud=tree.home_a,
            author=staff_a,
            kind=Kind.QUESTION,
            subject="Besøg",
            body="Kommer du?",
            relative=relative_engbo,
            by_staff=True,
        )
    with pytest.raises(PostingRefused):
        start_thread(
            botilbud=tree.home_a,
            author=staff_a,
            kind=Kind.QUESTION,
            subject="Besøg",
            body="Til hvem?",
            by_staff=True,
        )


def test_closed_thread_refuses_posts(tree, relative_a):
    thread = private_question(tree, relative_a)
    Thread.objects.filter(pk=thread.pk).update(closed_at=thread.created_at)

    with pytest.raises(PostingRefused) as refused:
        post_message(thread, author=relative_a, body="Hallo?")
    assert refused.value.status == 409


@pytest.mark.parametrize(
    ("body", "words"),
    [("", "Skriv en besked"), ("   \n\t ", "Skriv en besked"), ("x" * (MAX_BODY + 1), "10.000")],
)
def test_empty_or_too_long_body_is_refused(tree, relative_a, body, words):
    with pytest.raises(PostingRefused) as refused:
        private_question(tree, relative_a, body=body)
    assert words in refused.value.message
    assert not Thread.objects.exists()


def test_control_characters_are_dropped(tree, relative_a):
    thread = private_question(tree, relative_a, body="Hej\x00 med\x07 dig\r\nog tak")

    assert thread.messages.get().body == "Hej med dig\nog tak"


def test_visible_threads_for_a_relative(tree, relative_a, relative_b, staff_a):
    mine = private_question(tree, relative_a)
    theirs = private_question(tree, relative_b)
    shared = start_thread(
        botilbud=tree.home_a,
        author=staff_a,
        kind=Kind.PRAISE,
        subject="Tak for festen",
        body="Tak til alle!",
        visibility=Visibility.SHARED,
        by_staff=True,
    )

    assert set(visible_threads_for(relative_a, tree.home_a.pk)) == {mine, shared}
    assert set(visible_threads_for(staff_a, tree.home_a.pk)) == {mine, theirs, shared}
    assert list(visible_threads_for(relative_a, tree.home_b.pk)) == []


def test_report_once_per_reporter(tree, relative_a, relative_b, staff_a):
    thread = start_thread(
        botilbud=tree.home_a,
        author=staff_a,
        kind=Kind.QUESTION,
        subject="Sommerfest",
        body="Hvem kommer?",
        visibility=Visibility.SHARED,
        by_staff=True,
    )
    message = thread.messages.get()

    first = report_message(message, relative_b, "Det passer ikke")
    again = report_message(message, relative_b, "Igen")

    assert first.pk == again.pk
    assert Report.objects.count() == 1
    assert first.reason == "Det passer ikke"


def test_reports_only_on_published_shared_posts(tree, relative_a, relative_b, outsider):
    private = private_question(tree, relative_a)
    held = shared_suggestion(tree, relative_a).messages.get()

    with pytest.raises(PostingRefused):
        report_message(private.messages.get(), relative_a, "")
    with pytest.raises(PostingRefused):
        report_message(held, relative_b, "")
    Message.objects.filter(pk=held.pk).update(status=Status.PUBLISHED)
    held.refresh_from_db()
    with pytest.raises(PostingRefused):
        report_message(held, outsider, "")
    with pytest.raises(PostingRefused):
        report_message(held, relative_a, "mit eget")
    assert not Report.objects.exists()
