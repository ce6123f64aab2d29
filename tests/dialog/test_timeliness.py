"""In good time: the Danish holiday calendar, working-day deadlines, due dates by kind and
home, the leader's overview (own homes only) and escalation by mail, once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from dialog import posting
from dialog.models import HomeDialogSettings, Thread
from dialog.timeliness import escalate_overdue, overdue_threads, response_stats
from dialog.workdays import add_working_days, danish_holidays, is_working_day
from outbox.models import OutgoingMail

CPH = ZoneInfo("Europe/Copenhagen")
Kind = Thread.Kind


def start(home, relative, kind=Kind.CONCERN, subject="Medicin", **kwargs):
    return posting.start_thread(
        botilbud=home, author=relative, kind=kind, subject=subject, body="Hjælp.", **kwargs
    )


def escalation_mails():
    return OutgoingMail.objects.filter(key__contains=":escalated:")


# --- The calendar --------------------------------------------------------------------------


def test_easter_2027_and_the_holidays_that_hang_on_it():
    holidays = danish_holidays(2027)
    expected = {
        dt.date(2027, 1, 1): "Nytårsdag",
        dt.date(2027, 3, 25): "Skærtorsdag",
        dt.date(2027, 3, 26): "Langfredag",
        dt.date(2027, 3, 28): "Påskedag",
        dt.date(2027, 3, 29): "2. påskedag",
        dt.date(2027, 5, 6): "Kristi himmelfartsdag",
        dt.date(2027, 5, 16): "Pinsedag",
        dt.date(2027, 5, 17): "2. pinsedag",
        dt.date(2027, 12, 25): "Juledag",
        dt.date(2027, 12, 26): "2. juledag",
    }
    assert holidays == expected


def test_store_bededag_only_until_2023_and_no_grundlovsdag_or_eves():
    assert dt.date(2023, 5, 5) in danish_holidays(2023)  # the last store bededag
    assert "Store bededag" not in danish_holidays(2026).values()
    assert is_working_day(dt.date(2026, 5, 1))  # would have been store bededag
    assert dt.date(2026, 5, 14) in danish_holidays(2026)  # Kristi himmelfartsdag 2026
    for day in (dt.date(2026, 6, 5), dt.date(2026, 12, 24), dt.date(2026, 12, 31)):
        assert is_working_day(day), day


def test_two_working_days_from_friday_evening_end_on_tuesday():
    friday_evening = dt.datetime(2026, 5, 8, 20, 30, tzinfo=CPH)
    assert add_working_days(friday_evening, 2) == dt.datetime(2026, 5, 12, 23, 59, 59, tzinfo=CPH)
    saturday = dt.datetime(2026, 5, 9, 10, 0, tzinfo=CPH)
    assert add_working_days(saturday, 2).date() == dt.date(2026, 5, 12)


def test_working_days_skip_easter():
    wednesday_before_easter = dt.datetime(2027, 3, 24, 9, 0, tzinfo=CPH)
    # Thu, Fri, (weekend), Mon are holidays: Tue 30th is the first working day.
    due = add_working_days(wednesday_before_easter, 2)
    assert due == dt.datetime(2027, 3, 31, 23, 59, 59, tzinfo=CPH)
    assert due.utcoffset() == dt.timedelta(hours=2)  # summer time began on the 28th


def test_working_days_take_utc_and_refuse_naive_times():
    # 23:30 UTC on a Sunday is already Monday in Copenhagen: Monday is the start day.
    sunday_night_utc = dt.datetime(2026, 5, 10, 23, 30, tzinfo=dt.UTC)
    assert add_working_days(sunday_night_utc, 1).date() == dt.date(2026, 5, 12)
    with pytest.raises(ValueError):
        add_working_days(dt.datetime(2026, 5, 8, 12, 0), 2)


# --- Due dates ------------------------------------------------------------------------------


def test_concern_is_due_in_two_working_days_and_a_question_in_five(tree, relative_a):
    concern = start(tree.home_a, relative_a, Kind.CONCERN)
    question = start(tree.home_a, relative_a, Kind.QUESTION, subject="Tøj")
    concern.refresh_from_db()
    question.refresh_from_db()
    assert concern.due_at == add_working_days(concern.created_at, 2)
    assert question.due_at == add_working_days(question.created_at, 5)
    assert question.due_at > concern.due_at


def test_a_homes_own_answer_times_apply(tree, relative_a):
    HomeDialogSettings.objects.create(
        botilbud=tree.home_a, concern_response_days=1, other_response_days=3
    )
    concern = start(tree.home_a, relative_a, Kind.CONCERN)
    concern.refresh_from_db()
    assert concern.due_at == add_working_days(concern.created_at, 1)


def test_threads_staff_start_have_no_due_date(tree, relative_a, staff_a):
    thread = posting.start_thread(
        botilbud=tree.home_a,
        author=staff_a,
        kind=Kind.QUESTION,
        subject="Besøg",
        body="Kommer du på søndag?",
        relative=relative_a,
        by_staff=True,
    )
    thread.refresh_from_db()
    assert thread.due_at is None


# --- Overdue, statistics, escalation ------------------------------------------------------------


def make_overdue(thread, days_ago=5):
    past = timezone.now() - dt.timedelta(days=days_ago)
    Thread.objects.filter(pk=thread.pk).update(created_at=past, due_at=past + dt.timedelta(days=2))
    thread.refresh_from_db()
    return thread


def test_overdue_threads_and_response_stats(tree, relative_a, relative_engbo, staff_a):
    late = make_overdue(start(tree.home_a, relative_a, subject="Ingen svar"))
    waiting = start(tree.home_a, relative_a, Kind.QUESTION, subject="Venter")
    answered = make_overdue(start(tree.home_a, relative_a, subject="Svaret"), days_ago=4)
    posting.post_message(answered, author=staff_a, body="Vi ringer i dag.", by_staff=True)
    Thread.objects.filter(pk=answered.pk).update(
        first_staff_reply_at=answered.created_at + dt.timedelta(hours=6)
    )
    other_home = make_overdue(start(tree.home_b, relative_engbo, subject="Engbo"))

    assert list(overdue_threads([tree.home_a.pk])) == [late]
    assert set(overdue_threads(None)) == {late, other_home}
    stats = response_stats([tree.home_a.pk])
    assert stats.answered == 1
    assert stats.median == stats.average == dt.timedelta(hours=6)
    assert stats.unanswered == 2  # late and waiting
    assert stats.overdue == 1
    assert waiting not in overdue_threads([tree.home_a.pk])


def test_escalation_mails_the_leader_once(tree, relative_a, staff_a):
    leader = staff_a
    leader.email = "leder@example.dk"
    leader.save()
    HomeDialogSettings.objects.create(botilbud=tree.home_a, leader=leader)
    thread = make_overdue(start(tree.home_a, relative_a, subject="Bekymring om medicin"))
    start(tree.home_a, relative_a, Kind.QUESTION, subject="Ikke forsinket endnu")

    assert escalate_overdue() == 1
    [row] = escalation_mails()
    assert row.to_email == "leder@example.dk"
    # The kind, not the private thread's subject (test_private_mail).
    assert "Bekymring om medicin" not in row.subject + row.body_text
    assert row.subject == "Ikke besvaret til tiden (Solgården): Bekymring"
    assert f"/admin/dialog/traade/{thread.pk}/" in row.body_text
    assert "/admin/dialog/svartider/" in row.body_text
    thread.refresh_from_db()
    assert thread.escalated_at is not None

    # Once: a second run, or the daily command, sends nothing more.
    assert escalate_overdue() == 0
    call_command("dialog_daily", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert escalation_mails().count() == 1


def test_without_a_leader_the_homes_staff_are_told_and_answered_threads_never(
    tree, relative_a, staff_a, staff_b
):
    overdue = make_overdue(start(tree.home_a, relative_a, subject="Ubesvaret"))
    answered = make_overdue(start(tree.home_a, relative_a, subject="Besvaret"))
    posting.post_message(answered, author=staff_a, body="Svar.", by_staff=True)
    assert escalate_overdue() == 1
    assert list(escalation_mails().values_list("to_email", flat=True)) == [staff_a.email]
    assert escalation_mails().get().key.startswith(f"dialog:thread:{overdue.pk}:")


# --- The leader's overview ------------------------------------------------------------------------


URL = "/admin/dialog/svartider/"


def test_overview_shows_own_homes_waiting_and_overdue_threads(
    client, tree, relative_a, relative_engbo, staff_a
):
    make_overdue(start(tree.home_a, relative_a, subject="Forsinket bekymring"))
    start(tree.home_a, relative_a, Kind.QUESTION, subject="Nyt spørgsmål")
    make_overdue(start(tree.home_b, relative_engbo, subject="Engbos sag"))
    client.force_login(staff_a)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Forsinket bekymring" in html and "Nyt spørgsmål" in html
    assert "Over svarfristen" in html
    assert "Engbos sag" not in html
    assert 'data-stat="overdue">1<' in html


def test_overview_of_another_home_is_403(client, tree, staff_a, staff_b):
    client.force_login(staff_a)
    assert client.get(URL, {"botilbud": tree.home_b.pk}).status_code == 403
    assert client.get(URL, {"botilbud": "x"}).status_code == 403
    assert client.get(URL, {"botilbud": tree.home_a.pk}).status_code == 200


def test_overview_is_closed_to_relatives_and_anonymous(client, tree, relative_a):
    assert client.get(URL).status_code == 302
    client.force_login(relative_a)
    assert client.get(URL).status_code in (302, 403)


def test_the_relative_is_told_in_danish_when_to_expect_an_answer(client, tree, relative_a):
    thread = start(tree.home_a, relative_a, Kind.CONCERN)
    due = dt.datetime(2026, 12, 3, 16, 0, tzinfo=CPH)
    Thread.objects.filter(pk=thread.pk).update(due_at=due)
    client.force_login(relative_a)
    promise = "Du får svar senest torsdag d. 3. december."
    assert promise in client.get(f"/dialog/traad/{thread.pk}/").content.decode()
    home_threads = client.get(f"/dialog/{tree.home_a.pk}/").content.decode()
    assert promise in home_threads
    # Once staff have answered, the promise is kept and no longer shown.
    Thread.objects.filter(pk=thread.pk).update(first_staff_reply_at=timezone.now())
    assert promise not in client.get(f"/dialog/traad/{thread.pk}/").content.decode()
