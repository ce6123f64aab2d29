"""Import the organisations' own calendars: ``manage.py import_calendars [--organisation SLUG]``.

Each organisation with a calendar address (iCal) has it fetched and imported; an event is
matched by its UID, so running this as often as one likes creates no duplicates. One cron
line, e.g. every night at 04:15:

    15 4 * * *  cd /srv/samspil && .venv/bin/python manage.py import_calendars

The worker can do the same: enqueue ``home.tasks.import_all_organisation_calendars``.
Every run leaves a CalendarImport row per organisation (shown on its import screen).
"""

from django.core.management.base import BaseCommand, CommandError

from home.ical_import import fetch_calendar
from home.models import Organisation


class Command(BaseCommand):
    help = "Fetch and import each organisation's calendar address, and print what happened."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", metavar="SLUG", help="Only this organisation.")

    def handle(self, *args, organisation=None, **options):
        organisations = Organisation.objects.exclude(ical_url="").order_by("name")
        if organisation:
            organisations = organisations.filter(slug=organisation)
            if not organisations.exists():
                raise CommandError(f"No organisation {organisation!r} with a calendar address.")
        failed = 0
        for each in organisations:
            record = fetch_calendar(each)
            status = "ok" if record.ok else "REFUSED"
            self.stdout.write(
                f"{each.slug}: {status}, created {record.created}, updated {record.updated}, "
                f"removed {record.removed}, skipped {record.skipped}"
            )
            if not record.ok:
                failed += 1
                self.stdout.write(f"  {record.messages.splitlines()[0]}")
        self.stdout.write(f"{organisations.count()} calendars, {failed} refused")
