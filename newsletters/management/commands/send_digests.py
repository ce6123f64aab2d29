"""Send the digests that are due: ``manage.py send_digests [--frequency F] [--dry-run]``.

Safe to run as often as one likes (each subscriber gets one digest per period), so the
schedule is one cron line, e.g. every 15 minutes from 06:00 to 22:00:

    */15 6-22 * * *  cd /srv/samspil && .venv/bin/python manage.py send_digests

A run also retries earlier transient failures that are due, and requeues rows a dead worker
left behind. SIGTERM or SIGINT (Ctrl-C) stops it after the mail in hand, which is recorded:
nothing is sent twice. The worker can do the same: enqueue ``newsletters.tasks.send_due_digests``.
"""

from django.core.management.base import BaseCommand

from newsletters.models import Frequency
from newsletters.sending import run_digests
from outbox.sender import stop_on_signals


class Command(BaseCommand):
    help = "Build and send the digests that are due, and print what happened."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=Frequency.values, default=None)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be sent; write and send nothing.",
        )

    def handle(self, *args, frequency=None, dry_run=False, **options):
        with stop_on_signals():  # SIGTERM/SIGINT: finish the mail in hand, record it, stop
            run = run_digests(frequency=frequency, dry_run=dry_run)
        if dry_run:
            self.stdout.write(
                f"dry run: would send {run.queued}, skipped empty {run.skipped_empty} "
                f"(of {run.recipients} due)"
            )
            return
        self.stdout.write(
            f"sent {run.sent}, skipped empty {run.skipped_empty}, failed {run.failed}, "
            f"retrying {run.retried} (queued {run.queued} of {run.recipients} due)"
        )
