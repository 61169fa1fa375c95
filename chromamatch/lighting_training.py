"""Train the learned lighting estimator on relit copies of the development faces.

    python -m chromamatch.lighting_training --data /work/shared/data/faces/london \\
        --out chromamatch/data/lighting_model.npz

Each photo is relit under random lights (chromamatch.relight.random_lighting), half of them
with a coloured wall behind the person, stored as a JPEG and loaded back as an upload is; it
also counts once as shot, where the target is no change. A fifth as many copies more
(``--beyond-range-share``) are exposed beyond the evaluation's -1..+0.7 EV (to -2 and +1.5):
an ensemble fitted with them reads such photos within 0.1 EV, but photos as shot 0.05-0.4
degrees of ITA worse than one fitted without (docs/lighting_model_card.md), so both are
fitted and the engine blends them by the exposure read (``lighting.LightingModel``); the
within-range one is exactly what training without them gives. Selfies are not framed like the
studio portraits, so part of the copies (and two copies as shot) are reframed first: shrunk,
cropped tighter, or pasted small into a large frame of the backdrop's or a wall's colour, then
loaded and searched for a face exactly as ``analysis.measure`` does (a small face is read again
at a higher resolution). Every development photo shows a white shirt, so half the copies (and
two more as shot) have it dyed another colour (chromamatch.relight.dye_clothing): what a person
wears must say nothing about the light. With ``--curved-share``, that share of the copies is
also rendered through a random tone curve (chromamatch.relight.tone_curve), as phones render
what they record; the target is then how far the skin itself moved. The shipped weights were
trained without: trained with 0.4, they took a third of a curve's shift out of the skin and
lost accuracy on photos as shot and under other lights (docs/lighting_model_card.md). Cues are
read from the relit pixels exactly as ``estimate_lighting`` reads them; on copies in the
original framing the face landmarks are found once per photo, since relighting does not move
them. People are split 80/20 by identity: the held-out people never reach the fit, and their
errors on the targets are printed and stored in the model file (bench/lighting_figures.py
gives their skin figures).
"""

import argparse
import json
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image

from chromamatch.analysis import locate_face
from chromamatch.colour import LUMA
from chromamatch.errors import AnalysisError
from chromamatch.face_landmarks import Face, find_faces
from chromamatch.faces_manifest import Photo, read_manifest
from chromamatch.image_loading import encode_jpeg, load_image
from chromamatch.lighting import (
    MODEL_PATH,
    Ensemble,
    LightingModel,
    grey_surface_colours,
    lighting_features,
    targets_from_gains,
)
from chromamatch.relight import (
    EV_RANGE,
    dye_clothing,
    lighting_gains,
    linear_to_srgb8,
    person_mask,
    random_clothing_colour,
    random_lighting,
    random_tone_curve,
    replace_background,
    srgb8_to_linear,
    tone_curve,
    white_clothing_mask,
)
from chromamatch.skin_sampling import sample_skin, skin_linear_rgb

SEED = 20240607
HOLDOUT_SHARE = 0.2
# Twice the copies of the white-shirt-only training: with dyed clothing in half of them the
# estimator has more to tell apart, and 40 cut the held-out EV error by 6 % against 20.
COPIES_PER_PHOTO = 40
HELD_OUT_COPIES = 8  # enough for the light's error figures; bench/ has the skin figures
# An unmodified photo must come out unchanged: its one example counts as this many, and this
# share of the relit copies are lit within a few percent of daylight (see photo_lights).
AS_SHOT_WEIGHT = 24.0
NEAR_NEUTRAL_SHARE = 0.15
# The beyond-range ensemble (lighting.LightingModel) also sees this share of copies more per
# photo, exposed beyond the evaluation's -1..+0.7 EV and within this range (see photo_lights):
# 0.2 reads photos from 2 stops under to 1.2 over within 0.1 EV (docs/lighting_model_card.md).
BEYOND_RANGE_SHARE = 0.2
BEYOND_EV_RANGE = (-2.0, 1.5)
# This share of the relit copies is reframed (see reframe), and each photo also counts this
# many times reframed as shot, each weighing this much.
FRAMED_SHARE = 0.4
FRAMED_AS_SHOT = 2
FRAMED_AS_SHOT_WEIGHT = 6.0
# This share of the copies has the white shirt dyed another colour (relight.dye_clothing), and
# each photo also counts this many times as shot in dyed clothes, each weighing as a framed one:
# the colour of what a person wears says nothing about the light.
DYED_SHARE = 0.5
DYED_AS_SHOT = 2
# Five members from different random starts, averaged: over 4-fold cross-validation by person
# they cut the held-out skin chromaticity error by about 6 %, as much as twice the copies.
MEMBERS = 5
HIDDEN_UNITS = 16
# Squared errors of (log R/G, log B/G, EV) of the light, then of the skin's shift, weigh this
# much. The skin's chromaticity is what undertone and season read; weighing it 4 times (and
# the light's EV half, as it only reports) cut its held-out error by 6 % at no cost in EV.
TARGET_WEIGHTS = np.array([1.0, 1.0, 0.5, 4.0, 4.0, 1.0])
EPOCHS = 3000
LEARNING_RATE = 0.01
WEIGHT_DECAY = 1e-3


@dataclass(frozen=True)
class CopyPlan:
    """What each photo gives for training: ``copies`` relit copies drawn from ``seed``,
    ``curved_share`` of them through a random tone curve, and ``beyond_range_share`` times as
    many more exposed beyond the evaluation's range. The default is the shipped training's."""

    copies: int = COPIES_PER_PHOTO
    seed: int = SEED
    curved_share: float = 0.0
    beyond_range_share: float = BEYOND_RANGE_SHARE


@dataclass(frozen=True)
class RelitSet:
    """Cues and targets of relit copies, one row per copy, photo by photo."""

    features: np.ndarray  # (n, len(FEATURE_NAMES))
    # (n, 6): log R/G, log B/G and EV of the light, then of how far the skin sample moved
    targets: np.ndarray
    weights: np.ndarray  # (n,)
    beyond_range: np.ndarray  # (n,) bool: exposed beyond the evaluation's range


def split_identities(photos: list[Photo], seed: int = SEED) -> tuple[set[str], set[str]]:
    """(training, held-out) identities: a seeded shuffle, about ``HOLDOUT_SHARE`` held out."""
    identities = sorted({photo.identity for photo in photos})
    order = np.random.default_rng(seed).permutation(len(identities))
    held_out = {identities[i] for i in order[: round(HOLDOUT_SHARE * len(identities))]}
    return set(identities) - held_out, held_out


@dataclass(frozen=True)
class PreparedPhoto:
    """What relighting does not move, computed once per photo."""

    shot: np.ndarray  # the photo as shot, loaded as the engine loads an upload
    face: Face
    linear: np.ndarray  # full-size linear RGB, for relighting
    person: np.ndarray  # full-size person mask, for the coloured walls
    clothing: np.ndarray  # full-size mask of the white shirt, for dyeing it


def prepare_photo(photo: Photo) -> PreparedPhoto | None:
    """The photo ready for relighting; None when no face is found in it."""
    shot = load_image(photo.data).rgb
    face = find_faces(shot).face
    if face is None:
        return None
    full = np.asarray(Image.open(photo.path).convert("RGB"))
    person = person_mask(full)
    face_bottom = face.box[3] * full.shape[0] / shot.shape[0]
    return PreparedPhoto(
        shot, face, srgb8_to_linear(full), person, white_clothing_mask(full, person, face_bottom)
    )


# The green tint that brings a 6504 K blackbody (about 5 % magenta against D65) back to
# daylight, and the exposure that takes the green it adds back out: where the near-daylight
# draws are centred.
_D65_TINT = float(np.mean(lighting_gains(6504.0, 0.0, 0.0)[[0, 2]]) - 1.0)
_D65_EV = -float(np.log2(LUMA @ lighting_gains(6504.0, _D65_TINT, 0.0)))


def photo_lights(
    photo: Photo,
    copies: int,
    seed: int,
    *,
    near_neutral_share: float = 0.0,
    beyond_range_share: float = 0.0,
) -> list[tuple[dict, int]]:
    """``copies`` random lights for ``photo``, each with a JPEG quality, from a seeded draw.

    ``near_neutral_share`` of them are moved to within a few percent of daylight at a normal
    exposure: the uniform draws almost never land there, and a photo whose white balance was
    right must come out as it went in, not off by the model's coarse resolution.
    ``beyond_range_share`` times ``copies`` (rounded up) more lights follow, from a draw of
    their own (the first ``copies`` stay the same), exposed beyond the evaluation's range
    (``relight.EV_RANGE``, out to ``BEYOND_EV_RANGE``): a phone misses by more on a dark face
    before a light wall, and an estimator that never saw such a photo read it as the nearest
    exposure it knew (2 stops under as -1.4 EV, ITA 20 degrees too dark:
    docs/lighting_model_card.md).
    """
    rng = np.random.default_rng([seed, int(photo.identity), photo.expression == "smiling"])
    lights = []
    for _ in range(copies):
        light = random_lighting(rng)
        if near_neutral_share and rng.random() < near_neutral_share:
            d65_mired = 1e6 / 6504
            light |= {
                "cct_k": 1e6 / rng.uniform(d65_mired - 12, d65_mired + 12),
                "tint": _D65_TINT + rng.uniform(-0.01, 0.01),
                "ev": _D65_EV + rng.uniform(-0.15, 0.15),
            }
        lights.append((light, int(rng.integers(80, 96))))
    beyond_rng = np.random.default_rng(
        [seed, int(photo.identity), photo.expression == "smiling", 4]
    )
    for _ in range(math.ceil(beyond_range_share * copies)):
        light = random_lighting(beyond_rng) | {"ev": _beyond_range_ev(beyond_rng)}
        lights.append((light, int(beyond_rng.integers(80, 96))))
    return lights


def _beyond_range_ev(rng: np.random.Generator) -> float:
    """An exposure drawn evenly from ``BEYOND_EV_RANGE`` outside ``relight.EV_RANGE``."""
    under = EV_RANGE[0] - BEYOND_EV_RANGE[0]
    step = rng.uniform(0.0, under + BEYOND_EV_RANGE[1] - EV_RANGE[1])
    return float(BEYOND_EV_RANGE[0] + step if step < under else EV_RANGE[1] + step - under)


# The photo's own light, for the copies that only change the framing or the clothes. Not a
# 6504 K blackbody: that is about 5 % magenta against D65 (blackbody_gains(6504) is
# [1.06, 1, 1.05]), and copies lit by it but labelled "no change" taught the estimator to move
# photos as shot.
OWN_LIGHT = {"cct_k": None, "tint": 0.0, "ev": 0.0, "wall_rgb": None}


def light_gains(light: dict) -> np.ndarray:
    """Linear-RGB gains of a drawn light; none for ``OWN_LIGHT``."""
    if light["cct_k"] is None:
        return np.ones(3)
    return lighting_gains(light["cct_k"], light["tint"], light["ev"])


def relit_picture(prepared: PreparedPhoto, light: dict) -> np.ndarray:
    """The photo relit at full size, as 8-bit sRGB."""
    scene = prepared.linear
    if light.get("clothing_rgb") is not None:
        scene = dye_clothing(scene, prepared.clothing, light["clothing_rgb"])
    if light["wall_rgb"] is not None:
        scene = replace_background(scene, prepared.person, light["wall_rgb"])
    picture = linear_to_srgb8(scene * light_gains(light).astype(np.float32))
    return tone_curve(picture, **light["curve"]) if light.get("curve") else picture


def relit_upload(prepared: PreparedPhoto, light: dict, quality: int) -> np.ndarray:
    """The photo relit at full size, stored as a JPEG and loaded back as an upload is."""
    return load_image(encode_jpeg(relit_picture(prepared, light), quality=quality)).rgb


def reframe(picture: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``picture`` framed otherwise: shrunk (480 px and up), cropped tighter around the middle,
    or pasted at a random place into a phone-sized frame of its backdrop's or a wall's colour.
    """
    height, width = picture.shape[:2]
    kind = rng.choice(("shrunk", "cropped", "framed"), p=(0.4, 0.2, 0.4))
    if kind == "shrunk":
        side = int(rng.uniform(480, 0.95 * max(height, width)))
        size = Image.fromarray(picture)
        size.thumbnail((side, side), Image.Resampling.LANCZOS)
        return np.asarray(size)
    if kind == "cropped":
        share = rng.uniform(0.6, 0.9)
        crop_h, crop_w = int(share * height), int(share * width)
        top = int(rng.uniform(0.0, 0.5) * (height - crop_h))
        left = int(rng.uniform(0.25, 0.75) * (width - crop_w))
        return picture[top : top + crop_h, left : left + crop_w]
    frame_w = int(rng.uniform(2400, 4032))
    frame_h = int(frame_w * rng.choice((0.75, 1.0, 1.333)))
    frame_w, frame_h = max(frame_w, width + 2), max(frame_h, height + 2)
    fill = picture[5, 5] if rng.random() < 0.5 else rng.integers(60, 240, 3)
    frame = np.empty((frame_h, frame_w, 3), dtype=np.uint8)
    frame[:] = np.asarray(fill, dtype=np.uint8)
    top, left = (int(rng.integers(0, n - m + 1)) for n, m in ((frame_h, height), (frame_w, width)))
    frame[top : top + height, left : left + width] = picture
    return frame


def load_as_analysed(data: bytes) -> tuple[np.ndarray, Face | None]:
    """The picture and face ``analysis.measure`` reads from an upload's bytes."""
    image, search = locate_face(data)
    return image.rgb, search.face


def relit_copies(photo: Photo, plan: CopyPlan) -> list[dict]:
    """Cues of ``photo`` as shot and under the random lights of ``plan``, read as the engine
    reads; the plan's curved share of them (except the photo itself) rendered through a random
    tone curve, and its beyond-range copies exposed beyond the evaluation's range.

    The face is found once, on the photo as shot: relighting does not move it. Returns an
    empty list when no face is found.
    """
    prepared = prepare_photo(photo)
    if prepared is None:
        return []
    rows = [
        _copy_row(prepared.shot, prepared.face, np.zeros(3))
        | {"weight": AS_SHOT_WEIGHT, "beyond_range": False}
    ]
    seed = plan.seed
    lights = photo_lights(
        photo,
        plan.copies,
        seed,
        near_neutral_share=NEAR_NEUTRAL_SHARE,
        beyond_range_share=plan.beyond_range_share,
    )
    # Its own draw, so that the lights stay those bench/lighting_figures.py draws.
    framing_rng = np.random.default_rng(
        [seed, int(photo.identity), photo.expression == "smiling", 1]
    )
    clothing_rng = np.random.default_rng(
        [seed, int(photo.identity), photo.expression == "smiling", 2]
    )
    curve_rng = np.random.default_rng([seed, int(photo.identity), photo.expression == "smiling", 3])
    as_shot_copies = FRAMED_AS_SHOT + DYED_AS_SHOT
    for index, (light, quality) in enumerate([(OWN_LIGHT, 92)] * as_shot_copies + lights):
        as_shot = index < as_shot_copies
        framed = index < FRAMED_AS_SHOT if as_shot else framing_rng.random() < FRAMED_SHARE
        if (as_shot and not framed) or clothing_rng.random() < DYED_SHARE:
            light = light | {"clothing_rgb": random_clothing_colour(clothing_rng)}
        if curve_rng.random() < plan.curved_share:
            light = light | {"curve": random_tone_curve(curve_rng)}
        try:
            if framed:
                picture = reframe(relit_picture(prepared, light), framing_rng)
                rgb, face = load_as_analysed(encode_jpeg(picture, quality=quality))
                if face is None:
                    continue
            else:
                rgb, face = relit_upload(prepared, light, quality), prepared.face
            row = _copy_row(rgb, face, targets_from_gains(light_gains(light)))
        except AnalysisError as error:
            # The engine refuses it (too dark to show colour, say): nothing to learn from.
            print(f"{photo.path.name}, copy {index}: refused, {error.message}", file=sys.stderr)
            continue
        rows.append(
            row
            | {
                "weight": FRAMED_AS_SHOT_WEIGHT if as_shot else 1.0,
                "beyond_range": index >= as_shot_copies + plan.copies,
            }
        )
    # What the skin measurement itself moved by: the light, and what clipping moved (red
    # rebuilt at the darker pixels' hue, pixels that clipped in green or blue left out).
    as_shot_skin = rows[0]["skin_observed"]
    for row in rows:
        skin_moved = targets_from_gains(row["skin_observed"] / as_shot_skin)
        row["targets"] = np.concatenate(
            [row["light"], skin_moved if np.isfinite(skin_moved).all() else row["light"]]
        )
    return rows


def _copy_row(rgb: np.ndarray, face: Face, light: np.ndarray) -> dict:
    skin = sample_skin(rgb, face)
    return {
        "features": lighting_features(rgb, face, skin),
        # Not a cue of the model: the engine pins its estimate with them afterwards, and
        # bench/lighting_cv.py reads every row's skin through that same step.
        "surfaces": grey_surface_colours(rgb, face),
        "light": light,
        # A light can clip every skin pixel; the cues can still be read then.
        "skin_observed": (
            np.asarray(skin_linear_rgb(skin), dtype=np.float64)
            if len(skin.linear_rgb)
            else np.full(3, np.nan)
        ),
    }


def _relit_copies_job(job: tuple[Photo, CopyPlan]) -> tuple[Photo, list[dict]]:
    return job[0], relit_copies(*job)


def build_relit_set(photos: list[Photo], plan: CopyPlan, *, workers: int = 2) -> RelitSet:
    """Relit copies of every photo, read in ``workers`` processes (rows in photo order)."""
    jobs = [(photo, plan) for photo in photos]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_relit_copies_job, jobs, chunksize=2))
    else:
        results = [_relit_copies_job(job) for job in jobs]
    rows = []
    for photo, photo_rows in results:
        if not photo_rows:
            print(f"no face found in {photo.path.name}; skipped", file=sys.stderr)
        rows += photo_rows
    return RelitSet(
        features=np.array([row["features"] for row in rows]),
        targets=np.array([row["targets"] for row in rows]),
        weights=np.array([row["weight"] for row in rows]),
        beyond_range=np.array([row["beyond_range"] for row in rows], dtype=bool),
    )


def fit_model(
    features: np.ndarray,
    targets: np.ndarray,
    weights: np.ndarray,
    *,
    members: int = MEMBERS,
    hidden: int = HIDDEN_UNITS,
    epochs: int = EPOCHS,
    weight_decay: float = WEIGHT_DECAY,
    seed: int = SEED,
) -> Ensemble:
    """Fit ``members`` MLPs-with-linear-skip, each from its own seeded start, and average them.

    The cues are standardised once for all members, and every skip path starts at the same
    ridge solution, so the hidden units only learn what a linear map of the cues cannot (a
    clipped white patch, a wall that disagrees with the eyes).
    """
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale < 1e-6] = 1.0
    x = (features - mean) / scale
    w = weights / weights.mean()
    target_mean = np.average(targets, axis=0, weights=w)
    y = targets - target_mean
    xw = x * w[:, None]
    ridge = np.linalg.solve(x.T @ xw + 1.0 * np.eye(x.shape[1]), xw.T @ y)
    fitted = [
        _fit_member(
            x,
            y,
            w,
            ridge,
            hidden=hidden,
            epochs=epochs,
            weight_decay=weight_decay,
            seed=seed + member,
        )
        for member in range(members)
    ]
    for member in fitted:
        member["output_bias"] = member["output_bias"] + target_mean
    return Ensemble.of_members(fitted, feature_mean=mean, feature_scale=scale)


def _fit_member(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    ridge: np.ndarray,
    *,
    hidden: int,
    epochs: int,
    weight_decay: float,
    seed: int,
) -> dict[str, np.ndarray]:
    """One MLP by full-batch Adam on squared error, weighted by example and by target."""
    rng = np.random.default_rng(seed)
    params = {
        "linear_weights": ridge.copy(),
        "hidden_weights": rng.normal(0.0, 1.0 / np.sqrt(x.shape[1]), (x.shape[1], hidden)),
        "hidden_bias": np.zeros(hidden),
        "output_weights": np.zeros((hidden, y.shape[1])),
        "output_bias": np.zeros(y.shape[1]),
    }
    moments = {name: (np.zeros_like(p), np.zeros_like(p)) for name, p in params.items()}
    beta1, beta2 = 0.9, 0.999
    example_weights = w[:, None] * TARGET_WEIGHTS / len(x)
    for step in range(1, epochs + 1):
        # A cosine decay settles the weights instead of leaving them circling the minimum.
        rate = LEARNING_RATE * 0.5 * (1.0 + np.cos(np.pi * step / epochs))
        pre = x @ params["hidden_weights"] + params["hidden_bias"]
        hidden_out = np.tanh(pre)
        error = (
            x @ params["linear_weights"]
            + hidden_out @ params["output_weights"]
            + params["output_bias"]
            - y
        )
        grad_out = 2.0 * error * example_weights
        grad_hidden = (grad_out @ params["output_weights"].T) * (1.0 - hidden_out**2)
        grads = {
            "linear_weights": x.T @ grad_out + weight_decay * params["linear_weights"],
            "hidden_weights": x.T @ grad_hidden + weight_decay * params["hidden_weights"],
            "hidden_bias": grad_hidden.sum(axis=0),
            "output_weights": hidden_out.T @ grad_out + weight_decay * params["output_weights"],
            "output_bias": grad_out.sum(axis=0),
        }
        for name, grad in grads.items():
            m, v = moments[name]
            m[:] = beta1 * m + (1 - beta1) * grad
            v[:] = beta2 * v + (1 - beta2) * grad**2
            m_hat, v_hat = m / (1 - beta1**step), v / (1 - beta2**step)
            params[name] -= rate * m_hat / (np.sqrt(v_hat) + 1e-8)
    return params


def target_errors(predicted: np.ndarray, targets: np.ndarray) -> dict[str, float]:
    """Median and p90 of the chromaticity (log units) and EV errors, of the light and skin."""
    errors = {}
    for name, first in (("light", 0), ("skin", 3)):
        difference = predicted[:, first : first + 3] - targets[:, first : first + 3]
        chroma = np.hypot(difference[:, 0], difference[:, 1])
        ev = np.abs(difference[:, 2])
        errors |= {
            f"{name}_chroma_err_median": float(np.median(chroma)),
            f"{name}_chroma_err_p90": float(np.percentile(chroma, 90)),
            f"{name}_ev_err_median": float(np.median(ev)),
            f"{name}_ev_err_p90": float(np.percentile(ev, 90)),
        }
    return errors


@dataclass(frozen=True)
class TrainedLighting:
    model: LightingModel
    held_out: set[str]  # identities kept out of the fit
    figures: dict[str, dict[str, float]]  # target errors on "training" and "held_out" copies
    plan: CopyPlan

    def save(self, path: Path) -> None:
        plan = self.plan
        self.model.save(
            path,
            held_out_identities=",".join(sorted(self.held_out)),
            seed=str(plan.seed),
            copies_per_photo=str(plan.copies),
            curved_share=str(plan.curved_share),
            # Only where used: weights trained without hold the within-range ensemble alone.
            **(
                {"beyond_range_share": str(plan.beyond_range_share)}
                if plan.beyond_range_share
                else {}
            ),
            figures=json.dumps(self.figures),
        )


def train_lighting(
    photos: list[Photo], plan: CopyPlan = CopyPlan(), *, workers: int = 1
) -> TrainedLighting:
    """Split people, relight their photos as ``plan`` says (the held-out people with
    ``HELD_OUT_COPIES`` each), fit the estimator and measure it on both groups.

    The within-range ensemble is fitted on the copies within the evaluation's exposures only,
    exactly as without beyond-range copies; the beyond-range one on all of them.
    """
    started = time.monotonic()
    seed = plan.seed
    training, held_out = split_identities(photos, seed)
    print(
        f"{len(training)} people for training, {len(held_out)} held out; "
        f"{plan.copies} relit copies per photo",
        file=sys.stderr,
    )
    sets = {
        name: build_relit_set(
            [photo for photo in photos if photo.identity in people],
            plan if name == "training" else replace(plan, copies=HELD_OUT_COPIES),
            workers=workers,
        )
        for name, people in (("training", training), ("held_out", held_out))
    }
    print(f"copies read in {time.monotonic() - started:.0f} s", file=sys.stderr)
    fitted = sets["training"]
    within = ~fitted.beyond_range
    model = LightingModel(
        fit_model(
            fitted.features[within], fitted.targets[within], fitted.weights[within], seed=seed
        ),
        fit_model(fitted.features, fitted.targets, fitted.weights, seed=seed)
        if fitted.beyond_range.any()
        else None,
    )
    figures = {
        name: target_errors(
            model.predict(data.features[~data.beyond_range]), data.targets[~data.beyond_range]
        )
        for name, data in sets.items()
    }
    beyond = sets["held_out"].beyond_range
    if beyond.any():
        figures["held_out_beyond_range"] = target_errors(
            model.predict(sets["held_out"].features[beyond]), sets["held_out"].targets[beyond]
        )
    for name, errors in figures.items():
        print(f"{name}: " + ", ".join(f"{k} {v:.3f}" for k, v in errors.items()), file=sys.stderr)
    return TrainedLighting(model, held_out, figures, plan)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="development faces folder")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the .npz")
    parser.add_argument("--copies", type=int, default=COPIES_PER_PHOTO, help="per photo")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--curved-share",
        type=float,
        default=0.0,
        help="share of the copies rendered through a random tone curve",
    )
    parser.add_argument(
        "--beyond-range-share",
        type=float,
        default=BEYOND_RANGE_SHARE,
        help="that share of copies more, exposed beyond the evaluation's -1..+0.7 EV, for the "
        "beyond-range ensemble (0: none)",
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    plan = CopyPlan(
        copies=args.copies,
        seed=args.seed,
        curved_share=args.curved_share,
        beyond_range_share=args.beyond_range_share,
    )
    trained = train_lighting(read_manifest(args.data), plan, workers=args.workers)
    trained.save(args.out)
    print(
        f"wrote {args.out} in {time.monotonic() - started:.0f} s; skin figures on the held-out "
        "people: bench/lighting_figures.py",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
