"""axe-core on every public page type: no serious or critical WCAG 2.1 A/AA violations."""

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletters import tokens
from newsletters.models import Subscriber

from .conftest import add_axe

pytestmark = pytest.mark.browser

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
BLOCKING_IMPACTS = {"serious", "critical"}
TARGETS_SHOWN = 3


def manage_path(content) -> str:
    """The manage page of an active subscriber of both homes (reached by a signed link)."""
    subscriber = Subscriber.objects.create(
        email="axe@example.dk", status=Subscriber.Status.ACTIVE, consent_version="2026-1"
    )
    subscriber.homes.set([content.home_a, content.home_b])
    return reverse("newsletters:manage", args=[tokens.make_token(subscriber, tokens.MANAGE)])


def month_view_path(content) -> str:
    """The calendar's month view of the month with the test content's first event."""
    month = timezone.localtime(content.event.start).strftime("%Y-%m")
    return f"{content.tree.calendar.url}?visning=maaned&month={month}"


def relatives_only_path(content) -> str:
    """A relatives-only news item, as a signed-out visitor meets it (the sign-in invitation)."""
    from tests.conftest import make_news

    return make_news(content.home_a, "Kun for de nære", relatives_only=True).url


# Page type → (path on the live server given the test content, the HTTP status it answers with).
PAGES = {
    "front": (lambda c: "/", 200),
    "botilbud": (lambda c: c.home_a.url, 200),
    "news-with-image": (lambda c: c.news.url, 200),
    "news-archive": (lambda c: c.home_a.url + "nyheder/", 200),
    "event-with-organiser": (lambda c: c.event.url, 200),
    "calendar": (lambda c: c.tree.calendar.url, 200),
    "calendar-filter-errors": (lambda c: f"{c.tree.calendar.url}?home=abc&month=13&page=-1", 200),
    "calendar-month": (month_view_path, 200),
    "volunteer-call": (lambda c: c.call.url, 200),
    "organisation-directory": (lambda c: c.tree.directory.url, 200),
    "organisation": (lambda c: c.organisation_url(), 200),
    "standard": (lambda c: c.tree.about.url, 200),
    "search": (lambda c: "/soeg/?q=Solg%C3%A5rden", 200),
    "newsletter-subscribe": (lambda c: f"/nyhedsbrev/?home={c.home_a.pk}", 200),
    "newsletter-manage": (manage_path, 200),
    "not-found": (lambda c: "/findes-ikke/", 404),
    "site-overview": (lambda c: "/oversigt/", 200),
    "search-no-results": (lambda c: "/soeg/?q=xyzzy", 200),
    "search-associations": (lambda c: "/soeg/?q=idr%C3%A6t", 200),
    "relatives-only-signed-out": (relatives_only_path, 403),
}


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:TARGETS_SHOWN]]
        more = len(violation["nodes"]) - len(targets)
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" [{violation['helpUrl']}]\n    at {'; '.join(targets)}"
            + (f" (+{more} more)" if more > 0 else "")
        )
    return "\n".join(lines)


@pytest.mark.parametrize("page_type", list(PAGES))
def test_no_serious_accessibility_violations(page, content, axe_source, page_type):
    path_for, status = PAGES[page_type]
    url = path_for(content)
    response = page.goto(url)
    assert response is not None and response.status == status, (url, response and response.status)
    page.wait_for_load_state("load")
    assert page.locator("h1").count() == 1, f"{url} should have exactly one h1"
    add_axe(page, axe_source)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(
            f"axe found serious/critical violations on {url}:\n{describe(blocking)}", pytrace=False
        )
