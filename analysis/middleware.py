"""Pages answer a dependency outage with a 503 page and Retry-After, as the API does."""

import logging

from django.shortcuts import render

from analysis.outages import DATABASE_ERRORS, RETRY_AFTER_SECONDS, STORAGE_ERRORS

logger = logging.getLogger(__name__)


class OutagePageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if not isinstance(exc, DATABASE_ERRORS + STORAGE_ERRORS):
            return None  # everything else is a bug, and Django's 500 handling reports it
        logger.warning("dependency unreachable: %s; answering a 503 page", type(exc).__name__)
        response = render(
            request,
            "service_unavailable.html",
            {"retry_after": RETRY_AFTER_SECONDS},
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
