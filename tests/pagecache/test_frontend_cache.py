"""A proxy or CDN in front (wagtail.contrib.frontend_cache): purged on commit, with the pages
that list the changed page, not just the page itself."""

from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from tests.conftest import make_event, make_news
from tests.test_relatives_only import publish

PURGED: list[str] = []


class RecordingBackend(BaseBackend):
    def purge(self, url) -> None:
        PURGED.append(url)


def test_publish_purges_the_proxy_copies_of_the_page_and_its_lists(
    tree, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {
        "default": {"BACKEND": "tests.pagecache.test_frontend_cache.RecordingBackend"}
    }
    PURGED.clear()
    news = make_news(tree.home_a, "Nyt fra haven")
    with django_capture_on_commit_callbacks(execute=True):
        publish(news)
    purged = set(PURGED)
    assert tree.home_a.full_url in purged
    assert tree.front.full_url in purged
    assert tree.home_b.full_url not in purged
    assert tree.calendar.full_url not in purged

    PURGED.clear()
    event = make_event(tree.home_b, "Julefrokost")
    with django_capture_on_commit_callbacks(execute=True):
        publish(event)
    purged = set(PURGED)
    assert {tree.home_b.full_url, tree.calendar.full_url, tree.directory.full_url} <= purged


def test_nothing_is_sent_without_a_frontend_cache(tree, django_capture_on_commit_callbacks):
    PURGED.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish(make_news(tree.home_a, "Ingen proxy"))
    assert PURGED == []
