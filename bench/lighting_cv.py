"""Choose the lighting estimator's fit settings by cross-validation over people.

    .venv/bin/python bench/lighting_cv.py collect --data /work/shared/data/faces/london
    .venv/bin/python bench/lighting_cv.py compare

``collect`` (5-15 minutes on 2 cores, once) reads every development photo's training rows
exactly as ``chromamatch.lighting_training`` reads them (as shot, reframed and dyed as shot,
relit copies) and keeps them, with the skin each row measured, in var/lighting_cv/rows.npz.

``compare`` (minutes per setting) fits the estimator with each setting of ``SETTINGS`` on all
people but one fold and runs the left-out people's rows through the engine's own correction
(``lighting.replayed_skin_lab``, then ITA, MST, undertone). The figures are those of
docs/EVALUATION.md, on people the fit never saw: the held-out figure a single split gives
rests on 16 people; this one rests on all of them. Each run's figures join the
earlier ones in docs/lighting_cv.json, and docs/lighting_cv.md shows them all.
"""

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chromamatch import colour, lighting, tone  # noqa: E402
from chromamatch.faces_manifest import read_manifest  # noqa: E402
from chromamatch.lighting import (  # noqa: E402
    FEATURE_NAMES,
    replayed_skin_lab,
)
from chromamatch.lighting_training import (  # noqa: E402
    AS_SHOT_WEIGHT,
    FRAMED_AS_SHOT_WEIGHT,
    SEED,
    CopyPlan,
    _relit_copies_job,
    fit_model,
)
from chromamatch.lighting_training import MEMBERS as SHIPPED_MEMBERS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ROWS = ROOT / "var" / "lighting_cv" / "rows.npz"
REPORT = ROOT / "docs" / "lighting_cv.md"
RESULTS = ROOT / "docs" / "lighting_cv.json"
FOLDS = 4
# Fewer members than the shipped five: a comparison needs the same settings on every side,
# not the last percent.
MEMBERS = 3

# Each setting: keyword arguments of fit_model, plus "as_shot_weight" (the weight of a photo
# as shot, shipped AS_SHOT_WEIGHT), "drop" (cue name prefixes left out of the fit) and "fade"
# (lighting's (_SMALL_CAST, _SMALL_EV): shifts under these fade to no change),
# "grey_surfaces" (False: the estimate is not pinned by a grey backdrop or top) and "learner"
# ("trees": gradient-boosted trees instead of the MLPs, "both": the two averaged).
SETTINGS = {
    "shipped": {},
    # The same fit from other random starts: how far chance alone moves a figure.
    "shipped, other starts": {"seed": SEED + 1000},
    "linear only": {"hidden": 0},
    "as shot weight 8": {"as_shot_weight": 8.0},
    "as shot weight 48": {"as_shot_weight": 48.0},
    "weight decay 1e-2": {"weight_decay": 1e-2},
    "8 hidden units": {"hidden": 8},
    "32 hidden units": {"hidden": 32},
    "no skin cues": {"drop": ("skin",)},
    "fade EV 0.1": {"fade": (lighting._SMALL_CAST, 0.1)},
    "fade cast 0.04": {"fade": (0.04, lighting._SMALL_EV)},
    "no grey surfaces": {"grey_surfaces": False},
    "10 members": {"members": 10},
    "gradient-boosted trees": {"learner": "trees"},
    "MLPs and trees averaged": {"learner": "both"},
}
# scikit-learn's histogram gradient boosting, one model per target, early stopping off so that
# every fold fits alike; settled on a few hand-tried values, not tuned.
TREES = {
    "max_iter": 400,
    "learning_rate": 0.05,
    "max_leaf_nodes": 15,
    "min_samples_leaf": 20,
    "l2_regularization": 1.0,
    "early_stopping": False,
}


def collect(data: Path, workers: int) -> None:
    photos = read_manifest(data)
    started = time.monotonic()
    with ProcessPoolExecutor(workers) as pool:
        results = list(
            pool.map(
                _relit_copies_job,
                # The within-range copies only: this bench cross-validates that ensemble.
                [(photo, CopyPlan(beyond_range_share=0.0)) for photo in photos],
                chunksize=2,
            )
        )
    columns = {
        k: [] for k in ("features", "surfaces", "targets", "weights", "skin", "identity", "photo")
    }
    ref_ita = {}
    for index, (photo, rows) in enumerate(results):
        ref_ita[int(photo.identity)] = photo.ref_ita
        for row in rows:
            columns["features"].append(row["features"])
            columns["surfaces"].append(row["surfaces"])
            columns["targets"].append(row["targets"])
            columns["weights"].append(row["weight"])
            columns["skin"].append(row["skin_observed"])
            columns["identity"].append(int(photo.identity))
            columns["photo"].append(index)
    ROWS.parent.mkdir(parents=True, exist_ok=True)
    identities = np.array(columns["identity"])
    np.savez_compressed(
        ROWS,
        feature_names=np.array(FEATURE_NAMES),
        ref_ita=np.array([ref_ita[i] for i in identities]),
        **{k: np.array(v) for k, v in columns.items()},
    )
    print(f"{len(identities)} rows in {time.monotonic() - started:.0f} s -> {ROWS}")


def load_rows() -> dict[str, np.ndarray]:
    """The collected rows, without those where every skin pixel clipped (nothing to correct:
    the engine refuses such a photo)."""
    with np.load(ROWS, allow_pickle=False) as data:
        if tuple(str(n) for n in data["feature_names"]) != FEATURE_NAMES:
            raise SystemExit(f"{ROWS} holds other cues; run collect again")
        measured = np.isfinite(data["skin"]).all(axis=1)
        return {k: data[k] if k == "feature_names" else data[k][measured] for k in data.files}


def _fit_fold(job: tuple[dict, dict, np.ndarray]) -> np.ndarray:
    """Predictions for one fold's left-out rows from a fit on the others."""
    rows, setting, left_out = job
    setting = {k: v for k, v in setting.items() if k not in ("fade", "grey_surfaces")}
    learner = setting.pop("learner", "mlp")
    weights = rows["weights"].copy()
    weights[weights == AS_SHOT_WEIGHT] = setting.pop("as_shot_weight", AS_SHOT_WEIGHT)
    features = rows["features"].copy()
    for prefix in setting.pop("drop", ()):
        columns = [i for i, name in enumerate(FEATURE_NAMES) if name.startswith(prefix)]
        features[:, columns] = 0.0  # a constant cue: standardised to zero, it drops out
    kept = ~left_out
    targets = rows["targets"]
    predictions = []
    if learner in ("mlp", "both"):
        setting.setdefault("members", MEMBERS)
        model = fit_model(features[kept], targets[kept], weights[kept], **setting)
        predictions.append(model.predict(features[left_out]))
    if learner in ("trees", "both"):
        from sklearn.ensemble import HistGradientBoostingRegressor

        trees = np.empty((left_out.sum(), targets.shape[1]))
        for column in range(targets.shape[1]):
            fitted = HistGradientBoostingRegressor(random_state=SEED, **TREES).fit(
                features[kept], targets[kept, column], sample_weight=weights[kept]
            )
            trees[:, column] = fitted.predict(features[left_out])
        predictions.append(trees)
    return np.mean(predictions, axis=0)


def corrected_lab(
    rows: dict,
    predicted: np.ndarray,
    fade: tuple[float, float] | None = None,
    grey_surfaces: bool = True,
) -> np.ndarray:
    if fade is not None:
        with mock.patch.multiple(lighting, _SMALL_CAST=fade[0], _SMALL_EV=fade[1]):
            return corrected_lab(rows, predicted, grey_surfaces=grey_surfaces)
    return np.array(
        [
            replayed_skin_lab(
                prediction, skin, features=features, surfaces=surfaces if grey_surfaces else None
            )
            for features, surfaces, prediction, skin in zip(
                rows["features"], rows["surfaces"], predicted, rows["skin"], strict=True
            )
        ]
    )


def figures(rows: dict, lab: np.ndarray) -> dict[str, float]:
    """The skin figures of docs/EVALUATION.md over the rows' corrected ``lab``."""
    ita = colour.ita_degrees(lab[:, 0], lab[:, 2])
    error = np.abs(ita - rows["ref_ita"])
    kind = np.where(
        rows["weights"] == AS_SHOT_WEIGHT,
        "as_shot",
        np.where(rows["weights"] == FRAMED_AS_SHOT_WEIGHT, "variant", "relit"),
    )
    # Each photo's own as-shot reading, which relit copies and variants are compared with.
    canonical = {p: i for i, p in enumerate(rows["photo"]) if kind[i] == "as_shot"}
    base = np.array([canonical[p] for p in rows["photo"]])
    mst = np.array([tone.monk_level(v) for v in ita])
    undertone = np.array([tone.undertone(v).label for v in lab])
    relit, variant, as_shot = kind == "relit", kind == "variant", kind == "as_shot"
    return {
        "as shot ITA error median": np.median(error[as_shot]),
        "relit ITA error median": np.median(error[relit]),
        "relit ITA error p90": np.percentile(error[relit], 90),
        "relit MST same": np.mean(mst[relit] == mst[base[relit]]),
        "relit undertone same": np.mean(undertone[relit] == undertone[base[relit]]),
        "reframed or dyed, ITA moved median": np.median(np.abs(ita - ita[base])[variant]),
    }


def compare(names: list[str], workers: int, folds: int) -> dict[str, dict[str, float]]:
    """Figures of each named setting, fitted ``folds`` times on all people but a fold."""
    rows = load_rows()
    people = np.unique(rows["identity"])
    fold_of = dict(
        zip(people, np.random.default_rng(SEED).permutation(len(people)) % folds, strict=True)
    )
    row_fold = np.array([fold_of[i] for i in rows["identity"]])
    results = {"none": figures(rows, colour.linear_rgb_to_lab(np.clip(rows["skin"], 0.0, 1.0)))}
    for name in names:
        started = time.monotonic()
        jobs = [(rows, SETTINGS[name], row_fold == fold) for fold in range(folds)]
        with ProcessPoolExecutor(workers) as pool:
            predictions = list(pool.map(_fit_fold, jobs))
        predicted = np.empty_like(rows["targets"])
        for fold, fold_predictions in enumerate(predictions):
            predicted[row_fold == fold] = fold_predictions
        setting = SETTINGS[name]
        results[name] = figures(
            rows,
            corrected_lab(rows, predicted, setting.get("fade"), setting.get("grey_surfaces", True)),
        )
        print(
            f"{name} ({time.monotonic() - started:.0f} s): "
            + ", ".join(f"{k} {v:.3f}" for k, v in results[name].items()),
            flush=True,
        )
    return results


def record(results: dict[str, dict[str, float]], folds: int, people: int) -> None:
    """Merge ``results`` into docs/lighting_cv.json (by setting and people per fit) and write
    docs/lighting_cv.md from all of it, so runs with other settings or folds add rows."""
    recorded = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    per_fit = round(people * (folds - 1) / folds)
    for name, values in results.items():
        key = name if name == "none" else f"{name}, {per_fit} people per fit"
        recorded[key] = {k: round(float(v), 3) for k, v in values.items()}
    RESULTS.write_text(json.dumps(recorded, indent=1) + "\n")
    names = list(next(iter(recorded.values())))
    lines = [
        "# Lighting estimator: fit settings under cross-validation by person",
        "",
        f"Last run {time.strftime('%Y-%m-%d')}: `.venv/bin/python bench/lighting_cv.py compare "
        f"[SETTING...] [--folds N]` on the rows of `collect` ({people} people; figures in "
        f"docs/lighting_cv.json). Each fit has {MEMBERS} members (the shipped model has "
        f'{SHIPPED_MEMBERS}). Every figure is on people the fit did not see; "none" is no '
        "correction. Relit rows are the training copies: reframed, dyed and near-daylight ones "
        "among them, so they are not the evaluation's relit figures, but they rank settings.",
        "",
        "| setting | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for setting, values in recorded.items():
        lines.append(f"| {setting} | " + " | ".join(f"{values[n]:.3f}" for n in names) + " |")
    REPORT.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    collecting = commands.add_parser("collect", help="read every photo's training rows")
    collecting.add_argument("--data", type=Path, required=True)
    comparing = commands.add_parser("compare", help="cross-validate the settings")
    # Checked below, not by choices=: Python 3.11's argparse checks an empty list (or a list
    # default) against the choices as one value, so the command never ran without arguments.
    comparing.add_argument("settings", nargs="*", help=f"all by default; of {list(SETTINGS)}")
    comparing.add_argument(
        "--folds", type=int, default=FOLDS, help="folds of people (more: more people per fit)"
    )
    for command in (collecting, comparing):
        command.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    if args.command == "collect":
        collect(args.data, args.workers)
    else:
        unknown = [name for name in args.settings if name not in SETTINGS]
        if unknown:
            parser.error(f"unknown settings {unknown}; choose from {list(SETTINGS)}")
        results = compare(args.settings or list(SETTINGS), args.workers, args.folds)
        record(results, args.folds, len(np.unique(load_rows()["identity"])))
        print(f"wrote {REPORT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
