"""The staff admin speaks Danish: the project's completions of Wagtail's catalogues are
compiled, loaded ahead of Wagtail's own, and cover (nearly) every string."""

import gettext
import re
from pathlib import Path

import pytest
import wagtail
from django.conf import settings
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale" / "wagtail"
WAGTAIL = Path(wagtail.__file__).parent
# Our folder name → where Wagtail keeps that app's English template catalogue.
SOURCES = {
    "admin": "admin",
    "core": ".",
    "users": "users",
    "images": "images",
    "documents": "documents",
    "snippets": "snippets",
    "sites": "sites",
    "embeds": "embeds",
    "search": "search",
    "forms": "contrib/forms",
    "redirects": "contrib/redirects",
    "settings": "contrib/settings",
    "locales": "locales",
}


def _source_msgids(path: Path) -> int:
    # Every entry but the header: "msgid" lines, minus the header's empty one.
    return len(re.findall(r"^msgid ", path.read_text(), re.M)) - 1


@pytest.mark.parametrize(
    ("app", "domain"),
    [(app, "django") for app in SOURCES] + [("admin", "djangojs")],
)
def test_each_wagtail_catalogue_is_at_least_95_percent_danish(app, domain):
    source = WAGTAIL / SOURCES[app] / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
    compiled = LOCALE / app / "da" / "LC_MESSAGES" / f"{domain}.mo"
    assert compiled.exists(), "make setup compiles the catalogues"
    with compiled.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    # The catalogue's keys: msgids (plural entries once per form), plus the header.
    singular = {key if isinstance(key, str) else key[0] for key in catalogue._catalog}
    translated = len(singular - {""})
    assert translated >= 0.95 * _source_msgids(source)


def test_our_catalogues_come_before_wagtails():
    assert settings.LOCALE_PATHS[0] == Path(settings.BASE_DIR) / "locale"
    assert LOCALE / "admin" in [Path(p) for p in settings.LOCALE_PATHS]


@pytest.mark.parametrize(
    ("english", "danish"),
    [
        ("Images", "Billeder"),
        ("Documents", "Dokumenter"),
        ("Reports", "Rapporter"),
        ("Choose an image", "Vælg et billede"),
        ("Upload", "Læg op"),
    ],
)
def test_admin_strings_are_danish(english, danish):
    with translation.override("da"):
        assert translation.gettext(english) == danish


def test_admin_dashboard_has_no_english_menu(admin_client, tree):
    response = admin_client.get("/admin/")
    text = response.content.decode()
    assert response.status_code == 200
    for english in (">Images<", ">Documents<", ">Reports<", ">Settings<", ">Help<"):
        assert english not in text
