"""A Content-Security-Policy for the site's pages.

The pages show people's photos and results: a policy that runs only the site's own scripts
keeps an injected one (a name, a file name or a colour that slipped past escaping) from
running. Inline style attributes stay allowed (swatches are coloured by them); pictures may come
from the S3 store the signed addresses point to. Pages that set their own policy (the API
documentation, the sandboxed drift report) keep it.
"""

from urllib.parse import urlsplit

from django.conf import settings


def image_sources() -> list[str]:
    """Where pictures may come from: this site, data: URLs, and the S3 store if one is used."""
    sources = ["'self'", "data:"]
    if settings.S3_BUCKET:
        endpoint = settings.STORAGES["default"]["OPTIONS"].get("endpoint_url")
        if endpoint:
            parts = urlsplit(endpoint)
            sources.append(f"{parts.scheme}://{parts.netloc}")
        else:
            sources.append("https://*.amazonaws.com")
    return sources


def page_policy() -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {' '.join(image_sources())}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        html = response.get("Content-Type", "").startswith("text/html")
        if html and not response.has_header("Content-Security-Policy"):
            # Built per response (microseconds): the storage settings decide it, and tests
            # change them.
            response["Content-Security-Policy"] = page_policy()
        return response
