"""Browser tests: Debian's chromium, driven by Playwright's sync API, against the live server.

The data is built with ``transactional_db`` (the live server runs in another thread and must see
it) and ``serialized_rollback``, so the Wagtail root page, default site and root collection that
the migrations create are back in place for every test after the previous test's flush.
"""

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from home.models import BotilbudPage, EventPage, NewsPage, VolunteerCallPage

from ..conftest import Tree, make_call, make_event, make_image, make_news

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# every ORM call made from the tests while it runs.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Generous for a loaded CI machine, short enough that a missing element fails quickly.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    """One chromium for the whole session. Missing chromium is a failure, never a skip."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium. "
            "Install it with `make browser-deps` (apt-get install chromium); "
            "never `playwright install`.",
            pytrace=False,
        )
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django keeps database connections in thread-local storage while no event loop runs in
    # the thread, and in context-local storage while one does. Once Playwright's loop runs,
    # the test thread would get fresh connection objects: ones without the test database's
    # serialized contents (so serialized_rollback restores nothing) and not the ones shared
    # with the live server. Keep using the same objects on both sides of the switch.
    existing = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in existing.items():
            connections[alias] = connection
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` (or `make setup`).", pytrace=False)
    return str(AXE_JS)


# Every page reports what its Content-Security-Policy refused (a securitypolicyviolation event);
# chromium also says "Refused to …" on the console. Both are collected per page.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} refused ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


AXE_URL_PATH = "/__test__/axe.min.js"


def add_axe(page, axe_source: str) -> None:
    """Load axe-core into the page as a script of the site's own origin (served by the browser
    context from node_modules): an inline copy would be refused by the site's policy."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    page.context.route(
        origin + AXE_URL_PATH,
        lambda route: route.fulfill(path=axe_source, content_type="application/javascript"),
    )
    page.add_script_tag(url=origin + AXE_URL_PATH)


def _new_page(browser, live_server, **context_options):
    # Fades run on the real clock, not Playwright's: axe measuring colours halfway through a
    # fade-in reads too little contrast. A visitor who asks for reduced motion gets no fades
    # (the site's CSS honours it), and neither do the tests.
    context_options.setdefault("reduced_motion", "reduce")
    context = browser.new_context(base_url=live_server.url, locale="da-DK", **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_REPORTER)
    new_page = context.new_page()
    new_page.csp_violations = []

    def record(message) -> None:
        text = message.text
        if text.startswith("CSP violation") or (
            text.startswith("Refused to") and "Content Security Policy" in text
        ):
            new_page.csp_violations.append(f"{new_page.url}: {text}")

    new_page.on("console", record)
    return context, new_page


def _close(context, page) -> None:
    """Close the page's browser context; then no page it opened may have broken the policy."""
    context.close()
    if page.csp_violations:
        pytest.fail(
            "Content-Security-Policy violations:\n" + "\n".join(page.csp_violations), pytrace=False
        )


@pytest.fixture
def page(browser, live_server) -> Iterator:
    """A fresh context (cookies, storage) and page per test, at a desktop size."""
    context, new_page = _new_page(browser, live_server, viewport={"width": 1280, "height": 900})
    yield new_page
    _close(context, new_page)


@pytest.fixture
def phone_page(browser, live_server) -> Iterator:
    """A fresh context at an iPhone 12–15 sized viewport."""
    context, new_page = _new_page(
        browser,
        live_server,
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    yield new_page
    _close(context, new_page)


@dataclass
class Content:
    """The `tree` of tests/conftest.py with something happening at both homes."""

    tree: Tree
    news: NewsPage
    event: EventPage
    other_event: EventPage
    call: VolunteerCallPage

    @property
    def home_a(self) -> BotilbudPage:
        return self.tree.home_a

    @property
    def home_b(self) -> BotilbudPage:
        return self.tree.home_b

    def organisation_url(self) -> str:
        return self.tree.directory.url + self.tree.organisation.slug + "/"


@pytest.fixture
def content(live_server, django_db_serialized_rollback, transactional_db, tree) -> Content:
    """Pages for the browser: news with an image, events at both homes, an open volunteer call.

    ``live_server`` and ``transactional_db`` come before ``tree``, so its ``db`` is transactional
    and the server thread sees the committed rows.
    """
    soon = timezone.now() + dt.timedelta(days=3)
    image = make_image("Sommerfest")
    tree.home_a.image = image
    tree.home_a.facilities = [
        ("facility", {"name": "Spabad", "description": "Med lift.", "shared": True})
    ]
    tree.home_a.save(update_fields=["image", "facilities"])  # the live row is what is served
    news = make_news(
        tree.home_a,
        "Sommerfest på Solgården",
        image=image,
        body=[
            ("text", "<p>Tak til alle, der kom og var med.</p>"),
            ("image", {"image": image, "alt_text": "Bord med kage", "caption": "Kagebordet"}),
            ("gallery", {"title": "Billeder fra dagen", "images": [image, image]}),
        ],
    )
    event = make_event(
        tree.home_a,
        "Bålaften",
        start=soon,
        organiser=tree.organisation,
        external_url="https://example.dk/baal",
        step_free=True,
        hearing_loop=True,
        audience="relatives",
    )
    other_event = make_event(tree.home_b, "Banko i Engbo", start=soon + dt.timedelta(days=1))
    call = make_call(
        tree.home_a,
        "Hjælp til havearbejde",
        body="<p>Vi har en stor have.</p>",
        skills="Kan lide at være ude.",
        contact_email="have@example.dk",
    )
    return Content(tree=tree, news=news, event=event, other_event=other_event, call=call)
