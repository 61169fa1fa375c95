"""Responses made for a signed-in person stay theirs."""

from django.utils.cache import patch_cache_control


class PrivateResponsesMiddleware:
    """A page or API answer for a signed-in person (results, history, the profile's token, a
    signed storage address) is kept by no shared cache and not stored by the browser; views
    that set their own Cache-Control keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # DRF's token authentication sets the user on the request this middleware sees too.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
