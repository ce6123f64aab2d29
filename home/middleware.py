"""Per-request state for the public pages."""

from django.urls import reverse

from .models.base import request_view_restrictions


class ViewRestrictionsPerRequest:
    """Give each public request its own scope for the view-restriction lookup (private_q).

    The admin is left out: it creates and changes restrictions within a request, and must
    read them back fresh.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = reverse("wagtailadmin_home")

    def __call__(self, request):
        if request.path.startswith(self.admin_prefix):
            return self.get_response(request)
        token = request_view_restrictions.set({})
        try:
            return self.get_response(request)
        finally:
            request_view_restrictions.reset(token)
