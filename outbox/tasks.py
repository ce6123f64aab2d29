"""Background work. Tasks take primary keys and can run twice without harm."""

from django_tasks import task


@task()
def send_outgoing_mail(mail_pk: int) -> str:
    """Send one queued mail; a row already sent (or being sent) is left alone."""
    from .services import deliver

    return deliver(mail_pk)


@task()
def send_pending_mail() -> dict:
    """Send what is waiting: retries whose time has come and rows whose task was lost."""
    from .services import send_pending

    return send_pending()
