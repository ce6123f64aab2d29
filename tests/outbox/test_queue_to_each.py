"""One mail to each of many addresses (a home's staff): the same rows, keys, suppression and
on-commit send as queue_mail one at a time, with the templates rendered once for all."""

import pytest

from outbox import services, suppression
from outbox.models import OutgoingMail, SuppressedAddress
from outbox.services import queue_mail, queue_mail_to_each

Status = OutgoingMail.Status

# A staff mail whose templates take plain values, so no page tree is needed.
TEMPLATE = "residents/email/report_requested"
CONTEXT = {
    "site_name": "Samspil Testby",
    "home": {"title": "Solhaven"},
    "has_reason": True,
    "admin_url": "https://samspil.example.dk/admin/residents/reports/",
}
ADDRESSES = ["a@example.dk", "b@example.dk", "c@example.dk"]


def queue(addresses, **overrides):
    arguments = {"key_prefix": "test:report:7:requested", "template": TEMPLATE, "context": CONTEXT}
    return queue_mail_to_each(addresses, **{**arguments, **overrides})


@pytest.fixture
def enqueued(monkeypatch) -> list[int]:
    """The primary keys handed to the worker (once the transaction commits)."""
    pks: list[int] = []
    monkeypatch.setattr(services, "_enqueue", pks.append)
    return pks


@pytest.mark.django_db
def test_one_row_per_address_under_the_exact_key(django_capture_on_commit_callbacks, enqueued):
    with django_capture_on_commit_callbacks(execute=True):
        rows = queue(ADDRESSES)
    assert [row.key for row in rows] == [
        "test:report:7:requested:a@example.dk",
        "test:report:7:requested:b@example.dk",
        "test:report:7:requested:c@example.dk",
    ]
    stored = OutgoingMail.objects.order_by("key")
    assert list(stored.values_list("key", "to_email", "status", "automatic")) == [
        (f"test:report:7:requested:{address}", address, Status.QUEUED, True)
        for address in ADDRESSES
    ]
    assert sorted(enqueued) == sorted(row.pk for row in rows)
    # Each copy is its own message to the receiving servers.
    assert len(set(stored.values_list("message_id", flat=True))) == 3


@pytest.mark.django_db
def test_rows_are_what_queue_mail_makes_for_each_address(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        (row,) = queue(["a@example.dk"], reply_to="home@example.dk")
        single = queue_mail(
            key="single",
            to="a@example.dk",
            template=TEMPLATE,
            context=CONTEXT,
            reply_to="home@example.dk",
        )
    assert row.subject == single.subject
    assert row.subject == "Ny anmodning om at fjerne et foto på Solhaven – Samspil Testby"
    assert row.body_text == single.body_text
    assert "Log ind for at læse begrundelsen" in row.body_text
    assert row.body_html == single.body_html == ""
    assert row.reply_to == single.reply_to == "home@example.dk"


@pytest.mark.django_db
def test_templates_are_rendered_once_for_all_recipients(monkeypatch):
    rendered: list[str] = []
    render = services.render_to_string

    def counting(name, context):
        rendered.append(name)
        return render(name, context)

    monkeypatch.setattr(services, "render_to_string", counting)
    queue(ADDRESSES)
    assert OutgoingMail.objects.count() == 3
    # Subject, text, and the (missing) html tried once: not once per recipient.
    assert rendered == [f"{TEMPLATE}_subject.txt", f"{TEMPLATE}.txt", f"{TEMPLATE}.html"]


@pytest.mark.django_db
def test_a_second_call_queues_nothing_new(django_capture_on_commit_callbacks, enqueued):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue(ADDRESSES)
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = queue([*ADDRESSES, "d@example.dk"])
    assert OutgoingMail.objects.count() == 4
    assert [row.pk for row in again[:3]] == [row.pk for row in first]
    # Only the new address is sent; the three already queued are not sent twice.
    assert len(callbacks) == 1
    assert enqueued == [again[3].pk]


@pytest.mark.django_db
def test_a_suppressed_address_is_recorded_as_failed(django_capture_on_commit_callbacks, enqueued):
    suppression.suppress("b@example.dk", SuppressedAddress.Reason.BOUNCE)
    with django_capture_on_commit_callbacks(execute=True):
        rows = queue(ADDRESSES)
    by_address = {row.to_email: row for row in rows}
    blocked = by_address["b@example.dk"]
    assert (blocked.status, blocked.error) == (Status.FAILED, "suppressed: bounce")
    assert by_address["a@example.dk"].status == Status.QUEUED
    assert by_address["c@example.dk"].status == Status.QUEUED
    assert blocked.pk not in enqueued
    assert sorted(enqueued) == sorted(
        [by_address["a@example.dk"].pk, by_address["c@example.dk"].pk]
    )


@pytest.mark.django_db
def test_mail_asked_for_goes_even_to_a_suppressed_address(django_capture_on_commit_callbacks):
    suppression.suppress("b@example.dk", SuppressedAddress.Reason.BOUNCE)
    with django_capture_on_commit_callbacks(execute=False):
        (row,) = queue(["b@example.dk"], automatic=False)
    assert (row.status, row.automatic, row.error) == (Status.QUEUED, False, "")


@pytest.mark.django_db
def test_nothing_is_sent_before_the_transaction_commits(
    django_capture_on_commit_callbacks, enqueued
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue(ADDRESSES)
        assert enqueued == []
    assert len(callbacks) == 3
    assert enqueued == []


@pytest.mark.django_db
def test_no_addresses_does_nothing(django_capture_on_commit_callbacks, monkeypatch):
    def must_not_render(*_args, **_kwargs):
        raise AssertionError("rendered for nobody")

    monkeypatch.setattr(services, "render_to_string", must_not_render)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert queue([]) == []
        assert queue(iter(())) == []
    assert callbacks == []
    assert not OutgoingMail.objects.exists()
