"""``GET /health``: one named check per component the site cannot work without.

A failing check answers 503 and names itself, so a load balancer stops sending traffic and
an operator knows where to look. Components add their check to ``CHECKS`` as they land.
"""

import logging
import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chromamatch_site.celery import app as celery_app

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_queue() -> None:
    """Reach the broker the analysis tasks are sent to."""
    with celery_app.connection_for_write() as conn:
        if conn.transport_cls == "filesystem":
            # The file-system transport "connects" to anything; what matters is the folder.
            folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_out"])
            if not (folder.is_dir() and os.access(folder, os.W_OK)):
                raise OSError(f"queue folder {folder} is missing or not writable")
        else:
            conn.ensure_connection(max_retries=1, timeout=2)


def check_storage() -> None:
    """Reach where selfies are stored: the S3 bucket, or a writable media folder."""
    bucket = getattr(default_storage, "bucket_name", None)
    if bucket:
        default_storage.connection.meta.client.head_bucket(Bucket=bucket)
        return
    folder = Path(settings.MEDIA_ROOT)
    folder.mkdir(parents=True, exist_ok=True)
    if not os.access(folder, os.W_OK):
        raise OSError(f"media folder {folder} is not writable")


def check_model() -> str | None:
    """A production model is registered; warn when a worker failed to load a newer one."""
    from chromamatch import registry
    from worker.model_loader import mlflow_client, worker_statuses

    version = registry.production_version(mlflow_client())
    if version is None:
        raise LookupError(f"no {registry.MODEL_NAME} version is in production")
    try:
        statuses = worker_statuses()
    except Exception:
        # The workers' reports live in the cache (Redis); when it is down the queue check
        # names it, and the model itself is fine.
        return "warning: the workers' reports cannot be read (the cache is unavailable)"
    failing = [status for status in statuses if status["error"]]
    if failing:
        served = sorted({str(status["version"]) for status in failing})
        return (
            f"warning: {len(failing)} worker(s) could not load version {version.version} "
            f"and keep serving version {', '.join(served)}"
        )
    return None


# A check raises when its component is unusable (503), or returns a warning to show while
# the site still works.
CHECKS: dict[str, Callable[[], str | None]] = {
    "database": check_database,
    "queue": check_queue,
    "storage": check_storage,
    "model": check_model,
}


@never_cache
@require_GET
def health(request):
    checks, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            checks[name] = check() or "ok"
        except Exception as exc:  # any failure of a dependency is a failed check, not a 500
            logger.warning("health check %s failed: %s", name, exc)
            checks[name] = f"error: {type(exc).__name__}"
            healthy = False
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )
