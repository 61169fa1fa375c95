"""The Celery application shared by the web process, the workers and the scheduler."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_init, worker_process_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chromamatch_site.settings")
# prometheus_client writes a worker's counts under this folder from the first count on.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)

app = Celery("chromamatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def serve_worker_metrics(**kwargs) -> None:
    """Each worker serves its metrics on WORKER_METRICS_PORT (unset: not served)."""
    port = os.environ.get("WORKER_METRICS_PORT")
    if port:
        from worker.metrics import start_exporter

        start_exporter(int(port), os.environ.get("WORKER_METRICS_ADDRESS", "0.0.0.0"))  # noqa: S104


@worker_process_shutdown.connect
def forget_exited_child(pid=None, **kwargs) -> None:
    from worker.metrics import forget_process

    forget_process(pid or os.getpid())
