"""The A4 week poster /<home>/uge.pdf and the printed monthly letter: their text, checked."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from home.screen import BadPeriod, parse_month, parse_week

from ..conftest import make_event
from .conftest import at, pdf_text


def test_poster_of_this_week(client, tree, week):
    response = client.get("/solgarden/uge.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="ugeplan-solgarden-2026-uge-49.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Det sker på Solgården" in text
    assert "Uge 49" in text
    assert "Kaffe i haven" in text and "Bål ved søen" in text
    # The easy-read version in place of the intro where there is one.
    assert "Vi drikker kaffe sammen." in text
    assert "Morgengymnastik" in text  # over by now, but it is this week's poster
    for title in ("Pårørendemøde", "Banko i Engbo", "Julefrokost", "Gåtur"):
        assert title not in text


def test_poster_of_a_chosen_week(client, tree, week):
    text = pdf_text(client.get("/solgarden/uge.pdf?uge=2026-W50").content)
    assert "Uge 50" in text and "Julefrokost" in text
    assert "Kaffe i haven" not in text


def test_poster_of_an_empty_week_says_so(client, tree, week):
    text = pdf_text(client.get("/engbo/uge.pdf?uge=2030-W01").content)
    assert "Der står ikke noget i kalenderen i denne uge." in text


def test_poster_embeds_the_pictogram_and_photo_and_fetches_nothing(client, tree, week, monkeypatch):
    import urllib.request

    opened = []
    real_open = urllib.request.OpenerDirector.open

    def record(self, request, *args, **kwargs):
        url = request if isinstance(request, str) else request.full_url
        opened.append(url)
        return real_open(self, request, *args, **kwargs)

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", record)
    response = client.get("/solgarden/uge.pdf")
    assert response.status_code == 200
    # Two pictures on the page: the pictogram (vector) and the photo (an image XObject).
    assert b"/Subtype /Image" in response.content
    # Both arrived as data: URLs written into the HTML; nothing was asked of any server.
    assert len(opened) >= 2
    assert all(url.startswith("data:") for url in opened)


@pytest.mark.parametrize(
    "raw",
    [
        "49",
        "2026-49",
        "2026-W7",
        "2026-W00",
        "2026-W54",
        "2025-W53",  # 2025 has 52 weeks
        "1999-W10",
        "9999-W01",
        "2026-W49; DROP TABLE",
        "２０２６-W49",
        "2026-W4９",
    ],
)
def test_bad_week_is_a_danish_400(client, tree, raw):
    response = client.get("/solgarden/uge.pdf", {"uge": raw})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "uge" in text.lower() or "år" in text.lower()


def test_week_parsing():
    assert parse_week("2026-W53") == dt.date(2026, 12, 28)
    assert parse_week("", today=dt.date(2026, 12, 3)) == dt.date(2026, 11, 30)
    with pytest.raises(BadPeriod):
        parse_week("2026-W53x")
    assert parse_month("2026-02") == dt.date(2026, 2, 1)
    for raw in ("2026-13", "2026-00", "26-12", "2026/12", "1800-01"):
        with pytest.raises(BadPeriod):
            parse_month(raw)


def test_poster_of_an_unknown_or_unpublished_home_is_404(client, tree):
    assert client.get("/findes-ikke/uge.pdf").status_code == 404
    tree.home_b.unpublish()
    assert client.get("/engbo/uge.pdf").status_code == 404
    assert client.get("/engbo/skaerm/sw.js").status_code == 404


def test_poster_queries_do_not_grow_with_the_events(
    client, tree, week, now, django_assert_max_num_queries
):
    client.get("/solgarden/uge.pdf")
    with django_assert_max_num_queries(POSTER_QUERIES):
        client.get("/solgarden/uge.pdf")
    for day in range(5):
        make_event(
            tree.home_a, f"Værksted {day}", start=at(now.date() + dt.timedelta(days=day - 2), 10)
        )
    client.get("/solgarden/uge.pdf")
    with django_assert_max_num_queries(POSTER_QUERIES):
        client.get("/solgarden/uge.pdf")


# The site, the home, the events, residents' photos and their files, the images' renditions.
POSTER_QUERIES = 7


# -- the printed monthly letter (admin) ------------------------------------------------------


def letter_url(home, month=None):
    url = reverse("home_monthly_letter", args=[home.pk])
    return f"{url}?maaned={month}" if month else url


def test_monthly_letter_has_last_months_news_and_this_months_events(
    client, tree, staff_a, letter_news, monkeypatch
):
    monkeypatch.setattr(timezone, "now", lambda: at(dt.date(2026, 12, 1), 9))
    make_event(tree.home_a, "Juletræet tændes", start=at(dt.date(2026, 12, 6), 16))
    make_event(
        tree.home_a,
        "Julemøde for pårørende",
        start=at(dt.date(2026, 12, 8), 16),
        relatives_only=True,
    )
    make_event(tree.home_a, "Nytårskur", start=at(dt.date(2027, 1, 2), 12))
    client.force_login(staff_a)
    response = client.get(letter_url(tree.home_a, "2026-12"))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Nyt fra Solgården – december 2026" in text
    assert "Det skete i november" in text and "Det sker i december" in text
    assert "Tomater i orangeriet" in text and "Vi har plantet tomater." in text
    assert "Juletræet tændes" in text
    assert "74 92 92 92" in text  # how to reach the home
    for title in ("Referat af pårørendemødet", "Julemøde for pårørende", "Sommerfest", "Nytårskur"):
        assert title not in text


def test_monthly_letter_only_for_the_homes_own_staff(client, tree, staff_a, letter_news):
    client.force_login(staff_a)
    assert client.get(letter_url(tree.home_b)).status_code == 403
    index = client.get(reverse("home_monthly_letters"))
    assert index.status_code == 200
    assert "Solgården" in index.content.decode() and "Engbo" not in index.content.decode()


def test_monthly_letter_refuses_relatives_and_visitors(client, tree, django_user_model):
    response = client.get(letter_url(tree.home_a))
    assert response.status_code in (302, 403)
    user = django_user_model.objects.create_user("paarorende", "p@example.dk", "x")
    client.force_login(user)
    assert client.get(letter_url(tree.home_a)).status_code in (302, 403)
    assert client.get(reverse("home_monthly_letters")).status_code in (302, 403)


@pytest.mark.parametrize("raw", ["2026-13", "december", "2026-1", "0000-01"])
def test_monthly_letter_bad_month_is_a_danish_400(client, tree, staff_a, raw):
    client.force_login(staff_a)
    response = client.get(letter_url(tree.home_a), {"maaned": raw})
    assert response.status_code == 400
    assert "måned" in response.content.decode()


def test_monthly_letter_of_an_unknown_home_is_404(client, tree, staff_a):
    client.force_login(staff_a)
    assert client.get("/admin/botilbud/maanedsbrev/2147483648/").status_code == 404
    assert client.get("/admin/botilbud/maanedsbrev/999999/").status_code == 404
