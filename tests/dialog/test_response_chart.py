"""The leader's Svartider: median time to first answer per month, drawn as an inline SVG
chart (with the numbers as a table), scoped to the user's homes."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from dialog import posting
from dialog.models import Thread
from dialog.timeliness import monthly_response_times

CPH = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=CPH)


def answered(home, relative, created: dt.datetime, after: dt.timedelta) -> Thread:
    thread = posting.start_thread(
        botilbud=home, author=relative, kind=Thread.Kind.QUESTION, subject="Besøg", body="Hej."
    )
    Thread.objects.filter(pk=thread.pk).update(
        created_at=created, first_staff_reply_at=created + after
    )
    return thread


def test_median_per_copenhagen_month_oldest_first(tree, relative_a, relative_engbo):
    # 31 October 23:30 UTC is 1 November in Copenhagen: it counts for November.
    answered(
        tree.home_a,
        relative_a,
        dt.datetime(2026, 10, 31, 23, 30, tzinfo=dt.UTC),
        dt.timedelta(hours=2),
    )
    answered(
        tree.home_a, relative_a, dt.datetime(2026, 11, 10, 9, 0, tzinfo=CPH), dt.timedelta(hours=4)
    )
    answered(
        tree.home_a, relative_a, dt.datetime(2026, 11, 12, 9, 0, tzinfo=CPH), dt.timedelta(hours=30)
    )
    answered(
        tree.home_a, relative_a, dt.datetime(2026, 10, 5, 9, 0, tzinfo=CPH), dt.timedelta(hours=1)
    )
    # Another home's thread is not in Solgården's figures.
    answered(
        tree.home_b,
        relative_engbo,
        dt.datetime(2026, 11, 10, 9, 0, tzinfo=CPH),
        dt.timedelta(days=9),
    )
    months = monthly_response_times([tree.home_a.pk], now=NOW)
    assert len(months) == 12
    assert months[0].month == dt.date(2026, 1, 1) and months[-1].month == dt.date(2026, 12, 1)
    by_month = {m.month: m for m in months}
    assert by_month[dt.date(2026, 11, 1)].answered == 3
    assert by_month[dt.date(2026, 11, 1)].median == dt.timedelta(hours=4)
    assert by_month[dt.date(2026, 10, 1)].answered == 1
    assert by_month[dt.date(2026, 12, 1)].median is None


def test_monthly_times_cost_one_query(tree, relative_a, django_assert_num_queries):
    for day in range(1, 6):
        answered(
            tree.home_a,
            relative_a,
            dt.datetime(2026, 11, day, 9, 0, tzinfo=CPH),
            dt.timedelta(hours=day),
        )
    with django_assert_num_queries(1):
        monthly_response_times([tree.home_a.pk], now=NOW)


def test_svartider_draws_the_chart_with_danish_months(client, tree, relative_a, staff_a):
    created = timezone.now() - dt.timedelta(days=3)
    answered(tree.home_a, relative_a, created, dt.timedelta(hours=5))
    client.force_login(staff_a)
    html = client.get(reverse("dialog_timeliness")).content.decode()
    svg = re.search(r"<svg[^>]*role=\"img\".*?</svg>", html, re.DOTALL)
    assert svg, "no chart"
    assert svg.group(0).count("<rect") == 1
    with translation.override("da"):
        month = date_format(timezone.localtime(created), "N")
    assert f">{month}<" in svg.group(0)
    assert month[0].islower()  # "nov.", not "Nov"
    assert ">5 t 0 min<" in svg.group(0)
    assert "Median tid til første svar pr. måned" in svg.group(0)
    assert "<summary>Vis tallene</summary>" in html
    # No chart library, nothing fetched: the chart is drawn inline.
    assert "<script" not in svg.group(0)
