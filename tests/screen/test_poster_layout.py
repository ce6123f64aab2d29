"""The week poster fits ONE A4 page however busy the week (home.screen.PosterLayout): every
event's title is on it, or its day says how many more there are (»+N mere«)."""

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from home.screen import POSTER_LAYOUTS, poster_layouts

from ..conftest import make_event
from .conftest import at, pdf_text

MONDAY = dt.date(2026, 12, 7)  # week 50
PICTOGRAMS = ("kaffe", "mad", "bage", "musik", "sang", "gaatur", "udflugt", "baal", "have")


def week_of(tree, per_day: list[int]) -> list[list[str]]:
    """Events at Solgården in week 50, ``per_day[i]`` on day i, with long-ish texts; their
    titles by day."""
    days = []
    number = 0
    for offset, count in enumerate(per_day):
        day = MONDAY + dt.timedelta(days=offset)
        titles = []
        days.append(titles)
        for index in range(count):
            number += 1
            title = f"Aktivitet {number:02d} i fællesstuen"
            make_event(
                tree.home_a,
                title,
                start=at(day, 8 + index % 13),
                pictogram=PICTOGRAMS[number % len(PICTOGRAMS)],
                intro="Vi mødes i fællesstuen og hygger os sammen med beboere, pårørende og "
                "naboer. Der er kaffe og kage, og alle er velkomne.",
                easy_read="Vi hygger os sammen i stuen." if number % 2 else "",
            )
            titles.append(title)
    return days


@pytest.mark.parametrize(
    "per_day",
    [
        [0, 0, 0, 0, 0, 0, 0],  # 0
        [2, 0, 1, 0, 2, 0, 0],  # 5
        [4, 3, 8, 3, 2, 2, 2],  # 24
        [20, 6, 6, 7, 7, 7, 7],  # 60
    ],
    ids=["0", "5", "24", "60"],
)
def test_the_poster_is_one_page_with_every_title_or_its_count(client, tree, per_day):
    days = week_of(tree, per_day)
    titles = [title for day in days for title in day]
    assert len(titles) == sum(per_day)
    response = client.get("/solgarden/uge.pdf?uge=2026-W50")
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
    text = pdf_text(response.content)
    assert "Uge 50" in text
    if not titles:
        assert "Der står ikke noget i kalenderen i denne uge." in text
        return
    # The smallest number of lines a day gets in any layout the poster may be set in.
    least = min(layout.per_day or 10**9 for layout in poster_layouts(len(titles)))
    for day in days:
        missing = [title for title in day if title not in text]
        if missing:
            # Each title is printed, or counted in its day's »+N mere«.
            assert f"+{len(missing)} mere" in text
        if len(day) <= least:
            assert not missing
    more = [int(n) for n in re.findall(r"\+(\d+) mere", text)]
    assert sum(more) == sum(title not in text for title in titles)  # nothing counted twice
    if len(titles) <= 5:
        assert "Vi mødes i fællesstuen" in text  # room for the intros in a quiet week


def test_poster_layouts_stay_readable_and_end_in_one_that_always_fits():
    assert all(layout.font_pt >= 11 for layout in POSTER_LAYOUTS)
    assert poster_layouts(0)[0].name == "roomy"
    assert [layout.name for layout in poster_layouts(60)] == ["crowded"]
    last = POSTER_LAYOUTS[-1]
    assert last.per_day is not None and last.columns == 2 and not last.photos


def test_a_layout_that_runs_over_gives_way_to_the_next(tree):
    """Should WeasyPrint need a second page, the poster is set again in the next layout."""
    from home.printing import embed_pictures, render_one_page_pdf
    from home.screen import lay_out_poster, week_poster_content

    week_of(tree, [6, 6, 6, 6, 6, 0, 0])
    context = week_poster_content(tree.home_a, MONDAY)
    embed_pictures(context["events"])
    roomy, crowded = POSTER_LAYOUTS[0], POSTER_LAYOUTS[-1]
    pdf, used, tried = render_one_page_pdf(
        "pdf/week_poster.html", (lay_out_poster(context, layout) for layout in (roomy, crowded))
    )
    assert tried == 2 and used["layout"] == crowded
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert "Aktivitet 30 i fællesstuen" in pdf_text(pdf)
