"""The analyse task, run in this process (the worker-process path is in test_served_model)."""

import numpy as np
import pytest

from analysis import services
from analysis.models import Analysis
from chromamatch import engine_code, registry
from chromamatch.image_loading import encode_jpeg
from tests.factories import UserFactory
from worker.model_loader import mlflow_client
from worker.tasks import analyse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mlflow_registry")]


def _analysis(data: bytes) -> Analysis:
    return services.analysis_create(owner=UserFactory(), data=data)


def test_a_photo_without_a_face_fails_with_the_engine_code_and_the_model_version():
    analysis = _analysis(encode_jpeg(np.full((400, 300, 3), (170, 130, 110), dtype=np.uint8)))

    assert analyse.apply(args=[analysis.pk]).get() == "no_face"

    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.FAILED
    assert analysis.error["code"] == "no_face"
    assert "face" in analysis.error["message"]
    assert analysis.model_name == registry.MODEL_NAME
    assert analysis.model_version
    assert analysis.started_at <= analysis.finished_at


def test_a_face_is_analysed_and_stored_with_the_model_version(shared_faces):
    photo = next((shared_faces / "images").iterdir()).read_bytes()
    analysis = _analysis(photo)

    assert analyse.apply(args=[analysis.pk]).get() == "done"

    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.DONE
    assert analysis.result["ok"] is True
    assert 1 <= analysis.result["skin"]["mst"] <= 10
    assert analysis.model_version == str(registry.production_version(mlflow_client()).version)
    assert analysis.engine_code == engine_code.digest()


def test_running_the_task_again_on_a_finished_analysis_changes_nothing():
    analysis = _analysis(encode_jpeg(np.full((400, 300, 3), (170, 130, 110), dtype=np.uint8)))
    analyse.apply(args=[analysis.pk])
    analysis.refresh_from_db()
    finished_at, attempts = analysis.finished_at, analysis.attempts

    assert analyse.apply(args=[analysis.pk]).get() == "already finished or deleted"

    analysis.refresh_from_db()
    assert (analysis.finished_at, analysis.attempts) == (finished_at, attempts)


def test_a_deleted_analysis_is_skipped():
    assert analyse.apply(args=[987654321]).get() == "already finished or deleted"
