"""Writes to analyses: a selfie and its pending analysis, the worker's progress, deletion.

Views, the API and the worker call these and nothing else writes an Analysis.
"""

import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from analysis.models import Analysis, Selfie
from chromamatch.image_loading import encode_jpeg, load_image

logger = logging.getLogger(__name__)

# The stored copy keeps a phone photo's full resolution (a small face in a large frame is
# read again closer by the engine) but not more; re-encoding drops every byte of metadata.
STORED_MAX_SIDE = 4096
STORED_JPEG_QUALITY = 92


@dataclass(frozen=True)
class PreparedSelfie:
    jpeg: bytes
    width: int
    height: int


def selfie_prepare(data: bytes) -> PreparedSelfie:
    """Decode an upload and re-encode it without metadata; raise AnalysisError if unreadable."""
    image = load_image(data, max_side=STORED_MAX_SIDE)
    height, width = image.rgb.shape[:2]
    return PreparedSelfie(encode_jpeg(image.rgb, quality=STORED_JPEG_QUALITY), width, height)


def analysis_create(*, owner, data: bytes) -> Analysis:
    """Store the selfie and a pending analysis, and queue the analysis once both are saved.

    Raises AnalysisError (nothing stored) when the upload is not a photo the engine can read.
    """
    prepared = selfie_prepare(data)
    selfie = Selfie(
        owner=owner, width=prepared.width, height=prepared.height, size_bytes=len(prepared.jpeg)
    )
    # The picture is written before the rows: if writing fails nothing refers to it, and if
    # the rows fail the picture is removed again.
    selfie.image.save("selfie.jpg", ContentFile(prepared.jpeg), save=False)
    try:
        with transaction.atomic():
            selfie.save()
            analysis = Analysis.objects.create(selfie=selfie)
            transaction.on_commit(lambda: analysis_enqueue(analysis_id=analysis.pk))
    except BaseException:
        selfie.image.delete(save=False)
        raise
    return analysis


def analysis_enqueue(*, analysis_id: int) -> None:
    from worker.tasks import analyse

    analyse.delay(analysis_id)


@transaction.atomic
def analysis_start(*, analysis_id: int) -> Analysis | None:
    """Mark an analysis running for this attempt; None when there is nothing left to do.

    A redelivered task finds its analysis finished (or deleted) and does nothing, so running
    a task twice never runs the model twice on a finished analysis.
    """
    analysis = (
        Analysis.objects.select_for_update().select_related("selfie").filter(pk=analysis_id)
    ).first()
    if analysis is None or analysis.is_finished:
        return None
    analysis.status = Analysis.Status.RUNNING
    analysis.started_at = timezone.now()
    analysis.attempts += 1
    analysis.save(update_fields=["status", "started_at", "attempts"])
    return analysis


@transaction.atomic
def analysis_complete(
    *, analysis_id: int, result: dict, model_name: str, model_version: str
) -> Analysis | None:
    """Store the engine's answer: ``done`` with its result, or ``failed`` with its error."""
    analysis = Analysis.objects.select_for_update().filter(pk=analysis_id).first()
    if analysis is None or analysis.is_finished:
        return analysis
    analysis.model_name = model_name
    analysis.model_version = str(model_version)
    analysis.finished_at = timezone.now()
    if result.get("ok"):
        analysis.status = Analysis.Status.DONE
        analysis.result = result
        analysis.error = None
    else:
        analysis.status = Analysis.Status.FAILED
        analysis.error = result["error"]
    analysis.save()
    return analysis


@transaction.atomic
def analysis_fail(*, analysis_id: int, code: str, message: str) -> Analysis | None:
    """Give up on an analysis the service could not run (not a refusal of the photo)."""
    analysis = Analysis.objects.select_for_update().filter(pk=analysis_id).first()
    if analysis is None or analysis.is_finished:
        return analysis
    analysis.status = Analysis.Status.FAILED
    analysis.error = {"code": code, "message": message}
    analysis.finished_at = timezone.now()
    analysis.save(update_fields=["status", "error", "finished_at"])
    return analysis
