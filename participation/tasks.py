"""Background work. Tasks take primary keys and can run twice without harm."""

from django_tasks import task


@task()
def send_event_reminders() -> int:
    """Queue tomorrow's reminders (once per sign-up: the outbox key sees to that)."""
    from .services import queue_event_reminders

    return queue_event_reminders()


@task()
def purge_old_signups() -> int:
    """Delete sign-ups a month after their event (what the consent text promises)."""
    from .services import purge_old_signups as purge

    return purge()


@task()
def promote_waiting_list(event_pk: int) -> int:
    """Give free seats to the waiting list, e.g. after an editor raised the capacity."""
    from home.models import EventPage

    from .services import promote_from_waiting_list

    event = EventPage.objects.filter(pk=event_pk).first()
    return len(promote_from_waiting_list(event)) if event else 0


@task()
def notify_event_cancelled(event_pk: int) -> int:
    """Mail the people signed up for a cancelled event (once each)."""
    from home.models import EventPage

    from .services import notify_event_cancelled as notify

    event = EventPage.objects.filter(pk=event_pk).first()
    return notify(event) if event else 0
