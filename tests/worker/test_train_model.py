"""`manage.py train_model` on a small manifest registers a new version with its figures."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from chromamatch import engine_data, registry
from worker.model_loader import mlflow_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mlflow_registry")]

PEOPLE = 10


@pytest.fixture
def small_manifest(shared_faces, tmp_path) -> Path:
    """The first few people of the development set, pointing at its images (not copied)."""
    with open(shared_faces / "manifest.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    people = sorted({row["identity"] for row in rows})[:PEOPLE]
    chosen = [row for row in rows if row["identity"] in people]
    with open(tmp_path / "manifest.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(chosen)
    (tmp_path / "images").symlink_to(shared_faces / "images")
    return tmp_path


def test_train_model_registers_the_next_version_with_its_figures(small_manifest):
    client = mlflow_client()
    before = max(int(v.version) for v in client.search_model_versions("name='ChromaMatch_Model'"))
    production_before = registry.production_version(client).version
    out = io.StringIO()

    call_command(
        "train_model", "--data", str(small_manifest), "--copies", "2", "--quick", stdout=out
    )

    version = client.get_model_version(registry.MODEL_NAME, str(before + 1))
    assert f"version {before + 1}" in out.getvalue()
    assert version.tags["source"] == "train_model"
    assert len(version.tags["data_manifest_sha256"]) == 64
    metrics = registry.version_figures(client, version)
    for figure in registry.GATE:
        assert figure in metrics
    assert metrics["bad.refused"] == 1.0
    assert 0 <= metrics["as_shot.ita_abs_err_median"] < 20
    run = client.get_run(version.run_id)
    assert run.data.params["copies_per_photo"] == "2"
    report = json.loads(
        Path(client.download_artifacts(version.run_id, "evaluation/evaluation.json")).read_text()
    )
    assert report["meta"]["people"] == 2  # the held-out fifth of ten people
    # Registered, not served: promotion is a separate, gated step.
    assert registry.production_version(client).version == production_before
    # Both lighting ensembles were trained: the one for photos beyond the evaluated exposures
    # travels in the same weights file.
    import mlflow

    model_dir = Path(
        mlflow.artifacts.download_artifacts(f"models:/{registry.MODEL_NAME}/{version.version}")
    )
    data = engine_data.EngineData.read(model_dir / "artifacts" / registry.ENGINE_DATA_ARTIFACT)
    assert data.lighting_model.beyond_range is not None


def test_train_model_refuses_a_folder_without_a_manifest(tmp_path):
    with pytest.raises(CommandError, match="no manifest.csv"):
        call_command("train_model", "--data", str(tmp_path), stdout=io.StringIO())
