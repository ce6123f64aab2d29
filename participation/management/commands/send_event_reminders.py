"""Queue reminder mails for tomorrow's events, send what the outbox holds, and delete the
sign-ups of events that ended more than a month ago.

Run it once a day from cron, e.g. ``15 9 * * * manage.py send_event_reminders``; running it
twice the same day queues nothing new.
"""

from django.core.management.base import BaseCommand

from outbox.services import send_pending
from participation.services import purge_old_signups, queue_event_reminders


class Command(BaseCommand):
    help = "Påmindelser om morgendagens arrangementer, udgående post, gamle tilmeldinger slettes."

    def handle(self, *args, **options):
        queued = queue_event_reminders()
        sent = send_pending()
        purged = purge_old_signups()
        self.stdout.write(f"reminders queued: {queued}; outbox: {sent}; sign-ups deleted: {purged}")
