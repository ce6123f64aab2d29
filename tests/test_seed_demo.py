"""The demo seed: realistic content for Tønder Kommune that is safe to run again."""

import datetime as dt
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Revision, Site

from home.management.commands.seed_demo import seed_demo
from home.models import (
    BotilbudPage,
    EventIndexPage,
    EventPage,
    HomePage,
    NewsPage,
    Organisation,
    OrganisationIndexPage,
    StandardPage,
    VolunteerCallPage,
)
from home.models.events import Audience


@pytest.fixture
def media(settings, tmp_path):
    """Keep the generated pictures out of the shared test media folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the whole module (a run takes seconds) and roll it all back afterwards.

    Each test still gets its own savepoint from the ``db`` fixture, so what a test changes
    on top of the seed is undone before the next one.
    """
    media = tmp_path_factory.mktemp("seed-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PRIVATE_ROOT=media / "private"),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield seed_demo()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def seeded(seeded_once, db, media) -> dict:
    return seeded_once


def snapshot() -> dict:
    user_model = get_user_model()
    return {
        "pages": sorted(
            Page.objects.values_list("pk", "slug", "latest_revision_id", "last_published_at")
        ),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "collections": Collection.objects.count(),
        "organisations": sorted(Organisation.objects.values_list("pk", "slug")),
        "users": sorted(user_model.objects.values_list("pk", "username", "password")),
        "groups": Group.objects.count(),
        "memberships": user_model.groups.through.objects.count(),
        "sites": sorted(Site.objects.values_list("pk", "hostname", "port", "root_page_id")),
    }


def block_types(stream) -> list[str]:
    return [block.block_type for block in stream]


def test_running_twice_changes_nothing(seeded):
    before = snapshot()

    again = seed_demo()

    assert snapshot() == before
    assert again["created"] == {}
    assert {key: again[key] for key in ("homes", "news", "events", "live_pages")} == {
        key: seeded[key] for key in ("homes", "news", "events", "live_pages")
    }


def test_front_page_is_the_default_sites_root_and_the_welcome_page_is_gone(seeded):
    site = Site.objects.get(is_default_site=True)

    base = urlsplit(settings.BASE_URL)
    assert (site.hostname, site.port) == (base.hostname, base.port or 80)
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.slug == "forside"
    assert list(Page.objects.filter(depth=2)) == [site.root_page]


def test_homes_have_distinct_target_groups_news_facilities_and_pictures(seeded):
    today = timezone.localdate()
    homes = list(BotilbudPage.objects.live().public())

    assert len(homes) >= 4
    assert len({home.target_group for home in homes}) == len(homes)
    assert len({home.city for home in homes}) >= 4
    for home in homes:
        collection = home.staff_access.collection
        assert home.image.collection == collection
        assert home.phone and home.email and home.visiting_info
        assert len(home.facilities) >= 3
        news = list(NewsPage.objects.live().filter(botilbud=home))
        assert len(news) >= 3
        for item in news:
            assert today - dt.timedelta(days=45) <= item.date <= today
            assert item.image.collection == collection
            assert "text" in block_types(item.body)
            assert "embed" not in block_types(item.body)
        assert any({"image", "gallery"} & set(block_types(item.body)) for item in news)
    facilities = [block.value for home in homes for block in home.facilities]
    assert any(facility["shared"] for facility in facilities)
    assert not all(facility["shared"] for facility in facilities)


def test_upcoming_events_mix_homes_partners_audiences_and_accessibility(seeded):
    now = timezone.now()
    soon = EventPage.objects.live().filter(start__gte=now, start__lte=now + dt.timedelta(days=62))
    organised = soon.filter(organiser__isnull=False)

    assert soon.count() >= 16
    assert organised.count() >= 6
    assert organised.values("organiser").distinct().count() >= 4
    assert all(event.external_url.startswith("https://") for event in organised)
    assert soon.filter(botilbud__isnull=False).exists()
    assert soon.child_of(EventIndexPage.objects.get(slug="kalender")).count() >= 3
    assert set(soon.values_list("audience", flat=True)) == set(Audience.values)
    assert soon.filter(all_day=True).exists() and soon.filter(all_day=False).exists()
    for flag in ("step_free", "accessible_toilet", "hearing_loop", "quiet_room"):
        assert soon.filter(**{flag: True}).exists()
    assert not any("embed" in block_types(event.body) for event in soon)


def test_partners_and_volunteer_calls(seeded):
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    calls = VolunteerCallPage.objects.live().open()

    assert Organisation.objects.count() >= 5
    assert {"association", "interest", "volunteer"} <= kinds
    assert Organisation.objects.filter(logo__isnull=False).exists()
    assert all(organisation.description for organisation in Organisation.objects.all())
    assert calls.count() >= 4
    assert calls.values("botilbud").distinct().count() >= 4
    assert calls.filter(expires_on__gt=timezone.localdate()).exists()


def test_site_pages_are_published_with_revisions(seeded):
    front = HomePage.objects.get()
    live = Page.objects.live().public().descendant_of(front, inclusive=True)

    assert live.count() >= 30
    # Events imported from an association's .ics mirror that file and keep no revisions.
    imported = EventPage.objects.exclude(source_uid="").values("pk")
    assert imported.exists()
    assert not live.exclude(pk__in=imported).filter(live_revision__isnull=True).exists()
    assert EventIndexPage.objects.child_of(front).get(slug="kalender").show_in_menus
    assert OrganisationIndexPage.objects.child_of(front).get(slug="foreninger").show_in_menus
    assert StandardPage.objects.child_of(front).get(slug="om-samspil").show_in_menus
    assert StandardPage.objects.child_of(front).filter(slug="privatlivspolitik").exists()
    statement = StandardPage.objects.child_of(front).get(slug="tilgaengelighedserklaering")
    text = str(statement.body)
    for phrase in ("webtilgængelighedsloven", "WCAG 2.1", "Digitaliseringsstyrelsen"):
        assert phrase in text


def test_admin_and_one_editor_per_home(seeded):
    user_model = get_user_model()
    admin = user_model.objects.get(username="admin")
    homes = list(BotilbudPage.objects.all())

    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("samspil-admin")
    for home in homes:
        user = user_model.objects.get(username=home.slug)
        assert user.check_password("samspil-demo")
        assert user.first_name and user.last_name and user.email
        assert not user.is_superuser
        assert list(user.groups.all()) == [home.staff_access.group]
        for other in homes:
            assert other.permissions_for_user(user).can_edit() is (other == home)
    assert {row["username"] for row in seeded["credentials"]} == {
        "admin",
        *(home.slug for home in homes),
    }


def test_command_refuses_without_debug(db, settings):
    settings.DEBUG = False
    before = snapshot()

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())

    assert snapshot() == before


def test_command_with_force_runs_and_prints_the_logins(db, settings, media):
    settings.DEBUG = False
    out = StringIO()

    call_command("seed_demo", "--force", stdout=out)

    printed = out.getvalue()
    assert BotilbudPage.objects.count() >= 4
    assert "admin" in printed and "samspil-admin" in printed
    assert "solgaarden" in printed and "samspil-demo" in printed
