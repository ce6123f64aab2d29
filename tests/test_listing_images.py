"""Listing images: renditions with their images in one query (prefetch_images), the card's
picture tag (card_image), and the memoised Danish event time (event_when)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.images import get_image_model

from home.models import BotilbudPage, NewsPage
from home.models.base import prefetch_images, prefetch_renditions
from home.templatetags.samspil_tags import event_when

from .conftest import make_event, make_image, make_news

CARD = "fill-640x360-c50"
HERO = "fill-1200x500-c50"
Rendition = get_image_model().get_rendition_model()


def _news_without_images(home):
    return list(NewsPage.objects.filter(botilbud=home).order_by("pk"))


def _render(source: str, **context) -> str:
    return Template("{% load samspil_tags wagtailimages_tags %}" + source).render(Context(context))


@pytest.mark.django_db
def test_prefetch_images_loads_images_and_renditions_in_one_query(tree):
    first, second = make_image("Første"), make_image("Anden")
    for n, image in enumerate((first, second, first)):
        make_news(tree.home_a, f"Nyhed {n}", image=image)
    first.get_rendition(CARD), second.get_rendition(CARD)
    news = _news_without_images(tree.home_a)

    with CaptureQueriesContext(connection) as queries:
        prefetch_images(news, CARD)
        html = [_render("{% card_image item.image spec %}", item=item, spec=CARD) for item in news]
    assert len(queries) == 1, [q["sql"] for q in queries]
    # The same image is one instance wherever it appears, and every card shows its rendition.
    assert news[0].image is news[2].image
    assert [item.image.pk for item in news] == [first.pk, second.pk, first.pk]
    assert all(
        re.fullmatch(r'<img alt="" height="360" loading="lazy" src="[^"]+" width="640">', h)
        for h in html
    ), html


@pytest.mark.django_db
def test_an_image_without_renditions_yet_comes_in_one_more_query_and_gets_them_made(tree):
    image = make_image("Ny")
    make_news(tree.home_a, "Nyhed", image=image)
    news = _news_without_images(tree.home_a)
    with CaptureQueriesContext(connection) as queries:
        prefetch_images(news, CARD)
    assert len(queries) == 2  # the renditions (none), then the image
    assert news[0].image.pk == image.pk
    html = _render("{% card_image item.image spec %}", item=news[0], spec=CARD)
    assert 'width="640"' in html
    assert Rendition.objects.filter(image=image, filter_spec=CARD).count() == 1
    # The next listing finds it in the one query.
    news = _news_without_images(tree.home_a)
    with CaptureQueriesContext(connection) as queries:
        prefetch_images(news, CARD)
        _render("{% card_image item.image spec %}", item=news[0], spec=CARD)
    assert len(queries) == 1


@pytest.mark.django_db
def test_an_image_the_page_already_holds_is_kept_and_shared_with_its_cards(tree):
    """The home's hero and its news can be the same image: one instance, and a rendition
    made for one spec does not hide the other (this once raised IntegrityError)."""
    image = make_image("Fælles")
    BotilbudPage.objects.filter(pk=tree.home_a.pk).update(image=image)
    make_news(tree.home_a, "Nyhed", image=image)
    home = BotilbudPage.objects.select_related("image").get(pk=tree.home_a.pk)
    held = home.image
    prefetch_renditions([held], HERO)  # as share_image_url does, before or after
    news = _news_without_images(tree.home_a)
    prefetch_images([home, *news], HERO, CARD)
    assert home.image is held and news[0].image is held
    for _ in range(2):  # the second time every rendition exists
        hero = _render("{% image page.image fill-1200x500-c50 %}", page=home)
        card = _render("{% card_image item.image spec %}", item=news[0], spec=CARD)
        assert "fill-1200x500-c50" in hero and 'width="640"' in card
        home = BotilbudPage.objects.select_related("image").get(pk=tree.home_a.pk)
        news = _news_without_images(tree.home_a)
        prefetch_images([home, *news], HERO, CARD)
        prefetch_renditions([home.image], HERO)  # leaves an image that has them alone
    assert Rendition.objects.filter(image=image).count() == 2


@pytest.mark.django_db
def test_card_image_is_the_markup_of_wagtails_image_tag(tree):
    image = make_image("Samme")
    wagtail = _render('{% image image fill-640x360-c50 alt="" loading="lazy" %}', image=image)
    ours = _render('{% card_image image "fill-640x360-c50" %}', image=image)
    assert ours == wagtail
    assert _render('{% card_image image "fill-640x360-c50" %}', image=None) == ""


@pytest.mark.django_db
def test_card_image_of_a_missing_file_is_a_broken_picture_not_an_error(tree):
    image = make_image("Væk")
    image.file.storage.delete(image.file.name)
    html = _render('{% card_image image "fill-640x360-c50" %}', image=image)
    assert html.startswith("<img") and "not-found" in html


@pytest.mark.django_db
def test_event_when_follows_the_event_and_the_time_zone(tree):
    start = timezone.make_aware(dt.datetime(2026, 12, 5, 14, 0))
    event = make_event(tree.calendar, "Julemarked", start=start, end=start + dt.timedelta(hours=2))
    assert event_when(event) == "lørdag 5. december 2026, kl. 14.00–16.00"
    event.end = start + dt.timedelta(hours=3)
    assert event_when(event) == "lørdag 5. december 2026, kl. 14.00–17.00"
    event.all_day = True
    assert event_when(event) == "lørdag 5. december 2026, hele dagen"
    with timezone.override("UTC"):
        event.all_day = False
        assert event_when(event) == "lørdag 5. december 2026, kl. 13.00–16.00"


@pytest.mark.parametrize("spec", ["c", "Y-m-d", "j. F Y", "l j. F Y"])
def test_card_date_is_djangos_date_filter_in_every_zone_and_language(spec):
    from django.utils import translation

    instant = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # the night clocks go back
    values = [instant, instant + dt.timedelta(hours=1), instant.date(), None, "", "ikke en dato"]
    source = "{{% load samspil_tags %}}{{{{ value|{}:'{}' }}}}"
    for zone in ("Europe/Copenhagen", "UTC", "America/Nuuk"):
        for language in ("da", "en"):
            with timezone.override(zone), translation.override(language):
                for value in values:
                    ours = Template(source.format("card_date", spec)).render(
                        Context({"value": value})
                    )
                    django = Template(source.format("date", spec)).render(Context({"value": value}))
                    assert ours == django, (zone, language, value, spec)


@pytest.mark.django_db
def test_a_page_whose_picture_file_is_gone_still_renders_with_its_sharing_tags(client, tree):
    image = make_image("Forsvundet")
    news = make_news(tree.home_a, "Nyhed med billede", image=image)
    image.file.storage.delete(image.file.name)
    response = client.get(news.url)
    assert response.status_code == 200
    assert 'property="og:image" content="http://testserver/' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("spec", [HERO, "max-1200x800"])
def test_hero_image_is_the_markup_of_wagtails_image_tag(tree, spec):
    image = make_image("Haven")
    image.description = 'Haven "bag" <huset> & søen'  # the alt text, escaped alike
    image.save()
    for _ in range(2):  # the rendition made, then found
        wagtail = _render("{% image image " + spec + " %}", image=image)
        ours = _render("{% hero_image image spec %}", image=image, spec=spec)
        assert ours == wagtail
    assert "&lt;huset&gt;" in ours
    assert _render("{% hero_image image spec %}", image=None, spec=spec) == ""
    image.file.storage.delete(image.file.name)
    image = get_image_model().objects.get(pk=image.pk)
    Rendition.objects.filter(image=image).delete()
    assert "not-found" in _render("{% hero_image image spec %}", image=image, spec=spec)
