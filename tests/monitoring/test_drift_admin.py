"""Staff find drift reports in the admin, newest first, and open their HTML."""

import pytest
from django.urls import reverse

from monitoring.models import DriftReport
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reports_are_listed_newest_first_with_a_link_to_their_html(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    older = DriftReport.objects.create(status=DriftReport.Status.NOT_ENOUGH_DATA)
    newer = DriftReport.objects.create(
        status=DriftReport.Status.DRIFT, drift_share=0.6, drifted_columns=["cct_k", "ita"]
    )
    newer.html.save("report.html", content=_html(), save=True)

    page = client.get(reverse("admin:monitoring_driftreport_changelist")).content.decode()

    assert page.index(f">{newer.pk}<") < page.index(f">{older.pk}<")
    assert reverse("monitoring:drift-report-html", args=[newer.pk]) in page
    assert "cct_k, ita" in page


def test_reports_can_be_filtered_by_status(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    DriftReport.objects.create(status=DriftReport.Status.NOT_ENOUGH_DATA, message="too few")
    DriftReport.objects.create(status=DriftReport.Status.OK, drift_share=0.1)

    url = reverse("admin:monitoring_driftreport_changelist")
    response = client.get(url, {"status__exact": "ok"})

    assert response.context["cl"].result_count == 1
    assert response.context["cl"].result_list[0].status == "ok"


def _html():
    from django.core.files.base import ContentFile

    return ContentFile(b"<html>report</html>")
