"""Content-Security-Policy: django-csp's middleware, with the admin's policy under /admin/.

The public site gets settings.CONTENT_SECURITY_POLICY (our origin only, no inline script);
Wagtail's admin needs inline scripts and styles for its widgets, so it gets
settings.ADMIN_CONTENT_SECURITY_POLICY. A view's own @csp decorator still wins.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and request.path_info.startswith("/admin/"):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
            # A nonce in the header would switch 'unsafe-inline' off in browsers.
            parts.nonce = None
        return parts
