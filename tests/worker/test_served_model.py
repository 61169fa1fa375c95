"""Workers serve ChromaMatch_Model@production: a moved alias is picked up without a restart,
a version that fails to load leaves the last good one serving, and every analysis records the
version that produced it."""

import io
import time

import numpy as np
import pytest
from django.conf import settings
from django.core.management import call_command

from analysis import services
from chromamatch import engine_code, engine_data, registry
from chromamatch.image_loading import encode_jpeg
from tests.analysis.helpers import wait_finished
from tests.conftest import WORKER_MODEL_REFRESH_SECONDS
from tests.factories import UserFactory
from worker.model_loader import ServedModel, mlflow_client, worker_name

pytestmark = pytest.mark.usefixtures("mlflow_registry")


def _production() -> str:
    return str(registry.production_version(mlflow_client()).version)


def _photo(shared_faces_or_none) -> bytes:
    if shared_faces_or_none is not None:
        return next((shared_faces_or_none / "images").iterdir()).read_bytes()
    # Without the development faces, a picture with no face: the model still answers it.
    return encode_jpeg(np.full((400, 300, 3), (170, 130, 110), dtype=np.uint8))


@pytest.fixture
def any_photo():
    from tests.conftest import SHARED_FACES

    return _photo(SHARED_FACES if SHARED_FACES.is_dir() else None)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_serves_the_new_version_after_the_alias_moves(
    celery_worker_process, any_photo
):
    owner = UserFactory()
    first = wait_finished(services.analysis_create(owner=owner, data=any_photo))
    served_before = _production()
    assert first.model_name == registry.MODEL_NAME
    assert first.model_version == served_before

    client = mlflow_client()
    new = registry.log_version(
        client,
        data_dir=engine_data.DATA_DIR,
        figures={},
        artifact_root=settings.MLFLOW_ARTIFACT_ROOT,
        run_name="test",
    )
    client.set_registered_model_alias(registry.MODEL_NAME, registry.PRODUCTION_ALIAS, new.version)
    try:
        time.sleep(WORKER_MODEL_REFRESH_SECONDS + 0.5)
        second = wait_finished(services.analysis_create(owner=owner, data=any_photo))
    finally:
        client.set_registered_model_alias(
            registry.MODEL_NAME, registry.PRODUCTION_ALIAS, served_before
        )

    assert second.model_version == str(new.version) != served_before
    assert celery_worker_process.poll() is None, "the worker was not restarted"
    assert second.status == first.status


@pytest.mark.django_db
def test_a_version_that_fails_to_load_leaves_the_last_good_one_serving(client):
    mlflow = mlflow_client()
    good = _production()
    served = ServedModel(refresh_seconds=0.001)
    assert served.current().version == good

    # A version whose files are gone, as after a botched copy between stores.
    broken = mlflow.create_model_version(registry.MODEL_NAME, source="/nonexistent/model")
    mlflow.set_registered_model_alias(
        registry.MODEL_NAME, registry.PRODUCTION_ALIAS, broken.version
    )
    try:
        still = served.current()
        health = client.get("/health").json()
        metrics = client.get("/metrics").content.decode()
    finally:
        mlflow.set_registered_model_alias(registry.MODEL_NAME, registry.PRODUCTION_ALIAS, good)
        served.current()  # reports the recovery, so other tests see a healthy worker

    assert still.version == good
    assert health["status"] == "ok"
    assert health["checks"]["model"].startswith("warning:")
    assert f"keep serving version {good}" in health["checks"]["model"]
    assert f'chromamatch_model_load_failing{{worker="{worker_name()}"}} 1.0' in metrics
    assert f'chromamatch_model_served_version{{worker="{worker_name()}"}} {float(good)}' in metrics


@pytest.mark.django_db
def test_metrics_say_when_a_worker_runs_other_engine_code_than_its_version_was_evaluated_with(
    client,
):
    mlflow = mlflow_client()
    good = _production()
    line = f'chromamatch_model_engine_differs{{worker="{worker_name()}"}}'

    ServedModel().current()
    same = client.get("/metrics").content.decode()
    # As after a deploy of new code beside a version registered by the old code.
    mlflow.set_model_version_tag(registry.MODEL_NAME, good, "engine_code", "0123456789ab")
    try:
        ServedModel().current()
        other = client.get("/metrics").content.decode()
        status = io.StringIO()
        call_command("model_status", stdout=status)
    finally:
        mlflow.set_model_version_tag(registry.MODEL_NAME, good, "engine_code", engine_code.digest())
        ServedModel().current()  # reports the match again, for the tests that follow

    assert f"{line} 0.0" in same
    assert f"{line} 1.0" in other
    assert (
        f"worker {worker_name()} serves version {good} with engine {engine_code.digest()} "
        "(the version was registered and evaluated with engine 0123456789ab)"
    ) in status.getvalue()


@pytest.mark.django_db
def test_health_answers_503_when_no_version_is_in_production(client):
    mlflow = mlflow_client()
    good = _production()
    mlflow.delete_registered_model_alias(registry.MODEL_NAME, registry.PRODUCTION_ALIAS)
    try:
        response = client.get("/health")
    finally:
        mlflow.set_registered_model_alias(registry.MODEL_NAME, registry.PRODUCTION_ALIAS, good)

    assert response.status_code == 503
    assert response.json()["checks"]["model"].startswith("error")
