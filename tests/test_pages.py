"""Every public page type renders in Danish with one h1, a skip link, and its own content."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.models import Site

from .conftest import make_call, make_event, make_image, make_news


def parse(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def assert_page_basics(soup):
    assert soup.html["lang"] == "da"
    assert len(soup.find_all("h1")) == 1
    first_link = soup.find("a")
    assert first_link["href"] == "#main-content"
    assert soup.find(id="main-content") is not None


def test_front_page_lists_homes_events_news_and_calls(client, tree):
    make_news(tree.home_a, "Sommerfest", image=make_image())
    make_event(tree.home_b, "Koncert i haven", organiser=tree.organisation)
    make_call(tree.home_a, "Hjælp til havearbejde")
    soup = parse(client.get("/"))
    assert_page_basics(soup)
    text = soup.get_text(" ")
    for expected in (
        "Solgården",
        "Engbo",
        "Sommerfest",
        "Koncert i haven",
        "Hjælp til havearbejde",
    ):
        assert expected in text
    assert "Tønder Idrætsforening" in text


def test_botilbud_page_shows_only_its_own_news_and_events(client, tree):
    make_news(tree.home_a, "Nyt fra Solgården")
    make_news(tree.home_b, "Nyt fra Engbo")
    make_event(tree.home_a, "Bålaften")
    make_event(tree.home_b, "Banko")
    soup = parse(client.get(tree.home_a.url))
    assert_page_basics(soup)
    text = soup.get_text(" ")
    assert "Nyt fra Solgården" in text and "Bålaften" in text
    assert "Nyt fra Engbo" not in text and "Banko" not in text
    assert soup.find("address") is not None


def test_botilbud_page_shows_facilities(client, tree):
    tree.home_a.facilities = [
        ("facility", {"name": "Spabad", "description": "Med lift.", "shared": True})
    ]
    tree.home_a.save_revision().publish()
    text = parse(client.get(tree.home_a.url)).get_text(" ")
    assert "Spabad" in text and "Kan lånes af andre" in text


def test_news_page_renders_body_blocks(client, tree):
    image = make_image("Beboere ved bålhytten")
    news = make_news(
        tree.home_a,
        "Bålaften med pårørende",
        image=image,
        body=[
            ("text", "<p>Det var en dejlig aften.</p>"),
            ("image", {"image": image, "alt_text": "Bål", "caption": "Bålet brænder"}),
            ("gallery", {"title": "Billeder", "images": [image, image]}),
        ],
    )
    soup = parse(client.get(news.url))
    assert_page_basics(soup)
    assert "Det var en dejlig aften." in soup.get_text()
    assert soup.find("figcaption").get_text() == "Bålet brænder"
    assert all(img.has_attr("alt") for img in soup.find_all("img"))


def test_event_page_shows_time_in_copenhagen_and_organiser(client, tree):
    start = timezone.make_aware(dt.datetime(2030, 6, 1, 14, 0))
    event = make_event(
        tree.home_a,
        "Sommerkoncert",
        start=start,
        end=start + dt.timedelta(hours=2),
        organiser=tree.organisation,
        external_url="https://example.dk/koncert",
        step_free=True,
    )
    soup = parse(client.get(event.url))
    assert_page_basics(soup)
    text = soup.get_text(" ")
    assert "lørdag 1. juni 2030, kl. 14.00–16.00" in text
    assert "Tønder Idrætsforening" in text
    assert "Trinfri adgang" in text or "trinfri adgang" in text
    assert soup.find("a", href="https://example.dk/koncert") is not None


def test_all_day_event_ends_at_end_of_its_last_day(tree):
    start = timezone.make_aware(dt.datetime(2030, 6, 1, 0, 0))
    event = make_event(tree.home_a, "Sommerlejr", start=start, end=None, all_day=True)
    assert timezone.localtime(event.ends_at).date() == dt.date(2030, 6, 1)
    assert timezone.localtime(event.ends_at).hour == 23


def test_event_end_before_start_is_refused(tree):
    from django.core.exceptions import ValidationError

    event = make_event(tree.home_a, "Forkert tid")
    event.end = event.start - dt.timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "slutte" in str(error.value)


def test_volunteer_call_page_renders_and_closed_call_says_so(client, tree):
    call = make_call(tree.home_a, "Chauffør til udflugter", status="filled")
    soup = parse(client.get(call.url))
    assert_page_basics(soup)
    assert "Vi har fundet de frivillige" in soup.get_text()


def test_expired_call_is_not_listed_as_open(client, tree):
    make_call(tree.home_a, "Gammelt opslag", expires_on=timezone.localdate() - dt.timedelta(days=1))
    make_call(tree.home_a, "Nyt opslag", expires_on=timezone.localdate() + dt.timedelta(days=5))
    text = parse(client.get(tree.home_a.url)).get_text(" ")
    assert "Nyt opslag" in text
    assert "Gammelt opslag" not in text


def test_standard_page_renders(client, tree):
    soup = parse(client.get(tree.about.url))
    assert_page_basics(soup)
    assert soup.h1.get_text() == "Tilgængelighedserklæring"


def test_breadcrumbs_lead_back_to_the_front_page(client, tree):
    news = make_news(tree.home_a, "Udflugt")
    soup = parse(client.get(news.url))
    crumbs = soup.select(".breadcrumbs__list-item")
    assert [c.get_text(strip=True) for c in crumbs] == ["Forside", "Solgården", "Udflugt"]
    assert crumbs[-1]["aria-current"] == "page"


def test_navigation_links_to_calendar_and_directory(client, tree):
    soup = parse(client.get("/"))
    nav_links = {a.get_text(strip=True): a["href"] for a in soup.select(".site-nav a")}
    assert nav_links["Kalender"] == tree.calendar.url
    assert nav_links["Foreninger"] == tree.directory.url
    footer = soup.select_one(".site-footer").get_text(" ")
    assert "Solgården" in footer and "Tilgængelighedserklæring" in footer


def test_page_with_deleted_image_still_renders(client, tree):
    image = make_image()
    news = make_news(tree.home_a, "Med billede", image=image)
    tree.home_a.image = image
    tree.home_a.save_revision().publish()
    image.delete()
    assert client.get(news.url).status_code == 200
    assert client.get(tree.home_a.url).status_code == 200
    assert client.get("/").status_code == 200


def test_event_with_deleted_organiser_still_renders(client, tree):
    event = make_event(tree.home_a, "Fodbold", organiser=tree.organisation)
    tree.organisation.delete()
    soup = parse(client.get(event.url))
    assert "Fodbold" in soup.h1.get_text()
    assert client.get(tree.calendar.url).status_code == 200
    assert client.get(tree.directory.url).status_code == 200


def test_unknown_url_gives_danish_404(client, tree):
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["lang"] == "da"
    assert "Siden findes ikke" in soup.h1.get_text()


def test_500_page_is_danish_and_standalone():
    from home.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["lang"] == "da"
    assert "fejl" in soup.h1.get_text()


def test_500_page_names_this_municipality_without_the_database(
    client, tree, django_assert_num_queries
):
    from home.models.site_settings import MunicipalitySettings
    from home.views import server_error

    site = Site.objects.get(is_default_site=True)
    settings_row = MunicipalitySettings.for_site(site)
    settings_row.municipality = "Aabenraa Kommune"
    settings_row.site_name = "Fællesskab Aabenraa"
    settings_row.save()
    client.get("/")  # a page names the municipality, and the error page keeps a copy
    with django_assert_num_queries(0):
        response = server_error(None)
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".municipality-brand__name").get_text() == "Aabenraa Kommune"
    assert "Fællesskab Aabenraa" in soup.title.get_text()
    assert "Tønder" not in response.content.decode()


def test_pages_in_a_restricted_section_stay_out_of_public_listings(client, tree):
    from wagtail.models import PageViewRestriction

    hidden_news = make_news(tree.home_b, "Kun for personalet")
    hidden_event = make_event(tree.home_b, "Personalemøde")
    make_news(tree.home_a, "Offentlig nyhed")
    PageViewRestriction.objects.create(page=hidden_news, restriction_type="login")
    PageViewRestriction.objects.create(page=hidden_event, restriction_type="login")
    for url in ("/", tree.home_b.url, tree.calendar.url):
        text = parse(client.get(url)).get_text(" ")
        assert "Kun for personalet" not in text and "Personalemøde" not in text, url
    assert "Offentlig nyhed" in parse(client.get("/")).get_text(" ")
    # The restricted page itself asks for a login rather than showing its content.
    assert client.get(hidden_news.url).status_code == 302


def test_home_news_archive_lists_all_news_paginated(client, tree):
    for n in range(14):
        make_news(tree.home_a, f"Nyhed nummer {n:02d}", date=dt.date(2026, 1, 1) + dt.timedelta(n))
    make_news(tree.home_b, "Nyhed fra Engbo")
    home = parse(client.get(tree.home_a.url))
    archive_link = home.find("a", string=lambda s: s and "Alle nyheder fra Solgården" in s)
    assert archive_link["href"] == tree.home_a.url + "nyheder/"
    first = parse(client.get(archive_link["href"]))
    assert_page_basics(first)
    titles = [h.get_text(strip=True) for h in first.select(".card-heading")]
    assert titles[0] == "Nyhed nummer 13" and len(titles) == 9
    assert "Nyhed fra Engbo" not in first.get_text()
    second = parse(client.get(archive_link["href"], {"page": "2"}))
    assert len(second.select(".card-heading")) == 5
    assert client.get(archive_link["href"], {"page": "<x>"}).status_code == 200


def test_routing_serves_live_pages_and_hides_drafts(client, tree):
    news = make_news(tree.home_a, "Kladde om udflugt")
    assert client.get(news.url).status_code == 200
    news.unpublish()
    assert client.get("/solgarden/kladde-om-udflugt/").status_code == 404
    url = tree.home_b.url
    tree.home_b.unpublish()
    assert client.get(url).status_code == 404
    assert client.get(url + "nyheder/").status_code == 404
    assert client.get(tree.home_a.url + "nyheder/").status_code == 200
    assert client.get(tree.home_a.url + "findes-ikke/").status_code == 404


def test_view_restrictions_apply_to_a_section_and_everything_under_it(client, tree):
    from wagtail.models import PageViewRestriction

    news = make_news(tree.home_b, "Under en beskyttet sektion")
    PageViewRestriction.objects.create(
        page=tree.home_b, restriction_type="password", password="hemmeligt"
    )
    for url in (tree.home_b.url, news.url):
        response = client.get(url)
        assert response.status_code == 200
        assert "Under en beskyttet sektion" not in response.content.decode()
        assert 'name="password"' in response.content.decode()
    assert client.get(tree.home_a.url).status_code == 200
    assert "Under en beskyttet sektion" not in client.get("/").content.decode()


def test_admin_privacy_dialog_still_reads_restrictions(admin_client, tree):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=tree.home_b, restriction_type="login")
    response = admin_client.get(f"/admin/pages/{tree.home_b.pk}/privacy/")
    assert response.status_code == 200


def test_a_request_too_large_to_read_gets_a_danish_400(client, tree, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/nyhedsbrev/", {"email": "x" * 5000})
    assert response.status_code == 400
    assert "Det, du sendte, kunne vi ikke bruge" in response.content.decode()
