"""Background work for the page tree. Tasks take primary keys and can run twice without harm."""

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def import_organisation_calendar(organisation_pk: int, user_pk: int | None = None) -> dict:
    """Fetch one organisation's calendar address and import it (for ``user_pk``, who asked
    for it in the admin, if anyone did). Running it again with the same calendar changes
    nothing (pages are matched by UID); failures end up in the import log, never raised."""
    from django.contrib.auth import get_user_model

    from .ical_import import fetch_calendar
    from .models import Organisation

    organisation = Organisation.objects.filter(pk=organisation_pk).exclude(ical_url="").first()
    if organisation is None:
        return {"ok": False, "import": None}
    user = get_user_model().objects.filter(pk=user_pk).first() if user_pk else None
    record = fetch_calendar(organisation, user=user)
    return {
        "ok": record.ok,
        "import": record.pk,
        "created": record.created,
        "updated": record.updated,
        "removed": record.removed,
        "skipped": record.skipped,
    }


@task()
def import_all_organisation_calendars() -> int:
    """One import task per organisation with a calendar address, so a slow or broken
    calendar holds up no other; returns how many were queued."""
    from .models import Organisation

    pks = list(
        Organisation.objects.exclude(ical_url="").order_by("pk").values_list("pk", flat=True)
    )
    for pk in pks:
        import_organisation_calendar.enqueue(pk)
    logger.info("Queued calendar imports for %d organisations", len(pks))
    return len(pks)
