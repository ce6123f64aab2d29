"""The notice-board screen /<home>/skaerm/: today's and this week's events, for everyone."""

from django.utils import timezone

from home.screen import PhotoAudience, event_pictures, screen_content

from ..conftest import make_event, make_image
from .conftest import at

# Routing (site, home), view restrictions, the events, residents' photos for them, those
# photos' files (only when there are any), the events' own images' renditions.
SCREEN_QUERIES = 9


def test_screen_shows_today_and_the_rest_of_the_week(client, tree, week):
    response = client.get(tree.home_a.url + "skaerm/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kaffe i haven" in html
    assert "Bål ved søen" in html
    assert "fredag 4. december" in html
    # Over already, another home's, or outside this week.
    for title in ("Morgengymnastik", "Banko i Engbo", "Julefrokost", "Gåtur"):
        assert title not in html
    # The pictogram and the easy-read text of today's event.
    assert "/static/pictograms/kaffe.svg" in html
    assert "Vi drikker kaffe sammen." in html
    assert response["X-Robots-Tag"] == "noindex"


def test_relatives_only_events_never_on_the_screen_even_for_the_homes_relatives(
    client, tree, week, staff_a
):
    for user in (None, staff_a):
        if user:
            client.force_login(user)
        for path in ("skaerm/", "skaerm/indhold/"):
            html = client.get(tree.home_a.url + path).content.decode()
            assert "Pårørendemøde" not in html


def test_the_fragment_is_the_content_alone_and_answers_304_when_unchanged(client, tree, week):
    url = tree.home_a.url + "skaerm/indhold/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "Kaffe i haven" in html
    assert "no-cache" in response["Cache-Control"]
    again = client.get(url, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_the_service_worker_is_served_under_the_screens_path(client, tree):
    response = client.get(tree.home_a.url + "skaerm/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert f'"{tree.home_a.url}skaerm/"' in body
    assert "caches.match" in body


def test_screen_queries_do_not_grow_with_the_events(
    client, tree, week, now, django_assert_max_num_queries
):
    url = tree.home_a.url + "skaerm/indhold/"
    client.get(url)  # renditions made once
    with django_assert_max_num_queries(SCREEN_QUERIES):
        client.get(url)
    for hour in range(10, 22):
        make_event(
            tree.home_a,
            f"Aktivitet {hour}",
            start=at(now.date(), hour),
            image=make_image(f"Billede {hour}"),
        )
    client.get(url)
    with django_assert_max_num_queries(SCREEN_QUERIES):
        client.get(url)


def test_event_pictures_gives_the_events_own_image_and_pictogram(tree, week):
    events = [week["kaffe"], week["friday"]]
    pictures = event_pictures(events, PhotoAudience.HOME)
    assert pictures[week["kaffe"].pk].url.endswith(".png")
    assert pictures[week["kaffe"].pk].pictogram == "kaffe"
    assert pictures[week["friday"].pk].url is None


def test_screen_content_without_events_says_so(client, tree, now, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: now)
    content = screen_content(tree.home_b)
    assert content["today_events"] == [] and content["week_days"] == []
    html = client.get(tree.home_b.url + "skaerm/").content.decode()
    assert "Der står ikke mere i kalenderen i dag." in html


def test_screen_of_an_unpublished_home_is_404(client, tree):
    tree.home_b.unpublish()
    assert client.get("/engbo/skaerm/").status_code == 404
