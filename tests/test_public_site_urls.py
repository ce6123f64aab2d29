"""The site's URLs plus a view that refuses, to see the styled 403 page."""

from django.urls import path

from samspil.urls import urlpatterns as site_urlpatterns
from tests.test_public_site import forbidden_view

urlpatterns = [path("forbudt/", forbidden_view), *site_urlpatterns]
