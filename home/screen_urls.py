"""Addresses of a home's screen that Wagtail's page routing cannot serve (they end in a file
name): the screen's service worker and the week poster. The screen itself is a route of
BotilbudPage (``/<home>/skaerm/``)."""

from django.urls import path

from . import screen_views

urlpatterns = [
    path("<slug:home_slug>/skaerm/sw.js", screen_views.screen_worker, name="screen_worker"),
    path("<slug:home_slug>/uge.pdf", screen_views.week_poster, name="week_poster"),
]
