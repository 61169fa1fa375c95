"""Metrics of the work done in worker processes, served on each worker's own port.

A Celery worker runs its tasks in forked child processes, so counts are kept in
prometheus_client's multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``, one folder per worker)
and the worker's main process serves their sum on ``WORKER_METRICS_PORT``: one scrape target
per worker, whatever its concurrency. Without a multiprocess folder (the solo pool) the
counts are served straight from this process. They are kept out of the web process's
registry, which would only ever show zeros for them.
"""

import os
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess, start_http_server

WORKER_REGISTRY = CollectorRegistry(auto_describe=True)

ANALYSES = Counter(
    "chromamatch_analyses",
    "Analyses finished by the workers, by outcome, error code and model version",
    ["outcome", "code", "model_version"],
    registry=WORKER_REGISTRY,
)
ANALYSIS_DURATION = Histogram(
    "chromamatch_analysis_duration_seconds",
    "Time a worker spends on one analysis (reading the photo, the model, storing the result)",
    buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0, 120.0),
    registry=WORKER_REGISTRY,
)
QUEUE_WAIT = Histogram(
    "chromamatch_analysis_queue_wait_seconds",
    "Time from upload to a worker starting the analysis",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0),
    registry=WORKER_REGISTRY,
)
MODEL_LOAD_FAILURES = Counter(
    "chromamatch_model_load_failures",
    "Failed attempts to load the production model (the last good one keeps serving)",
    registry=WORKER_REGISTRY,
)


def start_exporter(port: int, address: str = "0.0.0.0") -> None:  # noqa: S104 (a scrape target)
    """Serve this worker's metrics over HTTP from its main process."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        forget_earlier_runs()
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = WORKER_REGISTRY
    start_http_server(port, addr=address, registry=registry)


def forget_earlier_runs() -> None:
    """Empty the multiprocess folder at the worker's start, before any child writes to it:
    files of an earlier run would be summed in (a restarted container keeps its /tmp).

    This process's own files stay: its metrics opened them at import, and a solo worker counts
    into them (deleted, its counts would go to files no one reads).
    """
    own = f"_{os.getpid()}.db"
    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        if not stale.name.endswith(own):
            stale.unlink(missing_ok=True)


def forget_process(pid: int) -> None:
    """A child process exited: drop its live gauges (counters keep their counts)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)
