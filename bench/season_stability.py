"""Where season flips come from, and the season's population constants, from the engine's own steps.

    .venv/bin/python bench/season_stability.py collect [--seed N --copies K]
    .venv/bin/python bench/season_stability.py calibrate
    .venv/bin/python bench/season_stability.py report [--seed N ...]

``collect`` runs analysis.measure on each development photo as shot (neutral and smiling) and
on relit copies of each neutral photo, drawn exactly as ``chromamatch.evaluate`` draws them
(its seed, four per photo; ``--seed`` for other draws), and keeps what the season is decided
from (the Colouring) with diagnostics: the skin of each region, each eye, the skin's gains and
the light's own (which irises and hair are divided by), in var/season_measurements_<seed>.json.

``calibrate`` prints the population constants of chromamatch/season.py (median and standard
deviation of each measurement over the photos as shot, each axis's spread) and the confidence
scale that fits the re-measurement noise. Run it after ``collect`` whenever a measurement
changes, paste the constants, ``collect`` again and check that they hold.

``report`` gives, with the season rules as they are now:

- the figures of issue 4 on these photos (season the same on neutral and smiling photos,
  unchanged under relit copies, seasons used), for all people and the held-out ones
  (``chromamatch.lighting.held_out_identities``);
- the same two shares estimated with pooled noise: each person's neutral photo moved by every
  person's own neutral-to-smiling (or neutral-to-relit) change of the four axes. With 78
  people a single draw moves the exact figure by about 0.05; the pooled estimate moves by
  about 0.01 between rule variants that differ in nothing but luck;
- per measurement and per axis, the noise between a person's two photos (and between a photo
  and its relit copies) as a share of the spread between people (neutral photos), per photo;
- which axis each flip turned on (the one whose change alone gives the other photo's
  season), and how many flips each source of measurements causes (the share that keeps its
  season when skin, hair or eyes are read from the neutral photo in the other one too).
"""

import argparse
import json
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chromamatch import season, tone  # noqa: E402
from chromamatch.analysis import measure  # noqa: E402
from chromamatch.colour import linear_rgb_to_lab  # noqa: E402
from chromamatch.errors import AnalysisError  # noqa: E402
from chromamatch.evaluation import EVALUATION_SEED, RELIT_PER_PHOTO, relit_uploads  # noqa: E402
from chromamatch.eye_colour import iris_linear_rgb  # noqa: E402
from chromamatch.faces_manifest import read_manifest  # noqa: E402
from chromamatch.lighting import (  # noqa: E402
    correct_linear_rgb,
    estimate_lighting,
    held_out_identities,
)
from chromamatch.season import SEASONS, Colouring, classify_season  # noqa: E402
from chromamatch.skin_sampling import REGIONS, sample_skin  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
AXES = ("temperature", "value", "chroma", "contrast")
DECISION_AXES = ("temperature", "value", "clarity")


def _cache(seed: int) -> Path:
    return ROOT / "var" / f"season_measurements_{seed}.json"


# --- collect ------------------------------------------------------------------------------


def _floats(values) -> list[float] | None:
    return None if values is None else [float(v) for v in values]


def _record(data: bytes) -> dict | None:
    try:
        m = measure(data)
    except AnalysisError:
        return None
    c = m.colouring
    skin = sample_skin(m.rgb, m.face)
    lighting = estimate_lighting(m.rgb, m.face, skin)
    skin_lab = linear_rgb_to_lab(correct_linear_rgb(skin.linear_rgb, lighting))
    eyes = []
    for pixels in iris_linear_rgb(m.rgb, m.face):
        eyes.append(len(pixels))
    return {
        "skin_lab": _floats(c.skin_lab),
        "undertone": c.undertone,
        "hue_deviation": float(c.hue_deviation),
        "chroma_deviation": float(c.chroma_deviation),
        "eye_lab": _floats(c.eye_lab),
        "hair_lab": _floats(c.hair_lab),
        "steady_skin_lab": _floats(c.steady_skin_lab),
        "hair_coverage": float(c.hair_coverage),
        "skin_regions": {
            name: _floats(np.median(skin_lab[skin.regions == index], axis=0))
            for index, name in enumerate(REGIONS)
            if (skin.regions == index).sum() >= 30
        },
        "eye_pixels": eyes,
        "gains": _floats(lighting.gains),
        "exposure_ev": float(lighting.exposure_ev),
        "light_gains": _floats(lighting.light_gains),
        "season": m.result["season"]["label"],
    }


def collect(data_dir: Path, seed: int, copies: int) -> None:
    photos = read_manifest(data_dir)
    records = [
        {"file": p.file, "identity": p.identity, "kind": p.expression, "m": _record(p.data)}
        for p in photos
    ]
    neutral = [photo for photo in photos if photo.expression == "neutral"]
    drawn = Counter()
    for photo, light, upload in relit_uploads(neutral, copies, seed):
        records.append(
            {"file": photo.file, "identity": photo.identity}
            | {"kind": f"relit{drawn[photo.file]}", "light": light}
            | {"m": _record(upload)}
        )
        drawn[photo.file] += 1
    _cache(seed).parent.mkdir(exist_ok=True)
    _cache(seed).write_text(json.dumps(records))
    print(f"{len(records)} records -> {_cache(seed)}")


def colouring_of(m: dict) -> Colouring:
    def array(key):
        return None if m.get(key) is None else np.array(m[key])

    return Colouring(
        skin_lab=np.array(m["skin_lab"]),
        undertone=m["undertone"],
        hue_deviation=m["hue_deviation"],
        chroma_deviation=m["chroma_deviation"],
        eye_lab=array("eye_lab"),
        hair_lab=array("hair_lab"),
        steady_skin_lab=array("steady_skin_lab"),
        hair_coverage=m.get("hair_coverage", 1.0),
    )


def _people(seed: int, people: set[str] | None = None) -> dict[str, dict[str, Colouring]]:
    by_person: dict[str, dict[str, Colouring]] = {}
    for r in json.loads(_cache(seed).read_text()):
        if r["m"] is not None and (people is None or r["identity"] in people):
            by_person.setdefault(r["identity"], {})[r["kind"]] = colouring_of(r["m"])
    return by_person


# --- calibrate ----------------------------------------------------------------------------


def _raw_measurements(c: Colouring) -> dict[str, float]:
    skin_lightness = float(c.skin_lab[0])
    raw = {
        "SKIN_LIGHTNESS": skin_lightness,
        "SKIN_HUE_DEVIATION": c.hue_deviation,
        "SKIN_CHROMA_DEVIATION": c.chroma_deviation,
    }
    if c.steady_skin_lab is not None:
        steady = tone.undertone(c.steady_skin_lab)
        raw["STEADY_HUE_DEVIATION"] = steady.hue_deviation
        raw["STEADY_CHROMA_DEVIATION"] = steady.chroma_deviation
    if c.hair_lab is not None:
        lightness, a, b = (float(v) for v in c.hair_lab)
        raw |= {"HAIR_LIGHTNESS": lightness, "_hair_a_plus_b": a + b}
        raw["HAIR_CONTRAST"] = (skin_lightness - lightness) / skin_lightness
    if c.eye_lab is not None:
        lightness, a, b = (float(v) for v in c.eye_lab)
        raw |= {"EYE_LIGHTNESS": lightness, "EYE_CHROMA": float(np.hypot(a, b)), "EYE_WARMTH": b}
        raw["EYE_CONTRAST"] = (skin_lightness - lightness) / skin_lightness
    return raw


def calibrate(seed: int) -> None:
    photos = [c for kinds in _people(seed).values() for k, c in kinds.items() if k in _AS_SHOT]
    raws = [_raw_measurements(c) for c in photos]
    constants: dict[str, tuple[float, float]] = {}
    for name in sorted({k for r in raws for k in r if not k.startswith("_")}):
        values = np.array([r[name] for r in raws if name in r])
        constants[name] = (float(np.median(values)), float(np.std(values)))
    hair = np.array(
        [(r["HAIR_LIGHTNESS"], r["_hair_a_plus_b"]) for r in raws if "_hair_a_plus_b" in r]
    )
    slope, intercept = np.polyfit(hair[:, 0], hair[:, 1], 1)
    residual = hair[:, 1] - (slope * hair[:, 0] + intercept)
    constants["HAIR_WARMTH_FIT"] = (float(slope), float(intercept))
    constants["HAIR_WARMTH"] = (float(np.median(residual)), float(np.std(residual)))
    print(f"# {len(photos)} photos as shot, seed {seed} cache")
    for name, (a, b) in constants.items():
        print(f"{name} = ({a:.3g}, {b:.3g})")

    # Each axis's spread, with these constants in place of the module's.
    saved = {name: getattr(season, name) for name in constants}
    try:
        for name, value in constants.items():
            setattr(season, name, value)
        means = {axis: [] for axis in AXES}
        for c in photos:
            features, trust = season._features(c), season._trust(c)
            for axis in AXES:
                weights = getattr(season, f"{axis.upper()}_WEIGHTS")
                mean = season.axis_mean(features, weights, trust)
                if mean is not None:
                    means[axis].append(mean)
        print(
            "AXIS_SPREAD = {"
            + ", ".join(f'"{axis}": {np.std(v):.2f}' for axis, v in means.items())
            + "}"
        )
    finally:
        for name, value in saved.items():
            setattr(season, name, value)

    # Confidence scale, with the module's constants: confidence against the pooled estimate of
    # the share of re-measurements (neutral to smiling changes) that keep each person's season.
    people = _people(seed)
    raw = {i: {k: _raw_axes(c) for k, c in kinds.items()} for i, kinds in people.items()}
    noise = np.array([r["smiling"] - r["neutral"] for r in raw.values() if "smiling" in r])
    kept, margins = [], []
    for r in raw.values():
        labels = _labels(r["neutral"][None, :] + noise)
        label = _labels(r["neutral"][None, :])[0]
        kept.append(float(np.mean(labels == label)))
        axes = _tanh_axes(r["neutral"])
        margins.append(season._margin(axes, season._scores(axes)))
    kept, margins = np.array(kept), np.array(margins)
    scales = np.linspace(0.02, 0.6, 59)
    errors = [np.mean((0.5 + 0.5 * np.tanh(margins / s) - kept) ** 2) for s in scales]
    best = float(scales[int(np.argmin(errors))])
    print(f"CONFIDENCE_MARGIN = {best:.2f}  # Brier {min(errors):.3f}")


_AS_SHOT = ("neutral", "smiling")


# --- report -------------------------------------------------------------------------------


def _raw_axes(c: Colouring) -> np.ndarray:
    """The four axes before tanh (each in its population spreads), for pooling noise."""
    axes = season._axes(season._features(c), season._trust(c))
    return np.arctanh(np.clip([axes[a] for a in AXES], -1 + 1e-12, 1 - 1e-12))


def _tanh_axes(raw: np.ndarray) -> dict[str, float]:
    axes = dict(zip(AXES, np.tanh(raw), strict=True))
    axes["clarity"] = (1 - season.CLARITY_CONTRAST_SHARE) * axes["chroma"] + (
        season.CLARITY_CONTRAST_SHARE * axes["contrast"]
    )
    return axes


def _labels(raw: np.ndarray) -> np.ndarray:
    """Season indices of rows of raw axes, as classify_season decides."""
    return np.array([int(np.argmax(season._scores(_tanh_axes(row)))) for row in raw])


def _flip_axis(neutral: np.ndarray, other: np.ndarray) -> str:
    """The decision axis whose change alone gives the other photo's season, if one does."""
    target = _labels(other[None, :])[0]
    found = []
    for axis, indices in (("temperature", [0]), ("value", [1]), ("clarity", [2, 3])):
        moved = neutral.copy()
        moved[indices] = other[indices]
        if _labels(moved[None, :])[0] == target:
            found.append(axis)
    return "+".join(found) if found else "several"


def _share(flags) -> float:
    flags = list(flags)
    return round(float(np.mean(flags)), 3) if flags else float("nan")


def _noise_table(people) -> dict:
    """Per measurement and axis: per-photo noise as a share of the spread over people."""
    neutral, smiling, relit = {}, {}, {}
    for kinds in people.values():
        if "neutral" not in kinds:
            continue
        base = season._features(kinds["neutral"]) | dict(
            zip(AXES, _raw_axes(kinds["neutral"]), strict=True)
        )
        for key, value in base.items():
            neutral.setdefault(key, []).append(value)
        for kind, c in kinds.items():
            if kind == "neutral":
                continue
            other = season._features(c) | dict(zip(AXES, _raw_axes(c), strict=True))
            into = smiling if kind == "smiling" else relit
            for key in base.keys() & other.keys():
                into.setdefault(key, []).append(other[key] - base[key])

    def noise(diffs, spread):
        return round(float(np.sqrt(np.mean(np.square(diffs)) / 2)) / spread, 2) if diffs else None

    return {
        key: {
            "smiling": noise(smiling.get(key), float(np.std(values))),
            "relit": noise(relit.get(key), float(np.std(values))),
        }
        for key, values in sorted(neutral.items())
    }


def _sources_frozen(people) -> dict:
    """Share keeping its season when one source is read from the neutral photo in both."""
    sources = {
        "skin": ("skin_lab", "hue_deviation", "chroma_deviation", "steady_skin_lab", "undertone"),
        "hair": ("hair_lab", "hair_coverage"),
        "eyes": ("eye_lab",),
    }
    out = {}
    for name, fields in ({"none": ()} | sources).items():
        smile, lit = [], []
        for kinds in people.values():
            if "neutral" not in kinds:
                continue
            base = kinds["neutral"]
            label = classify_season(base).label
            for kind, c in kinds.items():
                if kind == "neutral":
                    continue
                frozen = replace(c, **{f: getattr(base, f) for f in fields})
                (smile if kind == "smiling" else lit).append(classify_season(frozen).label == label)
        out[name] = {"smiling": _share(smile), "relit": _share(lit)}
    return out


def report(seeds: list[int], held_out: set[str]) -> dict:
    figures = {}
    base_people = _people(seeds[0])
    raw = {i: {k: _raw_axes(c) for k, c in kinds.items()} for i, kinds in base_people.items()}
    smile_noise = np.array([r["smiling"] - r["neutral"] for r in raw.values() if "smiling" in r])
    for seed in seeds:
        people = _people(seed)
        raw_seed = {i: {k: _raw_axes(c) for k, c in kinds.items()} for i, kinds in people.items()}
        relit_noise = np.array(
            [v - r["neutral"] for r in raw_seed.values() for k, v in r.items() if "relit" in k]
        )
        for group, ids in (
            ("all", list(people)),
            ("held_out", [i for i in people if i in held_out]),
        ):
            labels = {i: {k: classify_season(c).label for k, c in people[i].items()} for i in ids}
            pairs = [v for v in labels.values() if {"neutral", "smiling"} <= v.keys()]
            relit = [v[k] == v["neutral"] for v in labels.values() for k in v if "relit" in k]
            neutral_labels = Counter(v["neutral"] for v in labels.values() if "neutral" in v)
            pooled_smile, pooled_relit = [], []
            for i in ids:
                point = raw_seed[i]["neutral"][None, :]
                label = _labels(point)[0]
                pooled_smile.append(np.mean(_labels(point + smile_noise) == label))
                pooled_relit.append(np.mean(_labels(point + relit_noise) == label))
            causes = Counter(
                _flip_axis(raw_seed[i]["neutral"], raw_seed[i]["smiling"])
                for i in ids
                if labels[i]["neutral"] != labels[i].get("smiling", labels[i]["neutral"])
            )
            relit_causes = Counter(
                _flip_axis(raw_seed[i]["neutral"], raw_seed[i][k])
                for i in ids
                for k in labels[i]
                if "relit" in k and labels[i][k] != labels[i]["neutral"]
            )
            figures[f"{seed}/{group}"] = {
                "people": len(ids),
                "season_same_neutral_smiling": _share(p["neutral"] == p["smiling"] for p in pairs),
                "season_same_relit": _share(relit),
                "pooled_noise_same_neutral_smiling": _share(pooled_smile),
                "pooled_noise_same_relit": _share(pooled_relit),
                "family_same_neutral_smiling": _share(
                    p["neutral"].split()[1] == p["smiling"].split()[1] for p in pairs
                ),
                "smiling_flips_by_axis": dict(causes.most_common()),
                "relit_flips_by_axis": dict(relit_causes.most_common()),
                "seasons_used": len(neutral_labels),
                "distribution": {s: neutral_labels[s] for s in SEASONS if neutral_labels[s]},
            }
    figures["noise_per_photo_over_spread"] = _noise_table(base_people)
    figures["same_with_source_read_from_neutral_photo"] = _sources_frozen(base_people)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/faces/london")
    c.add_argument("--seed", type=int, default=EVALUATION_SEED)
    c.add_argument("--copies", type=int, default=RELIT_PER_PHOTO)
    k = sub.add_parser("calibrate")
    k.add_argument("--seed", type=int, default=EVALUATION_SEED)
    r = sub.add_parser("report")
    r.add_argument("--seed", type=int, action="append")
    args = parser.parse_args()
    if args.command == "collect":
        collect(args.data, args.seed, args.copies)
    elif args.command == "calibrate":
        calibrate(args.seed)
    else:
        print(json.dumps(report(args.seed or [EVALUATION_SEED], held_out_identities()), indent=1))


if __name__ == "__main__":
    main()
