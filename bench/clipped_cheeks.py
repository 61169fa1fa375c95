"""What the unclipped part of a cheek says about the whole cheek's undertone.

    .venv/bin/python bench/clipped_cheeks.py --data /work/shared/data/faces/london

When a photo is overexposed, the brightest part of the cheek saturates in red, and the skin
sample rebuilds that red from green at the ratio of the darker, unclipped rest
(``skin_sampling.sample_skin``): its L* comes back, its hue is the rest's. On each
development person's neutral photo as shot (nothing clipped), the brightest share of the cheek
pixels the engine keeps is left out, as clipping would leave it out, and the rest is read as
``skin_linear_rgb`` reads the cheeks (median per CIELAB channel) with the whole cheek's L*. The
table gives how far that moves the undertone's hue and chroma deviations (``tone.undertone``,
in standard deviations of people of the same lightness): a mean shift a rule could take out,
and a spread over people that no fixed rule can. Written to docs/clipped_cheeks.md.
"""

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from neutral_photos import neutral_photos  # noqa: E402

from chromamatch import tone  # noqa: E402
from chromamatch.analysis import located_face  # noqa: E402
from chromamatch.colour import LUMA, linear_rgb_to_lab  # noqa: E402
from chromamatch.skin_sampling import REGIONS, sample_skin  # noqa: E402

REPORT = Path(__file__).resolve().parent.parent / "docs" / "clipped_cheeks.md"
SHARES_CLIPPED = (0.3, 0.5, 0.7, 0.85)


def deviation_shifts(data: bytes) -> dict[float, tuple[float, float]]:
    """For each share of the brightest cheek pixels left out, how far the undertone's hue and
    chroma deviations of the rest move from those of the whole cheek."""
    image, search = located_face(data)
    sample = sample_skin(image.rgb, search.face)
    cheeks = sample.linear_rgb[sample.regions == REGIONS.index("cheeks")]
    lab = linear_rgb_to_lab(cheeks)
    whole = tone.undertone(np.median(lab, axis=0))
    darkest_first = lab[np.argsort(cheeks @ LUMA, kind="stable")]
    shifts = {}
    for share in SHARES_CLIPPED:
        rest = np.median(darkest_first[: round(len(lab) * (1 - share))], axis=0)
        rest[0] = np.median(lab[:, 0])  # the whole cheek's L*: only the hue and chroma differ
        left = tone.undertone(rest)
        shifts[share] = (
            left.hue_deviation - whole.hue_deviation,
            left.chroma_deviation - whole.chroma_deviation,
        )
    return shifts


def main(argv: list[str] | None = None) -> int:
    neutral = neutral_photos(__doc__, argv)
    started = time.monotonic()
    shifts = [deviation_shifts(photo.data) for photo in neutral]
    table = [
        "| brightest share left out | hue deviation moved: mean | sd over people "
        "| chroma deviation moved: mean | sd over people |",
        "|---|---|---|---|---|",
    ]
    for share in SHARES_CLIPPED:
        hue, chroma = np.array([person[share] for person in shifts]).T
        table.append(
            f"| {share:.0%} | {hue.mean():+.3f} | {hue.std():.3f} | {chroma.mean():+.3f} "
            f"| {chroma.std():.3f} |"
        )
    REPORT.write_text(
        "# What the unclipped part of a cheek says about the whole cheek\n\n"
        + __doc__.split("\n\n", 2)[2].strip()
        + f"\n\nRun {time.strftime('%Y-%m-%d')} on {len(neutral)} neutral photos: "
        "`.venv/bin/python bench/clipped_cheeks.py --data ../shared/data/faces/london`.\n\n"
        + "\n".join(table)
        + "\n\nThe undertone's classes are half a standard deviation from neutral: a spread of "
        "a quarter of a deviation or more moves a large share of people across a boundary.\n"
    )
    print("\n".join(table))
    print(f"{time.monotonic() - started:.0f} s -> {REPORT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
