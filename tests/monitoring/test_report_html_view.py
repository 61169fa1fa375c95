"""The stored Evidently report opens for staff only."""

import pytest
from django.urls import reverse

from monitoring import services
from monitoring.models import DriftReport
from tests.factories import UserFactory
from tests.monitoring.helpers import stored_analyses

pytestmark = pytest.mark.django_db


@pytest.fixture
def report() -> DriftReport:
    owner = UserFactory()
    stored_analyses(owner, 20)
    stored_analyses(owner, 20, warm=True)
    return services.drift_report_run(reference_size=20, current_size=20)


def _url(report: DriftReport) -> str:
    return reverse("monitoring:drift-report-html", args=[report.pk])


def test_it_shows_staff_the_evidently_report(client, report):
    client.force_login(UserFactory(is_staff=True))

    response = client.get(_url(report))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    html = b"".join(response.streaming_content).decode()
    assert "drawDashboard" in html  # Evidently's report renderer
    assert "Drift is detected for" in html
    assert '"column_name": "cct_k"' in html


def test_it_does_not_exist_for_people_who_are_not_staff(client, report):
    client.force_login(UserFactory())

    assert client.get(_url(report)).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client, report):
    response = client.get(_url(report))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_report_without_html_is_404_for_staff(client):
    client.force_login(UserFactory(is_staff=True))
    empty = services.drift_report_run()

    assert empty.status == DriftReport.Status.NOT_ENOUGH_DATA
    assert client.get(_url(empty)).status_code == 404
