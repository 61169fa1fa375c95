"""The figures of EVALUATION.md on a folder of faces with reference skin measurements.

``python -m chromamatch evaluate`` (``make eval``) runs it on the development set and writes
docs/evaluation.md and docs/evaluation.json. Relit copies use their own seed, never the one
the lighting estimator was trained with.
"""

import datetime
import io
import json
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image
from scipy.stats import spearmanr

from chromamatch import colour, relight
from chromamatch.analysis import analyze
from chromamatch.faces_manifest import Photo, read_manifest, read_template
from chromamatch.image_loading import encode_jpeg
from chromamatch.lighting_training import OWN_LIGHT, prepare_photo, relit_picture
from chromamatch.quality import EXPOSURE_WARNINGS, exposure_spoiled

EVALUATION_SEED = 20261127
RELIT_PER_PHOTO = 4


def _median(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(float(statistics.median(values)), 3) if values else None


def _mean(values) -> float | None:
    values = list(values)
    return round(float(np.mean(values)), 3) if values else None


def _share(flags) -> float | None:
    flags = list(flags)
    return round(sum(flags) / len(flags), 3) if flags else None


def as_shot_figures(photos: list[Photo]) -> tuple[dict, dict[str, dict]]:
    results = [analyze(p.data, filename=p.file) for p in photos]
    ok = [(r, p) for r, p in zip(results, photos, strict=True) if r["ok"]]
    ita = [r["skin"]["ita"] for r, _ in ok]
    refs = [p.ref_ita for _, p in ok]
    mst = [r["skin"]["mst"] for r, _ in ok]
    figures = {
        "images": len(photos),
        "analysed": len(ok),
        "ita_abs_err_median": _median(abs(r["skin"]["ita"] - p.ref_ita) for r, p in ok),
        "spearman_ita": round(float(spearmanr(ita, refs)[0]), 3),
        "mst_levels_used": len(set(mst)),
        "spearman_mst_vs_ref_ita": round(float(spearmanr(mst, refs)[0]), 3),
        "ms_median": _median(r["ms"] for r, _ in ok),
    }
    return figures, {p.file: r for r, p in zip(results, photos, strict=True)}


def relit_uploads(neutral: list[Photo], copies: int, seed: int = EVALUATION_SEED):
    """(photo, light, JPEG bytes) of ``copies`` relit copies of each photo, drawn in order from
    one seeded generator: the evaluation's copies, and the benchmarks' that must be the same."""
    rng = np.random.default_rng(seed)
    for photo in neutral:
        rgb = np.asarray(Image.open(io.BytesIO(photo.data)).convert("RGB"))
        mask = relight.person_mask(rgb)
        for _ in range(copies):
            light = relight.random_lighting(rng)
            lit = relight.relight(rgb, person_mask=mask, **light)
            yield photo, light, encode_jpeg(lit, quality=92)


def relit_figures(
    neutral: list[Photo], canonical: dict[str, dict], copies: int, seed: int = EVALUATION_SEED
) -> dict:
    return relit_summary(relit_readings(neutral, copies, seed), canonical)


def relit_readings(
    neutral: list[Photo], copies: int, seed: int = EVALUATION_SEED
) -> list[tuple[Photo, dict]]:
    """Each relit copy's photo and the engine's result on it, failures included."""
    return [
        (photo, analyze(upload, filename=photo.file))
        for photo, _, upload in relit_uploads(neutral, copies, seed)
    ]


def relit_summary(readings: list[tuple[Photo, dict]], canonical: dict[str, dict]) -> dict:
    """The relit figures of EVALUATION.md over ``relit_readings`` (or any part of them)."""
    ita_err, de00, mst_within1, kept = [], [], [], []
    failed = 0
    for photo, result in readings:
        base = canonical[photo.file]
        if not result["ok"]:
            failed += 1
            continue
        ita_err.append(abs(result["skin"]["ita"] - photo.ref_ita))
        de00.append(float(colour.ciede2000(np.array(result["skin"]["lab"]), photo.ref_lab)))
        if base["ok"]:
            mst_within1.append(abs(result["skin"]["mst"] - base["skin"]["mst"]) <= 1)
            kept.append(kept_from_canonical(result, base))
    shares = kept_figures(kept)
    return {
        "copies": len(readings),
        "failed": failed,
        "ita_abs_err_median": _median(ita_err),
        "ita_abs_err_p90": round(float(np.percentile(ita_err, 90)), 3) if ita_err else None,
        "de00_median": _median(de00),
        "mst_same_as_canonical": shares["mst_same_as_canonical"],
        "mst_within1_of_canonical": _share(mst_within1),
        "undertone_same_as_canonical": shares["undertone_same_as_canonical"],
        "season_same_as_canonical": shares["season_same_as_canonical"],
        "by_exposure_warning": {
            label: {"copies": len(group), **kept_figures(group)}
            for label, warned in (("without", False), ("with", True))
            if (group := [k for k in kept if k["exposure_warned"] == warned])
        },
    }


def kept_from_canonical(result: dict, base: dict) -> dict:
    """What a relit copy's reading kept of its photo's reading as shot, how sure the copy's
    reading said it was, and whether the engine warned the copy about its exposure."""
    return {
        "mst": result["skin"]["mst"] == base["skin"]["mst"],
        "undertone": result["undertone"]["label"] == base["undertone"]["label"],
        "season": result["season"]["label"] == base["season"]["label"],
        "undertone_confidence": result["undertone"]["confidence"],
        "season_confidence": result["season"]["confidence"],
        "exposure_warned": exposure_spoiled(result["quality"]["warnings"]),
    }


def kept_figures(kept: list[dict]) -> dict:
    """Shares of ``kept_from_canonical`` readings that kept each label, beside the mean
    confidence the copies gave it: a confidence that means what it says is about the share."""
    return {
        "mst_same_as_canonical": _share(k["mst"] for k in kept),
        "undertone_same_as_canonical": _share(k["undertone"] for k in kept),
        "season_same_as_canonical": _share(k["season"] for k in kept),
        "undertone_confidence_mean": _mean(k["undertone_confidence"] for k in kept),
        "season_confidence_mean": _mean(k["season_confidence"] for k in kept),
    }


def colouring_figures(photos: list[Photo], canonical: dict[str, dict]) -> dict:
    """Part 2: season and face shape, their stability and spread, face shape vs templates."""
    from chromamatch.face_shape import face_shape_from_points, template_points

    by_person: dict[str, dict[str, dict]] = {}
    for photo in photos:
        if canonical[photo.file]["ok"]:
            by_person.setdefault(photo.identity, {})[photo.expression] = canonical[photo.file]
    pairs = [p for p in by_person.values() if {"neutral", "smiling"} <= p.keys()]
    neutral = [p["neutral"] for p in by_person.values() if "neutral" in p]
    seasons = Counter(r["season"]["label"] for r in neutral)
    shapes = Counter(r["face_shape"]["label"] for r in neutral)

    length_errors = []
    for photo in photos:
        result = canonical[photo.file]
        if photo.template is None or not photo.template.exists() or not result["ok"]:
            continue
        template = face_shape_from_points(template_points(read_template(photo.template)))
        ours = result["face_shape"]["measurements"]["length_to_width"]
        length_errors.append(abs(ours / template.measurements["length_to_width"] - 1))
    return {
        "people_with_both_photos": len(pairs),
        "season_same_neutral_smiling": _share(
            p["neutral"]["season"]["label"] == p["smiling"]["season"]["label"] for p in pairs
        ),
        "face_shape_same_neutral_smiling": _share(
            p["neutral"]["face_shape"]["label"] == p["smiling"]["face_shape"]["label"]
            for p in pairs
        ),
        "seasons_used": len(seasons),
        "face_shapes_used": len(shapes),
        "length_to_width_rel_err_vs_template_median": _median(length_errors),
        "season_distribution": dict(seasons.most_common()),
        "face_shape_distribution": dict(shapes.most_common()),
        "colouring_ms_median": _median(
            r["timings"]["colouring_and_advice_ms"] for r in canonical.values() if r["ok"]
        ),
    }


# Where the photo sits in a 12 MP frame: off centre, as a face far from the camera would.
_LARGE_FRAME_SIZE = (4032, 3024)
_LARGE_FRAME_AT = (1341, 837)


def shrunk(image: Image.Image, side: int = 480) -> Image.Image:
    """The photo shrunk to fit ``side`` pixels, as a messaging app sends it."""
    small = image.copy()
    small.thumbnail((side, side), Image.Resampling.LANCZOS)
    return small


def in_large_frame(image: Image.Image) -> Image.Image:
    """The photo small in a 12 MP frame of its backdrop's colour (its pixel at (5, 5))."""
    frame = Image.new("RGB", _LARGE_FRAME_SIZE, image.getpixel((5, 5)))
    frame.paste(image, _LARGE_FRAME_AT)
    return frame


def format_variants(data: bytes) -> dict[str, bytes]:
    """The same photo in each format and size EVALUATION.md lists."""
    import pillow_heif

    image = Image.open(io.BytesIO(data)).convert("RGB")
    variants = {}

    def save(name: str, picture: Image.Image, fmt: str, **options) -> None:
        buffer = io.BytesIO()
        picture.save(buffer, fmt, **options)
        variants[name] = buffer.getvalue()

    save("png", image, "PNG")
    save("webp", image, "WEBP", quality=90)
    heif = pillow_heif.from_pillow(image)
    buffer = io.BytesIO()
    heif.save(buffer, quality=90)
    variants["heic"] = buffer.getvalue()
    save("480px", shrunk(image), "JPEG", quality=92)
    save("3000px", image.resize((3000, 3000), Image.Resampling.LANCZOS), "JPEG", quality=92)
    save("jpeg_q35", image, "JPEG", quality=35)
    # Stored turned a quarter, with the EXIF tag that tells viewers to turn it back.
    exif = Image.Exif()
    exif[0x0112] = 6
    save("exif_rotated", image.transpose(Image.Transpose.ROTATE_90), "JPEG", quality=92, exif=exif)
    save("small_in_12mp", in_large_frame(image), "JPEG", quality=92)
    return variants


def format_figures(neutral: list[Photo], canonical: dict[str, dict]) -> dict:
    errors_vs_shot, errors_vs_ref, unread = [], [], []
    per_variant: dict[str, list[float]] = {}
    for photo in neutral:
        base = canonical[photo.file]
        for name, data in format_variants(photo.data).items():
            result = analyze(data, filename=f"{photo.file}:{name}")
            if not result["ok"]:
                unread.append(f"{photo.file}:{name} ({result['error']['code']})")
                continue
            errors_vs_ref.append(abs(result["skin"]["ita"] - photo.ref_ita))
            if base["ok"]:
                diff = abs(result["skin"]["ita"] - base["skin"]["ita"])
                errors_vs_shot.append(diff)
                per_variant.setdefault(name, []).append(diff)
    return {
        "photos": len(neutral),
        "unread": unread,
        "ita_abs_err_median": _median(errors_vs_ref),
        "ita_abs_diff_from_as_shot_median": _median(errors_vs_shot),
        "by_variant_diff_from_as_shot_median": {k: _median(v) for k, v in per_variant.items()},
    }


def clothing_figures(
    neutral: list[Photo],
    canonical: dict[str, dict],
    copies: int = 2,
    seed: int = EVALUATION_SEED,
) -> dict:
    """The same photo with the white shirt dyed another colour: not a figure of EVALUATION.md,
    but what people wear must not move their skin colour (the shirt is a tempting white
    reference in the development photos, and nowhere else)."""
    rng = np.random.default_rng(seed + 1)
    diffs, undertone_same = [], []
    for photo in neutral:
        base = canonical[photo.file]
        prepared = prepare_photo(photo) if base["ok"] else None
        if prepared is None:
            continue
        for _ in range(copies):
            # Dyed exactly as the lighting estimator's training and bench/lighting_figures dye.
            light = OWN_LIGHT | {"clothing_rgb": relight.random_clothing_colour(rng)}
            result = analyze(encode_jpeg(relit_picture(prepared, light), quality=92))
            if result["ok"]:
                diffs.append(abs(result["skin"]["ita"] - base["skin"]["ita"]))
                undertone_same.append(result["undertone"]["label"] == base["undertone"]["label"])
    return {
        "copies": len(neutral) * copies,
        "analysed": len(diffs),
        "ita_abs_diff_from_as_shot_median": _median(diffs),
        "ita_abs_diff_from_as_shot_p90": round(float(np.percentile(diffs, 90)), 3)
        if diffs
        else None,
        "undertone_same_as_canonical": _share(undertone_same),
    }


def no_face_pictures() -> dict[str, bytes]:
    """Pictures with no face in them, made here: textures, walls, a gradient, shapes, text."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:600, 0:800]
    pictures = {
        "noise": rng.integers(0, 256, (600, 800, 3), dtype=np.uint8),
        "wall": np.full((600, 800, 3), (186, 160, 132), np.uint8),
        "sunset_gradient": np.stack(
            [255 - y * 200 // 600, 120 + x * 80 // 800, 60 + y * 150 // 600], axis=-1
        ).astype(np.uint8),
        "stripes": np.where(((x // 40) % 2)[..., None] == 1, [200, 40, 40], [30, 90, 200]).astype(
            np.uint8
        ),
    }
    circles = np.full((600, 800, 3), 235, np.uint8)
    for cx, cy, r, c in ((200, 300, 120, (210, 160, 120)), (550, 280, 160, (90, 140, 60))):
        circles[(x - cx) ** 2 + (y - cy) ** 2 < r * r] = c
    pictures["skin_coloured_discs"] = circles
    # A grey wall, lit from one side, with sensor noise: a colour photo that happens to hold no
    # colour (answered "black and white" before a face was looked for).
    grey = np.clip(140 + x * 50 // 800 + rng.normal(0, 2, x.shape), 0, 255).astype(np.uint8)
    pictures["grey_wall"] = np.repeat(grey[..., None], 3, axis=-1)
    blocks = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
    pictures["soft_colour_blocks"] = np.asarray(
        Image.fromarray(blocks).resize((800, 600), Image.Resampling.BICUBIC)
    )
    return {name: encode_jpeg(rgb) for name, rgb in pictures.items()}


def no_face_figures() -> dict:
    answers = {name: analyze(data, filename=name) for name, data in no_face_pictures().items()}
    refused = [not r["ok"] and r["error"]["code"] == "no_face" for r in answers.values()]
    return {
        "pictures": len(answers),
        "refused": _share(refused),
        "answers": {
            name: (r["error"]["code"] if not r["ok"] else "analysed") for name, r in answers.items()
        },
    }


_BAD_INPUT_PROBE = r"""
import json, sys, time
from chromamatch.analysis import analyze
from chromamatch.bad_inputs import bad_inputs
out = {}
for name, data in bad_inputs().items():
    start = time.perf_counter()
    result = analyze(data, filename=name)
    out[name] = {
        "code": None if result["ok"] else result["error"]["code"],
        "seconds": round(time.perf_counter() - start, 3),
    }
# VmHWM, not getrusage: on Linux ru_maxrss carries the parent's peak into the child.
peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
out["_peak_rss_mb"] = round(int(peak) / 1024, 1)
print(json.dumps(out))
"""


def bad_input_figures() -> dict:
    """Each hostile file in a separate process, so a crash or a memory blow-up shows."""
    probe = subprocess.run(
        [sys.executable, "-c", _BAD_INPUT_PROBE],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if probe.returncode != 0:
        return {"refused": 0.0, "crash": probe.stderr[-2000:]}
    answers = json.loads(probe.stdout.strip().splitlines()[-1])
    peak = answers.pop("_peak_rss_mb")
    return {
        "files": len(answers),
        "refused": _share(a["code"] is not None for a in answers.values()),
        "peak_rss_mb_whole_probe": peak,
        "answers": answers,
    }


def identity_figures(photos: list[Photo], canonical: dict[str, dict]) -> dict:
    """ITA spread per person over their photos (neutral and smiling, the same camera here)."""
    by_person: dict[str, list[float]] = {}
    for photo in photos:
        result = canonical[photo.file]
        if result["ok"]:
            by_person.setdefault(photo.identity, []).append(result["skin"]["ita"])
    spreads = [float(np.std(v)) for v in by_person.values() if len(v) >= 2]
    return {
        "people": len(spreads),
        "ita_std_median_two_photos": _median(spreads),
        "note": (
            "The development set has two photos per person from one camera and day; the judged "
            "figure uses 3+ photos from different cameras, which this folder cannot measure."
        ),
    }


def evaluate(photos: list[Photo], *, quick: bool = False, seed: int = EVALUATION_SEED) -> dict:
    """Every figure on ``photos`` (with the engine data in use: see ``engine_data.using``);
    ``seed`` draws the relit copies and the dyed shirts (another seed, other draws)."""
    started = time.perf_counter()
    neutral = [p for p in photos if p.expression == "neutral"]
    as_shot, canonical = as_shot_figures(photos)
    figures = {
        "as_shot": as_shot,
        "relit": relit_figures(neutral, canonical, 1 if quick else RELIT_PER_PHOTO, seed),
        "format": format_figures(neutral[:: 6 if quick else 3], canonical),
        "clothing": clothing_figures(neutral[:: 6 if quick else 3], canonical, seed=seed),
        "identity": identity_figures(photos, canonical),
        "colouring": colouring_figures(photos, canonical),
        "no_face": no_face_figures(),
        "bad": bad_input_figures(),
    }
    figures["meta"] = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "seconds": round(time.perf_counter() - started, 1),
        "seed": seed,
        "people": len({p.identity for p in photos}),
    }
    return figures


def default_report(*, held_out: bool, seed: int) -> Path:
    """Where ``evaluate`` writes unless told: docs/evaluation[_held_out].md, and for other
    draws than the evaluation's own a report of their own beside it, not over it."""
    return Path(
        "docs/evaluation"
        + ("_held_out" if held_out else "")
        + (f"_seed{seed}" if seed != EVALUATION_SEED else "")
        + ".md"
    )


def report_paths(out: Path) -> tuple[Path, Path]:
    """The two files ``run_evaluation`` writes for ``out``: the Markdown and the JSON beside it."""
    return out, out.with_suffix(".json")


def run_evaluation(
    *,
    data_dir: Path,
    out: Path,
    quick: bool = False,
    people: set[str] | None = None,
    seed: int = EVALUATION_SEED,
) -> dict:
    """Evaluate on the folder (or only on ``people`` of it) and write ``out`` (.md and .json)."""
    photos = read_manifest(data_dir)
    if people is not None:
        photos = [photo for photo in photos if photo.identity in people]
    figures = evaluate(photos, quick=quick, seed=seed)
    figures["meta"]["command"] = (
        f"python -m chromamatch evaluate --data {data_dir}"
        + (" --held-out" if people is not None else "")
        + (" --quick" if quick else "")
        + (f" --seed {seed}" if seed != EVALUATION_SEED else "")
    )
    markdown, data = report_paths(out)
    markdown.parent.mkdir(parents=True, exist_ok=True)
    data.write_text(json.dumps(figures, indent=2) + "\n")
    markdown.write_text(render_markdown(figures))
    print(render_markdown(figures))
    return figures


TARGETS = {
    ("as_shot", "ita_abs_err_median"): "<= 3",
    ("as_shot", "spearman_ita"): ">= 0.95",
    ("as_shot", "mst_levels_used"): ">= 6",
    ("as_shot", "spearman_mst_vs_ref_ita"): "<= -0.90",
    ("relit", "ita_abs_err_median"): "<= 6",
    ("relit", "ita_abs_err_p90"): "<= 12",
    ("relit", "de00_median"): "<= 5",
    ("relit", "mst_same_as_canonical"): ">= 0.80",
    ("relit", "mst_within1_of_canonical"): ">= 0.98",
    ("relit", "undertone_same_as_canonical"): ">= 0.85",
    ("format", "ita_abs_diff_from_as_shot_median"): "<= 2",
    # ChromaMatch's own: dyed clothing should move ITA no more than a change of format may.
    ("clothing", "ita_abs_diff_from_as_shot_median"): "<= 2",
    ("relit", "season_same_as_canonical"): ">= 0.80",
    ("colouring", "season_same_neutral_smiling"): ">= 0.85",
    ("colouring", "face_shape_same_neutral_smiling"): ">= 0.75",
    ("colouring", "seasons_used"): ">= 8",
    ("colouring", "face_shapes_used"): ">= 4",
    ("colouring", "length_to_width_rel_err_vs_template_median"): "<= 0.05",
    ("no_face", "refused"): "= 1",
    ("bad", "refused"): "= 1",
}


def target_met(value, target: str) -> bool | None:
    """Whether ``value`` meets a ``TARGETS`` entry such as ">= 0.80"; None without a value."""
    if value is None:
        return None
    op, bound = target.split()
    bound = float(bound)
    return {"<=": value <= bound, ">=": value >= bound, "=": value == bound}[op]


def _meets(value, target: str) -> str:
    met = target_met(value, target)
    return "n/a" if met is None else "yes" if met else "**no**"


def render_markdown(figures: dict) -> str:
    meta = figures["meta"]
    lines = [
        "# Engine evaluation",
        "",
        f"Date {meta['date']}, {meta['machine']}, {meta['people']} people, {meta['seconds']} s. "
        "Reproduce with "
        f"`{meta['command']}` (or `make eval`). Relit copies: seed {meta['seed']}, "
        f"{figures['relit']['copies']} copies, half with coloured walls (chromamatch/relight.py).",
        "",
        "| figure | value | target | met |",
        "|---|---|---|---|",
    ]
    for group in (
        "as_shot", "relit", "format", "clothing", "identity", "colouring", "no_face", "bad"
    ):  # fmt: skip
        for name, value in figures[group].items():
            if isinstance(value, (dict, list, str)):
                continue
            target = TARGETS.get((group, name), "")
            met = _meets(value, target) if target else ""
            lines.append(f"| {group}.{name} | {value} | {target} | {met} |")
    lines += [
        "",
        "Format differences from the photo as shot, by variant (median ITA degrees): "
        + ", ".join(
            f"{k} {v}" for k, v in figures["format"]["by_variant_diff_from_as_shot_median"].items()
        ),
        "",
        f"Unread format variants: {figures['format']['unread'] or 'none'}.",
        "",
        f"No-face pictures: {figures['no_face']['answers']}.",
        "",
        f"Bad inputs: {figures['bad'].get('answers', figures['bad'])}.",
        "",
        "Relit copies by whether the engine warned about their exposure "
        f"({' or '.join(EXPOSURE_WARNINGS)}): "
        + "; ".join(
            f"{label} a warning, {group['copies']} copies: MST same "
            f"{group['mst_same_as_canonical']}, undertone same "
            f"{group['undertone_same_as_canonical']} (mean confidence "
            f"{group['undertone_confidence_mean']}), season same "
            f"{group['season_same_as_canonical']} (mean confidence "
            f"{group['season_confidence_mean']})"
            for label, group in figures["relit"]["by_exposure_warning"].items()
        )
        + ".",
        "",
        f"Seasons (neutral photos): {figures['colouring']['season_distribution']}.",
        "",
        f"Face shapes (neutral photos): {figures['colouring']['face_shape_distribution']}.",
        "",
        f"Identity: {figures['identity']['note']}",
        "",
    ]
    return "\n".join(lines)
