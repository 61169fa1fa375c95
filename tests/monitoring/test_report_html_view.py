"""The stored Evidently report opens for staff who may view drift reports, and goes with the
analyses it compared."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.urls import reverse

from analysis import services as analysis_services
from analysis.models import Analysis
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


def _report_reader():
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_driftreport"))
    return staff


def test_it_shows_staff_the_evidently_report(client, report):
    client.force_login(_report_reader())

    response = client.get(_url(report))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    html = b"".join(response.streaming_content).decode()
    assert "drawDashboard" in html  # Evidently's report renderer
    assert "Drift is detected for" in html
    assert '"column_name": "cct_k"' in html
    # Its scripts run sandboxed, in an origin of their own, away from the site's cookies.
    assert response["Content-Security-Policy"] == "sandbox allow-scripts"


def test_staff_without_the_view_permission_are_not_shown_it(client, report):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(_url(report)).status_code == 404


def test_it_does_not_exist_for_people_who_are_not_staff(client, report):
    client.force_login(UserFactory())

    assert client.get(_url(report)).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client, report):
    response = client.get(_url(report))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_report_without_html_is_404_for_staff(client):
    client.force_login(_report_reader())
    empty = services.drift_report_run()

    assert empty.status == DriftReport.Status.NOT_ENOUGH_DATA
    assert client.get(_url(empty)).status_code == 404


def test_deleting_an_analysis_it_compared_deletes_the_report_and_its_files(
    client, report, django_capture_on_commit_callbacks
):
    files = [report.html.name, report.snapshot.name]
    other = services.drift_report_run(reference_size=20, current_size=20)
    compared = Analysis.objects.get(pk=report.figures["current_analyses"][0])

    with django_capture_on_commit_callbacks(execute=True):
        analysis_services.analysis_delete(analysis=compared)

    assert not DriftReport.objects.filter(pk__in=[report.pk, other.pk]).exists()
    assert not any(default_storage.exists(name) for name in files)


def test_deleting_an_account_deletes_the_reports_of_its_analyses(
    report, django_capture_on_commit_callbacks
):
    from accounts import services as account_services

    owner = Analysis.objects.get(pk=report.figures["current_analyses"][0]).selfie.owner
    with django_capture_on_commit_callbacks(execute=True):
        account_services.account_delete(user=owner)

    assert not DriftReport.objects.filter(pk=report.pk).exists()


def test_only_the_reports_whose_windows_held_the_analyses_are_forgotten():
    def windows(reference, current):
        return DriftReport.objects.create(
            status=DriftReport.Status.OK,
            figures={"reference_analyses": reference, "current_analyses": current},
        )

    windows([1, 10], [11, 20])  # holds 15
    late = windows([1, 10], [30, 40])  # holds neither 15 nor 50
    empty = DriftReport.objects.create(status=DriftReport.Status.NOT_ENOUGH_DATA)

    assert services.drift_reports_forget(analysis_ids=[15, 50]) == 1
    assert set(DriftReport.objects.values_list("pk", flat=True)) == {late.pk, empty.pk}
