"""A relative's own data: the JSON download holds theirs and nobody else's; deleting
removes the account, connections and reports while their messages stay for staff as
"slettet pårørende"; closed threads are deleted after the retention period, files too."""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import timezone
from wagtail.models import ModelLogEntry

from dialog import moderation, posting
from dialog.models import Attachment, Membership, Message, Report, Thread
from dialog.privacy import RELATIVE_DELETED, RETENTION_PURGE, purge_closed_threads

Kind = Thread.Kind
EXPORT = "/dialog/mine-data/eksport/"
DELETE = "/dialog/mine-data/slet/"


@pytest.fixture
def history(tree, relative_a, relative_b, staff_a):
    """Anna's private question with a staff answer, Bo's shared post that Anna reported,
    and Bo's own private thread."""
    private = posting.start_thread(
        botilbud=tree.home_a,
        author=relative_a,
        kind=Kind.QUESTION,
        subject="Annas spørgsmål om tøj",
        body="Mangler min søster en vinterjakke?",
    )
    posting.post_message(private, author=staff_a, body="Personalets svar om jakken", by_staff=True)
    shared = posting.start_thread(
        botilbud=tree.home_a,
        author=relative_b,
        kind=Kind.SUGGESTION,
        subject="Bos forslag",
        body="Bos indlæg",
        visibility=Thread.Visibility.SHARED,
    )
    bos_post = moderation.approve_message(shared.messages.get(), staff_a)
    posting.report_message(bos_post, relative_a, "Anna synes det er upassende")
    posting.start_thread(
        botilbud=tree.home_a,
        author=relative_b,
        kind=Kind.CONCERN,
        subject="Bos private bekymring",
        body="Bos hemmelighed",
    )
    return private


def test_export_holds_the_relatives_own_data_only(client, history, relative_a):
    client.force_login(relative_a)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment;" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == relative_a.email
    assert [m["relation"] for m in data["memberships"]] == ["Søster til en beboer"]
    assert [m["botilbud"] for m in data["memberships"]] == ["Solgården"]
    [thread] = data["threads"]
    assert thread["subject"] == "Annas spørgsmål om tøj"
    assert [m["body"] for m in thread["my_messages"]] == ["Mangler min søster en vinterjakke?"]
    assert [r["reason"] for r in data["reports"]] == ["Anna synes det er upassende"]
    text = response.content.decode()
    for other in ("Personalets svar", "Bos hemmelighed", "Bos private bekymring", "Bos indlæg"):
        assert other not in text


def test_my_data_needs_a_signed_in_relative(client, tree, staff_a):
    for url in ("/dialog/mine-data/", EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/dialog/log-ind/")
    client.force_login(staff_a)
    assert client.get(EXPORT).status_code == 403
    assert client.post(DELETE, {"confirm": "on"}).status_code == 403
    assert get_user_model().objects.filter(pk=staff_a.pk).exists()


def test_delete_needs_the_box_ticked_and_csrf(tree, history, relative_a):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(relative_a)
    assert strict.post(DELETE, {"confirm": "on"}).status_code == 403
    client = Client()
    client.force_login(relative_a)
    response = client.post(DELETE, {})
    assert response.status_code == 400
    assert "Sæt kryds" in response.content.decode()
    assert get_user_model().objects.filter(pk=relative_a.pk).exists()
    assert client.get(DELETE).status_code == 405


def test_deleting_keeps_messages_for_staff_as_slettet_paaroerende(
    client, history, relative_a, staff_a
):
    private = history
    anna_id = relative_a.pk
    client.force_login(relative_a)
    page = client.get("/dialog/mine-data/")
    assert page.status_code == 200 and "Slet mine data" in page.content.decode()

    response = client.post(DELETE, {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/dialog/mine-data/slettet/"
    assert not get_user_model().objects.filter(pk=anna_id).exists()
    assert not Membership.objects.filter(relative_id=anna_id).exists()
    assert not Report.objects.exists()
    message = Message.objects.get(body="Mangler min søster en vinterjakke?")
    assert message.author is None and not message.author_is_staff
    private.refresh_from_db()
    assert private.relative is None and private.started_by is None
    # Logged out, and the log names no address.
    assert client.get("/dialog/mine-data/").status_code == 302
    entry = ModelLogEntry.objects.get(action=RELATIVE_DELETED)
    assert entry.object_id == str(anna_id)
    assert "anna" not in entry.label.lower()
    assert entry.data["messages"] == 1 and entry.data["reports"] == 1

    # Staff still read the thread, written by "slettet pårørende".
    client.force_login(staff_a)
    html = client.get(f"/admin/dialog/traade/{private.pk}/").content.decode()
    assert "Mangler min søster en vinterjakke?" in html
    assert "slettet pårørende" in html


# --- Retention ---------------------------------------------------------------------------------


def closed_thread(home, relative, staff, *, days_ago: int, subject: str):
    thread = posting.start_thread(
        botilbud=home, author=relative, kind=Kind.QUESTION, subject=subject, body=f"{subject}!"
    )
    message = posting.post_message(thread, author=staff, body="Svar", by_staff=True)
    attachment = Attachment(message=message, content_type="application/pdf", size=4)
    attachment.original_name = "plan.pdf"
    attachment.file.save("plan.pdf", ContentFile(b"%PDF"), save=True)
    Thread.objects.filter(pk=thread.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return thread, attachment.file.name


def test_retention_deletes_old_closed_threads_with_their_files(
    tree, relative_a, staff_a, django_capture_on_commit_callbacks
):
    old, old_file = closed_thread(tree.home_a, relative_a, staff_a, days_ago=400, subject="Gammel")
    recent, recent_file = closed_thread(
        tree.home_a, relative_a, staff_a, days_ago=100, subject="Nylig"
    )
    open_thread = posting.start_thread(
        botilbud=tree.home_a, author=relative_a, kind=Kind.PRAISE, subject="Åben", body="Tak!"
    )
    old_message_ids = list(old.messages.values_list("pk", flat=True))
    assert default_storage.exists(old_file)

    # Files go once the deletion has committed.
    with (
        override_settings(DIALOG_RETENTION_DAYS=365),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert purge_closed_threads() == 1
    assert not Thread.objects.filter(pk=old.pk).exists()
    assert not Message.objects.filter(pk__in=old_message_ids).exists()
    assert not default_storage.exists(old_file)
    assert Thread.objects.filter(pk__in=[recent.pk, open_thread.pk]).count() == 2
    assert default_storage.exists(recent_file)
    # The audit log says what happened, without the words.
    assert ModelLogEntry.objects.filter(action=RETENTION_PURGE, object_id=str(old.pk)).exists()
    assert not ModelLogEntry.objects.filter(label__contains="Gammel!").exists()

    assert purge_closed_threads() == 0  # again: nothing more
    with (
        override_settings(DIALOG_RETENTION_DAYS=30),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert purge_closed_threads() == 1
    assert not default_storage.exists(recent_file)
