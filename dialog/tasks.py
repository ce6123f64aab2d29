"""Background work of the dialog (django-tasks), run by ``manage.py dialog_daily`` or a
worker. None needs arguments (tasks that did would take primary keys), and each can run
twice without harm: escalation marks ``escalated_at``, summaries move ``summary_sent_at``
and use outbox keys, retention finds nothing left the second time."""

from django_tasks import task


@task()
def escalate_overdue_threads() -> int:
    """Mail the leaders about overdue unanswered threads, once per thread."""
    from .timeliness import escalate_overdue

    return escalate_overdue()


@task()
def send_staff_summaries() -> int:
    """The summary mail for staff who chose one instead of a mail per message."""
    from .notifications import send_staff_summaries as send

    return send()


@task()
def purge_closed_threads() -> int:
    """Delete threads closed longer ago than DIALOG_RETENTION_DAYS."""
    from .privacy import purge_closed_threads as purge

    return purge()
