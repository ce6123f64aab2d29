"""Keep the waiting list moving when an editor changes an event."""

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published

from home.models import EventPage


@receiver(page_published, sender=EventPage)
def after_event_published(sender, instance: EventPage, **kwargs):
    """Cancelled: everyone signed up hears of it. More seats (or sign-up reopened): the
    waiting list moves up."""
    from .tasks import notify_event_cancelled, promote_waiting_list

    if instance.cancelled:
        transaction.on_commit(lambda: notify_event_cancelled.enqueue(instance.pk))
    elif instance.signup_enabled:
        transaction.on_commit(lambda: promote_waiting_list.enqueue(instance.pk))
