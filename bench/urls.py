"""The site's own URLs plus the framework floor: a bare view rendering base.html."""

from django.shortcuts import render
from django.urls import path

from samspil.urls import urlpatterns as site_urlpatterns


def floor(request):
    return render(request, "base.html", {})


urlpatterns = [path("__floor__/", floor), *site_urlpatterns]
