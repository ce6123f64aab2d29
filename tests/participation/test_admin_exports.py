"""Sign-up exports for Danish Excel (semicolons, UTF-8 with BOM, Danish labels, Copenhagen
time to the minute; XLSX too), visible export buttons, Danish empty listings, and the
printable attendance list per event (HTML with print CSS, and PDF)."""

import csv
import datetime as dt
import io
import re
import zlib
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from participation.models import EventSignup
from tests.conftest import make_event

CPH = ZoneInfo("Europe/Copenhagen")
INDEX = "participation_signups:index"


@pytest.fixture
def winter_party(tree):
    # 1 December 2026, 14:00 Copenhagen time (13:00 UTC).
    return make_event(
        tree.home_a,
        "Julefrokost",
        start=dt.datetime(2026, 12, 1, 14, 0, tzinfo=CPH),
        signup_enabled=True,
        capacity=3,
        max_party_size=3,
    )


@pytest.fixture
def signups(winter_party):
    made = [
        ("Søren Æbelø", "soren@example.dk", 2, EventSignup.Status.CONFIRMED, "Vegetar"),
        ("Åse Øster", "aase@example.dk", 1, EventSignup.Status.CONFIRMED, ""),
        ('=HYPERLINK("x")', "formel@example.dk", 2, EventSignup.Status.WAITLISTED, ""),
        ("Bo Afmeldt", "bo@example.dk", 1, EventSignup.Status.CANCELLED, ""),
    ]
    rows = []
    for name, email, size, status, note in made:
        rows.append(
            EventSignup.objects.create(
                event=winter_party,
                name=name,
                email=email,
                party_size=size,
                status=status,
                note=note,
            )
        )
    # A stored time with seconds and microseconds, in UTC: 10:15:42.123456 UTC = 11:15 CPH.
    EventSignup.objects.filter(pk=rows[0].pk).update(
        created_at=dt.datetime(2026, 11, 20, 10, 15, 42, 123456, tzinfo=dt.UTC)
    )
    return rows


def pdf_title(pdf: bytes) -> str:
    """The /Title of a PDF's document information (a UTF-16 hex string or a literal),
    looked for in the file and in its compressed object streams."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    for part in parts:
        match = re.search(rb"/Title\s*(<([0-9A-Fa-f]+)>|\(((?:[^()\\]|\\.)*)\))", part)
        if match and match.group(2):
            return bytes.fromhex(match.group(2).decode()).decode("utf-16")
        if match:
            return match.group(3).decode("latin-1")
    raise AssertionError("no /Title in the PDF")


def export(client, fmt: str, **params) -> bytes:
    query = "&".join(f"{k}={v}" for k, v in {"export": fmt, **params}.items())
    response = client.get(reverse(INDEX) + "?" + query)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_csv_opens_right_in_danish_excel(client, staff_a, signups):
    client.force_login(staff_a)
    body = export(client, "csv")
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    header, *data = rows
    assert header[:5] == ["Arrangement", "Navn", "E-mail", "Antal personer", "Status"]
    by_name = {row[1]: row for row in data}
    soren = by_name["Søren Æbelø"]
    assert soren[0] == "Julefrokost"
    assert soren[4] == "Tilmeldt"
    assert soren[5] == "Vegetar"
    assert soren[6] == "20.11.2026 11:15"  # Copenhagen time, to the minute
    assert by_name["Bo Afmeldt"][4] == "Afmeldt"
    statuses = {row[4] for row in data}
    assert statuses == {"Tilmeldt", "På venteliste", "Afmeldt"}
    assert not {"confirmed", "waitlisted", "cancelled"} & statuses
    # Text from the public is never a formula in Excel.
    assert '\'=HYPERLINK("x")' in by_name
    assert all(len(row) == len(header) for row in data)


def test_xlsx_has_danish_labels_and_local_minutes(client, staff_a, signups):
    client.force_login(staff_a)
    sheet = load_workbook(io.BytesIO(export(client, "xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    header, *data = rows
    assert header[4] == "Status"
    soren = next(row for row in data if row[1] == "Søren Æbelø")
    assert soren[4] == "Tilmeldt"
    assert soren[6] == dt.datetime(2026, 11, 20, 11, 15)
    created_cell = next(row for row in sheet.iter_rows() if row[1].value == "Søren Æbelø")[6]
    assert created_cell.number_format == "dd.mm.yyyy hh:mm"


def test_export_keeps_to_own_homes_events(client, tree, staff_b, signups):
    client.force_login(staff_b)
    body = export(client, "csv").decode("utf-8-sig")
    assert "Søren" not in body and "Julefrokost" not in body


def test_export_buttons_are_in_the_header_not_in_the_more_menu(client, staff_a, signups):
    client.force_login(staff_a)
    html = client.get(reverse(INDEX)).content.decode()
    assert "Hent som CSV" in html and "Hent som Excel (XLSX)" in html
    assert "Download CSV" not in html and "Download XLSX" not in html
    assert reverse("participation_attendance") in html


def test_empty_listings_speak_danish(client, staff_a, tree):
    client.force_login(staff_a)
    html = client.get(reverse(INDEX)).content.decode()
    assert "Der er ingen tilmeldinger endnu." in html
    assert "There are no" not in html
    html = client.get(reverse(INDEX) + "?q=ingen-her").content.decode()
    assert "Ingen tilmeldinger passer til din søgning eller dit filter." in html
    html = client.get(reverse("participation_volunteers:index")).content.decode()
    assert "Der er ingen frivillige endnu." in html


# --- Attendance lists -----------------------------------------------------------------------


def test_overview_counts_people_signed_up_and_waiting(client, staff_a, signups, winter_party):
    client.force_login(staff_a)
    html = client.get(reverse("participation_attendance")).content.decode()
    assert "Julefrokost" in html
    assert "3 personer" in html and "af 3" in html  # confirmed: 2 + 1 of 3 seats
    assert "2 personer" in html  # waiting
    assert reverse("participation_attendance_pdf", args=[winter_party.pk]) in html


def test_attendance_list_prints_names_not_addresses(client, staff_a, signups, winter_party):
    client.force_login(staff_a)
    response = client.get(reverse("participation_attendance_list", args=[winter_party.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Deltagerliste: Julefrokost" in html
    assert "@media print" in html and "@page" in html
    assert "Søren Æbelø" in html and "Åse Øster" in html
    assert "Venteliste" in html
    assert "Bo Afmeldt" not in html  # cancelled
    assert "soren@example.dk" not in html
    assert "1. december 2026" in html  # event_when's long date
    confirmed_part = html.split("Venteliste</h2>")[0]
    assert confirmed_part.index("Søren Æbelø") < confirmed_part.index("Åse Øster")


def test_attendance_pdf_is_a_pdf(client, staff_a, signups, winter_party):
    client.force_login(staff_a)
    response = client.get(reverse("participation_attendance_pdf", args=[winter_party.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="deltagerliste-julefrokost.pdf"' in response["Content-Disposition"]
    # WeasyPrint writes the page's <title> into the document information.
    assert pdf_title(response.content) == "Deltagerliste: Julefrokost"


def test_attendance_list_of_another_home_is_403_and_unknown_is_404(
    client, tree, staff_b, winter_party
):
    client.force_login(staff_b)
    for name in ("participation_attendance_list", "participation_attendance_pdf"):
        assert client.get(reverse(name, args=[winter_party.pk])).status_code == 403
    for pk in (999_999, 2**31, 10**30):
        for suffix in ("", "pdf/"):
            url = f"/admin/deltagelse/deltagerlister/{pk}/{suffix}"
            assert client.get(url).status_code == 404, url
    html = client.get(reverse("participation_attendance")).content.decode()
    assert "Julefrokost" not in html


def test_people_outside_every_home_get_403(client, tree, winter_party):
    editor = get_user_model().objects.create_user("x", "x@example.dk", "kode-x")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert client.get(reverse("participation_attendance")).status_code == 403
    url = reverse("participation_attendance_list", args=[winter_party.pk])
    assert client.get(url).status_code == 403


def test_overview_costs_the_same_queries_for_many_events(
    client, tree, staff_a, django_assert_max_num_queries
):
    client.force_login(staff_a)
    make_event(tree.home_a, "Første", signup_enabled=True)
    client.get(reverse("participation_attendance"))  # warm up (site, menus)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("participation_attendance"))
    for n in range(10):
        event = make_event(tree.home_a, f"Fest {n}", signup_enabled=True)
        EventSignup.objects.create(
            event=event, name="Gæst", email=f"g{n}@example.dk", status="confirmed"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(reverse("participation_attendance")).content.decode()
    assert "Fest 9" in html
