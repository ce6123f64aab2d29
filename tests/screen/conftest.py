import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from ..conftest import make_event, make_image, make_news


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    # WeasyPrint may break a line anywhere; compare on single spaces.
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


@pytest.fixture
def now():
    # A Wednesday morning: today has events left, and the week has days after today.
    return at(dt.date(2026, 12, 2), 9)


@pytest.fixture
def week(tree, now, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: now)
    home = tree.home_a
    today = now.date()
    return {
        "kaffe": make_event(
            home,
            "Kaffe i haven",
            start=at(today, 14),
            pictogram="kaffe",
            easy_read="Vi drikker kaffe sammen.",
            image=make_image("Haven"),
        ),
        "done": make_event(home, "Morgengymnastik", start=at(today, 6), end=at(today, 7)),
        "friday": make_event(home, "Bål ved søen", start=at(today + dt.timedelta(days=2), 19)),
        "private": make_event(home, "Pårørendemøde", start=at(today, 16), relatives_only=True),
        "other_home": make_event(tree.home_b, "Banko i Engbo", start=at(today, 15)),
        "next_week": make_event(home, "Julefrokost", start=at(today + dt.timedelta(days=7), 12)),
        "last_week": make_event(home, "Gåtur", start=at(today - dt.timedelta(days=7), 12)),
    }


@pytest.fixture
def letter_news(tree):
    home = tree.home_a
    return {
        "public": make_news(
            home,
            "Tomater i orangeriet",
            date=dt.date(2026, 11, 12),
            easy_read="Vi har plantet tomater.",
            pictogram="have",
        ),
        "private": make_news(
            home, "Referat af pårørendemødet", date=dt.date(2026, 11, 20), relatives_only=True
        ),
        "too_old": make_news(home, "Sommerfest", date=dt.date(2026, 7, 1)),
    }
