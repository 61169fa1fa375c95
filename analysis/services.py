"""Writes to analyses: a selfie and its pending analysis, the worker's progress, deletion.

Views, the API and the worker call these and nothing else writes an Analysis.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils import timezone

from analysis.models import Analysis, Selfie, drape_key
from chromamatch.analysis import result_drape_colours
from chromamatch.drape import photo_drape_png
from chromamatch.errors import AnalysisError
from chromamatch.image_loading import encode_jpeg, load_image
from chromamatch.quality import MIN_JPEG_QUALITY
from chromamatch_site.stored_files import delete_on_commit
from monitoring.services import drift_reports_forget

logger = logging.getLogger(__name__)

# The stored copy keeps a phone photo's full resolution (a small face in a large frame is
# read again closer by the engine) but not more; re-encoding drops every byte of metadata.
# A JPEG uploaded at a lower quality is stored at its own: a higher one would keep nothing
# more of the photo, and would hide from the engine how squeezed the upload was
# (the ``heavily_compressed`` warning reads the quality of the file it analyses).
STORED_MAX_SIDE = 4096
STORED_JPEG_QUALITY = 92
# Starts of one analysis's task (retries and redeliveries included) before it is given up.
MAX_ATTEMPTS = 10


@dataclass(frozen=True)
class PreparedSelfie:
    jpeg: bytes
    width: int
    height: int


def selfie_prepare(data: bytes) -> PreparedSelfie:
    """Decode an upload and re-encode it without metadata; raise AnalysisError if unreadable.

    A colour file whose pixels hold no colour is kept: whether it is a black-and-white selfie
    or a grey wall with no one in it takes the face search, which the worker makes (a
    black-and-white file is refused here).
    """
    image = load_image(data, max_side=STORED_MAX_SIDE, colourless_ok=True)
    height, width = image.rgb.shape[:2]
    quality = STORED_JPEG_QUALITY
    if image.jpeg_quality is not None:
        quality = min(quality, max(1, round(image.jpeg_quality)))
        if image.jpeg_quality < MIN_JPEG_QUALITY:
            # An upload read just under the warning's line stays under it.
            quality = min(quality, MIN_JPEG_QUALITY - 1)
    return PreparedSelfie(encode_jpeg(image.rgb, quality=quality), width, height)


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


# Publishing an analysis tries the broker this many times (about half a second in all) before
# giving up: a request must not hang on a broker that is down.
ENQUEUE_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.1, "interval_step": 0.2}


def analysis_enqueue(*, analysis_id: int) -> bool:
    """Queue an analysis for the worker; False (logged) when the broker cannot be reached.

    The analysis is already committed as pending, so a broker outage costs a delay, never
    the upload: the reaper (``requeue_stuck_analyses``) queues it again once the broker is
    back and it has waited ``ANALYSIS_STUCK_AFTER_SECONDS``.
    """
    from kombu.exceptions import OperationalError

    from worker.tasks import analyse

    try:
        analyse.apply_async((analysis_id,), retry=True, retry_policy=ENQUEUE_RETRY_POLICY)
    except (OperationalError, OSError) as exc:
        logger.warning(
            "analysis %s stays pending: the queue is unreachable (%s); the reaper will queue it",
            analysis_id,
            type(exc).__name__,
        )
        return False
    return True


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
    if analysis.attempts >= MAX_ATTEMPTS:
        # A photo that takes its worker down every time would otherwise come back forever.
        analysis.status = Analysis.Status.FAILED
        analysis.error = {
            "code": "too_many_attempts",
            "message": "This photo could not be analysed after several tries. "
            "Please try another photo.",
        }
        analysis.finished_at = timezone.now()
        analysis.save(update_fields=["status", "error", "finished_at"])
        return None
    analysis.status = Analysis.Status.RUNNING
    analysis.started_at = timezone.now()
    analysis.attempts += 1
    analysis.save(update_fields=["status", "started_at", "attempts"])
    return analysis


@transaction.atomic
def analysis_complete(
    *,
    analysis_id: int,
    result: dict,
    model_name: str,
    model_version: str,
    engine_code: str = "",
) -> Analysis | None:
    """Store the engine's answer: ``done`` with its result, or ``failed`` with its error."""
    analysis = Analysis.objects.select_for_update().filter(pk=analysis_id).first()
    if analysis is None or analysis.is_finished:
        return analysis
    analysis.model_name = model_name
    analysis.model_version = str(model_version)
    analysis.engine_code = engine_code
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


class DrapeUnavailable(Exception):
    """No draping picture to show: ``not_ready`` (not finished yet) or ``no_drape`` (there
    is none and none can be drawn), with a message for the person asking."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def http_status(self) -> int:
        return 409 if self.code == "not_ready" else 404


def analysis_drape(*, analysis: Analysis) -> FieldFile:
    """The analysis's draping picture, drawn and stored on its first request.

    The worker does not draw it: that took about half of an analysis's CPU, for a picture
    many analyses never show. Raises DrapeUnavailable when there is none to show, Http404
    when the analysis was deleted while its picture was drawn.
    """
    if analysis.drape:
        return analysis.drape
    _refuse_without_drape(analysis)
    name = _drape_draw(analysis)
    try:
        current = _drape_keep(analysis_id=analysis.pk, drawn_for=analysis.finished_at, name=name)
    except BaseException:
        default_storage.delete(name)
        raise
    if current is None or current.drape.name != name:
        # Deleted, purged or run again while drawing, or a concurrent first request stored its
        # picture first: this one is nobody's.
        default_storage.delete(name)
    if current is None:
        raise Http404("No such analysis.")
    if not current.drape:  # purged or run again meanwhile: answer as a request made now
        return analysis_drape(analysis=current)
    return current.drape


def _refuse_without_drape(analysis: Analysis) -> None:
    if not analysis.is_finished:
        raise DrapeUnavailable(
            "not_ready", "The analysis is not finished yet; try again in a moment."
        )
    if analysis.status == Analysis.Status.FAILED:
        raise DrapeUnavailable(
            "no_drape", "This photo could not be analysed, so there is no draping picture."
        )
    if not analysis.selfie.image:
        raise DrapeUnavailable(
            "no_drape",
            "The photo was deleted after the retention period, so there is no draping "
            "picture; the results stay.",
        )


def _drape_draw(analysis: Analysis) -> str:
    """Draw the picture from the stored selfie and result and store it; its storage name."""
    try:
        with analysis.selfie.image.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:  # purged or deleted since the row was read
        raise DrapeUnavailable(
            "no_drape", "The photo is no longer stored, so the draping picture cannot be drawn."
        ) from None
    try:
        png = photo_drape_png(data, colours=result_drape_colours(analysis.result))
    except AnalysisError as error:
        # The model found the face; locating it again found none (a model version that
        # located faces differently). The results stand without the picture.
        raise DrapeUnavailable(
            "no_drape",
            f"The draping picture could not be drawn from this photo: {error.message}",
        ) from None
    return default_storage.save(drape_key(analysis, "drape.png"), ContentFile(png))


@transaction.atomic
def _drape_keep(*, analysis_id: int, drawn_for: datetime | None, name: str) -> Analysis | None:
    """Store ``name`` as the analysis's picture unless, while it was drawn, the analysis was
    deleted, purged, run again or given a picture by another request; the row as it is now.

    The row and its selfie are locked, as deletion and purge lock them before reading the
    names of the files to delete, so a picture is never stored after those names were read.
    """
    current = (
        Analysis.objects.select_for_update().select_related("selfie").filter(pk=analysis_id)
    ).first()
    if current is None or current.drape or not current.selfie.image:
        return current
    if current.finished_at == drawn_for:
        current.drape = name
        current.save(update_fields=["drape"])
    return current


def _locked(analyses) -> list[Analysis]:
    """``analyses``, their rows locked in the caller's transaction, so that a draping picture
    drawn meanwhile is either among their stored files or never stored."""
    return list(analyses.select_related("selfie").select_for_update())


def _stored_files(analyses: list[Analysis]) -> list[str]:
    return [name for a in analyses for name in (a.selfie.image.name, a.drape.name)]


def _selfies_delete(selfies) -> None:
    """Delete ``selfies`` with their analyses, every stored picture and the drift reports that
    compared the analyses' measurements."""
    analyses = _locked(Analysis.objects.filter(selfie__in=selfies))
    drift_reports_forget(analysis_ids=[analysis.pk for analysis in analyses])
    selfies.delete()  # cascades to the analyses
    delete_on_commit(_stored_files(analyses))


@transaction.atomic
def analysis_delete(*, analysis: Analysis) -> None:
    """Delete an analysis with its selfie and pictures (a selfie belongs to one analysis), and
    the drift reports that compared its measurements."""
    _selfies_delete(Selfie.objects.filter(pk=analysis.selfie_id))


@transaction.atomic
def user_analyses_delete(*, owner) -> None:
    """Delete every selfie, analysis and stored picture of a person (account deletion), and
    the drift reports that compared their measurements."""
    _selfies_delete(Selfie.objects.filter(owner=owner))


def analyses_requeue_stuck(*, older_than: timedelta) -> list[int]:
    """Queue again the analyses left pending, or running, longer than ``older_than``: their
    message was lost (never sent, or lost with a worker the broker did not redeliver for).

    Queuing twice is harmless: the task does nothing for an analysis already finished, and
    the first of two concurrent runs to finish is the one stored.
    """
    cutoff = timezone.now() - older_than
    stuck = list(
        Analysis.objects.filter(
            Q(status=Analysis.Status.PENDING, queued_at__lt=cutoff)
            | Q(status=Analysis.Status.RUNNING, started_at__lt=cutoff)
        )
        .order_by("queued_at")
        .values_list("pk", flat=True)[:500]
    )
    for analysis_id in stuck:
        analysis_enqueue(analysis_id=analysis_id)
    return stuck


def selfies_purge_images(*, older_than: timedelta) -> int:
    """Delete stored selfies (and their draping pictures, which show the face) older than
    ``older_than``, keeping the analyses' results. Returns how many selfies were purged."""
    cutoff = timezone.now() - older_than
    purged = 0
    for selfie in Selfie.objects.filter(created__lt=cutoff).exclude(image="").iterator():
        with transaction.atomic():
            analyses = Analysis.objects.filter(selfie=selfie)
            names = _stored_files(_locked(analyses))
            analyses.update(drape="")
            Selfie.objects.filter(pk=selfie.pk).update(image="")
            delete_on_commit(names)
        purged += 1
    return purged


@transaction.atomic
def analyses_rerun(*, analyses) -> list[int]:
    """Reset analyses to pending and queue them again for the model in production now.

    The old result, error and draping picture go; an analysis whose selfie was purged
    cannot run again and is left as it is. Returns the ids queued.
    """
    ids = [analysis.pk for analysis in analyses]
    rows = list(
        Analysis.objects.select_for_update()
        .filter(pk__in=ids)
        .exclude(selfie__image="")
        .select_related("selfie")
    )
    drapes = [analysis.drape.name for analysis in rows]
    for analysis in rows:
        analysis.status = Analysis.Status.PENDING
        analysis.result = None
        analysis.error = None
        analysis.drape = ""
        analysis.model_name = ""
        analysis.model_version = ""
        analysis.engine_code = ""
        analysis.attempts = 0
        analysis.queued_at = timezone.now()
        analysis.started_at = None
        analysis.finished_at = None
    fields = ["status", "result", "error", "drape", "model_name", "model_version", "engine_code"]
    fields += ["attempts", "queued_at", "started_at", "finished_at"]
    Analysis.objects.bulk_update(rows, fields)
    delete_on_commit(drapes)
    queued = [analysis.pk for analysis in rows]

    def enqueue() -> None:
        for analysis_id in queued:
            analysis_enqueue(analysis_id=analysis_id)

    transaction.on_commit(enqueue)
    return queued
