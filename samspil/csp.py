"""The Content-Security-Policy header: the site-wide policy, and the admin's own under its paths.

django-csp 4 can only leave a path prefix without any policy; the admin gets a looser one instead
(settings.ADMIN_CONTENT_SECURITY_POLICY, which says why), so it still has a policy at all.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        admin = settings.ADMIN_CONTENT_SECURITY_POLICY
        if (
            not report_only
            and parts.config is None  # a view's own @csp() decorator still wins
            and request.path_info.startswith(tuple(admin["URL_PREFIXES"]))
        ):
            parts.config = default_config(admin["DIRECTIVES"])
        return parts
