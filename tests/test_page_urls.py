"""A page's address is worked out once per process for what it is made of
(home.models.base.RememberedUrlParts), and afresh whenever one of those changes."""

from unittest import mock

from django.test import override_settings
from django.urls import set_script_prefix
from wagtail.models import Page, Site
from wagtail.models import pages as wagtail_pages

from home.models import NewsPage, StandardPage, base
from tests.conftest import make_news


def counting_reverse():
    return mock.patch.object(wagtail_pages, "reverse", wraps=wagtail_pages.reverse)


def test_the_same_page_is_reversed_once_and_gets_the_same_address(tree):
    news = make_news(tree.home_a, "Sommerfest")
    base._url_parts.clear()  # earlier tests may have worked out this very address
    with counting_reverse() as reverse:
        first = news.get_url()
        again = NewsPage.objects.get(pk=news.pk).get_url()
    assert first == again == "/solgarden/sommerfest/"
    assert reverse.call_count == 1


def test_a_moved_or_renamed_page_gets_its_new_address(tree):
    news = make_news(tree.home_a, "Sommerfest")
    assert news.get_url() == "/solgarden/sommerfest/"
    news.move(tree.home_b, pos="last-child")
    assert NewsPage.objects.get(pk=news.pk).get_url() == "/engbo/sommerfest/"
    news = NewsPage.objects.get(pk=news.pk)
    news.slug = "sommerfesten"
    news.save_revision().publish()
    assert NewsPage.objects.get(pk=news.pk).get_url() == "/engbo/sommerfesten/"


def test_a_changed_site_script_prefix_or_urlconf_is_worked_out_afresh(tree):
    news = make_news(tree.home_a, "Sommerfest")
    assert news.get_full_url() == "http://localhost/solgarden/sommerfest/"
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "botilbud.toender.dk", 443
    site.save()
    assert NewsPage.objects.get(pk=news.pk).get_full_url() == (
        "https://botilbud.toender.dk/solgarden/sommerfest/"
    )
    set_script_prefix("/samspil/")
    try:
        assert news.get_url() == "/samspil/solgarden/sommerfest/"
    finally:
        set_script_prefix("/")
    with override_settings(ROOT_URLCONF="tests.urls_under_prefix"):
        assert news.get_url() == "/sider/solgarden/sommerfest/"
    assert news.get_url() == "/solgarden/sommerfest/"


def test_a_page_outside_every_site_has_no_address(tree):
    outside = Page.get_first_root_node().add_child(
        instance=StandardPage(title="Uden for", slug="uden-for")
    )
    assert outside.get_url() is None
    assert outside.get_url() is None
