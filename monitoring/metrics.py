"""Prometheus metrics of the latest drift report, read from the database at scrape time.

Labels are the fixed feature names of monitoring.drift, never anything about a person.
"""

import logging

from django.db import DatabaseError
from prometheus_client.core import GaugeMetricFamily

from monitoring import drift
from monitoring.selectors import latest_compared_report, latest_outcome_report

logger = logging.getLogger(__name__)


class DriftCollector:
    """``chromamatch_drift_share``, ``chromamatch_drift_detected`` and, per feature,
    ``chromamatch_drift_column_drifted``, from the newest report that compared windows of the
    model version and engine code served now; ``chromamatch_drift_report_timestamp_seconds``
    from the newest report with an outcome.

    After a promotion or new engine code the task reports too few analyses until the new
    reference fills: the old comparison no longer describes what is served (it kept the drift
    alert firing), and the task is still working (the stale alert fired while it did)."""

    def describe(self):
        # Without describe() the registry calls collect() when registering, which would query
        # the database inside AppConfig.ready(), before migrations may even have run.
        return []

    def collect(self):
        try:
            outcome, report = latest_outcome_report(), latest_compared_report()
        except DatabaseError:
            # A scrape must not fail because the database is briefly away or not migrated.
            logger.warning("drift metrics: the latest drift report could not be read")
            return
        if outcome is None:
            return
        created = GaugeMetricFamily(
            "chromamatch_drift_report_timestamp_seconds",
            "When the drift task last finished with an outcome (Unix time)",
        )
        created.add_metric([], outcome.created.timestamp())
        yield created
        served = (outcome.model_version, outcome.engine_code)
        if report is None or (report.model_version, report.engine_code) != served:
            return
        share = GaugeMetricFamily(
            "chromamatch_drift_share",
            "Share of analysis features whose distribution drifted in the latest drift report",
        )
        share.add_metric([], float(report.drift_share or 0.0))
        detected = GaugeMetricFamily(
            "chromamatch_drift_detected",
            "1 when the latest drift report found dataset drift (at least half the features)",
        )
        detected.add_metric([], 1.0 if report.status == report.Status.DRIFT else 0.0)
        column = GaugeMetricFamily(
            "chromamatch_drift_column_drifted",
            "1 when the feature drifted in the latest drift report",
            labels=["column"],
        )
        columns = report.figures.get("columns", {})
        # Only known feature names become labels, whatever a stored row might hold.
        for name in drift.FEATURES:
            if name in columns:
                column.add_metric([name], 1.0 if columns[name]["drifted"] else 0.0)
        yield share
        yield detected
        yield column
