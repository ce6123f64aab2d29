"""No English left on the admin screens a home's staff use: the test walks them as staff
would and reads what is shown (text and the labels of controls), not the markup."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Page

from home.models import HomeStaffAccess

from .conftest import make_event, make_image, make_news

# Words a Danish admin never shows in English (whole words, case-sensitive as shown).
ENGLISH = re.compile(
    r"\b(Images?|Documents?|Reports?|Settings|Upload|Submit|Choose|Search|Edit|Delete|Save|"
    r"Cancel|Publish(ed)?|Unpublish|Draft|Pages?|Title|Help|Sort|Filter|Dashboard|"
    r"There are no|Add child page|Live|Preview|History|Revisions?|Actions?|Owner|"
    r"Collections?|Snippets?|Account|Log out|Privacy|Move|Copy|Updated|Select|"
    r"Workflow|Comments?|Clear|Apply|Show|More|View|Latest|Create)\b"
)
# Attribute values people read: button and link labels, placeholders, tooltips.
READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "value"}


class _Visible(HTMLParser):
    """The text a person sees or hears, leaving out scripts, styles and hidden templates."""

    SKIP = {"script", "style", "template", "noscript", "svg"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1
            return
        if self.depth:
            return
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden":
            return
        if (
            tag == "input"
            and attributes.get("value") == "Search"
            and attributes.get("type") == "submit"
        ):
            # Known upstream: Wagtail 8.0's header.html and home.html hard-code this
            # screen-reader-only submit (no msgid exists to translate). Listed in the README.
            return
        for name in READ_ATTRIBUTES & attributes.keys():
            if (
                tag == "input"
                and name == "value"
                and attributes.get("type")
                not in (
                    "submit",
                    "button",
                )
            ):
                continue
            self.parts.append(attributes[name] or "")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture
def staff(tree):
    user = get_user_model().objects.create_user(
        "medarbejder", "m@example.dk", "x", first_name="Mette"
    )
    user.groups.add(HomeStaffAccess.objects.get(botilbud=tree.home_a).group)
    return user


def _screens(tree) -> list[str]:
    news = make_news(tree.home_a, "Sommerfesten")
    event = make_event(tree.home_a, "Bålaften", signup_enabled=True)
    image = make_image("Haven")
    image.collection = HomeStaffAccess.objects.get(botilbud=tree.home_a).collection
    image.save()
    home = tree.home_a
    return [
        "/admin/",
        f"/admin/pages/{home.pk}/",
        f"/admin/pages/{home.pk}/edit/",
        f"/admin/pages/{news.pk}/edit/",
        f"/admin/pages/{event.pk}/edit/",
        f"/admin/pages/{news.pk}/history/",
        f"/admin/pages/{home.pk}/add_subpage/",
        f"/admin/pages/add/home/newspage/{home.pk}/",
        "/admin/pages/search/?q=sommer",
        "/admin/images/",
        f"/admin/images/{image.pk}/",
        "/admin/images/multiple/add/",
        "/admin/documents/",
        "/admin/documents/multiple/add/",
        "/admin/account/",
        "/admin/reports/locked/",
        "/admin/reports/aging-pages/",
        f"/admin/choose-page/{home.pk}/",
        "/admin/images/chooser/",
        "/admin/documents/chooser/",
    ]


def test_staff_admin_screens_have_no_english_words(client, tree, staff):
    client.force_login(staff)
    found = {}
    for url in _screens(tree):
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        if response["Content-Type"].startswith("application/json"):
            content = json.loads(content).get("html", "")
        words = sorted({m.group(0) for m in ENGLISH.finditer(visible_text(content))})
        if words:
            found[url] = words
    assert not found, found


def test_the_crawler_would_see_english(client, tree, staff):
    """The check itself: with English switched on, the same screens are full of it."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(staff)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(staff)
    text = visible_text(client.get("/admin/").content.decode())
    assert ENGLISH.search(text)
    assert Page.objects.exists()
