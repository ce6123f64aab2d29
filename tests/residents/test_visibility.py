"""Who sees which photo: computed from the tagged residents' newest consents, on every
surface (page, rendition URL, feed, digest, search, sitemap) and at once after a change."""

import pytest
from django.test import Client

from newsletters.digests import preview_digest
from residents import services
from residents.models import ConsentLevel
from residents.visibility import (
    HOME,
    NETWORK,
    PUBLIC,
    may_see_photo,
    photo_url,
    photos_for,
    photos_on_page,
    photos_on_pages,
    public_photos,
)

from ..conftest import make_event, make_news
from .conftest import GIVEN

pytestmark = pytest.mark.django_db

SIZES = ("small", "large")


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def file_status(client, photo, size="small") -> int:
    return client.get(photo_url(photo, size)).status_code


def surfaces(client, tree, news) -> str:
    """Everything the public sees of a news item and its home, joined."""
    parts = [
        client.get(news.url).content.decode(),
        client.get(tree.home_a.url).content.decode(),
        client.get("/feeds/nyheder.xml").content.decode(),
        client.get(f"/feeds/botilbud/{tree.home_a.slug}/nyheder.xml").content.decode(),
        client.get("/sitemap.xml").content.decode(),
        client.get("/soeg/", {"q": "Tomater"}).content.decode(),
    ]
    digest = preview_digest(tree.home_a)
    if digest is not None:
        parts.extend(str(part) for part in digest)
    return "\n".join(parts)


def test_network_photo_never_reaches_the_public_or_other_residents_relatives(
    tree, people, photo_of
):
    news = make_news(tree.home_a, "Tomater i orangeriet")
    hidden = photo_of(people["anna"], news=news, caption="Anna vander tomaterne")
    shown = photo_of(people["per"], news=news, caption="Per og tomaterne")

    public = surfaces(Client(), tree, news)
    assert shown.token in public  # the public page shows the public photo ...
    assert hidden.token not in public  # ... and nothing of the network one
    assert "Anna vander tomaterne" not in public
    for size in (*SIZES, "original"):
        assert file_status(Client(), hidden, size) == 404

    for outsider in ("network_b", "home_relative", "engbo_relative"):
        client = client_for(people[outsider])
        page = client.get(news.url).content.decode()
        assert hidden.token not in page, outsider
        assert shown.token in page
        assert all(file_status(client, hidden, size) == 404 for size in SIZES), outsider

    own = client_for(people["network_a"])
    assert hidden.token in own.get(news.url).content.decode()
    assert file_status(own, hidden) == 200
    assert file_status(own, hidden, "original") == 404  # originals are for staff
    staff = client_for(people["staff_a"])
    assert file_status(staff, hidden, "original") == 200
    assert file_status(client_for(people["staff_b"]), hidden) == 404


def test_strictest_consent_among_the_tagged_residents_wins(tree, people, photo_of):
    both = photo_of(people["per"], people["anna"])
    home_and_public = photo_of(people["per"], people["hanne"])
    assert not may_see_photo(None, both)
    assert not may_see_photo(people["home_relative"], both)
    assert may_see_photo(people["network_a"], both)
    assert not may_see_photo(None, home_and_public)
    assert may_see_photo(people["home_relative"], home_and_public)
    assert may_see_photo(people["network_b"], home_and_public)
    assert not may_see_photo(people["engbo_relative"], home_and_public)
    nobody = photo_of(people["nina"])
    assert not may_see_photo(people["network_a"], nobody)
    assert may_see_photo(people["staff_a"], nobody)
    assert not may_see_photo(people["staff_b"], nobody)


def test_untagged_photos_are_staff_only_unless_marked_nobody_recognisable(tree, people, photo_of):
    untagged = photo_of()
    marked = photo_of(nobody=True)
    assert not may_see_photo(None, untagged)
    assert not may_see_photo(people["home_relative"], untagged)
    assert may_see_photo(people["staff_a"], untagged)
    assert may_see_photo(None, marked)
    assert list(public_photos()) == [marked]


def test_audiences_for_the_screen_poster_and_digest(tree, people, photo_of):
    public = photo_of(people["per"])
    home = photo_of(people["hanne"])
    network = photo_of(people["anna"])
    engbo = photo_of(people["erik"], home=tree.home_b, staff=people["staff_b"])
    assert set(photos_for(PUBLIC)) == {public, engbo}
    assert set(photos_for(HOME, botilbud_id=tree.home_a.pk)) == {public, home}
    assert set(photos_for(NETWORK, resident=people["anna"])) == {public, home, network, engbo}
    with pytest.raises(ValueError):
        photos_for(HOME)


def test_withdrawing_consent_hides_published_photos_at_once(tree, people, photo_of):
    news = make_news(tree.home_a, "Sommerfest")
    photo = photo_of(people["per"], news=news)
    anonymous = Client()
    assert photo.token in anonymous.get(news.url).content.decode()
    assert file_status(anonymous, photo, "large") == 200

    services.withdraw_consent(people["staff_a"], people["per"], GIVEN, note="Vil ikke mere")

    assert photo.token not in anonymous.get(news.url).content.decode()
    assert all(file_status(anonymous, photo, size) == 404 for size in SIZES)
    assert file_status(client_for(people["home_relative"]), photo) == 404
    assert list(public_photos()) == []
    # Given again: shown again, computed from the newest row.
    services.record_consent(people["staff_a"], people["per"], ConsentLevel.PUBLIC, GIVEN)
    assert file_status(anonymous, photo) == 200


def test_public_photo_follows_its_page(tree, people, photo_of):
    draft = make_news(tree.home_a, "Kladde")
    draft.unpublish()
    relatives = make_news(tree.home_a, "Kun for pårørende", relatives_only=True)
    on_draft = photo_of(people["per"], news=draft)
    on_relatives = photo_of(people["per"], news=relatives)
    assert not may_see_photo(None, on_draft)
    assert not may_see_photo(None, on_relatives)
    assert may_see_photo(people["home_relative"], on_relatives)
    assert not may_see_photo(people["engbo_relative"], on_relatives)


def test_photos_on_events_and_many_pages(tree, people, photo_of):
    event = make_event(tree.home_a, "Tur til stranden")
    news = make_news(tree.home_a, "Nyt fra køkkenet")
    on_event = photo_of(people["per"], event=event)
    photo_of(people["anna"], event=event)
    on_news = photo_of(nobody=True, news=news)
    assert photos_on_page(event, None) == [on_event]
    assert event.url and on_event.token in Client().get(event.url).content.decode()
    assert photos_on_pages([event.pk, news.pk], PUBLIC) == {
        event.pk: [on_event],
        news.pk: [on_news],
    }


def test_public_files_may_be_cached_by_browsers_private_ones_not(tree, people, photo_of):
    public = photo_of(people["per"])
    hanne = photo_of(people["hanne"])
    response = Client().get(photo_url(public))
    assert response["Cache-Control"] == "private, max-age=300"
    assert response["Content-Type"] == "image/jpeg"
    response = client_for(people["home_relative"]).get(photo_url(hanne))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    # Files sit in private storage: no MEDIA_URL address exists for them.
    assert public.file.name.startswith("photos/")
    with pytest.raises(NotImplementedError):
        public.file.url  # noqa: B018


def test_unknown_tokens_and_sizes_are_404(tree, people, photo_of, client):
    photo = photo_of(people["per"])
    assert client.get(f"/foto/{'x' * 32}/small.jpg").status_code == 404
    assert client.get(f"/foto/{photo.token}/huge.jpg").status_code == 404
    with pytest.raises(ValueError):
        photo_url(photo, "huge")


def test_dated_album_shows_each_viewer_only_their_photos(tree, people, photo_of):
    from django.urls import reverse

    from residents.models import Album

    album = Album.objects.create(botilbud=tree.home_a, title="Rømø")
    shown = photo_of(people["per"], album=album)
    hidden = photo_of(people["anna"], album=album)
    url = reverse("residents:album", args=[album.pk])
    page = Client().get(url).content.decode()
    assert shown.token in page and hidden.token not in page
    assert hidden.token in client_for(people["network_a"]).get(url).content.decode()
    empty = Album.objects.create(botilbud=tree.home_a, title="Kun Anna")
    photo_of(people["anna"], album=empty)
    empty_url = reverse("residents:album", args=[empty.pk])
    assert Client().get(empty_url).status_code == 404
    assert client_for(people["network_a"]).get(empty_url).status_code == 200
