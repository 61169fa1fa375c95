"""Analyses the drift tests compare: real ones of development photos, or stored results."""

import numpy as np
from django.utils import timezone
from PIL import Image

from analysis import services
from analysis.models import Analysis, Selfie
from chromamatch import relight
from chromamatch.image_loading import encode_jpeg
from worker.tasks import analyse

# The London portraits are 1350 px; at 640 px a face is still ~210 px wide (the engine needs
# 96) and an analysis through the task takes a fraction of the time.
PHOTO_SIDE = 640
PEOPLE_SEED = 20261127


def people_photos(shared_faces) -> list:
    """One neutral photo per person, in a fixed shuffled order (the files are sorted by
    identity, so consecutive people would share a photo session's quirks)."""
    photos = sorted((shared_faces / "images").glob("*_03.jpg"))
    order = np.random.default_rng(PEOPLE_SEED).permutation(len(photos))
    return [photos[i] for i in order]


def _pixels(path) -> np.ndarray:
    picture = Image.open(path).convert("RGB")
    picture.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
    return np.asarray(picture)


def as_shot(path) -> bytes:
    return encode_jpeg(_pixels(path), quality=92)


def under_a_lamp(path, rng: np.random.Generator) -> bytes:
    """The photo under a warm, greenish, bright light (beyond the tint the lighting estimator
    was trained on, so it is not fully corrected), taken from further away: the face is about
    half as wide in a frame of the same size."""
    rgb = _pixels(path)
    lit = relight.relight(
        rgb,
        cct_k=float(rng.uniform(1900, 2200)),
        tint=float(rng.uniform(0.07, 0.09)),
        ev=float(rng.uniform(0.5, 0.7)),
    )
    height, width = lit.shape[:2]
    smaller = Image.fromarray(lit).resize((int(width * 0.55), int(height * 0.55)))
    frame = np.empty_like(lit)
    frame[:] = lit.reshape(-1, 3).mean(axis=0).astype(np.uint8)
    top, left = (height - smaller.height) // 2, (width - smaller.width) // 2
    frame[top : top + smaller.height, left : left + smaller.width] = np.asarray(smaller)
    return encode_jpeg(frame, quality=92)


def analysed(owner, data: bytes) -> Analysis:
    """An analysis made as the product makes one: the service, then the task."""
    analysis = services.analysis_create(owner=owner, data=data)
    analyse.apply(args=[analysis.pk])
    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.DONE, analysis.error
    return analysis


def stored_result(rng: np.random.Generator, *, warm: bool = False) -> dict:
    """An engine result with plausible features, for tests about reports rather than drift."""
    cct = float(rng.normal(2300 if warm else 6400, 100))
    lightness = float(rng.normal(60, 8))
    return {
        "ok": True,
        "skin": {
            "lab": [lightness, float(rng.normal(-3 if warm else 10, 2)), float(rng.normal(13, 3))],
            "ita": float(rng.normal(10 if warm else 35, 10)),
            "mst": int(rng.integers(3, 9)),
        },
        "lighting": {"cct_k": cct, "exposure_ev": float(rng.normal(0.8 if warm else 0, 0.05))},
        "face_box": [200, 200, 400 if not warm else 300, 440],
        "quality": {"warnings": [], "score": 0.6 if warm else 1.0},
        "undertone": {"label": str(rng.choice(["warm", "cool", "neutral"]))},
        "season": {"label": str(rng.choice(["bright spring", "deep winter", "cool summer"]))},
    }


def stored_analyses(
    owner, count: int, *, warm: bool = False, version: str = "1", engine: str = "abc"
) -> None:
    """Done analyses with stored results and no picture (the drift check reads only results)."""
    rng = np.random.default_rng(count + (1 if warm else 0))
    for _ in range(count):
        selfie = Selfie.objects.create(owner=owner, width=640, height=640, size_bytes=1)
        Analysis.objects.create(
            selfie=selfie,
            status=Analysis.Status.DONE,
            result=stored_result(rng, warm=warm),
            model_name="ChromaMatch_Model",
            model_version=version,
            engine_code=engine,
            finished_at=timezone.now(),
        )
