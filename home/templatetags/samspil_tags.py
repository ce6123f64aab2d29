"""Template helpers for the public site: navigation, breadcrumbs and Danish event times."""

import functools
from urllib.parse import urlencode

from django import template
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.images.models import Filter, SourceImageIOError
from wagtail.images.shortcuts import get_rendition_or_not_found
from wagtail.models import Site

from dialog.reading import unread_thread_count
from home import feeds
from home.models import OrganisationIndexPage
from home.models.base import prefetch_renditions
from home.models.site_settings import municipality_for_site
from home.navigation import ancestors_of, site_structure

register = template.Library()


# Pages whose own address makes no sense as the place to return to after signing in.
NO_RETURN_PREFIXES = ("/dialog/log-ind/", "/dialog/log-ud/")


def municipality(request) -> dict:
    """The municipality's name, logo and contact for this request's site (cached per request)."""
    cached = getattr(request, "_samspil_municipality", None)
    if cached is not None:
        return cached
    site = Site.find_for_request(request) if request is not None else None
    values = municipality_for_site(site)
    if request is not None:
        request._samspil_municipality = values
    return values


def sign_in_url(request) -> str:
    """The sign-in page, with this page as the place to come back to."""
    url = reverse("dialog:sign_in")
    if request is None or request.path.startswith(NO_RETURN_PREFIXES):
        return url
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


@register.inclusion_tag("includes/header.html", takes_context=True)
def site_header(context):
    request = context.get("request")
    current = context.get("page") or context.get("self")
    current_path = getattr(current, "path", "")
    request_path = getattr(request, "path", "")
    menu = [
        {
            "url": "/#botilbud",
            "text": _("Botilbud"),
            "current": False,
        },
        *(
            {
                "url": item.get_url(request),
                "text": item.title,
                "current": bool(current_path) and current_path.startswith(item.path),
            }
            for item in site_structure(request).menu
        ),
        {
            "url": reverse("newsletters:subscribe"),
            "text": _("Nyhedsbrev"),
            "current": request_path.startswith(reverse("newsletters:subscribe")),
        },
    ]
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return {
        # Threads with news for a signed-in relative (one query; none for anyone else).
        "unread": unread_thread_count(user) if signed_in else 0,
        "request": request,
        "menu": menu,
        "municipality": municipality(request),
        "signed_in": signed_in,
        # The name only: an e-mail address is never shown on a page (a shared screen).
        "signed_in_name": user.get_full_name() if signed_in else "",
        "sign_in_url": sign_in_url(request),
        "search_query": context.get("search_query", ""),
    }


@register.inclusion_tag("includes/footer.html", takes_context=True)
def site_footer(context):
    request = context.get("request")
    structure = site_structure(request)
    return {
        "request": request,
        "homes": structure.homes,
        "about_pages": structure.about_pages,
        "municipality": municipality(request),
    }


@register.simple_tag(takes_context=True)
def site_name(context) -> str:
    """The site's one name for <title> and og:site_name (from the municipality setting)."""
    return municipality(context.get("request"))["site_name"]


@register.simple_tag(takes_context=True)
def site_colours_url(context) -> str:
    """The municipality's colours stylesheet, its address versioned by the colours."""
    version = municipality(context.get("request"))["colours_version"]
    return f"{reverse('site_colours')}?v={version}"


@register.simple_tag(takes_context=True)
def site_tagline(context) -> str:
    return municipality(context.get("request"))["tagline"]


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """This page's one address, on the site's own root URL as the sitemap gives it: the
    path without its query string, except the page number of a paginated listing."""
    request = context.get("request")
    if request is None:
        return ""
    site = Site.find_for_request(request)
    base = site.root_url if site is not None else request.build_absolute_uri("/").rstrip("/")
    url = base + request.path
    number = request.GET.get("page", "")
    if number.isascii() and number.isdigit() and number != "1":
        url = f"{url}?{urlencode({'page': number})}"
    return url


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page, extra_title: str = ""):
    request = context.get("request")
    return {
        "request": request,
        "ancestors": ancestors_of(page, request),
        "page": page,
        "extra_title": extra_title,
    }


@register.filter
def event_when(event) -> str:
    """'lørdag 5. december 2026, kl. 14.00–16.00' in the site's time zone."""
    return _event_when(
        event.start, event.end, event.all_day, timezone.get_current_timezone_name(), get_language()
    )


# Listings show the same few events on every page and every request: spelling out a date in
# Danish (date_format: day and month names through gettext) cost a fifth of an event card.
# A pure function of its arguments; the time zone and language are among them.
@functools.lru_cache(maxsize=4096)
def _event_when(start, end, all_day: bool, time_zone: str, language: str | None) -> str:
    start = timezone.localtime(start)
    end = timezone.localtime(end) if end else None
    day = date_format(start, "l j. F Y")
    if all_day:
        if end and end.date() != start.date():
            return _("%(start)s til %(end)s") % {"start": day, "end": date_format(end, "l j. F Y")}
        return _("%(day)s, hele dagen") % {"day": day}
    start_time = start.strftime("%H.%M")
    if end is None:
        return _("%(day)s, kl. %(time)s") % {"day": day, "time": start_time}
    if end.date() == start.date():
        return _("%(day)s, kl. %(start)s–%(end)s") % {
            "day": day,
            "start": start_time,
            "end": end.strftime("%H.%M"),
        }
    return _("%(start)s, kl. %(start_time)s til %(end)s, kl. %(end_time)s") % {
        "start": day,
        "start_time": start_time,
        "end": date_format(end, "l j. F Y"),
        "end_time": end.strftime("%H.%M"),
    }


@register.filter(expects_localtime=True, is_safe=False)
def card_date(value, arg: str | None = None) -> str:
    """Django's ``date`` filter for the dates on listing cards, worked out once per process
    for each (value, format, language): spelling a date out in Danish asks gettext for its
    day and month names every time, on every card of every listing. Aware datetimes arrive
    in the current time zone (``expects_localtime``), which is part of the value."""
    if value in (None, ""):
        return ""
    # Aware datetimes of the same instant are equal whatever their zone (and fold): both
    # are part of the key, as they are of the answer.
    zone, fold = getattr(value, "tzinfo", None), getattr(value, "fold", 0)
    try:
        return _card_date(value, zone, fold, arg, get_language())
    except AttributeError:
        return ""  # as ``date`` answers what is not a date


@functools.lru_cache(maxsize=4096)
def _card_date(value, zone, fold: int, arg: str | None, language: str | None) -> str:
    return date_format(value, arg)


@functools.cache
def _image_filter(spec: str) -> Filter:
    return Filter(spec=spec)


CARD_IMAGE_ATTRS = {"alt": "", "loading": "lazy"}


def _rendition(image, spec: str):
    """``image`` at ``spec``: a prefetched rendition as it is, else made or found the usual
    way (a missing file gives Wagtail's not-found picture)."""
    filter = _image_filter(spec)
    try:
        # One filter in, one rendition out (its key is the spec an SVG is cleaned to).
        return next(iter(image.get_renditions(filter).values()))
    except SourceImageIOError:
        return get_rendition_or_not_found(image, filter)


def _img(rendition, *, card: bool):
    """``rendition.img_tag()`` (with ``CARD_IMAGE_ATTRS`` for a card), the same markup written
    out with its attributes in flatatt's sorted order, at a third of the cost; Wagtail's own
    when its default attributes are set."""
    if apps.get_app_config("wagtailimages").default_attrs:
        return rendition.img_tag(CARD_IMAGE_ATTRS if card else None)
    if card:
        return format_html(
            '<img alt="" height="{}" loading="lazy" src="{}" width="{}">',
            rendition.height,
            rendition.url,
            rendition.width,
        )
    return format_html(
        '<img alt="{}" height="{}" src="{}" width="{}">',
        rendition.alt,
        rendition.height,
        rendition.url,
        rendition.width,
    )


@register.simple_tag
def card_image(image, spec: str):
    """A card's picture: ``{% image image spec alt="" loading="lazy" %}``, the same markup,
    for listings whose renditions came with them (home.models.base.prefetch_images).

    Wagtail's tag parses the filter on every call and writes each rendition back to the
    rendition cache even when it was prefetched; here the filter is parsed once per process
    and ``get_renditions`` uses a prefetched rendition as it is. Anything else (not
    prefetched, not made yet, a missing file) goes the usual way."""
    if not image:
        return ""
    return _img(_rendition(image, spec), card=True)


@register.simple_tag
def hero_image(image, spec: str):
    """A page's own picture: ``{% image image spec %}`` (alt text the image's own), the same
    markup, the way card_image gets it."""
    if not image:
        return ""
    return _img(_rendition(image, spec), card=False)


@register.simple_tag(takes_context=True)
def organisation_url(context, organisation) -> str:
    """The organisation's own page in the directory, or "" when there is no directory."""
    request = context.get("request")
    directory = site_structure(request).directory
    if directory is None or organisation is None:
        return ""
    return directory.get_url(request) + OrganisationIndexPage.organisation_path(organisation)


# The hero rendition of event and news pages: sharing previews reuse it at no extra query.
SHARE_IMAGE = "max-1200x800"


@register.filter
def webcal(url: str) -> str:
    """An http(s) calendar address as webcal://, which opens the calendar app to subscribe."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return "webcal://" + url.removeprefix(scheme)
    return url


@register.simple_tag(takes_context=True)
def absolute_uri(context, location: str = "") -> str:
    """``location`` (default: this page, without its query string) as a full address."""
    request = context.get("request")
    if request is None:
        return location
    return request.build_absolute_uri(location or request.path)


@register.simple_tag(takes_context=True)
def share_image_url(context, image, spec: str = "") -> str:
    """The full address of ``image`` at ``spec`` (default SHARE_IMAGE), for og:image and JSON-LD.

    The rendition is loaded as a prefetch (nothing when it already is), so the page's own
    ``{% image %}`` with the same spec finds it there instead of asking the database again.
    """
    if not image:
        return ""
    spec = spec or SHARE_IMAGE
    prefetch_renditions([image], spec)
    return absolute_uri(context, _rendition(image, spec).url)


@register.simple_tag
def page_feed_links(page) -> list:
    """The calendar and news feeds ``page`` belongs to, for its <link rel="alternate">."""
    return feeds.page_feed_links(page) if page is not None else []


@register.simple_tag(takes_context=True)
def event_json_ld(context, event) -> str:
    image_url = share_image_url(context, event.image)
    return feeds.json_ld_script(feeds.event_structured_data(event, context["request"], image_url))


@register.simple_tag(takes_context=True)
def news_json_ld(context, news) -> str:
    image_url = share_image_url(context, news.image)
    return feeds.json_ld_script(feeds.news_structured_data(news, context["request"], image_url))
