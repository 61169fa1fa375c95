"""The API documentation pages (Swagger UI, ReDoc) load nothing from other hosts.

Their scripts and styles are served from the site (drf-spectacular-sidecar), but ReDoc's
bundle still draws its maker's logo from a CDN, and the page would tell that host who reads
it. A Content-Security-Policy on these pages keeps the browser to this site's own files (the
logo then hides itself). Inline script and style are allowed: both pages start from them.
"""

from functools import wraps

DOCS_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "worker-src 'self' blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
    ]
)


def own_files_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
        return response

    return wrapped
