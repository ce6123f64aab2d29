"""Queue reminder mails for tomorrow's facility bookings and send what the outbox holds.

Run it once a day from cron, e.g. ``20 9 * * * manage.py send_facility_reminders``; running
it twice the same day queues nothing new.
"""

from django.core.management.base import BaseCommand

from facilities.services import queue_booking_reminders
from outbox.services import send_pending


class Command(BaseCommand):
    help = "Påmindelser om morgendagens bookinger af faciliteter, og udgående post."

    def handle(self, *args, **options):
        queued = queue_booking_reminders()
        sent = send_pending()
        self.stdout.write(f"reminders queued: {queued}; outbox: {sent}")
