"""``ChromaMatch_Model`` in an MLflow registry: log a version, gate and promote it, list them.

Plain MLflow, no Django: the management commands, ``make run`` and the tests call it with the
tracking URI of the deployment (an SQLite store under var/mlflow by default).

A version's figures are the evaluation of EVALUATION.md (``chromamatch.evaluation``), logged as
run metrics named ``group.figure``. Only GATE figures decide a promotion: the ones a user feels
when the model is worse (skin colour under odd light, as shot and in any clothes, and refusing
bad files).
"""

import json
import math
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from chromamatch import engine_code, engine_data

MODEL_NAME = "ChromaMatch_Model"
EXPERIMENT_NAME = "ChromaMatch"
PRODUCTION_ALIAS = "production"
INPUT_COLUMN = "image"  # the DataFrame column of photo bytes the model reads
ENGINE_DATA_ARTIFACT = "engine_data"  # the model artifact holding engine_data.FILES

# figure -> +1 when higher is better, -1 when lower is better.
GATE = {
    "relit.ita_abs_err_median": -1,
    "relit.ita_abs_err_p90": -1,
    "as_shot.ita_abs_err_median": -1,
    # The development photos all show a white shirt: without this figure, weights that read
    # it as a white card would pass the gate and fail everyone in a coloured top.
    "clothing.ita_abs_diff_from_as_shot_median": -1,
    "bad.refused": +1,
}
# Differences smaller than this are measurement noise, not a worse model (degrees / share).
GATE_TOLERANCE = {
    "relit.ita_abs_err_median": 0.05,
    "relit.ita_abs_err_p90": 0.1,
    "as_shot.ita_abs_err_median": 0.05,
    "clothing.ita_abs_diff_from_as_shot_median": 0.1,
    "bad.refused": 0.0,
}

# Exactly what the engine needs to run the model elsewhere; listing them spares MLflow a slow
# dependency-inference subprocess. The chromamatch package itself comes from this repository.
PIP_REQUIREMENTS = [
    "mlflow==3.17.2",
    "numpy==1.26.4",
    "protobuf==4.25.9",
    "opencv-python-headless==4.11.0.86",
    "mediapipe==0.10.21",
    "pillow==13.0.0",
    "pillow-heif==1.8.1",
    "scipy==1.17.1",
]
_MODEL_CODE = Path(__file__).resolve().parent / "mlflow_model_code.py"


class PromotionRefused(Exception):
    """A version measured worse than production on a gate figure."""


@dataclass(frozen=True)
class GateRow:
    figure: str
    candidate: float | None
    production: float | None
    worse: bool

    def line(self) -> str:
        def show(value):
            return "-" if value is None else f"{value:g}"

        verdict = "WORSE" if self.worse else "ok"
        return f"{self.figure:32} {show(self.candidate):>10} {show(self.production):>10}  {verdict}"


def client(tracking_uri: str):
    """An MlflowClient for ``tracking_uri`` (imported here: mlflow takes a second to import)."""
    import mlflow
    from mlflow import MlflowClient

    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    return MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)


def experiment_id(mlflow_client, artifact_root: str | None) -> str:
    """The ``ChromaMatch`` experiment, created with its artifacts under ``artifact_root``."""
    experiment = mlflow_client.get_experiment_by_name(EXPERIMENT_NAME)
    if experiment is not None:
        return experiment.experiment_id
    return mlflow_client.create_experiment(EXPERIMENT_NAME, artifact_location=artifact_root)


def flat_figures(figures: dict) -> dict[str, float]:
    """Every numeric figure of an evaluation as ``group.name`` -> value."""
    flat = {}
    for group, values in figures.items():
        if not isinstance(values, dict):
            continue
        for name, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if math.isfinite(value):
                flat[f"{group}.{name}"] = float(value)
    return flat


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def log_version(
    mlflow_client,
    *,
    data_dir: Path,
    figures: dict,
    artifact_root: str | None,
    params: dict | None = None,
    tags: dict | None = None,
    reports: dict[str, str] | None = None,
    run_name: str = "train",
):
    """Log a run with the engine data in ``data_dir`` as a model and register it.

    ``figures`` is the evaluation of that data; ``reports`` are text files (name -> content)
    logged beside it. Returns the new ModelVersion, tagged with the git commit and the gate
    figures.
    """
    import mlflow

    experiment = experiment_id(mlflow_client, artifact_root)
    flat = flat_figures(figures)
    version_tags = {
        "git_commit": git_commit(),
        # The engine code that registered (and evaluated) this version; a worker may run other.
        "engine_code": engine_code.digest(),
        "gate_figures": json.dumps({k: flat.get(k) for k in GATE}),
        **(tags or {}),
    }
    example = example_input()
    with mlflow.start_run(experiment_id=experiment, run_name=run_name) as run:
        mlflow.log_params(params or {})
        mlflow.log_metrics(flat)
        mlflow.set_tags(version_tags)
        for name, text in (reports or {}).items():
            mlflow.log_text(text, f"evaluation/{name}")
        with tempfile.TemporaryDirectory() as folder:
            # MLflow names a directory artifact after the directory.
            bundle = Path(folder) / ENGINE_DATA_ARTIFACT
            bundle.mkdir()
            for name in engine_data.FILES:
                (bundle / name).write_bytes((Path(data_dir) / name).read_bytes())
            engine_data.write_config(bundle)
            with warnings.catch_warnings():
                # MLflow suggests type hints on predict; the explicit signature says more.
                warnings.filterwarnings("ignore", message="Add type hints to the `predict`")
                info = mlflow.pyfunc.log_model(
                    name="model",
                    python_model=str(_MODEL_CODE),
                    artifacts={ENGINE_DATA_ARTIFACT: str(bundle)},
                    pip_requirements=PIP_REQUIREMENTS,
                    signature=signature(),
                    input_example=example,
                )
    from mlflow.exceptions import MlflowException

    try:
        mlflow_client.get_registered_model(MODEL_NAME)
    except MlflowException:
        mlflow_client.create_registered_model(
            MODEL_NAME, description="The ChromaMatch analysis engine (chromamatch package)."
        )
    version = mlflow_client.create_model_version(
        MODEL_NAME, info.model_uri, run_id=run.info.run_id, tags=version_tags
    )
    return version


def model_input(images: list[bytes]):
    """The DataFrame ChromaMatch_Model takes: one row of photo bytes per image."""
    import pandas as pd

    return pd.DataFrame({INPUT_COLUMN: list(images)})


def example_input():
    """A DataFrame of one synthetic picture (a flat colour, nobody's face) to show the input.

    A real selfie would put a person's photo in the registry, which the product never does.
    """
    import numpy as np

    from chromamatch.image_loading import encode_jpeg

    picture = np.full((256, 256, 3), (180, 140, 120), dtype=np.uint8)
    return model_input([encode_jpeg(picture, quality=80)])


def signature():
    """Bytes in; out, one engine dictionary (INTERFACES.md) per image, of any JSON shape."""
    from mlflow.models import ModelSignature
    from mlflow.types.schema import AnyType, ColSpec, DataType, Schema

    return ModelSignature(
        inputs=Schema([ColSpec(DataType.binary, INPUT_COLUMN)]),
        outputs=Schema([ColSpec(AnyType(), "result")]),
    )


def register_shipped(mlflow_client, *, artifact_root: str | None, figures: dict):
    """Register the weights and data shipped in the package, with their recorded figures."""
    return log_version(
        mlflow_client,
        data_dir=engine_data.DATA_DIR,
        figures=figures,
        artifact_root=artifact_root,
        tags={"source": "shipped with the repository"},
        reports={"evaluation.json": json.dumps(figures, indent=2)},
        run_name="shipped",
    )


# What the registry answers when the model or its alias is not there (any other error, such as
# an unreachable server, is raised: taken for "nothing in production", ensure_model would have
# registered and promoted the shipped weights over a promoted version).
_NOT_THERE = ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE")


def production_version(mlflow_client):
    """The ModelVersion the ``production`` alias points at, or None when there is none."""
    from mlflow.exceptions import MlflowException

    try:
        return mlflow_client.get_model_version_by_alias(MODEL_NAME, PRODUCTION_ALIAS)
    except MlflowException as exc:
        if exc.error_code in _NOT_THERE:
            return None
        raise


def ensure_production(mlflow_client, *, artifact_root: str | None, figures: dict):
    """Make sure ``production`` points at a version this engine can serve; register the shipped
    one and point ``production`` at it when nothing is there, or when what is there holds data
    files in a format this engine cannot read (a version registered by an older engine).

    Returns ``(version, why)``: ``why`` is None when the production version was kept, else the
    reason the shipped one was registered.
    """
    current = production_version(mlflow_client)
    if current is None:
        why = f"no version had the alias {PRODUCTION_ALIAS!r}"
    else:
        problem = unreadable_data(current)
        if problem is None:
            return current, None
        why = f"version {current.version} cannot be served by this engine ({problem})"
    version = register_shipped(mlflow_client, artifact_root=artifact_root, figures=figures)
    mlflow_client.set_registered_model_alias(MODEL_NAME, PRODUCTION_ALIAS, version.version)
    return version, why


def unreadable_data(version) -> str | None:
    """Why this engine cannot read ``version``'s engine data, or None when it can.

    Only a format problem counts: files that cannot be fetched at all are the workers' to
    report (they keep the last good version and /health says so).
    """
    import mlflow.artifacts
    from mlflow.exceptions import MlflowException

    from chromamatch.palette import DataFileError

    with tempfile.TemporaryDirectory() as folder:
        try:
            model_dir = mlflow.artifacts.download_artifacts(
                f"models:/{MODEL_NAME}/{version.version}", dst_path=folder
            )
        except (MlflowException, OSError):
            return None
        try:
            engine_data.EngineData.read(Path(model_dir) / "artifacts" / ENGINE_DATA_ARTIFACT)
        # A data file missing from the version (FileNotFoundError) is unreadable too: the
        # version cannot be served, and ensure_model crashed on it instead of repairing it.
        except (DataFileError, engine_data.IncompatibleEngineData, OSError) as exc:
            return str(exc)
    return None


def version_figures(mlflow_client, version) -> dict[str, float]:
    """The figures logged with a version's run (``group.figure`` -> value); none for a
    version registered straight from files, without a run."""
    if not version.run_id:
        return {}
    return dict(mlflow_client.get_run(version.run_id).data.metrics)


def compare(candidate: dict[str, float], production: dict[str, float]) -> list[GateRow]:
    """Gate figure by gate figure: is the candidate worse than production beyond noise?

    A gate figure the candidate lacks counts as worse: an unmeasured model is not promoted.
    """
    rows = []
    for figure, direction in GATE.items():
        new, old = candidate.get(figure), production.get(figure)
        if new is None:
            worse = True
        elif old is None:
            worse = False
        else:
            worse = direction * (new - old) < -GATE_TOLERANCE[figure]
        rows.append(GateRow(figure, new, old, worse))
    return rows


def promote(mlflow_client, version_number: str, *, force: bool = False) -> list[GateRow]:
    """Point ``production`` at a version when it is no worse than the current one.

    Raises PromotionRefused (with the comparison) when it is worse and ``force`` is not set;
    returns the comparison otherwise.
    """
    candidate = mlflow_client.get_model_version(MODEL_NAME, str(version_number))
    current = production_version(mlflow_client)
    rows = compare(
        version_figures(mlflow_client, candidate),
        version_figures(mlflow_client, current) if current else {},
    )
    if any(row.worse for row in rows) and not force:
        raise PromotionRefused(rows)
    mlflow_client.set_registered_model_alias(MODEL_NAME, PRODUCTION_ALIAS, candidate.version)
    return rows


def versions(mlflow_client) -> list[dict]:
    """Every version, newest first, with its aliases, tags and gate figures."""
    from mlflow.exceptions import MlflowException

    try:
        aliases = mlflow_client.get_registered_model(MODEL_NAME).aliases
    except MlflowException:
        return []
    found = mlflow_client.search_model_versions(f"name='{MODEL_NAME}'")
    rows = []
    for version in sorted(found, key=lambda v: int(v.version), reverse=True):
        figures = version_figures(mlflow_client, version)
        rows.append(
            {
                "version": int(version.version),
                "aliases": sorted(a for a, v in aliases.items() if str(v) == str(version.version)),
                "created": version.creation_timestamp,
                "source": version.tags.get("source", "train_model"),
                "git_commit": version.tags.get("git_commit", ""),
                "engine_code": version.tags.get("engine_code", ""),
                "figures": {k: figures.get(k) for k in GATE},
            }
        )
    return rows
