"""Too few analyses is a recorded "not enough data" report with the counts, never a crash."""

import pytest

from monitoring import drift
from monitoring.models import DriftReport
from monitoring.tasks import drift_report
from tests.factories import UserFactory
from tests.monitoring.helpers import stored_analyses

pytestmark = pytest.mark.django_db


def test_it_records_not_enough_data_when_nothing_was_analysed():
    result = drift_report.apply().get()

    report = DriftReport.objects.get(pk=result["report"])
    assert report.status == DriftReport.Status.NOT_ENOUGH_DATA
    needed = drift.REFERENCE_SIZE + drift.CURRENT_SIZE
    assert report.message == f"not enough analyses yet (have 0, need {needed})"
    assert not report.html and report.drift_share is None


def test_it_says_how_many_analyses_it_has_and_needs():
    stored_analyses(UserFactory(), 30)

    result = drift_report.apply(kwargs={"reference_size": 20, "current_size": 20}).get()

    assert result["status"] == "not_enough_data"
    assert result["message"].startswith("not enough analyses yet (have 30, need 40:")
    report = DriftReport.objects.get(pk=result["report"])
    assert (report.reference_size, report.current_size) == (20, 10)
    assert report.model_version == "1"


def test_a_new_model_version_starts_again_from_nothing():
    owner = UserFactory()
    stored_analyses(owner, 40, version="1")
    stored_analyses(owner, 5, version="2")

    report = drift_report.apply(kwargs={"reference_size": 20, "current_size": 20}).get()

    assert report["status"] == "not_enough_data"
    assert "have 5, need 40" in report["message"]


def test_windows_smaller_than_the_minimum_are_refused():
    with pytest.raises(ValueError, match=f"at least {drift.MIN_WINDOW}"):
        drift.drift_check(reference_size=drift.MIN_WINDOW - 1)
