"""The staff admin as a Danish product: Danish names for Wagtail's default workflow and
groups (a reversible migration), Danish dates ("1. dec. 2026"), no calls to Gravatar or
releases.wagtail.org, and wide tables that scroll on a phone."""

import datetime as dt
import importlib
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as real_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from wagtail.models import Task, Workflow

from dialog import posting
from dialog.models import Membership, Thread
from tests.conftest import make_event

CPH = ZoneInfo("Europe/Copenhagen")
OUTSIDE_HOSTS = ("gravatar.com", "releases.wagtail.org")
names_migration = importlib.import_module("home.migrations.0004_danish_workflow_and_group_names")


# --- Workflow and groups ---------------------------------------------------------------------


def test_default_workflow_task_and_groups_have_danish_names(db):
    assert Workflow.objects.filter(name="Godkendelse").exists()
    assert Task.objects.filter(name="Godkendelse ved moderatorer").exists()
    assert set(Group.objects.values_list("name", flat=True)) >= {"Moderatorer", "Redaktører"}
    english = ["Moderators approval", "Moderators", "Editors"]
    assert not Workflow.objects.filter(name__in=english).exists()
    assert not Task.objects.filter(name__in=english).exists()
    assert not Group.objects.filter(name__in=english).exists()


def test_workflow_names_migration_runs_backwards_and_forwards(db):
    names_migration.to_english(real_apps, None)
    assert Workflow.objects.filter(name="Moderators approval").exists()
    assert Task.objects.filter(name="Moderators approval").exists()
    assert Group.objects.filter(name="Moderators").exists()
    names_migration.to_danish(real_apps, None)
    assert Workflow.objects.filter(name="Godkendelse").exists()
    assert Group.objects.filter(name="Redaktører").exists()


def test_a_name_an_admin_chose_is_kept(db):
    Workflow.objects.filter(name="Godkendelse").update(name="Kommunens godkendelse")
    names_migration.to_english(real_apps, None)
    names_migration.to_danish(real_apps, None)
    assert Workflow.objects.filter(name="Kommunens godkendelse").exists()


def test_page_editor_offers_the_danish_workflow(client, tree, staff_a):
    client.force_login(staff_a)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[tree.home_a.pk])).content.decode()
    assert "Godkendelse" in html
    assert "Moderators approval" not in html


# --- Dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 12, 1), "1. dec. 2026"),
        (dt.date(2026, 3, 3), "3. marts 2026"),
        (dt.date(2026, 9, 9), "9. sept. 2026"),
        (dt.date(2026, 5, 17), "17. maj 2026"),
    ],
)
def test_danish_date_format_abbreviates_months_the_danish_way(day, expected):
    with translation.override("da"):
        rendered = Template('{{ day|date:"DATE_FORMAT" }}').render(Context({"day": day}))
    assert rendered == expected


def test_datetime_format_is_danish_in_copenhagen_time(settings):
    moment = dt.datetime(2026, 12, 1, 13, 5, tzinfo=dt.UTC)
    with translation.override("da"):
        rendered = Template('{{ moment|date:"DATETIME_FORMAT" }}').render(
            Context({"moment": moment})
        )
    assert rendered == "1. dec. 2026 14:05"


def test_no_admin_template_spells_the_english_style_month():
    """Django's "M" gives "Dec"; the project's templates use the named formats."""
    pattern = re.compile(r"""\|date:["'][^"']*(?<!\\)M[^"']*["']""")
    offenders = [
        str(path)
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        if pattern.search(path.read_text(encoding="utf-8"))
        and "FORMAT" not in pattern.search(path.read_text(encoding="utf-8")).group(0)
    ]
    assert offenders == []


def test_threads_list_shows_danish_dates(client, tree, staff_a):
    relative = get_user_model().objects.create_user("karen@example.dk", "karen@example.dk")
    relative.set_unusable_password()
    relative.save()
    Membership.objects.create(
        relative=relative, botilbud=tree.home_a, relation="Søster", status="approved"
    )
    thread = posting.start_thread(
        botilbud=tree.home_a,
        author=relative,
        kind=Thread.Kind.QUESTION,
        subject="Besøg",
        body="Hvornår?",
    )
    Thread.objects.filter(pk=thread.pk).update(
        last_message_at=dt.datetime(2026, 12, 1, 9, 30, tzinfo=CPH),
        due_at=dt.datetime(2026, 12, 8, 9, 30, tzinfo=CPH),
    )
    client.force_login(staff_a)
    html = client.get(reverse("dialog_threads")).content.decode()
    assert "1. dec. 2026 09:30" in html
    assert "8. dec." in html
    assert "Dec" not in html


# --- No outside calls -----------------------------------------------------------------------


def admin_pages(tree):
    event = make_event(tree.home_a, "Sommerfest", signup_enabled=True, capacity=5)
    return [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[tree.home_a.pk]),
        reverse("wagtailadmin_pages:edit", args=[tree.home_a.pk]),
        reverse("wagtailadmin_pages:edit", args=[event.pk]),
        reverse("wagtailadmin_account"),
        reverse("wagtailusers_users:index"),
        reverse("wagtailimages:index"),
        reverse("wagtaildocs:index"),
        reverse("dialog_threads"),
        reverse("dialog_memberships"),
        reverse("dialog_settings"),
        reverse("participation_signups:index"),
        reverse("participation_attendance"),
        reverse("participation_attendance_list", args=[event.pk]),
    ]


def test_admin_pages_name_no_outside_host(client, tree, staff_a):
    admin = get_user_model().objects.create_superuser("kommune", "admin@toender.dk", "kode")
    client.force_login(admin)
    for url in admin_pages(tree):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for host in OUTSIDE_HOSTS:
            assert host not in html, (url, host)
        # No avatar image from anywhere but the site itself.
        for src in re.findall(r'<img[^>]+src="([^"]+)"', html):
            assert src.startswith(("/", "data:")) and not src.startswith("//"), (url, src)


def test_settings_switch_off_what_phones_home():
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    assert settings.WAGTAIL_ENABLE_WHATS_NEW_BANNER is False


# --- Phone-friendly tables ------------------------------------------------------------------


def test_admin_tables_sit_in_a_horizontal_scroll_box(client, tree, staff_a):
    relative = get_user_model().objects.create_user("bo@example.dk", "bo@example.dk")
    relative.set_unusable_password()
    relative.save()
    posting.start_thread(
        botilbud=tree.home_a,
        author=staff_a,
        kind=Thread.Kind.QUESTION,
        subject="Hej",
        body="Velkommen.",
        visibility=Thread.Visibility.SHARED,
        by_staff=True,
    )
    client.force_login(staff_a)
    html = client.get(reverse("dialog_threads")).content.decode()
    assert re.search(r'<div class="dialog-table-scroll"[^>]*tabindex="0">\s*<table', html)
    assert ".dialog-table-scroll { max-width: 100%; overflow-x: auto;" in html
