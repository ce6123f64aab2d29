"""Easy-read ("let læst") versions and pictograms of news and events, and the switch."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from home.pictograms import PICTOGRAMS

from ..conftest import make_event, make_news

PICTOGRAM_DIR = Path(__file__).resolve().parents[2] / "static" / "pictograms"


def test_every_pictogram_is_shipped_under_cc0():
    assert 15 <= len(PICTOGRAMS) <= 25
    for slug in PICTOGRAMS:
        svg = (PICTOGRAM_DIR / f"{slug}.svg").read_text()
        assert svg.startswith("<svg") and "<script" not in svg and "href" not in svg
    assert "CC0 1.0" in (PICTOGRAM_DIR / "LICENSE").read_text()


def test_event_page_carries_its_easy_read_version_and_the_switch(client, tree):
    event = make_event(
        tree.home_a,
        "Sang i fælleshuset",
        intro="Vi synger fra Højskolesangbogen.",
        easy_read="Vi synger sammen.",
        pictogram="sang",
    )
    html = client.get(event.url).content.decode()
    assert 'class="has-easy-read"' in html
    assert "Vi synger sammen." in html
    assert re.search(r'<img class="pictogram" src="/static/pictograms/sang\.svg" alt="Sang"', html)
    # The switch: a real button, its state for screen readers, shown by the script.
    assert re.search(r"<button[^>]+data-easy-read-switch[^>]+aria-pressed=\"false\"", html)
    assert "/static/js/easy-read.js" in html


def test_page_without_easy_read_has_no_empty_version(client, tree):
    event = make_event(tree.home_a, "Banko")
    html = client.get(event.url).content.decode()
    assert "easy-read-version" not in html
    assert "data-easy-read-switch" in html  # the switch is on every page


def test_news_cards_and_listing_show_easy_read(client, tree):
    make_news(tree.home_a, "Nye høns", easy_read="Vi har fået høns.", pictogram="dyr")
    html = client.get(tree.home_a.url).content.decode()
    assert "Vi har fået høns." in html and "/static/pictograms/dyr.svg" in html


def test_easy_read_is_short_and_pictograms_come_from_the_set(tree):
    event = make_event(tree.home_a, "Film", pictogram="film", easy_read="Vi ser film.")
    event.full_clean()
    event.pictogram = "../../etc/passwd"
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "pictogram" in error.value.message_dict
    event.pictogram, event.easy_read = "film", "x" * 301
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "easy_read" in error.value.message_dict


def test_screen_defaults_to_easy_read(client, tree):
    html = client.get(tree.home_a.url + "skaerm/").content.decode()
    assert 'data-easy-read-default="on"' in html
    assert "data-easy-read-switch" in html
