"""An analysis that is not the caller's answers as a missing one: 404, with a message that
says what is missing rather than DRF's bare "Not found."."""

import pytest

from analysis.models import Analysis, Selfie
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _analysis_of(owner) -> Analysis:
    selfie = Selfie.objects.create(owner=owner, width=1, height=1, size_bytes=1)
    return Analysis.objects.create(selfie=selfie)


def _routes(analysis_id: int):
    return [
        ("get", f"/api/analyses/{analysis_id}", None),
        ("delete", f"/api/analyses/{analysis_id}", None),
        ("get", f"/api/analyses/{analysis_id}/drape.png", None),
        ("post", "/api/color-check", {"hex": "#336699", "analysis": analysis_id}),
    ]


def test_another_users_analysis_and_a_missing_one_get_the_same_message_naming_it(auth_client):
    others = _analysis_of(UserFactory())
    missing_id = others.pk + 1000

    for (method, path, payload), (_, missing_path, missing_payload) in zip(
        _routes(others.pk), _routes(missing_id), strict=True
    ):
        response = getattr(auth_client, method)(path, payload, format="json")
        missing = getattr(auth_client, method)(missing_path, missing_payload, format="json")

        assert response.status_code == missing.status_code == 404, (method, path)
        assert response.json() == missing.json()
        assert response.json()["error"] == {"code": "not_found", "message": "No such analysis."}
