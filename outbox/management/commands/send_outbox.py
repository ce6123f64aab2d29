"""Send what waits in the outbox (retries whose time has come, rows whose task was lost) and
delete old sent and failed mails.

Every mail is also sent at once by a worker task; this sweeper catches the rest. Run it
often from cron, e.g. ``*/5 * * * * manage.py send_outbox``.
"""

from django.core.management.base import BaseCommand

from outbox.sender import stop_on_signals
from outbox.services import prune, send_pending
from outbox.webhooks import prune_received


class Command(BaseCommand):
    help = "Send ventende mails i udbakken og slet gamle."

    def handle(self, *args, **options):
        with stop_on_signals():  # SIGTERM/SIGINT: finish the mail in hand, record it, stop
            sent = send_pending(limit=None)
        pruned = prune()
        self.stdout.write(f"outbox: {sent}; old mails deleted: {pruned}")
        self.stdout.write(f"webhook events forgotten: {prune_received()}")
