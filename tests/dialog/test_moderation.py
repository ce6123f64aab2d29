"""Moderation services: each action changes the post's state, is logged with who and why,
mails the author on rejection (through the outbox, on commit), and is refused to staff of
another home."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from wagtail.models import ModelLogEntry

from access.rules import may_read_thread
from dialog import moderation, posting, signals
from dialog.models import Message, Report, Thread
from outbox.models import OutgoingMail

Status = Message.Status


def rejection_mails():
    return OutgoingMail.objects.filter(key__endswith=":rejected")


def shared_post(home, author, body="Skal vi holde sommerfest i haven?", subject="Sommerfest"):
    """A relative's suggestion in a shared thread: held for moderation."""
    thread = posting.start_thread(
        botilbud=home,
        author=author,
        kind=Thread.Kind.SUGGESTION,
        subject=subject,
        body=body,
        visibility=Thread.Visibility.SHARED,
    )
    return thread.messages.get()


def published_post(home, author, moderator, **kwargs):
    message = shared_post(home, author, **kwargs)
    return moderation.approve_message(message, moderator)


def report(message, reporter, reason="Det her hører ikke hjemme her"):
    return posting.report_message(message, reporter, reason)


def entries(instance, action):
    return ModelLogEntry.objects.filter(
        content_type__model=instance._meta.model_name, object_id=str(instance.pk), action=action
    )


@pytest.fixture
def received():
    """The dialog's signals as they were sent: (signal name, kwargs)."""
    sent = []
    receivers = {}
    for name in ("message_published", "message_rejected", "thread_started"):

        def receiver(sender, _name=name, **kwargs):
            sent.append((_name, kwargs))

        receivers[name] = receiver
        getattr(signals, name).connect(receiver, weak=False)
    yield sent
    for name, receiver in receivers.items():
        getattr(signals, name).disconnect(receiver)


def test_approve_publishes_and_logs_who_and_when(tree, relative_a, staff_a, received):
    message = shared_post(tree.home_a, relative_a)
    assert message.status == Status.PENDING
    assert message.thread.last_message_at is None

    moderation.approve_message(message, staff_a)

    message.refresh_from_db()
    assert message.status == Status.PUBLISHED
    assert message.moderated_by == staff_a
    assert message.moderated_at is not None
    assert Thread.objects.get(pk=message.thread_id).last_message_at == message.created_at
    entry = entries(message, moderation.APPROVE).get()
    assert entry.user == staff_a
    assert entry.timestamp is not None
    published = [kwargs["message"] for name, kwargs in received if name == "message_published"]
    assert published == [message]


def test_approving_twice_is_refused_in_danish(tree, relative_a, staff_a):
    message = shared_post(tree.home_a, relative_a)
    moderation.approve_message(message, staff_a)
    with pytest.raises(moderation.ModerationRefused, match="allerede behandlet"):
        moderation.approve_message(message, staff_a)
    assert entries(message, moderation.APPROVE).count() == 1


def test_reject_needs_a_reason_and_changes_nothing_without_one(tree, relative_a, staff_a):
    message = shared_post(tree.home_a, relative_a)
    with pytest.raises(moderation.ModerationRefused, match="begrundelse"):
        moderation.reject_message(message, staff_a, "   ")
    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert not entries(message, moderation.REJECT).exists()
    assert not rejection_mails().exists()


def test_reject_mails_the_author_the_reason_once(
    tree, relative_a, staff_a, received, django_capture_on_commit_callbacks
):
    message = shared_post(tree.home_a, relative_a, body="Min tekst, som jeg gerne vil beholde")
    reason = "Skriv venligst om det i en privat tråd i stedet."

    with django_capture_on_commit_callbacks(execute=True):
        moderation.reject_message(message, staff_a, reason)

    message.refresh_from_db()
    assert message.status == Status.REJECTED
    assert message.moderation_reason == reason
    assert message.moderated_by == staff_a
    entry = entries(message, moderation.REJECT).get()
    assert (entry.user, entry.data["reason"]) == (staff_a, reason)
    assert [m.to for m in mail.outbox] == [[relative_a.email]]
    assert mail.outbox[0].subject == "Din besked blev ikke vist: Sommerfest"
    assert reason in mail.outbox[0].body
    assert "Min tekst, som jeg gerne vil beholde" in mail.outbox[0].body
    assert rejection_mails().get().key == f"dialog:message:{message.pk}:rejected"
    assert [kwargs["reason"] for name, kwargs in received if name == "message_rejected"] == [reason]
    # A second rejection is refused: no second mail.
    with pytest.raises(moderation.ModerationRefused):
        moderation.reject_message(message, staff_a, reason)
    assert rejection_mails().count() == 1


def test_reject_reason_with_a_cpr_number_is_refused(tree, relative_a, staff_a):
    message = shared_post(tree.home_a, relative_a)
    with pytest.raises(moderation.ModerationRefused, match="CPR"):
        moderation.reject_message(message, staff_a, "Det gælder beboer 010203-1234")
    message.refresh_from_db()
    assert message.status == Status.PENDING


def test_reject_a_deleted_relatives_post_sends_no_mail(tree, relative_a, staff_a):
    message = shared_post(tree.home_a, relative_a)
    Message.objects.filter(pk=message.pk).update(author=None)
    moderation.reject_message(message, staff_a, "Ikke relevant længere.")
    assert Message.objects.get(pk=message.pk).status == Status.REJECTED
    assert not rejection_mails().exists()


def test_hide_takes_a_visible_post_down_and_settles_its_reports(
    tree, relative_a, relative_b, staff_a
):
    message = published_post(tree.home_a, relative_a, staff_a)
    flagged = report(message, relative_b)

    moderation.hide_message(message, staff_a, reason="Personfølsomt")

    message.refresh_from_db()
    assert message.status == Status.HIDDEN
    assert message.moderation_reason == "Personfølsomt"
    assert Report.objects.get(pk=flagged.pk).handled_at is not None
    assert Thread.objects.get(pk=message.thread_id).last_message_at is None
    entry = entries(message, moderation.HIDE).get()
    assert (entry.user, entry.data["reason"]) == (staff_a, "Personfølsomt")
    with pytest.raises(moderation.ModerationRefused):
        moderation.hide_message(message, staff_a)


def test_hiding_a_held_post_is_refused(tree, relative_a, staff_a):
    message = shared_post(tree.home_a, relative_a)
    with pytest.raises(moderation.ModerationRefused, match="synlige"):
        moderation.hide_message(message, staff_a)


def test_move_to_private_gives_a_new_thread_only_author_and_staff_read(
    tree, relative_a, relative_b, staff_a, staff_b, received
):
    first = published_post(tree.home_a, relative_a, staff_a, subject="Besøgstider")
    post = posting.post_message(
        first.thread, author=relative_a, body="Min bror har det svært for tiden."
    )
    old = first.thread

    private = moderation.move_to_private(post, staff_a, reason="Personligt")

    post.refresh_from_db()
    assert post.thread == private
    assert post.moved_from == old
    assert post.status == Status.PUBLISHED
    assert (private.visibility, private.kind, private.relative) == (
        Thread.Visibility.PRIVATE,
        old.kind,
        relative_a,
    )
    assert private.subject == "Flyttet: Besøgstider"
    assert private.botilbud_id == tree.home_a.pk
    assert list(old.messages.all()) == [first]
    assert may_read_thread(relative_a, private)
    assert may_read_thread(staff_a, private)
    assert not may_read_thread(relative_b, private)
    assert not may_read_thread(staff_b, private)
    assert private not in posting.visible_threads_for(relative_b, tree.home_a.pk)
    entry = entries(post, moderation.MOVE).get()
    assert entry.user == staff_a
    assert entry.data == {"reason": "Personligt", "from_thread": old.pk, "to_thread": private.pk}
    assert ("thread_started", private) in [
        (name, kwargs.get("thread")) for name, kwargs in received
    ]


def test_moving_the_only_post_closes_the_emptied_shared_thread(tree, relative_a, staff_a):
    message = shared_post(tree.home_a, relative_a)
    old = message.thread
    private = moderation.move_to_private(message, staff_a)
    old.refresh_from_db()
    assert old.closed_at is not None
    assert private.closed_at is None
    assert Message.objects.get(pk=message.pk).status == Status.PUBLISHED


def test_move_to_private_refuses_staff_posts_and_private_threads(
    tree, relative_a, staff_a, django_capture_on_commit_callbacks
):
    shared = posting.start_thread(
        botilbud=tree.home_a,
        author=staff_a,
        kind=Thread.Kind.QUESTION,
        subject="Til alle",
        body="Hvem kommer til julefrokost?",
        visibility=Thread.Visibility.SHARED,
        by_staff=True,
    )
    with pytest.raises(moderation.ModerationRefused):
        moderation.move_to_private(shared.messages.get(), staff_a)
    private = posting.start_thread(
        botilbud=tree.home_a,
        author=relative_a,
        kind=Thread.Kind.QUESTION,
        subject="Medicin",
        body="Et spørgsmål om medicin.",
    )
    with pytest.raises(moderation.ModerationRefused, match="privat"):
        moderation.move_to_private(private.messages.get(), staff_a)
    assert Thread.objects.count() == 2


def test_resolve_report_keeps_the_post_and_logs(tree, relative_a, relative_b, staff_a):
    message = published_post(tree.home_a, relative_a, staff_a)
    flagged = report(message, relative_b)

    moderation.resolve_report(flagged, staff_a)

    flagged.refresh_from_db()
    assert flagged.handled_at is not None
    assert Message.objects.get(pk=message.pk).status == Status.PUBLISHED
    assert entries(flagged, moderation.RESOLVE_REPORT).get().user == staff_a
    # Nothing left open for the queue's "leave it" button.
    with pytest.raises(moderation.ModerationRefused):
        moderation.resolve_reports(message, staff_a)


def test_close_and_reopen_a_thread(tree, relative_a, staff_a):
    message = published_post(tree.home_a, relative_a, staff_a)
    thread = message.thread

    moderation.close_thread(thread, staff_a)
    thread.refresh_from_db()
    assert thread.closed_at is not None
    with pytest.raises(posting.PostingRefused, match="lukket"):
        posting.post_message(thread, author=relative_a, body="Hallo?")

    moderation.reopen_thread(thread, staff_a)
    thread.refresh_from_db()
    assert thread.closed_at is None
    assert entries(thread, moderation.CLOSE).get().user == staff_a
    assert entries(thread, moderation.REOPEN).get().user == staff_a


@pytest.mark.parametrize(
    "act",
    [
        lambda m, u: moderation.approve_message(m, u),
        lambda m, u: moderation.reject_message(m, u, "Nej"),
        lambda m, u: moderation.hide_message(m, u),
        lambda m, u: moderation.move_to_private(m, u),
        lambda m, u: moderation.resolve_reports(m, u),
        lambda m, u: moderation.resolve_report(m.reports.get(), u),
        lambda m, u: moderation.close_thread(m.thread, u),
        lambda m, u: moderation.reopen_thread(m.thread, u),
    ],
    ids=["approve", "reject", "hide", "move", "resolve", "resolve_one", "close", "reopen"],
)
def test_staff_of_another_home_may_not_moderate(
    tree, relative_a, relative_b, staff_a, staff_b, act
):
    message = published_post(tree.home_a, relative_a, staff_a)
    report(message, relative_b)
    Message.objects.filter(pk=message.pk).update(status=Status.PENDING)
    before = list(Message.objects.values_list("pk", "status", "thread_id"))
    logged = ModelLogEntry.objects.count()

    with pytest.raises(PermissionDenied):
        act(Message.objects.get(pk=message.pk), staff_b)

    assert list(Message.objects.values_list("pk", "status", "thread_id")) == before
    assert ModelLogEntry.objects.count() == logged
    assert Thread.objects.get(pk=message.thread_id).closed_at is None


def test_a_relative_may_not_moderate(tree, relative_a, relative_b):
    message = shared_post(tree.home_a, relative_a)
    with pytest.raises(PermissionDenied):
        moderation.approve_message(message, relative_b)


def test_a_municipal_admin_moderates_every_home(tree, relative_engbo):
    admin = get_user_model().objects.create_superuser("kommune", "k@example.dk", "kode")
    message = shared_post(tree.home_b, relative_engbo)
    moderation.approve_message(message, admin)
    assert Message.objects.get(pk=message.pk).status == Status.PUBLISHED
