"""Skin colour through the lighting correction, on people the learned estimator never saw.

    .venv/bin/python bench/lighting_figures.py --data /work/shared/data/faces/london

For each held-out person (the model file names them), the neutral photo is relit under random
lights (half with a coloured wall), stored as a JPEG and loaded back as an upload is; then the
engine's own steps run on every copy: find_faces, sample_skin, estimate_lighting (learned and
rule-based), correct_linear_rgb of skin_linear_rgb, CIELAB, ITA. The photos as shot (neutral
and smiling) go through the same steps, and so does each neutral photo framed otherwise as
chromamatch.evaluation.format_variants frames it (shrunk to 480 px; pasted small into a 12 MP
frame of its backdrop colour, loaded as analysis.measure loads it) and with its white shirt
dyed a random colour (relight.dye_clothing). Figures compare with the
manifest's reference, as docs/EVALUATION.md defines them; "none" is the skin with no
correction, for scale.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chromamatch import colour, evaluation  # noqa: E402
from chromamatch.face_landmarks import find_faces  # noqa: E402
from chromamatch.faces_manifest import read_manifest  # noqa: E402
from chromamatch.image_loading import encode_jpeg  # noqa: E402
from chromamatch.lighting import (  # noqa: E402
    FEATURE_NAMES,
    GREY_SURFACES,
    MODEL_PATH,
    RULE_PRIORS,
    correct_linear_rgb,
    estimate_lighting,
    grey_surface_colours,
    held_out_identities,
    lighting_features,
    targets_from_gains,
)
from chromamatch.lighting_training import (  # noqa: E402
    OWN_LIGHT,
    load_as_analysed,
    photo_lights,
    prepare_photo,
    relit_upload,
)
from chromamatch.relight import lighting_gains, random_clothing_colour  # noqa: E402
from chromamatch.skin_sampling import sample_skin, skin_linear_rgb  # noqa: E402

BENCH_SEED = 7  # not the training seed: these lights were never drawn for training
METHODS = ("learned", "rule", "none")
# The photo as shot, read otherwise: shrunk, small in a 12 MP frame, in a dyed shirt.
VARIANTS = ("480px", "small_in_12mp", "dyed_clothing")
DYED_PER_PHOTO = 2


def framed(full: np.ndarray, variant: str) -> np.ndarray:
    """The photo as evaluation.format_variants frames it, loaded as analysis.measure loads it."""
    image = Image.fromarray(full)
    picture = evaluation.shrunk(image) if variant == "480px" else evaluation.in_large_frame(image)
    return load_as_analysed(encode_jpeg(np.asarray(picture), quality=92))[0]


def dyed(prepared, rng: np.random.Generator) -> np.ndarray:
    """The photo as shot with its white shirt dyed a random colour, loaded as an upload is."""
    return relit_upload(prepared, OWN_LIGHT | {"clothing_rgb": random_clothing_colour(rng)}, 92)


def measure(photos, copies: int) -> list[dict]:
    """One record per (upload, method): ITA and Lab of the skin, the light's errors, time."""
    records = []
    rng = np.random.default_rng(BENCH_SEED)
    for photo in photos:
        prepared = prepare_photo(photo)
        if prepared is None:
            print(f"no face in {photo.path.name}", file=sys.stderr)
            continue
        uploads = [(prepared.shot, None, None)]
        if photo.expression == "neutral":
            full = np.asarray(Image.open(photo.path).convert("RGB"))
            uploads += [(framed(full, variant), None, variant) for variant in VARIANTS[:2]]
            uploads += [(dyed(prepared, rng), None, "dyed_clothing") for _ in range(DYED_PER_PHOTO)]
            uploads += [
                (relit_upload(prepared, light, quality), light, None)
                for light, quality in photo_lights(photo, copies, BENCH_SEED)
            ]
        for rgb, light, variant in uploads:
            face = find_faces(rgb).face
            skin = sample_skin(rgb, face) if face is not None else None
            true_cct, true_ev = 6504.0, 0.0
            if light is not None:
                gains = lighting_gains(light["cct_k"], light["tint"], light["ev"])
                true_cct, true_ev = light["cct_k"], float(targets_from_gains(gains)[2])
            base = {
                "file": photo.path.name,
                "as_shot": light is None and variant is None,
                "variant": variant,
                "wall": bool(light and light["wall_rgb"] is not None),
                "ref_lab": photo.ref_lab,
            }
            for method in METHODS:
                record = {**base, "method": method, "lab": None}
                records.append(record)
                if skin is None or len(skin.linear_rgb) == 0:
                    continue  # no face, or every skin pixel clipped: the engine refuses it
                linear = skin_linear_rgb(skin)
                if method != "none":
                    started = time.perf_counter()
                    estimate = estimate_lighting(rgb, face, skin, method=method)
                    record["ms"] = (time.perf_counter() - started) * 1000
                    linear = correct_linear_rgb(linear, estimate)
                    record["confidence"] = estimate.confidence
                    record["mired_err"] = abs(1e6 / estimate.cct_k - 1e6 / true_cct)
                    record["ev_err"] = abs(estimate.exposure_ev - true_ev)
                record["lab"] = colour.linear_rgb_to_lab(linear)
    return records


def figures(records: list[dict], method: str) -> dict:
    def pick(**where):
        return [
            r for r in records if r["method"] == method and all(r[k] == v for k, v in where.items())
        ]

    def skin_errors(rows):
        ok = [r for r in rows if r["lab"] is not None]
        lab = np.array([r["lab"] for r in ok]).reshape(-1, 3)
        ref = np.array([r["ref_lab"] for r in ok]).reshape(-1, 3)
        ita = colour.ita_degrees(lab[:, 0], lab[:, 2])
        ref_ita = colour.ita_degrees(ref[:, 0], ref[:, 2])
        return np.abs(ita - ref_ita), colour.ciede2000(lab, ref), len(rows) - len(ok)

    relit = pick(as_shot=False, variant=None)
    ita_err, de00, refused = skin_errors(relit)
    shot_err, _, _ = skin_errors(pick(as_shot=True))
    # The same photo framed otherwise should read as the photo as shot, through this method.
    as_shot_lab = {r["file"]: r["lab"] for r in pick(as_shot=True)}
    variants = {
        variant: [
            abs(
                float(colour.ita_degrees(r["lab"][0], r["lab"][2]))
                - float(colour.ita_degrees(as_shot_lab[r["file"]][0], as_shot_lab[r["file"]][2]))
            )
            for r in pick(variant=variant)
            if r["lab"] is not None and as_shot_lab.get(r["file"]) is not None
        ]
        for variant in VARIANTS
    }
    # How far the correction moved a photo as shot: it should not move it at all.
    uncorrected = {r["file"]: r["lab"] for r in records if r["as_shot"] and r["method"] == "none"}
    shot_drift = [
        abs(
            float(colour.ita_degrees(r["lab"][0], r["lab"][2]))
            - float(colour.ita_degrees(uncorrected[r["file"]][0], uncorrected[r["file"]][2]))
        )
        for r in pick(as_shot=True)
        if r["lab"] is not None
    ]
    # The correction's own error: against the same pipeline's skin on the photo as shot, which
    # takes the skin sampling's disagreement with the reference out of the figure.
    lighting_only = [
        abs(
            float(colour.ita_degrees(r["lab"][0], r["lab"][2]))
            - float(colour.ita_degrees(uncorrected[r["file"]][0], uncorrected[r["file"]][2]))
        )
        for r in relit
        if r["lab"] is not None and uncorrected.get(r["file"]) is not None
    ]
    result = {
        "relit.copies": len(relit),
        "relit.refused": refused,
        "relit.ita_abs_err_median": float(np.median(ita_err)),
        "relit.ita_abs_err_p90": float(np.percentile(ita_err, 90)),
        "relit.de00_median": float(np.median(de00)),
        "relit.ita_abs_err_vs_as_shot_median": float(np.median(lighting_only)),
        "relit.ita_abs_err_vs_as_shot_p90": float(np.percentile(lighting_only, 90)),
        "relit_wall.ita_abs_err_median": float(np.median(skin_errors(pick(wall=True))[0])),
        "relit_no_wall.ita_abs_err_median": float(
            np.median(skin_errors(pick(as_shot=False, variant=None, wall=False))[0])
        ),
        "as_shot.ita_abs_err_median": float(np.median(shot_err)),
        "as_shot.ita_moved_median": float(np.median(shot_drift)),
    } | {
        f"{variant}.ita_diff_from_as_shot_median": float(np.median(diffs))
        for variant, diffs in variants.items()
    }
    if method != "none":
        lit = [r for r in relit if "ev_err" in r]
        result["relit.cct_err_median_mired"] = float(np.median([r["mired_err"] for r in lit]))
        # Confidence should fall as the error grows: a negative rank correlation.
        confident = [r for r in relit if r["lab"] is not None]
        result["relit.spearman_confidence_vs_ita_err"] = float(
            spearmanr([r["confidence"] for r in confident], skin_errors(confident)[0])[0]
        )
        result["relit.ev_err_median"] = float(np.median([r["ev_err"] for r in lit]))
        result["ms_median"] = float(
            np.median([r["ms"] for r in records if r["method"] == method and "ms" in r])
        )
    return {key: round(value, 3) for key, value in result.items()}


def print_priors(data: Path, held_out: set[str]) -> None:
    """The cues' medians over the training people's photos as shot: what RULE_PRIORS holds,
    and the colours of the grey surfaces that GREY_SURFACES holds."""
    rows, surfaces = [], []
    for photo in read_manifest(data):
        if photo.identity in held_out:
            continue
        prepared = prepare_photo(photo)
        if prepared is not None:
            skin = sample_skin(prepared.shot, prepared.face)
            rows.append(lighting_features(prepared.shot, prepared.face, skin))
            surfaces.append(grey_surface_colours(prepared.shot, prepared.face))
    medians = dict(zip(FEATURE_NAMES, np.median(rows, axis=0), strict=True))
    print("RULE_PRIORS")
    for cue in RULE_PRIORS:
        values = [round(float(medians[f"{cue}_{p}"]), 3) for p in ("log_rg", "log_bg", "log_y")]
        print(f'    "{cue}": ({values[0]}, {values[1]}, {values[2]}),')
    print("GREY_SURFACES (log R/G, log B/G where read; how many read)")
    for name, colours in zip(GREY_SURFACES, np.transpose(surfaces, (1, 0, 2)), strict=True):
        read = colours[np.isfinite(colours).all(axis=1)]
        rg, bg = np.round(np.median(read, axis=0), 3)
        print(f'    "{name}": ({rg}, {bg}), {len(read)} of {len(colours)}')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--model", type=Path, default=MODEL_PATH)
    parser.add_argument("--copies", type=int, default=10, help="relit copies per neutral photo")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--priors", action="store_true", help="print the rule's priors")
    args = parser.parse_args()
    held_out = held_out_identities(args.model)
    if args.priors:
        print_priors(args.data, held_out)
        return 0

    photos = [p for p in read_manifest(args.data) if p.identity in held_out]
    started = time.monotonic()
    records = measure(photos, args.copies)
    results = {method: figures(records, method) for method in METHODS}
    print(
        f"{len(held_out)} held-out people, {len(photos)} photos, {args.copies} relit copies "
        f"per neutral photo, seed {BENCH_SEED}, {time.monotonic() - started:.0f} s\n"
    )
    keys = list(results["learned"])
    print("| figure | " + " | ".join(METHODS) + " |")
    print("|---|" + "---|" * len(METHODS))
    for key in keys:
        print(f"| {key} | " + " | ".join(str(results[m].get(key, "")) for m in METHODS) + " |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
