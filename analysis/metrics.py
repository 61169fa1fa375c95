"""Metrics the web process computes when Prometheus scrapes ``/metrics``.

They describe shared state (the database, what workers reported to the cache), so any web
process answers the same; counters of events live in the workers (``worker/metrics.py``).
"""

from django.db.models import Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from analysis.models import Analysis
from worker.model_loader import engine_differs, worker_statuses


class AnalysisQueueCollector:
    """``chromamatch_analyses_pending``, ``..._running`` and the age of the oldest pending one."""

    def describe(self):
        # Without it the registry collects once on registering, in AppConfig.ready(): a
        # database query before migrations may have run.
        return []

    def collect(self):
        counts = {status: 0 for status in (Analysis.Status.PENDING, Analysis.Status.RUNNING)}
        for status in counts:
            counts[status] = Analysis.objects.filter(status=status).count()
        oldest = Analysis.objects.filter(status=Analysis.Status.PENDING).aggregate(
            oldest=Min("queued_at")
        )["oldest"]
        yield GaugeMetricFamily(
            "chromamatch_analyses_pending",
            "Analyses waiting for a worker (the queue length)",
            value=counts[Analysis.Status.PENDING],
        )
        yield GaugeMetricFamily(
            "chromamatch_analyses_running", "Analyses a worker is on", value=counts["running"]
        )
        yield GaugeMetricFamily(
            "chromamatch_analysis_oldest_pending_seconds",
            "How long the oldest pending analysis has waited (0 when none is pending)",
            value=(timezone.now() - oldest).total_seconds() if oldest else 0.0,
        )


class ModelStatusCollector:
    """``chromamatch_model_served_version``, ``chromamatch_model_load_failing`` and
    ``chromamatch_model_engine_differs`` per worker."""

    def describe(self):
        return []  # as above: no cache read while the app registry is loading

    def collect(self):
        served = GaugeMetricFamily(
            "chromamatch_model_served_version",
            "ChromaMatch_Model version each worker analyses with",
            labels=["worker"],
        )
        failing = GaugeMetricFamily(
            "chromamatch_model_load_failing",
            "1 when the worker's last attempt to load the production model failed "
            "(it keeps serving the last good version)",
            labels=["worker"],
        )
        differs = GaugeMetricFamily(
            "chromamatch_model_engine_differs",
            "1 when the worker runs other engine code than the code that registered and "
            "evaluated the version it serves (an untagged version counts as other)",
            labels=["worker"],
        )
        for status in worker_statuses():
            if status["version"] is not None:
                served.add_metric([status["worker"]], float(status["version"]))
            other = engine_differs(status)
            if other is not None:
                differs.add_metric([status["worker"]], float(other))
            failing.add_metric([status["worker"]], 1.0 if status["error"] else 0.0)
        yield served
        yield failing
        yield differs
