"""Responses made for a signed-in person stay theirs."""

from django.conf import settings
from django.utils.cache import patch_cache_control


class PrivateResponsesMiddleware:
    """A page or API answer to a request that carries a session or a token (results, history,
    the profile's token, a signed storage address) is kept by no shared cache and not stored
    by the browser; views that set their own Cache-Control keep it.

    Judged by the credentials the request carries rather than by ``request.user``: that would
    load the session after the view, outside the database-outage page's reach.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        signed_in = (
            settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META
        )
        if signed_in and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
