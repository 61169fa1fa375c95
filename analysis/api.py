"""The analysis API: upload a selfie, read, list and delete analyses, drape, colour check."""

import logging
import time

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from analysis import selectors, services
from analysis.models import Analysis
from chromamatch.errors import AnalysisError
from chromamatch.image_loading import MAX_BYTES
from chromamatch_site.api_errors import ApiError, error_responses

logger = logging.getLogger(__name__)

MAX_WAIT_SECONDS = 30
# ``?wait`` looks at the analysis again after 20 ms, then half as long again each time up to
# every 100 ms: a quick analysis is answered within a few ms of finishing, a slow one costs
# ten queries a second.
_POLL_FIRST_SECONDS = 0.02
_POLL_MAX_SECONDS = 0.1


class AnalyzeRateThrottle(UserRateThrottle):
    scope = "analyze"

    def allow_request(self, request, view):
        # The counts live in the cache (Redis in production). When it is down the upload is
        # let through rather than refused: the analysis is stored and queued once the broker
        # is back, and the brake on runaway clients is off only for the outage.
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # redis-py's errors are not OSErrors; any cache failure
            logger.warning("analyze throttle skipped: the cache failed with %s", type(exc).__name__)
            return True


# Inline rather than a reference to the error body's component: OpenAPI 3.0 cannot make a
# referenced schema nullable, and validators refused the null of every analysis not failed.
@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        "required": ["code", "message"],
    }
)
class _AnalysisErrorField(serializers.JSONField):
    pass


class AnalysisOutputSerializer(serializers.ModelSerializer):
    # When the photo was sent (queued_at moves when an analysis is queued again).
    created = serializers.DateTimeField(source="selfie.created")
    # null until the analysis is done or failed (the 202 answer to an upload, a pending one).
    finished = serializers.DateTimeField(source="finished_at", allow_null=True)
    model = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    drape_url = serializers.SerializerMethodField()
    result = serializers.DictField(
        allow_null=True,
        read_only=True,
        help_text="The engine's dictionary for the photo (skin, undertone, lighting, eyes, hair, "
        "face_shape, season, palette, recommendations, quality): the same as "
        "`python -m chromamatch analyze --json` prints; null until done, and for a failed one.",
    )
    error = _AnalysisErrorField(
        read_only=True,
        help_text="Why a failed analysis failed (the engine's code, e.g. no_face, and a message "
        "for the person); null otherwise.",
    )

    class Meta:
        model = Analysis
        fields = ["id", "status", "created", "finished", "model", "result", "error", "url"]
        fields += ["drape_url"]

    def get_model(self, analysis) -> dict | None:
        if not analysis.model_version:
            return None
        # engine: the engine code that ran with the version ("" for analyses from before it
        # was recorded).
        return {
            "name": analysis.model_name,
            "version": analysis.model_version,
            "engine": analysis.engine_code,
        }

    def get_url(self, analysis) -> str:
        return self._absolute(reverse("api:analysis", args=[analysis.pk]))

    def get_drape_url(self, analysis) -> str | None:
        if not analysis.drape_available:
            return None
        return self._absolute(reverse("api:analysis-drape", args=[analysis.pk]))

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


def _error_status(code: str) -> int:
    return status.HTTP_413_REQUEST_ENTITY_TOO_LARGE if code == "image_too_large" else 400


class AnalyzeApi(APIView):
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [AnalyzeRateThrottle]

    class AnalyzeInputSerializer(serializers.Serializer):
        file = serializers.FileField(help_text="The selfie: JPEG, PNG, WEBP or HEIC, up to 30 MB.")

    @extend_schema(
        request={"multipart/form-data": AnalyzeInputSerializer},
        parameters=[
            OpenApiParameter(
                "wait",
                OpenApiTypes.INT,
                description=f"Seconds (at most {MAX_WAIT_SECONDS}) to wait for the result; "
                "answers 200 with the finished analysis when it finishes in time, 202 otherwise.",
            )
        ],
        responses={
            200: AnalysisOutputSerializer,
            202: AnalysisOutputSerializer,
            **error_responses(400, 401, 403, 413, 415, 429, 503),
        },
    )
    def post(self, request):
        wait = _wait_seconds(request)
        # Refuse an oversized body before reading it into memory or a temporary file.
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES + 64_000:
            raise ApiError("image_too_large", AnalysisError("image_too_large").message, 413)
        upload = request.FILES.get("file")
        if upload is None:
            raise ApiError("file_required", "Attach the photo as the multipart form field 'file'.")
        if upload.size > MAX_BYTES:
            raise ApiError("image_too_large", AnalysisError("image_too_large").message, 413)
        try:
            analysis = services.analysis_create(owner=request.user, data=upload.read())
        except AnalysisError as error:
            raise ApiError(error.code, error.message, _error_status(error.code)) from None
        if wait:
            analysis = _wait_for(analysis, wait)
        body = AnalysisOutputSerializer(analysis, context={"request": request}).data
        finished = analysis.is_finished
        return Response(body, status=status.HTTP_200_OK if finished else status.HTTP_202_ACCEPTED)


def _wait_seconds(request) -> float:
    raw = request.query_params.get("wait")
    if raw in (None, ""):
        return 0
    try:
        wait = float(raw)
    except ValueError:
        raise ApiError("invalid", f"wait must be a number of seconds, not {raw!r}.") from None
    if not 0 <= wait <= MAX_WAIT_SECONDS:
        raise ApiError("invalid", f"wait must be between 0 and {MAX_WAIT_SECONDS} seconds.")
    return wait


def _wait_for(analysis: Analysis, seconds: float) -> Analysis:
    deadline = time.monotonic() + seconds
    pause = _POLL_FIRST_SECONDS
    while not analysis.is_finished and time.monotonic() < deadline:
        time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
        pause = min(pause * 1.5, _POLL_MAX_SECONDS)
        analysis.refresh_from_db()
    return analysis


class AnalysisPagination(PageNumberPagination):
    def get_page_number(self, request, paginator):
        # The schema says page is an integer: DRF alone would read "page=" and "page=last" too.
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not raw.isdigit():
            raise NotFound(self.invalid_page_message.format(page_number=raw, message=""))
        return super().get_page_number(request, paginator)


@extend_schema(
    responses={200: AnalysisOutputSerializer(many=True), **error_responses(401, 404, 503)}
)
class AnalysisListApi(ListAPIView):
    serializer_class = AnalysisOutputSerializer
    pagination_class = AnalysisPagination

    def get_queryset(self):
        return selectors.analyses_of(self.request.user)


class AnalysisApi(APIView):
    @extend_schema(responses={200: AnalysisOutputSerializer, **error_responses(401, 404, 503)})
    def get(self, request, pk: int):
        analysis = selectors.analysis_of(request.user, pk)
        return Response(AnalysisOutputSerializer(analysis, context={"request": request}).data)

    @extend_schema(responses={204: None, **error_responses(401, 403, 404, 503)})
    def delete(self, request, pk: int):
        services.analysis_delete(analysis=selectors.analysis_of(request.user, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class AnalysisDrapeApi(APIView):
    @extend_schema(
        description="The virtual draping picture. It is drawn on the first request (a "
        "fraction of a second) and stored, so later requests answer at once.",
        responses={(200, "image/png"): OpenApiTypes.BINARY, **error_responses(401, 404, 409, 503)},
    )
    def get(self, request, pk: int):
        analysis = selectors.analysis_of(request.user, pk)
        try:
            drape = services.analysis_drape(analysis=analysis)
        except services.DrapeUnavailable as exc:
            raise ApiError(exc.code, exc.message, exc.http_status) from None
        response = FileResponse(drape.open("rb"), content_type="image/png")
        response["Cache-Control"] = "private, no-store"
        return response


class _HexField(serializers.RegexField):
    """A colour as text: DRF's CharField turns a JSON number into text, so 123 was read as
    #112233."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ColorCheckApi(APIView):
    class ColorCheckInputSerializer(serializers.Serializer):
        # The pattern is what chromamatch.colour.hex_to_rgb8 reads, so the schema says it too.
        hex = _HexField(
            r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$",
            help_text="The colour, like #aabbcc (or #abc).",
            error_messages={"invalid": "Enter a colour like #a1b2c3."},
        )
        analysis = serializers.IntegerField(
            required=False,
            min_value=1,
            max_value=2**63 - 1,
            help_text="Which of your analyses to judge it by (default: latest).",
        )

    class ColorCheckOutputSerializer(serializers.Serializer):
        hex = serializers.CharField()
        score = serializers.IntegerField(help_text="0-100: how well the colour suits you.")
        verdict = serializers.CharField()
        why = serializers.CharField()
        closest_best = serializers.DictField(help_text="The nearest of your best colours.")
        analysis = serializers.IntegerField()

    @extend_schema(
        request=ColorCheckInputSerializer,
        responses={
            200: ColorCheckOutputSerializer,
            **error_responses(400, 401, 403, 404, 409, 415, 503),
        },
    )
    def post(self, request):
        data = self.ColorCheckInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        analysis_id = data.validated_data.get("analysis")
        if analysis_id is not None:
            analysis = selectors.analysis_of(request.user, analysis_id)
        else:
            analysis = selectors.latest_done_analysis(request.user)
        if analysis is None or analysis.status != Analysis.Status.DONE:
            raise ApiError(
                "no_analysis",
                "There is no finished analysis to judge the colour by. Analyse a selfie first.",
                status.HTTP_409_CONFLICT,
            )
        try:
            check = selectors.colour_check_of(analysis, data.validated_data["hex"])
        except ValueError as exc:
            raise ApiError("invalid_colour", str(exc)) from None
        return Response({**check, "analysis": analysis.pk})
