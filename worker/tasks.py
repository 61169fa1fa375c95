"""Celery tasks. They take ids, are safe to run twice, and call services for every write."""

import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from analysis import services
from analysis.outages import DATABASE_ERRORS, STORAGE_ERRORS
from chromamatch import engine_code, registry
from worker.metrics import ANALYSES, ANALYSIS_DURATION, QUEUE_WAIT
from worker.model_loader import ModelUnavailable, served_model

logger = logging.getLogger(__name__)

# Transient trouble (storage or registry briefly unreachable) is retried with exponential
# backoff: 2, 4, 8, 16, 32 s.
MAX_RETRIES = 5


def _backoff(retries: int) -> int:
    return 2 ** (retries + 1)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # The outcome is stored on the analysis; a copy in the result backend would cost a Redis
    # write per analysis and a subscription in the web process for each upload, unread.
    ignore_result=True,
    # The database restarting under a running analysis (analysis_start or _complete failing)
    # queues it again after 2, 4, 8... s instead of leaving it marked running with its
    # message acknowledged; the rows roll back, so the attempt is simply counted again.
    autoretry_for=DATABASE_ERRORS,
    retry_backoff=2,
    retry_backoff_max=32,
    max_retries=MAX_RETRIES,
    soft_time_limit=settings.ANALYSIS_SOFT_TIME_LIMIT,
    time_limit=settings.ANALYSIS_SOFT_TIME_LIMIT + 30,
)
def analyse(self, analysis_id: int) -> str:
    """Run the production model on an analysis's selfie and store what it says."""
    analysis = services.analysis_start(analysis_id=analysis_id)
    if analysis is None:
        return "already finished or deleted"
    if analysis.attempts == 1:
        QUEUE_WAIT.observe((analysis.started_at - analysis.queued_at).total_seconds())
    with ANALYSIS_DURATION.time():
        return _analyse(self, analysis)


def _analyse(task, analysis) -> str:
    try:
        with analysis.selfie.image.open("rb") as handle:
            data = handle.read()
        loaded = served_model.current()
    except (*STORAGE_ERRORS, ModelUnavailable) as exc:
        if task.request.retries < MAX_RETRIES:
            logger.warning("analysis %s: %s; retrying", analysis.pk, exc)
            raise task.retry(exc=exc, countdown=_backoff(task.request.retries)) from exc
        code = "model_unavailable" if isinstance(exc, ModelUnavailable) else "storage_unavailable"
        return _give_up(
            analysis.pk,
            code,
            "The analysis service is unavailable right now. Please try again later.",
        )
    try:
        result = loaded.model.predict(registry.model_input([data]))[0]
    except SoftTimeLimitExceeded:
        return _give_up(
            analysis.pk,
            "timeout",
            "The analysis took too long and was stopped. Please try another photo.",
            loaded.version,
        )
    except Exception as exc:
        # A model that breaks on an input says so with that input in its message (MLflow's
        # schema errors repeat the photo's bytes): log the kind of error only, never the
        # message or a traceback, and fail the analysis rather than leave it running.
        logger.error(
            "analysis %s: model version %s failed with %s",
            analysis.pk,
            loaded.version,
            type(exc).__name__,
        )
        return _give_up(
            analysis.pk,
            "model_error",
            "The analysis failed on our side. Please try again later or with another photo.",
            loaded.version,
        )
    services.analysis_complete(
        analysis_id=analysis.pk,
        result=result,
        model_name=loaded.name,
        model_version=loaded.version,
        engine_code=engine_code.digest(),
    )
    code = "" if result["ok"] else result["error"]["code"]
    ANALYSES.labels("done" if result["ok"] else "failed", code, loaded.version).inc()
    return code or "done"


def _give_up(analysis_id: int, code: str, message: str, model_version: str = "") -> str:
    services.analysis_fail(analysis_id=analysis_id, code=code, message=message)
    ANALYSES.labels("failed", code, model_version).inc()
    return code


@shared_task(acks_late=True, time_limit=300)
def requeue_stuck_analyses() -> list[int]:
    """Queue again the analyses whose message was lost (periodic, every 5 minutes)."""
    stuck = services.analyses_requeue_stuck(
        older_than=timedelta(seconds=settings.ANALYSIS_STUCK_AFTER_SECONDS)
    )
    if stuck:
        logger.warning("re-queued %d analyses stuck in pending: %s", len(stuck), stuck)
    return stuck


@shared_task(acks_late=True, time_limit=1800)
def purge_old_selfies() -> int:
    """Delete stored selfies past the retention period, keeping results (periodic, hourly)."""
    if not settings.SELFIE_RETENTION_DAYS:
        return 0
    return services.selfies_purge_images(older_than=timedelta(days=settings.SELFIE_RETENTION_DAYS))
