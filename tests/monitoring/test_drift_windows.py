"""Which analyses each window holds: the serving version's first N, and its latest M after them."""

import pytest

from analysis.models import Analysis
from monitoring import drift
from tests.factories import UserFactory
from tests.monitoring.helpers import stored_analyses

pytestmark = pytest.mark.django_db


def test_the_windows_come_from_the_serving_version_and_never_overlap():
    owner = UserFactory()
    stored_analyses(owner, 10, version="1")
    stored_analyses(owner, 70, version="2")
    failed = Analysis.objects.filter(model_version="2").order_by("pk")[5]
    Analysis.objects.filter(pk=failed.pk).update(status=Analysis.Status.FAILED)
    version_two = list(
        Analysis.objects.filter(model_version="2", status=Analysis.Status.DONE)
        .order_by("finished_at", "pk")
        .values_list("pk", flat=True)
    )

    assert drift.serving_version() == ("ChromaMatch_Model", "2", "abc")
    reference, current = drift.windows(
        model_name="ChromaMatch_Model",
        model_version="2",
        engine_code="abc",
        reference_size=20,
        current_size=30,
    )

    assert [row["analysis"] for row in reference] == version_two[:20]
    assert [row["analysis"] for row in current] == version_two[-30:]


def test_new_engine_code_under_the_same_version_starts_a_new_reference():
    owner = UserFactory()
    stored_analyses(owner, 70, version="2", engine="old")
    stored_analyses(owner, 10, version="2", engine="new")

    outcome = drift.drift_check(reference_size=20, current_size=20)

    assert drift.serving_version() == ("ChromaMatch_Model", "2", "new")
    assert outcome.status == "not_enough_data"
    assert (outcome.engine_code, outcome.reference_size, outcome.current_size) == ("new", 10, 0)
    assert "(engine new)" in outcome.message


def test_features_are_read_from_the_stored_result_and_the_selfie_width():
    result = {
        "skin": {"lab": [61.0, 11.5, 14.0], "ita": 38.2, "mst": 5},
        "lighting": {"cct_k": 5200, "exposure_ev": -0.3},
        "face_box": [100, 80, 340, 400],
        "quality": {"score": 0.85},
        "undertone": {"label": "neutral"},
        "season": {"label": "soft autumn"},
    }

    assert drift.features_of(result, selfie_width=800) == {
        "skin_l": 61.0,
        "skin_a": 11.5,
        "skin_b": 14.0,
        "ita": 38.2,
        "mst": 5,
        "cct_k": 5200,
        "exposure_ev": -0.3,
        "face_width_share": 0.3,
        "quality_score": 0.85,
        "undertone": "neutral",
        "season": "soft autumn",
    }
    assert set(drift.features_of({}, selfie_width=800).values()) == {None}
