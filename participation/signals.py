"""Keep the waiting list moving when an editor changes an event."""

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published

from home.models import EventPage


@receiver(page_published, sender=EventPage)
def fill_new_seats(sender, instance: EventPage, **kwargs):
    """More seats (or sign-up reopened) after publishing: the waiting list moves up."""
    if instance.signup_enabled:
        from .tasks import promote_waiting_list

        transaction.on_commit(lambda: promote_waiting_list.enqueue(instance.pk))
