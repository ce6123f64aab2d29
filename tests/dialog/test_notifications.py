"""Who is mailed when something is written: the home's staff about relatives' messages (at
once or in a summary), relatives about staff messages – never the author, never another
home – with the text, a link and a signed reply address, through the outbox on commit."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from dialog import moderation, posting
from dialog.models import Message, StaffPreference, Thread
from dialog.notifications import send_staff_summaries
from dialog.reply_address import read_address
from outbox.models import OutgoingMail
from tests.dialog.conftest import make_relative

Kind = Thread.Kind
Visibility = Thread.Visibility


def mails_to(user):
    return OutgoingMail.objects.filter(to_email=user.email, key__startswith="dialog:message:")


def private_question(home, relative, body="Hvornår er der forældremøde?"):
    return posting.start_thread(
        botilbud=home,
        author=relative,
        kind=Kind.QUESTION,
        subject="Forældremøde",
        body=body,
    )


def test_a_relatives_message_mails_the_homes_staff_with_link_and_reply_address(
    tree, relative_a, relative_b, staff_a, staff_b
):
    thread = private_question(tree.home_a, relative_a, body="Hvornår er der møde?\nHilsen Anna")
    [row] = mails_to(staff_a)
    message = thread.messages.get()
    assert row.key == f"dialog:message:{message.pk}:staff:{staff_a.pk}"
    # A private thread: the home, the kind and who wrote, never the text or its subject.
    assert "Hvornår er der møde?" not in row.body_text
    assert "Forældremøde" not in row.subject + row.body_text
    assert "Solgården" in row.subject and "Spørgsmål" in row.subject
    assert relative_a.email in row.body_text
    assert f"/admin/dialog/traade/{thread.pk}/" in row.body_text
    assert "besvare denne mail" in row.body_text
    target = read_address(row.reply_to)
    assert (target.thread_id, target.user_id) == (thread.pk, staff_a.pk)
    # Not the author, not the other relative, not the other home's staff.
    assert not mails_to(relative_a).exists()
    assert not mails_to(relative_b).exists()
    assert not mails_to(staff_b).exists()


def test_a_staff_reply_mails_the_threads_relative_only(tree, relative_a, relative_b, staff_a):
    thread = private_question(tree.home_a, relative_a)
    reply = posting.post_message(
        thread, author=staff_a, body="Torsdag kl. 17 i fælleshuset.", by_staff=True
    )
    [row] = mails_to(relative_a)
    assert row.key == f"dialog:message:{reply.pk}:relative:{relative_a.pk}"
    assert "Torsdag kl. 17 i fælleshuset." not in row.body_text  # private (test_private_mail)
    assert "Du har en ny besked fra Solgården – log ind for at læse den" in row.body_text
    assert f"/dialog/traad/{thread.pk}/" in row.body_text
    assert "besvare denne mail" in row.body_text
    assert read_address(row.reply_to).user_id == relative_a.pk
    # The staff author hears nothing about their own answer, the other relative nothing.
    about_reply = OutgoingMail.objects.filter(key__startswith=f"dialog:message:{reply.pk}:")
    assert list(about_reply.values_list("to_email", flat=True)) == [relative_a.email]
    assert not mails_to(relative_b).exists()


def test_a_staff_post_in_a_shared_thread_reaches_the_homes_connected_relatives(
    tree, relative_a, relative_b, relative_engbo, outsider, staff_a
):
    pending = make_relative("pia.pending@example.dk", tree.home_a, status="pending")
    posting.start_thread(
        botilbud=tree.home_a,
        author=staff_a,
        kind=Kind.SUGGESTION,
        subject="Sommerfest",
        body="Vi holder sommerfest lørdag.",
        visibility=Visibility.SHARED,
        by_staff=True,
    )
    assert set(
        OutgoingMail.objects.filter(key__startswith="dialog:message:").values_list(
            "to_email", flat=True
        )
    ) == {relative_a.email, relative_b.email}
    for user in (relative_engbo, outsider, pending, staff_a):
        assert not mails_to(user).exists()


def test_held_post_mails_staff_once_even_after_approval_and_not_other_relatives(
    tree, relative_a, relative_b, staff_a
):
    thread = posting.start_thread(
        botilbud=tree.home_a,
        author=relative_a,
        kind=Kind.SUGGESTION,
        subject="Grill",
        body="Kan vi låne grillen?",
        visibility=Visibility.SHARED,
    )
    [row] = mails_to(staff_a)
    assert "venter" in row.body_text.lower()
    assert "/admin/dialog/moderering/" in row.body_text
    moderation.approve_message(thread.messages.get(), staff_a)
    assert mails_to(staff_a).count() == 1
    assert not mails_to(relative_b).exists()


def test_nothing_is_queued_for_a_post_that_is_rolled_back(tree, relative_a, staff_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        private_question(tree.home_a, relative_a)
        raise RuntimeError
    assert not OutgoingMail.objects.exists()


def test_the_mail_is_sent_on_commit_with_the_reply_address_as_reply_to(
    tree, relative_a, staff_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        private_question(tree.home_a, relative_a)
    [sent] = mail.outbox
    assert sent.to == [staff_a.email]
    assert len(sent.reply_to) == 1
    assert sent.reply_to[0].startswith("svar+")
    assert sent.reply_to[0].endswith("@svar.samspil.example")


@override_settings(DIALOG_QUOTE_PRIVATE_TEXT=True)  # to follow the excerpts
def test_summary_mode_collects_messages_into_one_mail_once(tree, relative_a, relative_b, staff_a):
    colleague = get_user_model().objects.create_user("kollega", "kollega@example.dk", "x")
    colleague.groups.add(staff_a.groups.first())
    StaffPreference.objects.create(user=staff_a, mode=StaffPreference.Mode.SUMMARY)
    first = private_question(tree.home_a, relative_a, body="Første spørgsmål")
    second = private_question(tree.home_a, relative_b, body="Andet spørgsmål")
    # The summary person gets nothing at once; the colleague in immediate mode does.
    assert not mails_to(staff_a).exists()
    assert mails_to(colleague).count() == 2

    assert send_staff_summaries() == 1
    [summary] = OutgoingMail.objects.filter(key__startswith=f"dialog:summary:{staff_a.pk}:")
    assert "Første spørgsmål" in summary.body_text and "Andet spørgsmål" in summary.body_text
    for thread in (first, second):
        assert f"/admin/dialog/traade/{thread.pk}/" in summary.body_text
    assert "Svar ved at besvare denne mail" in summary.body_text
    assert "2 nye beskeder" in summary.subject
    preference = StaffPreference.objects.get(user=staff_a)
    assert preference.summary_sent_at is not None

    # A second run has nothing new: no mail.
    assert send_staff_summaries() == 0
    assert OutgoingMail.objects.filter(key__startswith="dialog:summary:").count() == 1

    # Later, only what is new.
    later = timezone.now() + dt.timedelta(minutes=1)
    posting.post_message(first, author=relative_a, body="Et tredje spørgsmål")
    Message.objects.filter(body="Et tredje spørgsmål").update(created_at=later)
    assert send_staff_summaries(now=later + dt.timedelta(minutes=1)) == 1
    newest = OutgoingMail.objects.filter(key__startswith="dialog:summary:").latest("pk")
    assert "Et tredje spørgsmål" in newest.body_text
    assert "Første spørgsmål" not in newest.body_text


def test_summary_is_skipped_when_empty_and_for_other_homes(tree, relative_engbo, staff_a):
    StaffPreference.objects.create(user=staff_a, mode=StaffPreference.Mode.SUMMARY)
    private_question(tree.home_b, relative_engbo)
    assert send_staff_summaries() == 0
    assert not OutgoingMail.objects.filter(key__startswith="dialog:summary:").exists()


def test_summary_query_count_does_not_grow_with_people(
    tree, relative_a, staff_a, django_assert_max_num_queries
):
    group = staff_a.groups.first()
    for number in range(6):
        user = get_user_model().objects.create_user(f"s{number}", f"s{number}@example.dk", "x")
        user.groups.add(group)
        StaffPreference.objects.create(user=user, mode=StaffPreference.Mode.SUMMARY)
    private_question(tree.home_a, relative_a)
    # 4 reads for everyone, then per person: the suppression check, the outbox's
    # get_or_create (select, insert), the marker's update, and their savepoints – 8,
    # whatever the number of messages.
    with django_assert_max_num_queries(4 + 6 * 8):
        assert send_staff_summaries() == 6
