"""`manage.py drift_report` runs the report now and prints what it found."""

import io

import pytest
from django.core.management import CommandError, call_command

from monitoring.models import DriftReport
from tests.factories import UserFactory
from tests.monitoring.helpers import stored_analyses

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("drift_report", *args, stdout=out)
    return out.getvalue()


def test_it_prints_not_enough_data():
    output = _run()

    report = DriftReport.objects.get()
    assert output == f"drift report {report.pk}: not_enough_data: {report.message}\n"


def test_it_prints_the_drifted_columns_and_where_the_html_is():
    owner = UserFactory()
    stored_analyses(owner, 20)
    stored_analyses(owner, 20, warm=True)

    output = _run("--reference-size", "20", "--current-size", "20")

    report = DriftReport.objects.get()
    assert report.status == DriftReport.Status.DRIFT
    assert f"drift report {report.pk}: drift: " in output
    assert "cct_k" in output
    assert f"/staff/drift/{report.pk}/report.html" in output


def test_it_refuses_windows_too_small_to_mean_anything():
    with pytest.raises(CommandError, match="at least 20"):
        _run("--current-size", "5")
