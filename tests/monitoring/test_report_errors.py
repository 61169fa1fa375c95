"""A comparison that fails is recorded as an error report with its reason; the task survives."""

import pytest

from monitoring import drift
from monitoring.models import DriftReport
from monitoring.tasks import drift_report
from tests.factories import UserFactory
from tests.monitoring.helpers import stored_analyses

pytestmark = pytest.mark.django_db


def test_a_failing_comparison_is_an_error_report(monkeypatch):
    stored_analyses(UserFactory(), 40)

    def broken(reference, current, outcome):
        raise ValueError("evidently could not compare")

    # The one seam: whatever Evidently raises on some future data.
    monkeypatch.setattr(drift, "_compare", broken)

    result = drift_report.apply(kwargs={"reference_size": 20, "current_size": 20}).get()

    report = DriftReport.objects.get(pk=result["report"])
    assert report.status == DriftReport.Status.ERROR
    assert report.message == "ValueError: evidently could not compare"
    assert not report.html
