"""Site search answers any query calmly; the sitemap lists every public page and nothing else."""

import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from wagtail.models import PageViewRestriction

from .conftest import make_event, make_news

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_search_finds_pages_by_title_and_body(client, tree):
    make_news(tree.home_a, "Bålaften i haven", intro="Vi grillede pølser ved bålhytten.")
    response = client.get("/soeg/", {"q": "bålaften"})
    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert "Bålaften i haven" in [a.get_text(strip=True) for a in soup.select(".search-results a")]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "a" * 100_000,
        "<script>alert('x')</script>",
        "' OR 1=1 --",
        '"unterminated',
        "AND OR NOT ( ) * : ^ ~",
        "ÆØÅ æøå ✓ 🙂",
        "\x00\x01",
    ],
)
def test_search_with_empty_huge_or_hostile_query_answers_normally(client, tree, query):
    response = client.get("/soeg/", {"q": query, "page": "-3"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert" not in body
    soup = BeautifulSoup(body, "html.parser")
    assert soup.html["lang"] == "da"
    assert len(soup.select_one("#search-page-input")["value"]) <= 200


def test_search_leaves_out_unpublished_pages(client, tree):
    draft = make_news(tree.home_a, "Hemmeligt udkast")
    draft.unpublish()
    response = client.get("/soeg/", {"q": "Hemmeligt"})
    assert "Hemmeligt udkast" not in response.content.decode()


def sitemap_locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own sitemap, not untrusted input)
    return [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]


def test_sitemap_lists_every_public_page_and_organisation(client, tree):
    news = make_news(tree.home_a, "Udflugt")
    event = make_event(tree.home_b, "Koncert")
    locations = sitemap_locations(client)
    for page in (tree.front, tree.home_a, tree.home_b, news, event, tree.calendar, tree.about):
        assert page.full_url in locations
    assert f"{tree.directory.full_url}{tree.organisation.slug}/" in locations


def test_sitemap_leaves_out_drafts_and_restricted_pages(client, tree):
    draft = make_news(tree.home_a, "Kladde")
    draft.unpublish()
    restricted = make_news(tree.home_b, "Kun for personale")
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    locations = sitemap_locations(client)
    assert draft.full_url not in locations
    assert restricted.full_url not in locations


def test_every_sitemap_url_answers_200_in_danish_with_one_h1_and_skip_link(client, tree):
    make_news(tree.home_a, "Udflugt")
    make_event(tree.home_b, "Koncert", organiser=tree.organisation)
    for location in sitemap_locations(client):
        path = location.split("://", 1)[1].split("/", 1)[1]
        response = client.get("/" + path)
        assert response.status_code == 200, location
        soup = BeautifulSoup(response.content, "html.parser")
        assert soup.html["lang"] == "da", location
        assert len(soup.find_all("h1")) == 1, location
        assert soup.find("a")["href"] == "#main-content", location


def test_admin_search_of_organisations_works(admin_client, tree):
    assert admin_client.get("/admin/snippets/home/organisation/?q=ukendt").status_code == 200
    response = admin_client.get("/admin/snippets/home/organisation/?q=Idræt")
    assert response.status_code == 200
    assert "Tønder Idrætsforening" in response.content.decode()
