"""Keep the waiting list moving when an editor changes an event, and a volunteer call's
count of accepted volunteers true when its signups change."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from home.models import EventPage, VolunteerCallPage

from .models import VolunteerSignup


@receiver(post_save, sender=VolunteerSignup, dispatch_uid="volunteers_accepted_save")
@receiver(post_delete, sender=VolunteerSignup, dispatch_uid="volunteers_accepted_delete")
def recount_volunteers(sender, instance: VolunteerSignup, created: bool = False, **kwargs):
    """In the same transaction as the change (deciding a volunteer holds the call's lock).
    Only a new signup that is not accepted changes nothing (a deleted one is counted
    again whatever its status said: the instance in hand may be older than the row)."""
    if not (created and instance.status != VolunteerSignup.Status.ACCEPTED):
        VolunteerCallPage.count_accepted(instance.call_id)


@receiver(page_published, sender=EventPage)
def after_event_published(sender, instance: EventPage, **kwargs):
    """Cancelled: everyone signed up hears of it. More seats (or sign-up reopened): the
    waiting list moves up."""
    from .tasks import notify_event_cancelled, promote_waiting_list

    if instance.cancelled:
        transaction.on_commit(lambda: notify_event_cancelled.enqueue(instance.pk))
    elif instance.signup_enabled:
        transaction.on_commit(lambda: promote_waiting_list.enqueue(instance.pk))
