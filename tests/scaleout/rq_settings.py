"""Settings for the `rqworker` process of the RQ test and bench/mixed.py's workers: the mail
test settings (anymail's Postmark backend pointed at the fake ESP, FAKE_ESP_URL) with the tasks
on RQ, as RQ_URL sets them in samspil/settings/base.py."""

import os

from tests.outbox.mail_settings import *  # noqa: F403

RQ_URL = os.environ["RQ_URL"]
TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
# base.py adds them already when RQ_URL is in the environment.
INSTALLED_APPS = [
    *INSTALLED_APPS,  # noqa: F405
    *(app for app in ("django_rq", "django_tasks_rq") if app not in INSTALLED_APPS),  # noqa: F405
]
RQ_QUEUES = {"default": {"URL": RQ_URL, "DEFAULT_TIMEOUT": 900}}
