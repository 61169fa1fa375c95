"""Train a new ChromaMatch_Model version from a folder of faces, evaluate it, register it.

The learned part of the engine is the lighting estimator; palettes and advice are data that
travel with it unchanged. The new weights are evaluated with ``chromamatch.evaluation`` on
the people the training held back (relit copies, formats and bad inputs included), and those
figures are what ``promote_model`` compares. Reports and metrics are logged, never a photo.
"""

import hashlib
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from chromamatch import engine_data, evaluation, registry
from chromamatch.faces_manifest import read_manifest
from chromamatch.lighting_training import COPIES_PER_PHOTO, SEED, CopyPlan, train_lighting


@dataclass(frozen=True)
class TrainingOutcome:
    version: str
    figures: dict
    seconds: float


def manifest_sha256(data_dir: Path) -> str:
    return hashlib.sha256((Path(data_dir) / "manifest.csv").read_bytes()).hexdigest()


def train_and_register(
    mlflow_client,
    *,
    data_dir: Path,
    artifact_root: str | None,
    copies: int = COPIES_PER_PHOTO,
    seed: int = SEED,
    workers: int = 1,
    quick: bool = False,
) -> TrainingOutcome:
    """Train on ``data_dir`` (a folder with manifest.csv), evaluate, log and register."""
    started = time.monotonic()
    data_dir = Path(data_dir)
    photos = read_manifest(data_dir)
    trained = train_lighting(photos, CopyPlan(copies=copies, seed=seed), workers=workers)
    with tempfile.TemporaryDirectory() as folder:
        bundle = Path(folder)
        trained.save(bundle / engine_data.LIGHTING_MODEL_FILE)
        for name in (engine_data.PALETTES_FILE, engine_data.ADVICE_FILE):
            shutil.copyfile(engine_data.DATA_DIR / name, bundle / name)
        engine_data.write_config(bundle)
        held_out = [photo for photo in photos if photo.identity in trained.held_out]
        print(f"evaluating on {len(held_out)} photos of held-out people", file=sys.stderr)
        with engine_data.using(engine_data.EngineData.read(bundle)):
            figures = evaluation.evaluate(held_out, quick=quick)
        figures["lighting_targets_held_out"] = trained.figures["held_out"]
        seconds = time.monotonic() - started
        version = registry.log_version(
            mlflow_client,
            data_dir=bundle,
            figures=figures,
            artifact_root=artifact_root,
            params={
                "copies_per_photo": copies,
                "seed": seed,
                "people_held_out": len(trained.held_out),
                "photos": len(photos),
                "quick_evaluation": quick,
            },
            tags={
                "source": "train_model",
                "data_manifest_sha256": manifest_sha256(data_dir),
                "training_seconds": f"{seconds:.0f}",
            },
            reports={
                "evaluation.json": json.dumps(figures, indent=2),
                "evaluation.md": evaluation.render_markdown(
                    {**figures, "meta": {**figures["meta"], "command": "manage.py train_model"}}
                ),
            },
        )
    return TrainingOutcome(str(version.version), figures, seconds)
