"""RQ_URL: tasks enqueued through django-tasks go to Redis and run in RQ workers; an outbox
mail is sent exactly once, by a worker in this process (SimpleWorker, burst) and by a real
`manage.py rqworker` process."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import django_rq
import pytest
import redis
from django.db import connection
from django_tasks import TaskResultStatus
from rq import SimpleWorker

from outbox.models import OutgoingMail
from outbox.services import queue_mail
from outbox.tasks import send_outgoing_mail
from tests.outbox.test_headers import TEMPLATE, proposal_context

from .conftest import RQ_REDIS_URL

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def rq_queue(settings):
    """The tasks on RQ as RQ_URL configures them, on an emptied queue of the test database."""
    settings.RQ_URL = RQ_REDIS_URL
    settings.RQ_QUEUES = {"default": {"URL": RQ_REDIS_URL, "DEFAULT_TIMEOUT": 900}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default")
    queue.empty()
    yield queue
    queue.empty()


def _queue_one(to: str) -> OutgoingMail:
    return queue_mail(
        key=f"rq:{uuid.uuid4().hex}", to=to, template=TEMPLATE, context=proposal_context()
    )


@pytest.mark.django_db
def test_an_outbox_mail_runs_in_an_rq_worker(esp, rq_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail = _queue_one("rq-simple@example.dk")
    # On Redis, waiting: nothing was sent in this process.
    assert rq_queue.count == 1
    job_id = rq_queue.job_ids[0]
    assert send_outgoing_mail.get_result(job_id).status == TaskResultStatus.READY
    assert esp.deliveries["rq-simple@example.dk"] == 0

    worker = SimpleWorker(
        [rq_queue], connection=rq_queue.connection, job_class="django_tasks_rq.Job"
    )
    assert worker.work(burst=True)

    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT
    assert esp.deliveries["rq-simple@example.dk"] == 1
    result = send_outgoing_mail.get_result(job_id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "sent"

    # The same task again (a worker that died after sending, a double enqueue): no second mail.
    send_outgoing_mail.enqueue(mail.pk)
    worker.work(burst=True)
    assert esp.deliveries["rq-simple@example.dk"] == 1
    assert rq_queue.count == 0


@pytest.mark.django_db
def test_a_failing_task_is_recorded_as_failed(esp, rq_queue):
    """A task whose row is gone returns "" (nothing to do); a task given nonsense fails and
    the failure is on record in RQ, with its exception class, for the sweeper's rows."""
    result = send_outgoing_mail.enqueue("not-a-pk")
    SimpleWorker([rq_queue], connection=rq_queue.connection, job_class="django_tasks_rq.Job").work(
        burst=True
    )
    failed = send_outgoing_mail.get_result(result.id)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.errors and failed.errors[0].exception_class_path.endswith("Error")


def _shared_database_url(tmp_path: Path) -> tuple[str, Path | None]:
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        return (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            None,
        )
    path = tmp_path / "shared.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM INTO '{path}'")
    return f"sqlite:///{path}", path


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_real_rqworker_processes_send_each_mail_once(esp, rq_queue, tmp_path):
    recipients = [f"rq-{n}@example.dk" for n in range(6)]
    mails = [_queue_one(to) for to in recipients]  # committed: enqueued on commit, to Redis
    assert rq_queue.count == len(recipients)
    database_url, sqlite_path = _shared_database_url(tmp_path)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.scaleout.rq_settings",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "FAKE_ESP_URL": esp.url,
        "RQ_URL": RQ_REDIS_URL,
    }
    command = [
        sys.executable,
        "manage.py",
        "rqworker",
        "--burst",
        "--job-class",
        "django_tasks_rq.Job",
        "default",
    ]
    # Two workers on one queue, as in production: each job is taken by one of them.
    output = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
    workers = [subprocess.Popen(command, cwd=ROOT, env=env, **output) for _ in range(2)]  # noqa: S603
    for worker in workers:
        out, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0, out
    assert rq_queue.count == 0
    assert {to: esp.deliveries[to] for to in recipients} == dict.fromkeys(recipients, 1)
    if sqlite_path is not None:
        import sqlite3

        with sqlite3.connect(sqlite_path) as db:
            statuses = db.execute("SELECT status FROM outbox_outgoingmail").fetchall()
    else:
        statuses = list(
            OutgoingMail.objects.filter(pk__in=[m.pk for m in mails]).values_list("status")
        )
    assert sorted(s for (s,) in statuses) == ["sent"] * len(recipients)
    # Each job's outcome is on Redis for the task API to read.
    assert redis.Redis.from_url(RQ_REDIS_URL).ping()
