"""Refuse a request whose Content-Length is not a byte count, before anything reads it.

django_prometheus's first middleware records every body's size with ``int(Content-Length)``
and raises on anything else, which answered a 500. gunicorn refuses such a request itself;
this keeps the development server and any other front end from answering one.
"""

from django.http import HttpResponseBadRequest, JsonResponse

_MESSAGE = "The request's Content-Length header is not a number of bytes."


class MalformedContentLengthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not (length.isascii() and length.isdigit()):
            if request.path.startswith("/api/") or request.path == "/analyze":
                return JsonResponse(
                    {"error": {"code": "bad_request", "message": _MESSAGE}}, status=400
                )
            return HttpResponseBadRequest(_MESSAGE, content_type="text/plain")
        return self.get_response(request)
