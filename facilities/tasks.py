"""Background work. Tasks take primary keys (or nothing) and can run twice without harm."""

from django_tasks import task


@task()
def send_booking_reminders() -> int:
    """Queue tomorrow's booking reminders (once per booking: the outbox key sees to that)."""
    from .services import queue_booking_reminders

    return queue_booking_reminders()
