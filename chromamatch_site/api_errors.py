"""One JSON shape for every API error: ``{"error": {"code", "message", "fields"?}}``.

A request that cannot reach the database or the selfie storage answers 503 with Retry-After,
not a 500, whichever view it reached: a restart of either is the one time a request truly
cannot proceed, and nothing it sent is lost (an upload is stored before it is queued)."""

import logging

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from analysis.outages import DATABASE_ERRORS, RETRY_AFTER_SECONDS, STORAGE_ERRORS

logger = logging.getLogger(__name__)


class ApiError(exceptions.APIException):
    """An error with a stable code and a message written for the person who caused it."""

    def __init__(self, code: str, message: str, http_status: int = status.HTTP_400_BAD_REQUEST):
        super().__init__(detail=message, code=code)
        self.status_code = http_status
        self.error_code = code


class ServiceUnavailable(ApiError):
    def __init__(self):
        super().__init__(
            "service_unavailable",
            "The service is briefly unavailable. Please try again in a few seconds.",
            status.HTTP_503_SERVICE_UNAVAILABLE,
        )
        # DRF's exception handler turns ``wait`` into the Retry-After header.
        self.wait = RETRY_AFTER_SECONDS


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, for programs: e.g. invalid, not_found.")
    message = serializers.CharField(help_text="Written for the person who caused the error.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For invalid input: the messages of each field.",
    )


class ErrorBodySerializer(serializers.Serializer):
    error = ErrorSerializer()


_ERROR_MEANINGS = {
    400: "Invalid input.",
    401: "Not signed in: send Authorization: Token <token>.",
    403: "Refused (a session request without its CSRF token).",
    404: "Not found, or not yours.",
    409: "Not possible in the resource's current state.",
    413: "The upload is too large.",
    415: "Unsupported content type.",
    429: "Too many requests; Retry-After says when to try again.",
    503: "The database or the selfie storage is briefly unreachable; Retry-After says when to "
    "try again.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The OpenAPI description of the error answers an operation can give, for extend_schema."""
    return {
        code: OpenApiResponse(ErrorBodySerializer, description=_ERROR_MEANINGS[code])
        for code in statuses
    }


def _first_message(detail) -> str:
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    if isinstance(detail, dict) and detail:
        return _first_message(next(iter(detail.values())))
    return str(detail)


def _suspicious(exc: SuspiciousOperation) -> ApiError:
    """A request Django's parser refused (too big, too many parts): a 4xx in our shape.

    Django's own handler would answer an HTML page; it also logs the event on the
    ``django.security`` logger, which is kept (without a traceback).
    """
    logging.getLogger(f"django.security.{type(exc).__name__}").warning("%s", exc)
    if isinstance(exc, RequestDataTooBig):
        return ApiError(
            "request_too_large",
            "The request's form fields are too large. Send the photo as the 'file' field only.",
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return ApiError("too_many_fields", "The request has too many form fields or files.")
    return ApiError("bad_request", "The request could not be understood.")


def exception_handler(exc, context):
    # Convert Django's own exceptions first, so every branch below sees a DRF exception; a 404
    # keeps its message ("No such analysis."), as in DRF's own handler.
    if isinstance(exc, DATABASE_ERRORS + STORAGE_ERRORS):
        logger.warning("dependency unreachable: %s; answering 503", type(exc).__name__)
        exc = ServiceUnavailable()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, SuspiciousOperation):
        exc = _suspicious(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        body = {"code": exc.error_code, "message": str(exc.detail)}
    elif isinstance(exc, exceptions.ValidationError):
        body = {"code": "invalid", "message": _first_message(exc.detail)}
        if isinstance(exc.detail, dict):
            body["fields"] = {name: [str(m) for m in msgs] for name, msgs in exc.detail.items()}
            field, messages = next(iter(body["fields"].items()))
            if field != "non_field_errors":
                body["message"] = f"{field}: {messages[0]}"
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        body = {"code": "unsupported_media_type", "message": _media_type_message(context)}
    elif isinstance(exc, exceptions.Throttled):
        wait = f" in {exc.wait:.0f} seconds" if exc.wait else " later"
        body = {"code": "throttled", "message": f"Too many attempts. Try again{wait}."}
    else:
        body = {"code": exc.default_code, "message": _first_message(exc.detail)}
    return Response({"error": body}, status=response.status_code, headers=_passthrough(response))


def _media_type_message(context) -> str:
    """Which body types the endpoint takes, so a client sending the wrong one can fix it."""
    accepted = " or ".join(parser.media_type for parser in context["view"].get_parsers())
    return f"This endpoint takes {accepted}, not {context['request'].content_type}."


def _passthrough(response) -> dict:
    return {k: v for k, v in response.items() if k in ("Retry-After", "WWW-Authenticate", "Allow")}


NO_ROUTE = "no-route"


# Exempt: it changes nothing, and a session cookie without a CSRF token must get the 404, not
# the CSRF check's HTML 403.
@csrf_exempt
def no_route(request):
    """Any /api/ address no endpoint has: the JSON 404, whatever DEBUG says.

    It is the last API route rather than a handler404, which Django's debug page replaces;
    and APPEND_SLASH, which it also stands in for, answered a POST or DELETE to an endpoint
    without its final slash with a 500 under DEBUG. Such a request is told the address; a
    GET or HEAD is redirected there, as APPEND_SLASH does.
    """
    message = "There is nothing at this address."
    with_slash = f"{request.path}/"
    if not request.path.endswith("/") and _an_endpoint(with_slash):
        if request.method in ("GET", "HEAD"):
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
        message = f"There is nothing at this address; the endpoint is {with_slash}"
    return JsonResponse({"error": {"code": "not_found", "message": message}}, status=404)


def _an_endpoint(path: str) -> bool:
    try:
        return resolve(path).url_name != NO_ROUTE
    except Resolver404:
        return False
