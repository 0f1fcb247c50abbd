"""Response headers every page carries: the Content-Security-Policy.

The pages load scripts and styles from our own static files only (htmx and
the charts are vendored; no inline scripts, no CDN), so the policy allows
'self' and nothing else for scripts; inline styles are allowed because the
admin and the API docs page use style attributes. A response that already
has a policy keeps it.
"""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response
