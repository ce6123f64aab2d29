"""The site's pages served under /sider/ (for tests/test_page_urls.py)."""

from django.urls import include, path
from wagtail import urls as wagtail_urls

urlpatterns = [path("sider/", include(wagtail_urls))]
