"""Danish proofread (issue 11): one quote style (»…«), a comma before "fordi" after "Tak",
and counts that agree with their noun."""

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    *ROOT.glob("templates/**/*.html"),
    *ROOT.glob("templates/**/*.txt"),
    *(
        path
        for app in ("home", "dialog", "newsletters", "participation", "outbox")
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    ),
]
SLIPS = {
    "Tak fordi": re.compile(r"Tak fordi"),
    "curly quotes (use »…«)": re.compile(r"[“”„]"),
    "straight quotes around a value (use »…«)": re.compile(r'(?<=[\s(])"\{\{ [a-z_.]+ \}\}"'),
    "(r) plural": re.compile(r"\w\(r\)"),
    "JSON-fil": re.compile(r"JSON-fil"),
    "a file format named to the reader (say what is in the file)": re.compile(
        r"fil \((JSON|CSV)\)|PNG/WebP"
    ),
    # 'søster til en beboer', 'Privat': straight single quotes around Danish words in text
    # (template tags' own arguments, {% translate 'Sider' %}, are code, not text).
    "straight single quotes around words (use »…«)": re.compile(
        r"(?<!translate )(?<=\s)'[A-ZÆØÅa-zæøå][a-zæøå]*(?: [A-ZÆØÅa-zæøå.0-9]+)*'"
        r"(?=[.,)]|\s(?!%\}))"
    ),
}


@pytest.mark.parametrize("slip", SLIPS)
def test_no_slip_in_templates_or_messages(slip):
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in SOURCES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SLIPS[slip].search(line) and not line.lstrip().startswith("#")
    ]
    assert not found, found


@pytest.mark.parametrize(("count", "words"), [(1, "ubesvaret tråd"), (3, "ubesvarede tråde")])
def test_dashboard_counts_agree_with_their_noun(count, words):
    html = render_to_string(
        "dialog/admin/dashboard_panel.html",
        {"counts": {"pending": 0, "reported": 1, "unanswered": count, "overdue": 0}},
    )
    assert words in html
    assert "anmeldt besked" in html and "anmeldte beskeder" not in html
