"""Does the same photo, passed on the way people pass photos on, keep its answer?

    .venv/bin/python bench/same_photo.py --data /work/shared/data/faces/london

A selfie reaches the engine re-saved by an app, mirrored by a front camera, scaled down by a
messenger or trimmed at its edges, or in another format or size (the variants ``evaluate``
reads for its format figures: ``evaluation.format_variants``). None of that changes the person,
so none of it should change what the engine says of them. Each neutral development photo is
passed on in each of those ways and analysed again; the table gives how far the skin ITA moves
from the photo as sent, and how often each label changes. A change in a label here is the
engine's own noise: between a person's neutral and smiling photos (``evaluate``'s colouring
figures) the face changes as well. The last rows shrink the photo until the face spans a given
width in pixels: below ``quality.SMALL_FACE_WIDTH_PX`` the engine warns ``small_face``.
Written to docs/same_photo.md.
"""

import io
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from neutral_photos import neutral_photos, write_report  # noqa: E402

from chromamatch.analysis import analyze  # noqa: E402
from chromamatch.evaluation import format_variants  # noqa: E402

REPORT = Path(__file__).resolve().parent.parent / "docs" / "same_photo.md"
FACE_WIDTHS_PX = (140, 160, 170, 180, 190, 210)
LABELS = {
    "MST": lambda r: r["skin"]["mst"],
    "undertone": lambda r: r["undertone"]["label"],
    "season": lambda r: r["season"]["label"],
    "face shape": lambda r: r["face_shape"]["label"],
    "eye colour": lambda r: (r["eyes"] or {}).get("label"),
    "hair colour": lambda r: (r["hair"] or {}).get("label"),
}


def _jpeg(picture: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality)
    return out.getvalue()


def passed_on(data: bytes, face_width: int) -> dict[str, bytes]:
    """The photo re-saved, mirrored, scaled down and trimmed, each as a JPEG, in the other
    formats and sizes of ``evaluate``, and shrunk until its face (``face_width`` pixels wide
    in the photo) spans each of FACE_WIDTHS_PX."""
    picture = Image.open(io.BytesIO(data)).convert("RGB")
    width, height = picture.size
    trim_x, trim_y = round(width * 0.03), round(height * 0.03)
    return (
        {
            "re-saved at quality 95": _jpeg(picture, 95),
            "re-saved at quality 80": _jpeg(picture, 80),
            "mirrored": _jpeg(ImageOps.mirror(picture), 95),
            "scaled to 85 %": _jpeg(
                picture.resize((round(width * 0.85), round(height * 0.85)), Image.LANCZOS), 95
            ),
            "trimmed 3 % off the top and left": _jpeg(
                picture.crop((trim_x, trim_y, width, height)), 95
            ),
        }
        | {f"as {name}": variant for name, variant in format_variants(data).items()}
        | {
            f"shrunk, face {wanted} px wide": _jpeg(
                picture.resize(
                    (round(width * wanted / face_width), round(height * wanted / face_width)),
                    Image.LANCZOS,
                ),
                95,
            )
            for wanted in FACE_WIDTHS_PX
        }
    )


def main(argv: list[str] | None = None) -> int:
    neutral = neutral_photos(__doc__, argv)
    started = time.monotonic()
    moved: dict[str, list[float]] = {}
    changed: dict[str, dict[str, list[bool]]] = {}
    small: dict[str, list[bool]] = {}
    for photo in neutral:
        base = analyze(photo.data)
        if not base["ok"]:
            raise SystemExit(f"{photo.identity}: {base['error']['code']}")
        face_width = base["face_box"][2] - base["face_box"][0]
        for name, data in passed_on(photo.data, face_width).items():
            result = analyze(data)
            if not result["ok"]:
                raise SystemExit(f"{photo.identity}, {name}: {result['error']['code']}")
            moved.setdefault(name, []).append(abs(result["skin"]["ita"] - base["skin"]["ita"]))
            small.setdefault(name, []).append("small_face" in result["quality"]["warnings"])
            for label, read in LABELS.items():
                changed.setdefault(name, {}).setdefault(label, []).append(
                    read(result) != read(base)
                )
    rows = [
        "| passed on | ITA moved, median | p90 | "
        + " | ".join(f"{label} changed" for label in LABELS)
        + " | warned small_face |",
        "|---|---|---|" + "---|" * (len(LABELS) + 1),
    ]
    for name, shifts in moved.items():
        rows.append(
            f"| {name} | {np.median(shifts):.2f} | {np.percentile(shifts, 90):.2f} | "
            + " | ".join(f"{np.mean(changed[name][label]):.3f}" for label in LABELS)
            + f" | {np.mean(small[name]):.2f} |"
        )
    write_report(
        REPORT,
        "The same photo, passed on",
        __doc__,
        len(neutral),
        started,
        rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
