"""What a better lighting estimate could still gain on the evaluation's relit copies.

    .venv/bin/python bench/relit_ceiling.py --data /work/shared/data/faces/london [--seed N]

Relit copies of every neutral development photo are drawn exactly as
``chromamatch.evaluation.relit_figures`` draws them (its seed and four per photo, unless
``--seed`` says otherwise), stored as JPEGs and read back as an upload is. The engine's own
steps then run on each (face, skin sample, lighting cues, the learned model's prediction), and
the correction is replayed with parts of the estimate replaced by the truth the copy was made
with:

- engine: as ``analysis.measure`` does it;
- no grey surfaces: without ``pin_to_grey_surfaces``;
- true light's colour: the light's (log R/G, log B/G) known, the model's clipped-skin shift
  (skin minus light) and exposure kept;
- true exposure: the light's EV known, its colour estimated and pinned as the engine does;
- true light: colour and exposure known, and no clipped-skin shift; what is left is the skin
  sample itself (clipping, re-detected landmarks, JPEG).

"Face clipped" copies are those where more of the face box than ``quality.MAX_CLIPPED_SHARE``
(the share at which the engine warns `overexposed`) clipped, read from the lighting cue
``face_clipped`` (the whole box) rather than from ``quality.assess_quality``'s own count (the
box's middle), so the split is close to the engine's warning but not the same count; on most of
them the greater part of the cheek is saturated in at least one channel.

Figures as docs/EVALUATION.md defines them, against each photo's own reading as shot; "hue
moved" is the median change of the skin hue's deviation (``tone.undertone``: in standard
deviations of people of the same lightness) from that reading. Written to
docs/relit_ceiling.md.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chromamatch import colour, engine_data, quality, relight, tone  # noqa: E402
from chromamatch.analysis import located_face  # noqa: E402
from chromamatch.evaluation import EVALUATION_SEED, RELIT_PER_PHOTO, relit_uploads  # noqa: E402
from chromamatch.faces_manifest import read_manifest  # noqa: E402
from chromamatch.lighting import (  # noqa: E402
    FEATURE_NAMES,
    grey_surface_colours,
    lighting_features,
    replayed_skin_lab,
    targets_from_gains,
)
from chromamatch.skin_sampling import sample_skin, skin_linear_rgb  # noqa: E402

REPORT = Path(__file__).resolve().parent.parent / "docs" / "relit_ceiling.md"


def read_copy(data: bytes) -> dict:
    image, search = located_face(data)
    rgb, face = image.rgb, search.face
    skin = sample_skin(rgb, face)
    return {
        "features": lighting_features(rgb, face, skin),
        "surfaces": grey_surface_colours(rgb, face),
        "skin": skin_linear_rgb(skin),
    }


def collect(data_dir: Path, seed: int) -> tuple[dict[str, dict], list[dict]]:
    """Each neutral photo as shot (by photo), and the relit copies drawn as the evaluation
    draws them."""
    neutral = [photo for photo in read_manifest(data_dir) if photo.expression == "neutral"]
    as_shot = {photo.file: read_copy(photo.data) for photo in neutral}
    relit = []
    for photo, light, upload in relit_uploads(neutral, RELIT_PER_PHOTO, seed):
        gains = relight.lighting_gains(light["cct_k"], light["tint"], light["ev"])
        read = read_copy(upload)
        relit.append(
            read
            | {
                "photo": photo.file,
                "light": targets_from_gains(gains),
                "wall": light["wall_rgb"] is not None,
                "clipped": is_clipped(read["features"]),
                "ref_ita": photo.ref_ita,
            }
        )
    return as_shot, relit


def is_clipped(features: np.ndarray) -> bool:
    """Whether more of the face box clipped than the share at which the engine warns
    `overexposed` (read from the lighting cue over the whole box; ``quality.assess_quality``
    counts the box's middle, and also warns on the estimated exposure)."""
    share = features[FEATURE_NAMES.index("face_clipped")]
    return bool(share > quality.MAX_CLIPPED_SHARE)


REPLAYS = ("engine", "no grey surfaces", "true light's colour", "true exposure", "true light")


def replayed(copy: dict, prediction: np.ndarray, pinned: bool) -> dict:
    lab = replayed_skin_lab(
        prediction,
        copy["skin"],
        features=copy["features"],
        surfaces=copy["surfaces"] if pinned else None,
    )
    ita = float(colour.ita_degrees(lab[0], lab[2]))
    undertone = tone.undertone(lab)
    return {
        "ita": ita,
        "mst": tone.monk_level(ita),
        "undertone": undertone.label,
        "hue_deviation": undertone.hue_deviation,
        "chroma_deviation": undertone.chroma_deviation,
    }


def predictions(copy: dict, model) -> dict[str, tuple[np.ndarray, bool]]:
    """Each of ``REPLAYS``: the (light, skin shift) prediction, and whether grey surfaces
    pin it."""
    predicted = model.predict(copy["features"][None])[0]
    light, clip_shift = predicted[:3], predicted[3:] - predicted[:3]
    truth = copy["light"]
    true_colour = np.concatenate([truth[:2], light[2:]])
    true_ev = np.concatenate([light[:2], truth[2:]])
    return {
        "engine": (predicted, True),
        "no grey surfaces": (predicted, False),
        "true light's colour": (np.concatenate([true_colour, true_colour + clip_shift]), False),
        "true exposure": (np.concatenate([true_ev, true_ev + clip_shift]), True),
        "true light": (np.concatenate([truth, truth]), False),
    }


def near_a_boundary(reading: dict, margin: float = 0.15) -> bool:
    """Whether an undertone reading lies within ``margin`` (in its own deviations) of the
    neutral band's edges or of the olive cut (``tone.undertone``)."""
    hue, chroma = reading["hue_deviation"], reading["chroma_deviation"]
    band = tone._NEUTRAL_BAND
    return abs(abs(hue) - band) < margin or (hue > band and abs(chroma + band) < margin)


def figures(
    as_shot: dict[str, dict], relit: list[dict]
) -> tuple[dict[str, dict[str, float | str]], tuple[int, int], tuple[int, int]]:
    """Each replay's figures, how many people (of how many) read as shot lie near an
    undertone boundary, and how many copies (of how many) clipped; every copy is compared with
    the engine's own reading of its photo as shot, as the evaluation compares it."""
    model = engine_data.current().lighting_model
    canonical = {
        photo: replayed(copy, model.predict(copy["features"][None])[0], pinned=True)
        for photo, copy in as_shot.items()
    }
    wall = np.array([copy["wall"] for copy in relit])
    clipped = np.array([copy["clipped"] for copy in relit])
    # One model prediction per copy, every replay built from it.
    replays = [predictions(copy, model) for copy in relit]
    results = {}
    for name in REPLAYS:
        error, mst, undertone, hue_moved = [], [], [], []
        for copy, replay in zip(relit, replays, strict=True):
            reading = replayed(copy, *replay[name])
            base = canonical[copy["photo"]]
            error.append(abs(reading["ita"] - copy["ref_ita"]))
            mst.append(reading["mst"] == base["mst"])
            undertone.append(reading["undertone"] == base["undertone"])
            hue_moved.append(abs(reading["hue_deviation"] - base["hue_deviation"]))
        error, mst, undertone = np.array(error), np.array(mst), np.array(undertone)
        results[name] = {
            "ITA error median": float(np.median(error)),
            "ITA error p90": float(np.percentile(error, 90)),
            "MST same": float(mst.mean()),
            "undertone same": float(undertone.mean()),
            "undertone same, grey backdrop": float(undertone[~wall].mean()),
            "undertone same, coloured wall": float(undertone[wall].mean()),
            "MST same, face clipped / not": (
                f"{mst[clipped].mean():.3f} / {mst[~clipped].mean():.3f}"
            ),
            "undertone same, face clipped / not": (
                f"{undertone[clipped].mean():.3f} / {undertone[~clipped].mean():.3f}"
            ),
            # In standard deviations of skin hue between people of the same lightness.
            "hue moved, median": float(np.median(hue_moved)),
        }
    near = sum(near_a_boundary(reading) for reading in canonical.values())
    return results, (near, len(canonical)), (int(clipped.sum()), len(relit))


def _cell(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="development faces folder")
    parser.add_argument("--seed", type=int, default=EVALUATION_SEED)
    args = parser.parse_args(argv)
    started = time.monotonic()
    results, (near, people), (clipped, copies) = figures(*collect(args.data, args.seed))
    names = list(next(iter(results.values())))
    table = [
        "| replay | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
        *(
            f"| {replay} | " + " | ".join(_cell(values[n]) for n in names) + " |"
            for replay, values in results.items()
        ),
    ]
    section = [
        f"## Seed {args.seed}",
        "",
        f"Run {time.strftime('%Y-%m-%d')}: `.venv/bin/python bench/relit_ceiling.py --data "
        f"../shared/data/faces/london --seed {args.seed}`.",
        "",
        *table,
        "",
        f'As shot, {near} of {people} people lie within 0.15 (in the same deviations as "hue '
        'moved") of an undertone boundary.',
        "",
        f"In {clipped} of {copies} copies more than "
        f"{quality.MAX_CLIPPED_SHARE:.0%} of the face box clipped (the share at which the "
        "engine warns `overexposed`).",
    ]
    # One section per seed: a run with another seed adds its own, a rerun replaces its own.
    sections = {}
    if REPORT.exists():
        for block in REPORT.read_text().split("\n## ")[1:]:
            sections[block.split("\n", 1)[0]] = "## " + block.rstrip("\n")
    sections[f"Seed {args.seed}"] = "\n".join(section)
    REPORT.write_text(
        "# Relit copies: what a better lighting estimate could still gain\n\n"
        + (__doc__.split("\n\n", 2)[2].strip() + "\n\n")
        + "\n\n".join(sections.values())
        + "\n"
    )
    print("\n".join(table))
    print(f"{time.monotonic() - started:.0f} s -> {REPORT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
