"""The dialog's scheduled work: escalate overdue threads to the leaders, send the staff's
summaries, delete closed threads after the retention period, and send what the outbox holds.

Summaries go out twice a day, so run it twice a day from cron, e.g.
``0 7,13 * * * manage.py dialog_daily`` (7:00 and 13:00 every day – a botilbud is staffed
at weekends too; escalations reach the leader at the start of the day, as due dates end at
midnight). Everything in it can run again without harm:
threads are escalated once, a summary covers what came since the last one, and retention
finds nothing left the second time.
"""

from django.core.management.base import BaseCommand

from dialog.notifications import send_staff_summaries
from dialog.privacy import purge_closed_threads
from dialog.timeliness import escalate_overdue
from outbox.services import send_pending


class Command(BaseCommand):
    help = "Dialog: overskredne svarfrister til leder, oversigter til personalet, oprydning."

    def handle(self, *args, **options):
        escalated = escalate_overdue()
        summaries = send_staff_summaries()
        purged = purge_closed_threads()
        sent = send_pending()
        self.stdout.write(
            f"escalated: {escalated}; summaries: {summaries}; "
            f"threads deleted: {purged}; outbox: {sent}"
        )
