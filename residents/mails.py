"""The residents' mails: a relative asks to join a resident's network or asks for a photo
to be taken down (the home's staff are told), and staff answer (the relative is told).

Every mail goes through the one outbox (``outbox.services.queue_mail``, or
``queue_mail_to_each`` for the staff), called inside the service's transaction, so a mail
is queued with the change it tells of and sent only once that commits; a key per
connection, report and recipient makes a repeat queue nothing new.
The mails say as little as they can: the resident by first name and initial, never a
photo, its address or the reason a relative gave (staff read that after signing in)."""

from django.urls import reverse

from access.rules import home_staff_addresses
from home.models.site_settings import default_municipality
from outbox.links import absolute
from outbox.services import queue_mail, queue_mail_to_each

from .models import PhotoReport, ResidentConnection


def _site_name() -> str:
    # The municipality's site setting names the site, as in the newsletter's mails.
    return default_municipality()["site_name"]


def connection_requested(connection: ResidentConnection) -> None:
    """Tell the home's staff that a relative asks to join a resident's network."""
    resident = connection.resident
    context = {
        "site_name": _site_name(),
        "home": resident.botilbud,
        "resident": resident,
        "admin_url": absolute(reverse("residents_admin_index")),
    }
    queue_mail_to_each(
        home_staff_addresses(resident.botilbud_id),
        key_prefix=f"residents:connection:{connection.pk}:requested",
        template="residents/email/connection_requested",
        context=context,
    )


def connection_decided(connection: ResidentConnection) -> None:
    """Tell the relative whether staff approved or declined their request."""
    relative = connection.relative
    if not relative.email:
        return
    resident = connection.resident
    approved = connection.status == ResidentConnection.Status.APPROVED
    queue_mail(
        key=f"residents:connection:{connection.pk}:{connection.status}",
        to=relative.email,
        template=f"residents/email/connection_{'approved' if approved else 'declined'}",
        context={
            "site_name": _site_name(),
            "home": resident.botilbud,
            "resident": resident,
            "album_url": absolute(reverse("residents:resident_album", args=[resident.pk])),
        },
    )


def photo_reported(report: PhotoReport) -> None:
    """Tell the home's staff that a relative asks for a photo to be taken down. Neither the
    photo nor the relative's reason is in the mail; staff see both after signing in."""
    photo = report.photo
    context = {
        "site_name": _site_name(),
        "home": photo.botilbud,
        "has_reason": bool(report.reason),
        "admin_url": absolute(reverse("residents_admin_reports")),
    }
    queue_mail_to_each(
        home_staff_addresses(photo.botilbud_id),
        key_prefix=f"residents:report:{report.pk}:requested",
        template="residents/email/report_requested",
        context=context,
    )


def reports_handled(reports: list[PhotoReport], home, *, taken_down: bool) -> None:
    """Tell each relative whose request was answered whether the photo was taken down."""
    site_name = _site_name()
    for report in reports:
        reporter = report.reporter
        if reporter is None or not reporter.email:
            continue
        queue_mail(
            key=f"residents:report:{report.pk}:handled",
            to=reporter.email,
            template="residents/email/report_handled",
            context={"site_name": site_name, "home": home, "taken_down": taken_down},
        )
