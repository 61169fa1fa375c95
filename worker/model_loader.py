"""Serve ``ChromaMatch_Model@production`` in a worker process.

The model is loaded once per process, on the first analysis (never at import: MLflow and the
face models take seconds to load). At most every ``MODEL_REFRESH_SECONDS`` the worker asks the
registry where ``production`` points and loads the new version when the alias has moved, so
operators ship a model without restarting workers. A version that fails to load leaves the
last good one serving; the failure is reported through the cache to ``/health`` and
``/metrics`` of the web process.
"""

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from chromamatch import engine_code, registry
from worker.metrics import MODEL_LOAD_FAILURES

logger = logging.getLogger(__name__)

STATUS_KEY = "chromamatch:model-status:{worker}"
WORKERS_KEY = "chromamatch:model-status:workers"
# A worker that has not reported for this long is taken as gone.
STATUS_TTL_SECONDS = 3600


class ModelUnavailable(Exception):
    """No model can be served: the registry has none in production, or none loaded yet."""


@dataclass(frozen=True)
class LoadedModel:
    model: object  # mlflow.pyfunc.PyFuncModel
    name: str
    version: str
    # The engine code that registered and evaluated the version (its tag; "" when untagged).
    engine_code: str = ""


def mlflow_client():
    return registry.client(settings.MLFLOW_TRACKING_URI)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class ServedModel:
    def __init__(self, refresh_seconds: float | None = None):
        self.refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._loaded: LoadedModel | None = None
        self._checked = float("-inf")
        self._error: str | None = None

    def current(self) -> LoadedModel:
        """The model to analyse with now; raise ModelUnavailable when there is none."""
        refresh = self.refresh_seconds or settings.MODEL_REFRESH_SECONDS
        with self._lock:
            if self._loaded is None or time.monotonic() - self._checked >= refresh:
                self._refresh()
            if self._loaded is None:
                raise ModelUnavailable(self._error or "no model loaded")
            return self._loaded

    def _refresh(self) -> None:
        self._checked = time.monotonic()
        try:
            client = mlflow_client()
            version = registry.production_version(client)
            if version is None:
                raise ModelUnavailable(
                    f"no version of {registry.MODEL_NAME} has the alias "
                    f"{registry.PRODUCTION_ALIAS!r}; run `manage.py ensure_model`"
                )
            if self._loaded is None or self._loaded.version != version.version:
                import mlflow.pyfunc

                started = time.monotonic()
                uri = f"models:/{registry.MODEL_NAME}/{version.version}"
                model = mlflow.pyfunc.load_model(uri)
                self._loaded = LoadedModel(
                    model,
                    registry.MODEL_NAME,
                    str(version.version),
                    version.tags.get("engine_code", ""),
                )
                logger.info("loaded %s in %.1f s", uri, time.monotonic() - started)
            self._error = None
        except Exception as exc:  # keep serving the last good model whatever went wrong
            self._error = f"{type(exc).__name__}: {exc}"
            MODEL_LOAD_FAILURES.inc()
            logger.exception("could not load the production model; keeping the last good one")
        report_status(self._loaded, error=self._error)


def report_status(loaded: LoadedModel | None, *, error: str | None) -> None:
    """Tell the web process (health, metrics) what this worker serves and whether it fails.

    The served version's engine code (the code that registered it) goes beside the code this
    worker runs: where they differ, its answers are not the ones the promotion gate measured.
    Best effort: a cache that is briefly down must not fail the analysis that asked.
    """
    name = worker_name()
    try:
        cache.set(
            STATUS_KEY.format(worker=name),
            {
                "worker": name,
                "version": loaded.version if loaded else None,
                "version_engine": loaded.engine_code if loaded else None,
                "engine": engine_code.digest(),
                "error": error,
                "at": time.time(),
            },
            STATUS_TTL_SECONDS,
        )
        workers = set(cache.get(WORKERS_KEY, ())) | {name}
        cache.set(WORKERS_KEY, sorted(workers), STATUS_TTL_SECONDS)
    except Exception as exc:  # the cache backends raise their own errors (redis, OS)
        logger.warning("could not report the served model to the cache: %s", type(exc).__name__)


def engine_differs(status: dict) -> bool | None:
    """Whether a worker runs other engine code than the code that registered (and evaluated)
    the version it serves; an untagged version counts as other. None when its report cannot
    say: no version loaded, or a worker older than the ``version_engine`` key."""
    if status.get("version") is None or "version_engine" not in status:
        return None
    return status["version_engine"] != status["engine"]


def worker_statuses() -> list[dict]:
    """The last report of every worker that reported within the TTL."""
    names = cache.get(WORKERS_KEY, ())
    found = cache.get_many([STATUS_KEY.format(worker=name) for name in names])
    return sorted(found.values(), key=lambda status: status["worker"])


served_model = ServedModel()
