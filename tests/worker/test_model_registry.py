"""ChromaMatch_Model in a real MLflow store: registration, the promotion gate, status."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from chromamatch import engine_code, engine_data, registry
from chromamatch.analysis import analyze
from worker.model_loader import mlflow_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mlflow_registry")]

SHIPPED = json.loads((settings.BASE_DIR / "docs" / "evaluation_held_out.json").read_text())


def _log(figures: dict) -> str:
    version = registry.log_version(
        mlflow_client(),
        data_dir=engine_data.DATA_DIR,
        figures=figures,
        artifact_root=settings.MLFLOW_ARTIFACT_ROOT,
        run_name="test",
    )
    return str(version.version)


def _with_relit_error(median: float) -> dict:
    figures = json.loads(json.dumps(SHIPPED))
    figures["relit"]["ita_abs_err_median"] = median
    return figures


def _production() -> str:
    return str(registry.production_version(mlflow_client()).version)


def test_it_has_the_shipped_model_in_production_and_ensure_model_keeps_it():
    before = _production()
    out = io.StringIO()

    call_command("ensure_model", stdout=out)

    assert _production() == before
    assert f"production is version {before}" in out.getvalue()


def test_ensure_model_replaces_a_production_version_this_engine_cannot_read(tmp_path):
    # A version registered by an older engine: its advice file lacks a table this one needs.
    for name in engine_data.FILES:
        (tmp_path / name).write_bytes((engine_data.DATA_DIR / name).read_bytes())
    advice = (tmp_path / engine_data.ADVICE_FILE).read_text(encoding="utf-8")
    old_format = "\n".join(line for line in advice.splitlines() if not line.startswith("blush_why"))
    (tmp_path / engine_data.ADVICE_FILE).write_text(old_format, encoding="utf-8")
    old = registry.log_version(
        mlflow_client(), data_dir=tmp_path, figures=SHIPPED, artifact_root=None, run_name="old"
    )
    mlflow_client().set_registered_model_alias(
        registry.MODEL_NAME, registry.PRODUCTION_ALIAS, old.version
    )
    out = io.StringIO()

    call_command("ensure_model", stdout=out)

    assert int(_production()) > int(old.version)
    assert f"version {old.version} cannot be served by this engine" in out.getvalue()
    assert "blush_why" in out.getvalue()
    assert registry.unreadable_data(registry.production_version(mlflow_client())) is None


def test_promote_refuses_a_worse_version_and_accepts_a_better_one():
    baseline = _log(_with_relit_error(4.0))
    call_command("promote_model", baseline, "--force", stdout=io.StringIO())
    worse, better = _log(_with_relit_error(5.0)), _log(_with_relit_error(3.5))

    out = io.StringIO()
    with pytest.raises(CommandError, match="worse than production"):
        call_command("promote_model", worse, stdout=out)
    assert "relit.ita_abs_err_median" in out.getvalue() and "WORSE" in out.getvalue()
    assert _production() == baseline

    call_command("promote_model", better, stdout=io.StringIO())
    assert _production() == better


def test_force_promotes_a_worse_version_and_says_so():
    current = _production()
    current_figures = registry.version_figures(
        mlflow_client(), registry.production_version(mlflow_client())
    )
    worse = _log(_with_relit_error(current_figures["relit.ita_abs_err_median"] + 2))
    out = io.StringIO()

    call_command("promote_model", worse, "--force", stdout=out)

    assert _production() == worse != current
    assert "(forced)" in out.getvalue()


def test_a_version_without_gate_figures_is_not_promoted():
    unmeasured = _log({})

    with pytest.raises(CommandError, match="worse than production"):
        call_command("promote_model", unmeasured, stdout=io.StringIO())


def test_a_version_registered_without_a_run_is_listed_and_not_promoted():
    # Registered straight from files (as `mlflow models register` can): no run, so no
    # figures. model_status and promote_model had crashed reading the missing run.
    bare = mlflow_client().create_model_version(registry.MODEL_NAME, source="/elsewhere/model")
    status = io.StringIO()

    call_command("model_status", stdout=status)
    with pytest.raises(CommandError, match="worse than production"):
        call_command("promote_model", bare.version, stdout=io.StringIO())

    row = next(
        line for line in status.getvalue().splitlines() if line.startswith(f"{bare.version:>7}  -")
    )
    assert row.split()[-len(registry.GATE) :] == ["-"] * len(registry.GATE)


def test_promoting_an_unknown_version_is_a_clear_error():
    with pytest.raises(CommandError, match="Cannot promote version 9999"):
        call_command("promote_model", "9999", stdout=io.StringIO())


def test_a_version_carries_its_commit_figures_signature_and_engine_data():
    version = mlflow_client().get_model_version(registry.MODEL_NAME, _log(SHIPPED))

    assert version.tags["git_commit"]
    assert version.tags["engine_code"] == engine_code.digest()
    gate = json.loads(version.tags["gate_figures"])
    assert gate["relit.ita_abs_err_median"] == SHIPPED["relit"]["ita_abs_err_median"]
    import mlflow

    uri = f"models:/{registry.MODEL_NAME}/{version.version}"
    info = mlflow.models.get_model_info(uri)
    assert info.signature.inputs.input_names() == [registry.INPUT_COLUMN]
    assert info.saved_input_example_info is not None
    model_dir = Path(mlflow.artifacts.download_artifacts(uri))
    assert "mediapipe==0.10.21" in (model_dir / "requirements.txt").read_text()
    bundle = model_dir / "artifacts" / registry.ENGINE_DATA_ARTIFACT
    for name in engine_data.FILES:
        assert (bundle / name).read_bytes() == (engine_data.DATA_DIR / name).read_bytes()
    assert engine_data.EngineData.read(bundle).config == engine_data.engine_config()


def test_no_logged_artifact_holds_a_photo_of_a_person():
    # Everything under the store's artifact root: models, input examples, reports.
    files = [p for p in Path(settings.MLFLOW_ARTIFACT_ROOT).rglob("*") if p.is_file()]
    assert files, "the session's store should hold the shipped model's artifacts"
    for path in files:
        data = path.read_bytes()
        if data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n":
            answer = analyze(data)
            assert answer["ok"] is False, f"{path} is a picture with a face in it"


def test_model_status_lists_versions_aliases_and_figures():
    out = io.StringIO()

    call_command("model_status", stdout=out)

    text = out.getvalue()
    assert "production" in text
    assert "relit.ita_abs_err_median" in text
    assert f"{_production():>7}  production" in text
    assert f"  {engine_code.digest()}  " in text  # the engine each version was registered with


def test_ensure_model_replaces_a_production_version_whose_data_files_are_gone():
    # A version whose files were lost from the artifact store: ensure_model crashed on it
    # (FileNotFoundError) where it repairs the other unservable versions.
    from urllib.parse import urlparse

    broken = registry.log_version(
        mlflow_client(),
        data_dir=engine_data.DATA_DIR,
        figures=SHIPPED,
        artifact_root=None,
        run_name="broken",
    )
    location = mlflow_client().get_model_version_download_uri(registry.MODEL_NAME, broken.version)
    lost = Path(urlparse(location).path) / "artifacts" / registry.ENGINE_DATA_ARTIFACT
    (lost / engine_data.LIGHTING_MODEL_FILE).unlink()
    mlflow_client().set_registered_model_alias(
        registry.MODEL_NAME, registry.PRODUCTION_ALIAS, broken.version
    )
    out = io.StringIO()

    call_command("ensure_model", stdout=out)

    assert int(_production()) > int(broken.version)
    assert f"version {broken.version} cannot be served by this engine" in out.getvalue()


def test_a_registry_that_cannot_be_reached_is_an_error_not_an_empty_registry():
    from mlflow.exceptions import MlflowException
    from mlflow.protos import databricks_pb2 as codes

    class Answering:
        def __init__(self, code):
            self.code = code

        def get_model_version_by_alias(self, name, alias):
            raise MlflowException("no such alias, or the request failed", self.code)

    assert registry.production_version(Answering(codes.INVALID_PARAMETER_VALUE)) is None
    assert registry.production_version(Answering(codes.RESOURCE_DOES_NOT_EXIST)) is None
    with pytest.raises(MlflowException):
        # Taken for "nothing in production", ensure_model promoted the shipped weights.
        registry.production_version(Answering(codes.INTERNAL_ERROR))
