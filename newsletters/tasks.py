"""Background work. Tasks take primary keys and can run twice without harm."""

import logging

from django_tasks import task

from .models import Subscriber

logger = logging.getLogger(__name__)


@task()
def send_subscription_mail(subscriber_pk: int, kind: str) -> bool:
    """The confirmation or manage-link mail; a subscriber deleted meanwhile gets nothing."""
    from .mails import subscription_message

    subscriber = Subscriber.objects.filter(pk=subscriber_pk).first()
    if subscriber is None:
        return False
    if kind == "confirm" and subscriber.status != Subscriber.Status.PENDING:
        return False
    subscription_message(subscriber, kind).send()
    logger.info("Sent %s mail to subscriber %s", kind, subscriber_pk)
    return True


@task()
def send_due_digests(frequency: str = "") -> dict:
    """What ``manage.py send_digests`` does, in the worker (see that command for the cron line)."""
    from .sending import run_digests

    run = run_digests(frequency=frequency or None, trigger="task")
    return run.counts()
