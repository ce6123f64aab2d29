"""Per-request state for the public pages."""

from .models.base import request_view_restrictions


class ViewRestrictionsPerRequest:
    """Give each request its own scope for the view-restriction lookup (see private_q)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_view_restrictions.set({})
        try:
            return self.get_response(request)
        finally:
            request_view_restrictions.reset(token)
