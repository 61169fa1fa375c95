"""Prometheus metrics of the latest drift report, read from the database at scrape time.

Labels are the fixed feature names of monitoring.drift, never anything about a person.
"""

import logging

from django.db import DatabaseError
from prometheus_client.core import GaugeMetricFamily

from monitoring import drift
from monitoring.selectors import latest_compared_report

logger = logging.getLogger(__name__)


class DriftCollector:
    """``chromamatch_drift_share``, ``chromamatch_drift_detected`` and, per feature,
    ``chromamatch_drift_column_drifted``, from the newest report that compared windows."""

    def describe(self):
        # Without describe() the registry calls collect() when registering, which would query
        # the database inside AppConfig.ready(), before migrations may even have run.
        return []

    def collect(self):
        try:
            report = latest_compared_report()
        except DatabaseError:
            # A scrape must not fail because the database is briefly away or not migrated.
            logger.warning("drift metrics: the latest drift report could not be read")
            return
        if report is None:
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
        created = GaugeMetricFamily(
            "chromamatch_drift_report_timestamp_seconds",
            "When the latest drift report with figures was made (Unix time)",
        )
        created.add_metric([], report.created.timestamp())
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
        yield created
        yield column
