"""The relatives' side of the dialog, under /dialog/. Each part adds its own patterns."""

from .privacy import urlpatterns as privacy_urls
from .views_identity import urlpatterns as identity_urls
from .views_threads import urlpatterns as thread_urls

app_name = "dialog"

urlpatterns = []
urlpatterns += identity_urls
urlpatterns += thread_urls
urlpatterns += privacy_urls
