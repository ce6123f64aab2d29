"""Calendar and news feeds (namespace "feeds"): the URL names are used across the templates."""

from django.urls import path

from . import feeds

app_name = "feeds"

news_feed = feeds.cached_rss(feeds.NewsFeed())

urlpatterns = [
    path("kalender.ics", feeds.calendar_ics, name="calendar_ics"),
    path("botilbud/<slug:slug>.ics", feeds.home_ics, name="home_ics"),
    path("botilbud/<slug:slug>/nyheder.xml", news_feed, name="home_news_rss"),
    path("organisationer/<slug:slug>.ics", feeds.organisation_ics, name="organisation_ics"),
    path("arrangementer/<id:pk>.ics", feeds.event_ics, name="event_ics"),
    path("nyheder.xml", news_feed, name="news_rss"),
]
