"""The public site's frame (issue 11): header and footer from the municipality setting, the
relatives' way in, one name in <title>, canonical links, robots.txt, the page overview, styled
403/404, and search that finds what people type."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import override_settings
from wagtail.models import Site

from home.models import MunicipalitySettings, Organisation

from .conftest import make_call, make_event, make_news


def parse(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def forbidden_view(request):
    raise PermissionDenied


def test_header_offers_sign_in_with_next_and_newsletter(client, tree):
    soup = parse(client.get(tree.home_a.url))
    sign_in = soup.select_one(".portal-info .header-sign-in")
    assert sign_in.get_text(strip=True) == "Log ind for pårørende"
    assert sign_in["href"] == f"/dialog/log-ind/?next=%2F{tree.home_a.slug}%2F"
    nav = {a.get_text(strip=True): a["href"] for a in soup.select(".site-nav a")}
    assert nav["Nyhedsbrev"] == "/nyhedsbrev/"
    footer = {a.get_text(strip=True): a["href"] for a in soup.select(".site-footer a")}
    assert footer["Nyhedsbrev"] == "/nyhedsbrev/"
    assert footer["Oversigt over alle sider"] == "/oversigt/"
    # The phone menu holds the same links, behind DKFDS's menu button.
    assert soup.select_one("button.js-menu-open[aria-controls='mobile-drawer']")
    mobile = [a["href"] for a in soup.select("#mobile-drawer .navigation-menu-mobile a")]
    assert "/nyhedsbrev/" in mobile and tree.calendar.url in mobile


def test_signed_in_relative_sees_min_side_and_sign_out_on_every_page(client, tree):
    relative = get_user_model().objects.create_user(
        username="ane@example.dk", email="ane@example.dk"
    )
    client.force_login(relative)
    for url in (tree.front.url, tree.calendar.url, "/soeg/?q=x", "/nyhedsbrev/"):
        soup = parse(client.get(url))
        header = soup.select_one(".portal-info")
        assert header.select_one("a.header-my-page")["href"] == "/dialog/"
        assert "Du er logget ind" in header.get_text()
        assert "ane@example.dk" not in header.get_text()  # never the address on a page
        assert not header.select(".header-sign-in")


def test_municipality_name_and_contact_come_from_the_site_setting(client, tree):
    site = Site.objects.get(is_default_site=True)
    settings = MunicipalitySettings.for_site(site)
    settings.municipality = "Aabenraa Kommune"
    settings.site_name = "Fællesskab"
    settings.phone = "73 76 76 76"
    settings.save()
    soup = parse(client.get(tree.about.url))
    assert soup.select_one(".municipality-brand").get_text(strip=True) == "Aabenraa Kommune"
    assert soup.select_one(".solution-heading a").get_text(strip=True) == "Fællesskab"
    assert "73 76 76 76" in soup.select_one(".site-footer address").get_text()
    assert soup.title.get_text() == "Tilgængelighedserklæring – Fællesskab"


def test_title_names_the_site_once(client, tree):
    front = parse(client.get(tree.front.url)).title.get_text()
    assert front == "Samspil – Botilbud i Tønder Kommune"
    for url in (tree.home_a.url, tree.calendar.url, "/soeg/", "/nyhedsbrev/"):
        title = parse(client.get(url)).title.get_text()
        assert title.count("Samspil") == 1, title


def test_every_page_has_one_canonical_on_the_sites_address(client, tree):
    news = make_news(tree.home_a, "Udflugt")
    for url in (tree.front.url, news.url, tree.calendar.url, "/nyhedsbrev/", "/oversigt/"):
        links = parse(client.get(url + "?utm_source=x")).select('link[rel="canonical"]')
        assert [link["href"] for link in links] == [f"http://localhost{url}"], url
    paged = parse(client.get(tree.calendar.url, {"page": "2"})).select_one('link[rel="canonical"]')
    assert paged["href"] == f"http://localhost{tree.calendar.url}?page=2"


def test_robots_txt_names_the_sitemap_absolutely(client, tree):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_favicon_and_touch_icon_are_linked_and_served(client, tree):
    soup = parse(client.get(tree.front.url))
    assert soup.select_one('link[rel="icon"][type="image/svg+xml"]')
    assert soup.select_one('link[rel="apple-touch-icon"]')
    assert client.get("/favicon.ico").status_code == 301


def test_page_overview_is_html_listing_public_pages_only(client, tree):
    news = make_news(tree.home_a, "Udflugt")
    secret = make_news(tree.home_a, "Kun for de nære", relatives_only=True)
    response = client.get("/oversigt/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    links = {a["href"] for a in parse(response).select("main .site-overview a")}
    assert {tree.front.url, tree.home_a.url, news.url, tree.calendar.url} <= links
    assert secret.url not in links


@override_settings(ROOT_URLCONF="tests.test_public_site_urls")
def test_403_and_404_are_styled_in_the_sites_layout(client, tree):
    for url, status, heading in (
        ("/forbudt/", 403, "Det har du ikke adgang til"),
        ("/findes-ikke/", 404, "Siden findes ikke"),
    ):
        response = client.get(url)
        assert response.status_code == status
        soup = parse(response)
        assert soup.select_one("header.header .portal-info")
        assert soup.select_one("footer.site-footer")
        assert soup.h1.get_text(strip=True) == heading
        assert soup.select_one('meta[name="robots"]')["content"] == "noindex"


# --- Search -------------------------------------------------------------------------------


@pytest.fixture
def searchable(tree):
    make_event(tree.calendar, "Fællessang med Tønder Kirkekor", location="Tønder Kristkirke")
    make_news(tree.home_a, "Sansehaven er klar til foråret", intro="Kom og dufte til urterne.")
    make_call(tree.home_b, "Læsevenner søges", summary="Vi søger frivillige, der vil læse højt.")
    make_event(tree.calendar, "Fælles gåtur i Løgumkloster", location="Klosterkirken")
    make_news(tree.home_b, "Koncert i Kristkirken", intro="Danske sange gennem året.")
    Organisation.objects.create(
        name="LEV Tønder", kind=Organisation.Kind.INTEREST, description="Forening for familier."
    )


# The query set of the issue: what people type, and what each must find.
QUERIES = {
    "kor": "Fællessang med Tønder Kirkekor",
    "Kirkekor": "Fællessang med Tønder Kirkekor",
    "sansehave": "Sansehaven er klar til foråret",
    "frivillig": "Læsevenner søges",
    # Danish word forms: plural and definite forms find the word they come from.
    "frivillige": "Læsevenner søges",
    "koncerter": "Koncert i Kristkirken",
    "gåture": "Fælles gåtur i Løgumkloster",
    "sansehaverne": "Sansehaven er klar til foråret",
    # Typed half-way.
    "sansehav": "Sansehaven er klar til foråret",
    "LEV": "LEV Tønder",
    "lev tønder": "LEV Tønder",
    "idræt": "Tønder Idrætsforening",
    "solgården": "Solgården",
}


@pytest.mark.parametrize(("query", "expected"), QUERIES.items())
def test_search_finds_what_people_type(client, tree, searchable, query, expected):
    soup = parse(client.get("/soeg/", {"q": query}))
    titles = [a.get_text(strip=True) for a in soup.select(".search-result__title a")]
    assert expected in titles, (query, titles)


def test_search_result_shows_type_home_date_and_highlighted_excerpt(client, tree, searchable):
    soup = parse(client.get("/soeg/", {"q": "sansehave"}))
    result = soup.select_one(".search-result")
    assert result.select_one(".badge").get_text(strip=True) == "Nyhed"
    assert result.select_one(".search-result__home").get_text(strip=True) == "Solgården"
    assert result.select_one(".search-result__date").get_text(strip=True)
    soup = parse(client.get("/soeg/", {"q": "frivillig"}))
    marks = [m.get_text() for m in soup.select(".search-result__excerpt mark")]
    assert "frivillige" in marks  # the whole word the typed word is part of
    association = parse(client.get("/soeg/", {"q": "LEV"})).select_one(".search-result")
    assert association.select_one("a")["href"].startswith(tree.directory.url)


def test_search_misses_what_is_not_there(client, tree, searchable):
    """The word-part match is not a match-everything: unrelated words find nothing."""
    for query in ("gløgg", "koncertsal", "frivilligcenter"):
        soup = parse(client.get("/soeg/", {"q": query}))
        assert not soup.select(".search-result"), query


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's own full-text configuration"
)
def test_postgresql_full_text_stems_danish(tree, searchable):
    """On PostgreSQL the search backend itself stems Danish (the 'danish' configuration), so
    the full-text match alone finds other forms of a word, without the word-part match."""
    from wagtail.search.backends import get_search_backend

    from home.models import NewsPage

    backend = get_search_backend()
    assert backend.config == "danish"
    for query, title in (
        ("sansehave", "Sansehaven er klar til foråret"),
        ("koncerter", "Koncert i Kristkirken"),
    ):
        found = [page.title for page in backend.search(query, NewsPage.objects.live())]
        assert title in found, (query, found)
    assert not list(backend.search("sansehus", NewsPage.objects.live()))


def test_search_excerpt_escapes_page_text(client, tree):
    make_news(tree.home_a, "Kage", intro="<script>x</script> kage & kaffe")
    body = client.get("/soeg/", {"q": "kage"}).content.decode()
    assert "<script>x" not in body


def test_no_results_suggests_calendar_and_associations(client, tree):
    soup = parse(client.get("/soeg/", {"q": "xyzzy"}))
    links = [a["href"] for a in soup.select(".search-empty a")]
    assert tree.calendar.url in links and tree.directory.url in links


def test_search_keeps_relatives_only_pages_from_the_public(client, tree):
    make_news(tree.home_a, "Sansedag for familien", relatives_only=True)
    soup = parse(client.get("/soeg/", {"q": "sansedag"}))
    assert not soup.select(".search-result")


# --- One address for the site ---------------------------------------------------------------


def test_mail_links_follow_the_default_site_when_base_url_is_not_set(tree, settings):
    """`manage.py send_digests` run by hand (no BASE_URL in its environment) writes links for
    the address the site is served on: the default Wagtail site, as seed_demo set it."""
    from newsletters.digests import preview_digest
    from outbox.links import absolute

    settings.BASE_URL_FROM_ENV = False
    Site.objects.filter(is_default_site=True).update(hostname="127.0.0.1", port=8001)
    site = Site.objects.get(is_default_site=True)
    site.save()  # the admin's save clears the remembered address
    assert absolute("/nyhedsbrev/") == "http://127.0.0.1:8001/nyhedsbrev/"
    make_event(tree.home_a, "Koncert").save_revision().publish()
    preview = preview_digest(tree.home_a)
    assert "http://127.0.0.1:8001/nyhedsbrev/afmeld/" in preview.text
    assert ":8000" not in preview.text + preview.html


def test_mail_links_use_base_url_when_the_environment_sets_it(tree, settings):
    from outbox.links import absolute

    settings.BASE_URL_FROM_ENV = True
    settings.BASE_URL = "https://samspil.toender.dk"
    assert absolute("/dialog/") == "https://samspil.toender.dk/dialog/"


def test_home_page_invites_its_relatives_to_the_dialog(client, tree):
    soup = parse(client.get(tree.home_a.url))
    invite = soup.select_one(".home-dialog-invite a")
    assert invite.get_text(strip=True) == "Log ind som pårørende"
    assert invite["href"] == f"/dialog/log-ind/?next=%2Fdialog%2F{tree.home_a.pk}%2F"


def test_event_shows_when_and_where_before_the_sign_up_form(client, tree):
    """On a phone the page is one column in document order: the facts must come first."""
    event = make_event(tree.home_a, "Bankospil", signup_enabled=True, capacity=20)
    body = client.get(event.url).content.decode()
    assert "signup-box" in body
    assert body.index('class="event-facts"') < body.index("signup-box")


# --- The municipality's colours ----------------------------------------------------------------


def test_colours_come_from_the_site_setting_as_a_versioned_stylesheet(client, tree):
    soup = parse(client.get(tree.front.url))
    href = soup.select_one('link[rel="stylesheet"][href^="/farver.css"]')["href"]
    response = client.get(href)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert "--samspil-primary:#454545" in response.content.decode()
    # Cached by browsers; a 304 for the same colours.
    assert "max-age" in response["Cache-Control"]
    assert client.get(href, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    settings = MunicipalitySettings.for_site(Site.objects.get(is_default_site=True))
    settings.colour_primary = "#00594f"
    settings.colour_band = "#00594f"
    settings.full_clean()
    settings.save()
    changed = parse(client.get(tree.front.url)).select_one('link[href^="/farver.css"]')["href"]
    assert changed != href  # a new address: no browser keeps the old colours
    assert client.get(href)["Cache-Control"] == "no-cache"  # an old page's address
    css = client.get(changed).content.decode()
    assert "--samspil-primary:#00594f" in css and "--samspil-band:#00594f" in css
    # An inline style would need 'unsafe-inline'; the policy allows the site's own sheets.
    policy = client.get(tree.front.url)["Content-Security-Policy"]
    assert "unsafe-inline" not in policy


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("colour_primary", "blå", "seks tegn"),
        ("colour_primary", "#ffdd00", "for lys"),  # white text on yellow: 1.4:1
        ("colour_link", "#8fb3ff", "for lys"),
        ("colour_band", "#e0e0e0", "for lys"),
    ],
)
def test_colours_that_cannot_be_read_are_refused_in_danish(tree, field, value, message):
    from django.core.exceptions import ValidationError

    settings = MunicipalitySettings.for_site(Site.objects.get(is_default_site=True))
    setattr(settings, field, value)
    with pytest.raises(ValidationError) as refused:
        settings.full_clean()
    assert message in " ".join(refused.value.message_dict[field])
