import pytest
from django.core.cache import caches
from wagtail.models import Site

from home.models.site_settings import MunicipalitySettings


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    """The page cache switched on (the rest of the suite renders every page), empty."""
    settings.PAGECACHE = {**settings.PAGECACHE, "ENABLED": True}
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def tree(tree):
    """The shared tree with its site settings made (the first page shown would make them,
    and a saved setting purges the whole cache)."""
    MunicipalitySettings.for_site(Site.objects.get(is_default_site=True))
    return tree
