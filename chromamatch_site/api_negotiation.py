"""How the API picks the format of its answer: JSON, whatever the Accept header asks for."""

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class JsonContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, falling back to the view's first renderer instead of answering 406.

    The API renders JSON only, yet a browser asks for text/html and a client of drape.png for
    image/png (the picture itself bypasses the renderers): both need the answer, or its error in
    the one JSON shape. HTTP lets a server disregard Accept this way (RFC 9110, 12.5.1).
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type
