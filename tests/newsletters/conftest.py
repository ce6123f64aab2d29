"""Newsletter fixtures: helpers to read links out of mails."""

import re
from urllib.parse import urlsplit

from newsletters.models import Subscriber


def link_path(body: str, name: str) -> str:
    """The path of the first link in a mail body that contains ``/nyhedsbrev/<name>/``."""
    match = re.search(rf"https?://\S+/nyhedsbrev/{name}/\S+?/", body)
    assert match, body
    return urlsplit(match.group(0)).path


def make_subscriber(email: str, homes, **fields) -> Subscriber:
    fields.setdefault("status", Subscriber.Status.ACTIVE)
    fields.setdefault("consent_version", "2026-1")
    subscriber = Subscriber.objects.create(email=email, **fields)
    subscriber.homes.set(homes)
    return subscriber


def publish(page):
    """Publish as the admin does, so first_published_at is set (what "new" is measured by)."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page
