"""A page row from the database is built by Django's plain model constructor
(home.models.base.QuickRows): the same instance as Django's way, signals included, and
Django's way again for a page class with a constructor of its own."""

from unittest import mock

from django.apps import apps
from django.db import models
from django.db.models.signals import post_init
from wagtail.models.pages import AbstractPage

from home.models import BotilbudPage, EventPage, NewsPage, base
from tests.conftest import make_event, make_news


def djangos_way(query):
    """The rows of ``query`` built as Django builds them (Model.from_db: the class called)."""
    original = base.QuickRows.from_db.__func__

    def plain(cls, db, field_names, values):
        return models.Model.from_db.__func__(cls, db, field_names, values)

    base.QuickRows.from_db = classmethod(plain)
    try:
        return list(query)
    finally:
        base.QuickRows.from_db = classmethod(original)


def state(page) -> dict:
    fields = {k: v for k, v in vars(page).items() if k != "_state"}
    return {
        "fields": fields,
        "deferred": page.get_deferred_fields(),
        "adding": page._state.adding,
        "db": page._state.db,
        "type": type(page),
    }


def test_every_page_type_takes_the_quick_way():
    page_types = [m for m in apps.get_models() if issubclass(m, base.LeanPage)]
    assert {BotilbudPage, EventPage, NewsPage} <= set(page_types)
    assert all(m._rows_may_skip_init() for m in page_types)


def test_a_row_is_the_same_page_as_djangos_way_full_and_deferred(tree):
    make_news(tree.home_a, "Høstfest", easy_read="Vi holder fest.")
    make_event(tree.home_a, "Bålaften")
    queries = [
        NewsPage.objects.all(),
        NewsPage.objects.for_card(home_title=False),
        NewsPage.objects.for_card(),
        EventPage.objects.upcoming().for_card(),
        BotilbudPage.objects.only("title", "city"),
        BotilbudPage.objects.all(),
    ]
    for query in queries:
        quick = list(query.all())
        plain = djangos_way(query.all())
        assert quick and len(quick) == len(plain)
        for a, b in zip(quick, plain, strict=True):
            assert state(a) == state(b), {
                k: (state(a)[k], state(b)[k]) for k in state(a) if state(a)[k] != state(b)[k]
            }
    news = NewsPage.objects.for_card().get(title="Høstfest")
    # A deferred field is still loaded on first use, and the page saves as before.
    assert "body" in news.get_deferred_fields()
    assert news.body is not None and "body" not in news.get_deferred_fields()
    news.title = "Høstfesten"
    news.save_revision().publish()
    assert NewsPage.objects.get(pk=news.pk).title == "Høstfesten"


def test_model_signals_still_fire(tree):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=BotilbudPage)
    try:
        homes = list(BotilbudPage.objects.order_by("pk"))
    finally:
        post_init.disconnect(receiver, sender=BotilbudPage)
    assert seen == homes and len(homes) == 2


def test_a_page_type_with_a_constructor_of_its_own_keeps_djangos_way(tree):
    class OwnConstructor:
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)

    mro = NewsPage.__mro__
    assert base.constructors_skippable(mro)
    assert not base.constructors_skippable((mro[0], OwnConstructor, *mro[1:]))
    make_news(tree.home_a, "Høstfest")
    NewsPage._quick_rows = False
    try:
        with mock.patch.object(
            AbstractPage, "__init__", autospec=True, side_effect=AbstractPage.__init__
        ) as init:
            (page,) = NewsPage.objects.all()
        # Django's way: the class is called, and Wagtail's constructor runs.
        assert init.call_count == 1 and page.title == "Høstfest" and page.id
    finally:
        del NewsPage._quick_rows
    assert NewsPage._rows_may_skip_init()
