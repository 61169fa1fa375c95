"""Prometheus metrics of the served model, read at scrape time from what workers report."""

from prometheus_client.core import GaugeMetricFamily

from worker.model_loader import worker_statuses


class ModelStatusCollector:
    """``chromamatch_model_served_version`` and ``chromamatch_model_load_failing`` per worker."""

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
        for status in worker_statuses():
            if status["version"] is not None:
                served.add_metric([status["worker"]], float(status["version"]))
            failing.add_metric([status["worker"]], 1.0 if status["error"] else 0.0)
        yield served
        yield failing
