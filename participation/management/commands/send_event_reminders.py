"""Queue reminder mails for tomorrow's events and send what the outbox holds.

Run it once a day from cron, e.g. ``15 9 * * * manage.py send_event_reminders``; running it
twice the same day queues nothing new.
"""

from django.core.management.base import BaseCommand

from outbox.services import send_pending
from participation.services import queue_event_reminders


class Command(BaseCommand):
    help = "Kø påmindelser om morgendagens arrangementer og send udgående post."

    def handle(self, *args, **options):
        queued = queue_event_reminders()
        sent = send_pending()
        self.stdout.write(f"reminders queued: {queued}; outbox: {sent}")
