"""/metrics carries the figures of the newest drift report that compared windows."""

import pytest

from monitoring import services
from monitoring.models import DriftReport
from tests.factories import UserFactory
from tests.monitoring.helpers import stored_analyses

pytestmark = pytest.mark.django_db


def _metrics(client) -> str:
    return client.get("/metrics").content.decode()


def test_there_are_no_drift_figures_before_a_report_compared_windows(client):
    services.drift_report_run()  # not enough data

    assert "chromamatch_drift_share" not in _metrics(client)


def test_it_exports_the_latest_figures_per_column(client):
    owner = UserFactory()
    stored_analyses(owner, 20)
    stored_analyses(owner, 20, warm=True)
    report = services.drift_report_run(reference_size=20, current_size=20)
    assert report.status == DriftReport.Status.DRIFT
    services.drift_report_run(reference_size=20, current_size=30)  # not enough data: skipped

    metrics = _metrics(client)

    assert f"chromamatch_drift_share {report.drift_share}" in metrics
    assert "chromamatch_drift_detected 1.0" in metrics
    assert 'chromamatch_drift_column_drifted{column="cct_k"} 1.0' in metrics
    for column, figures in report.figures["columns"].items():
        drifted = 1.0 if figures["drifted"] else 0.0
        assert f'chromamatch_drift_column_drifted{{column="{column}"}} {drifted}' in metrics
    assert "chromamatch_drift_report_timestamp_seconds" in metrics


def test_after_a_new_version_the_old_comparison_is_not_exported_and_the_task_is_not_stale(
    client,
):
    owner = UserFactory()
    stored_analyses(owner, 20)
    stored_analyses(owner, 20, warm=True)
    drifted = services.drift_report_run(reference_size=20, current_size=20)
    assert drifted.status == DriftReport.Status.DRIFT
    # Version 2 is promoted: its reference fills from its first analyses.
    stored_analyses(owner, 5, version="2")
    waiting = services.drift_report_run(reference_size=20, current_size=20)
    assert waiting.status == DriftReport.Status.NOT_ENOUGH_DATA

    metrics = _metrics(client)

    # The drift of version 1 kept the alert firing for version 2; the task's last outcome is
    # the newest report, so the stale alert does not fire while it waits for analyses.
    assert "chromamatch_drift_detected" not in metrics
    assert "chromamatch_drift_column_drifted" not in metrics
    exported = float(metrics.split("\nchromamatch_drift_report_timestamp_seconds ")[1].split()[0])
    assert exported == pytest.approx(waiting.created.timestamp(), abs=1e-3)
    assert exported > drifted.created.timestamp()
