"""Issue 13: the residents' network requests, their answers, and requests to take a photo
down are mailed through the outbox: to the home's own staff only, in the transaction of
the change, once, minimal (no reason text, no photo address), respecting suppression."""

from email import message_from_bytes, policy

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from wagtail.models import Site

from home.models.site_settings import MunicipalitySettings
from home.services import ensure_home_staff_access
from outbox.links import absolute
from outbox.models import OutgoingMail
from outbox.suppression import suppress
from residents import services
from residents.models import PhotoReport, ResidentConnection

pytestmark = pytest.mark.django_db

REASON = "Min mor har bedt om det, hun er ked af billedet fra sommerfesten"


def parsed(message):
    """A sent mail as the recipient's program reads it (headers decoded)."""
    return message_from_bytes(message.message().as_bytes(), policy=policy.default)


def recipients(messages) -> list[str]:
    return sorted(parsed(message)["To"] for message in messages)


def body(message) -> str:
    return parsed(message).get_body(("plain",)).get_content()


@pytest.fixture
def second_staff_a(tree):
    """A colleague at Solgården (an address in capitals is written in lower case)."""
    user = get_user_model().objects.create_user("kollega-a", "Kollega.A@example.dk", "kode")
    user.groups.add(ensure_home_staff_access(tree.home_a).group)
    return user


@pytest.fixture
def admin(db):
    return get_user_model().objects.create_superuser("kommune", "admin@example.dk", "kode")


@pytest.fixture
def site_name(tree):
    setting = MunicipalitySettings.for_site(Site.objects.get(is_default_site=True))
    setting.site_name = "Fællesskab Tønder"
    setting.save()
    return setting.site_name


def request(people, django_capture_on_commit_callbacks, relation="Datter"):
    with django_capture_on_commit_callbacks(execute=True):
        return services.request_connection(people["home_relative"], people["anna"], relation)


def test_a_request_mails_each_of_the_homes_staff_once(
    people, second_staff_a, admin, site_name, django_capture_on_commit_callbacks
):
    connection = request(people, django_capture_on_commit_callbacks)
    assert recipients(mail.outbox) == ["kollega.a@example.dk", "pa@example.dk"]
    rows = OutgoingMail.objects.filter(key__startswith=f"residents:connection:{connection.pk}:")
    assert rows.count() == 2
    assert set(rows.values_list("status", flat=True)) == {OutgoingMail.Status.SENT}
    message = parsed(mail.outbox[0])
    assert message["Subject"] == (
        "Ny anmodning om tilknytning til en beboer på Solgården – Fællesskab Tønder"
    )
    text = body(mail.outbox[0])
    assert "Anna A." in text
    # The relative's own words stay out of the mail (staff read them after signing in).
    assert "Datter" not in text
    assert absolute(reverse("residents_admin_index")) in text
    assert text.startswith("En pårørende beder om at blive tilknyttet en beboer på Solgården.")
    # Engbo's staff, the municipal admin and the relative get nothing.
    assert not OutgoingMail.objects.filter(
        to_email__in=["pb@example.dk", "admin@example.dk", "paaroerende.solgaarden@example.dk"]
    ).exists()


def test_a_duplicate_request_sends_nothing_more(people, django_capture_on_commit_callbacks):
    request(people, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        services.request_connection(people["home_relative"], people["anna"], "Datter igen")
    assert len(mail.outbox) == 1
    assert OutgoingMail.objects.count() == 1


def test_a_rolled_back_request_queues_no_mail(people):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.request_connection(people["home_relative"], people["anna"], "Datter")
        assert OutgoingMail.objects.count() == 1  # queued in the request's transaction
        raise RuntimeError
    assert not ResidentConnection.objects.filter(relative=people["home_relative"]).exists()
    assert OutgoingMail.objects.count() == 0
    assert mail.outbox == []


def test_approval_mails_the_relative_a_link_to_the_album(
    people, site_name, django_capture_on_commit_callbacks
):
    connection = request(people, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_connection(people["staff_a"], connection, approve=True)
    assert recipients(mail.outbox) == ["paaroerende.solgaarden@example.dk"]
    message = parsed(mail.outbox[0])
    # The subject shows on a lock screen: no resident, no home.
    assert message["Subject"] == "Din anmodning er godkendt – Fællesskab Tønder"
    text = body(mail.outbox[0])
    album = absolute(reverse("residents:resident_album", args=[people["anna"].pk]))
    assert album in text
    assert "»Min hverdag«" in text
    assert "Anna A.." not in text
    assert text.rstrip().endswith("Fællesskab Tønder")
    # A second answer (a double click) is refused and mails nothing.
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        services.decide_connection(people["staff_a"], connection, approve=False)
    assert len(mail.outbox) == 1


def test_a_declined_request_mails_the_relative(
    people, site_name, django_capture_on_commit_callbacks
):
    connection = request(people, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_connection(people["staff_a"], connection, approve=False)
    assert recipients(mail.outbox) == ["paaroerende.solgaarden@example.dk"]
    assert parsed(mail.outbox[0])["Subject"] == (
        "Din anmodning blev ikke godkendt – Fællesskab Tønder"
    )
    text = body(mail.outbox[0])
    assert "anmodning om at blive tilknyttet Anna A. er ikke godkendt af personalet på" in text
    assert "Anna A.." not in text
    assert reverse("residents:resident_album", args=[people["anna"].pk]) not in text
    row = OutgoingMail.objects.get(key=f"residents:connection:{connection.pk}:declined")
    assert row.automatic


def test_another_homes_staff_cannot_decide_and_nothing_is_mailed(
    people, django_capture_on_commit_callbacks
):
    connection = request(people, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with pytest.raises(PermissionDenied):
        services.decide_connection(people["staff_b"], connection, approve=True)
    assert mail.outbox == []


def test_a_photo_report_tells_the_homes_staff_without_the_photo_or_the_reason(
    people, photo_of, second_staff_a, site_name, django_capture_on_commit_callbacks
):
    photo = photo_of(people["anna"])
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_photo(people["network_a"], photo, REASON)
    assert recipients(mail.outbox) == ["kollega.a@example.dk", "pa@example.dk"]
    assert parsed(mail.outbox[0])["Subject"] == (
        "Ny anmodning om at fjerne et foto på Solgården – Fællesskab Tønder"
    )
    for message in mail.outbox:
        raw = message.message().as_string()
        text = body(message)
        assert absolute(reverse("residents_admin_reports")) in text
        assert "Log ind for at læse begrundelsen" in text
        for secret in ("sommerfesten", "ked af", photo.token, "/foto/", photo.file.name):
            assert secret not in text
            assert secret not in raw
        assert "Anna" not in text  # who is in the photo is for the admin screen
    # The same relative reporting again (the existing report) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.report_photo(people["network_a"], photo, "Igen")
    assert again.pk == report.pk
    assert len(mail.outbox) == 2
    assert not OutgoingMail.objects.filter(to_email="pb@example.dk").exists()


def test_a_report_without_reason_does_not_mention_one(
    people, photo_of, django_capture_on_commit_callbacks
):
    photo = photo_of(people["anna"])
    with django_capture_on_commit_callbacks(execute=True):
        services.report_photo(people["network_a"], photo)
    assert "begrundelse" not in body(mail.outbox[0])


def test_taking_the_photo_down_tells_every_relative_who_asked(
    people, photo_of, site_name, django_capture_on_commit_callbacks
):
    photo = photo_of(people["per"])  # public: both relatives see it
    first = services.report_photo(people["network_a"], photo, REASON)
    services.report_photo(people["network_b"], photo, "")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.handle_report(people["staff_a"], first, take_down=True)
    assert recipients(mail.outbox) == ["netvaerk.anna@example.dk", "netvaerk.bent@example.dk"]
    assert parsed(mail.outbox[0])["Subject"] == (
        "Fotoet er fjernet fra Solgården – Fællesskab Tønder"
    )
    assert "og har fjernet det." in body(mail.outbox[0])
    assert "sommerfesten" not in body(mail.outbox[0])
    assert not PhotoReport.objects.exists()  # gone with the photo


def test_deleting_a_reported_photo_tells_the_relatives_who_asked(
    people, photo_of, django_capture_on_commit_callbacks
):
    """Staff may remove the photo from its own edit page, not through the request: the
    relatives who asked are told all the same, once."""
    photo = photo_of(people["per"])
    services.report_photo(people["network_a"], photo, REASON)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_photo(people["staff_a"], photo)
    assert recipients(mail.outbox) == ["netvaerk.anna@example.dk"]
    assert "og har fjernet det." in body(mail.outbox[0])
    # A photo nobody asked about is deleted without any mail.
    other = photo_of(people["per"])
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_photo(people["staff_a"], other)
    assert len(mail.outbox) == 1


def test_keeping_the_photo_tells_the_reporter_once(
    people, photo_of, django_capture_on_commit_callbacks
):
    photo = photo_of(people["anna"])
    report = services.report_photo(people["network_a"], photo, REASON)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.handle_report(people["staff_a"], report, take_down=False)
    assert recipients(mail.outbox) == ["netvaerk.anna@example.dk"]
    text = body(mail.outbox[0])
    assert "har valgt ikke at fjerne det" in text
    assert "kontakt Solgården direkte" in text
    # Handling the answered report again tells nobody anything new.
    with django_capture_on_commit_callbacks(execute=True):
        services.handle_report(people["staff_a"], report, take_down=False)
    assert len(mail.outbox) == 1


def test_a_suppressed_address_gets_no_automatic_mail(
    people, photo_of, second_staff_a, django_capture_on_commit_callbacks
):
    suppress("pa@example.dk", "bounce")
    suppress("paaroerende.solgaarden@example.dk", "complaint")
    connection = request(people, django_capture_on_commit_callbacks)
    assert recipients(mail.outbox) == ["kollega.a@example.dk"]
    held = OutgoingMail.objects.get(
        key=f"residents:connection:{connection.pk}:requested:pa@example.dk"
    )
    assert held.automatic
    assert held.status == OutgoingMail.Status.FAILED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_connection(people["staff_a"], connection, approve=True)
    assert mail.outbox == []
    row = OutgoingMail.objects.get(key=f"residents:connection:{connection.pk}:approved")
    assert row.status == OutgoingMail.Status.FAILED
