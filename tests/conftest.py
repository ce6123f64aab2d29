"""Small page trees built per test: a front page, two homes, a calendar and a directory."""

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from access.ratelimit import SHARED_CACHE
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
from home.services import ensure_home_staff_access


@pytest.fixture(autouse=True)
def clean_cache(request, django_db_blocker):
    """Built feeds live in the per-process cache, rate limits in the database's cache table
    (which the test database's creation makes, as ``createcachetable`` does): none leaks between
    tests. A test in a transaction leaves no counter behind; a transactional one's are deleted,
    as flushing the database leaves that table alone."""
    cache.clear()
    yield
    cache.clear()
    if "transactional_db" in request.fixturenames:
        with django_db_blocker.unblock():
            caches[SHARED_CACHE].clear()


def make_image(title: str = "Testbillede", colour: str = "#3d7a5a"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 450), colour).save(buffer, format="PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(buffer, name=f"{title.lower().replace(' ', '-')}.png")
    )


def make_home(parent: HomePage, title: str, **fields) -> BotilbudPage:
    defaults = {
        "intro": f"{title} er et botilbud for voksne.",
        "target_group": "Voksne med udviklingshæmning.",
        "street_address": "Skolegade 1",
        "postal_code": "6270",
        "city": "Tønder",
        "phone": "74 92 92 92",
        "email": "kontakt@example.dk",
    }
    defaults.update(fields)
    return parent.add_child(instance=BotilbudPage(title=title, **defaults))


def make_news(home: BotilbudPage, title: str, **fields) -> NewsPage:
    fields.setdefault("intro", f"Om {title.lower()}.")
    return home.add_child(instance=NewsPage(title=title, **fields))


def make_event(parent: Page, title: str, start: dt.datetime | None = None, **fields) -> EventPage:
    start = start or timezone.now() + dt.timedelta(days=3)
    fields.setdefault("intro", f"Kom til {title.lower()}.")
    fields.setdefault("location", "Fælleshuset")
    fields.setdefault("end", start + dt.timedelta(hours=2))
    return parent.add_child(instance=EventPage(title=title, start=start, **fields))


def make_call(home: BotilbudPage, title: str, **fields) -> VolunteerCallPage:
    fields.setdefault("summary", "Vi søger en frivillig.")
    fields.setdefault("when", "Hver tirsdag kl. 14–16")
    fields.setdefault("contact_name", "Mette Hansen")
    return home.add_child(instance=VolunteerCallPage(title=title, **fields))


@dataclass
class Tree:
    front: HomePage
    home_a: BotilbudPage
    home_b: BotilbudPage
    calendar: EventIndexPage
    directory: OrganisationIndexPage
    about: StandardPage
    organisation: Organisation


@pytest.fixture
def tree(db) -> Tree:
    root = Page.get_first_root_node()
    front = root.add_child(
        instance=HomePage(
            title="Botilbud i Tønder Kommune", slug="forside", intro="<p>Velkommen</p>"
        )
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": front, "site_name": "Samspil"},
    )
    Page.objects.filter(depth=2).exclude(pk=front.pk).delete()
    home_a = make_home(front, "Solgården")
    home_b = make_home(front, "Engbo")
    calendar = front.add_child(
        instance=EventIndexPage(title="Kalender", slug="kalender", show_in_menus=True)
    )
    directory = front.add_child(
        instance=OrganisationIndexPage(title="Foreninger", slug="foreninger", show_in_menus=True)
    )
    about = front.add_child(
        instance=StandardPage(title="Tilgængelighedserklæring", slug="tilgaengelighedserklaering")
    )
    organisation = Organisation.objects.create(
        name="Tønder Idrætsforening",
        kind=Organisation.Kind.ASSOCIATION,
        description="Sport for alle.",
    )
    return Tree(front, home_a, home_b, calendar, directory, about, organisation)


@pytest.fixture
def staff_a(tree):
    """A staff member of Solgården only (member of its editor group)."""
    user = get_user_model().objects.create_user(
        "medarbejder-a", "a@example.dk", "adgangskode-a", first_name="Anna"
    )
    user.groups.add(ensure_home_staff_access(tree.home_a).group)
    return user
