"""Background work. Tasks take primary keys and can run twice without harm."""

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def send_outbox_mail(mail_pk: int) -> bool:
    """Send one outbox row (a confirmation or manage-link mail) now; a row already sent, or
    deleted with its subscriber, is left alone, and a transient error leaves it to be
    retried by the next digest run."""
    from .sending import send_one

    counts = send_one(mail_pk)
    logger.info("Outbox mail %s: %s", mail_pk, counts)
    return counts.sent == 1


@task()
def send_due_digests(frequency: str = "") -> dict:
    """What ``manage.py send_digests`` does, in the worker (see that command for the cron line)."""
    from .sending import run_digests

    run = run_digests(frequency=frequency or None, trigger="task")
    return run.counts()
