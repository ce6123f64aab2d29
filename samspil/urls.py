from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic.base import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from pagecache import csrf as pagecache_csrf


class FaviconRedirect(RedirectView):
    def get_redirect_url(self, *args, **kwargs):
        return static("img/favicon-32.png")


urlpatterns = [
    path("", include("ops.urls")),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The visitor's CSRF token for forms on shared (cached) pages, filled in by js/csrf.js.
    path("csrf/", pagecache_csrf.token, name="csrf_token"),
    path("soeg/", home_views.search, name="search"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("oversigt/", home_views.site_overview, name="site_overview"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("farver.css", home_views.site_colours, name="site_colours"),
    path(
        "favicon.ico",
        # The address is looked up per request: the manifest exists only after collectstatic.
        FaviconRedirect.as_view(permanent=True),
    ),
    path("nyhedsbrev/", include("newsletters.urls")),
    path("feeds/", include("home.feed_urls", namespace="feeds")),
    path("", include("participation.urls")),
    path("", include("home.screen_urls")),
    path("dialog/", include("dialog.urls")),
    path("", include("residents.urls")),
    path("faciliteter/", include("facilities.urls")),
    path("log-ind/", include("oidc.urls")),
    # ESP tracking and inbound webhooks, secured by ANYMAIL["WEBHOOK_SECRET"] (basic auth);
    # anymail's views, each event handled once and a malformed body answered 400.
    path("anymail/", include("outbox.webhook_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static as serve_static

    urlpatterns += serve_static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# The 500 page names the municipality from the cache, never from the database.
handler500 = "home.views.server_error"
