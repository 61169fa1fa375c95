"""What light from one side of the face does to the skin reading, and what the engine makes of it.

    .venv/bin/python bench/side_light.py --data /work/shared/data/faces/london

A window beside the person lights one cheek and leaves the other in shade. Each neutral
development photo is relit in linear light with a falloff across the face: full on the image's
right of the face, falling linearly to a share of that at its left edge (the backdrop and
clothing fall off the same way; beyond the face the light stays at its end values), and saved
as a JPEG. For each falloff the table gives how far the skin ITA moves from the photo as shot,
read as the engine reads it (the darker cheek counts less from a cheek asymmetry of 0.2 and
not at all from 0.35: ``skin_sampling.SIDE_LIT_ASYMMETRY``) and from both cheeks alike, as it
read them before, and how often ``uneven_light`` is warned. The last row darkens the photo
evenly by the face's mean falloff at 0.5, for comparison. The last three light each side of the
face with a light of another colour (a lamp on one side, a window on the other), of one
brightness, blended across the face the same way; one correction cannot take out both, and
``uneven_light`` is warned from a difference of 0.4 between the cheeks' log chromaticities
(``skin_sampling.cheeks_lit_unevenly``). Written to docs/side_light.md.
"""

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from neutral_photos import neutral_photos, write_report  # noqa: E402

from chromamatch import skin_sampling  # noqa: E402
from chromamatch.analysis import measure  # noqa: E402
from chromamatch.colour import LUMA, blackbody_gains  # noqa: E402
from chromamatch.cover_ups import measured_photo  # noqa: E402
from chromamatch.image_loading import encode_jpeg  # noqa: E402
from chromamatch.relight import linear_to_srgb8, srgb8_to_linear  # noqa: E402

REPORT = Path(__file__).resolve().parent.parent / "docs" / "side_light.md"
FALLOFFS = (0.7, 0.5, 0.35, 0.25)
# Two lights of one brightness and different colours, blended across the face as above.
MIXED = ((4000, 5000), (3000, 6500), (2700, 8000))
BOTH_CHEEKS = (10.0, 11.0)  # an asymmetry no face reaches: both cheeks always count


def lit_copies(data: bytes) -> tuple[dict, dict[str, bytes]]:
    """The engine's result on the photo as shot, and its copies lit from one side."""
    measured, picture, landmarks = measured_photo(data)
    linear = srgb8_to_linear(picture)
    width = float(np.ptp(landmarks[:, 0]))
    across = (np.arange(picture.shape[1]) - (landmarks[168, 0] - width / 2)) / width
    across = np.clip(across, 0.0, 1.0)[None, :, None]
    copies = {
        f"falls to {end:.0%}": encode_jpeg(
            linear_to_srgb8(linear * (end + (1 - end) * across)), quality=92
        )
        for end in FALLOFFS
    }
    copies["even, at the mean of falls to 50%"] = encode_jpeg(
        linear_to_srgb8(linear * 0.75), quality=92
    )
    for warm, cool in MIXED:
        lamp, window = (blackbody_gains(k) / (blackbody_gains(k) @ LUMA) for k in (warm, cool))
        mixed = linear * (lamp * (1 - across) + window * across)
        copies[f"{warm} K on one side, {cool} K on the other"] = encode_jpeg(
            linear_to_srgb8(mixed), quality=92
        )
    return measured.result, copies


def main(argv: list[str] | None = None) -> int:
    neutral = neutral_photos(__doc__, argv)
    started = time.monotonic()
    now: dict[str, list] = {}
    before: dict[str, list] = {}
    shipped = skin_sampling.SIDE_LIT_ASYMMETRY
    for photo in neutral:
        base, copies = lit_copies(photo.data)
        for name, data in copies.items():
            result = measure(data).result
            now.setdefault(name, []).append(
                (
                    result["skin"]["ita"] - base["skin"]["ita"],
                    "uneven_light" in result["quality"]["warnings"],
                    result["undertone"]["label"] == base["undertone"]["label"],
                )
            )
            skin_sampling.SIDE_LIT_ASYMMETRY = BOTH_CHEEKS
            try:
                both = measure(data).result["skin"]["ita"]
            finally:
                skin_sampling.SIDE_LIT_ASYMMETRY = shipped
            before.setdefault(name, []).append(both - base["skin"]["ita"])
    rows = [
        "| light across the face | ITA moved, median | abs p90 | from both cheeks: median "
        "| abs p90 | undertone kept | uneven_light warned |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, readings in now.items():
        moved = np.array([shift for shift, _, _ in readings])
        both = np.array(before[name])
        rows.append(
            f"| {name} | {np.median(moved):+.1f} | {np.percentile(np.abs(moved), 90):.1f} "
            f"| {np.median(both):+.1f} | {np.percentile(np.abs(both), 90):.1f} "
            f"| {np.mean([kept for _, _, kept in readings]):.2f} "
            f"| {np.mean([warned for _, warned, _ in readings]):.2f} |"
        )
    write_report(
        REPORT,
        "Light from one side",
        __doc__,
        len(neutral),
        started,
        rows,
        "Negative is darker. Read from the lit cheek the skin follows the exposure the "
        "lighting estimate gives, which comes from the brightest, lit side of the photo; the "
        "even row shows that estimate's own shortfall at the same mean light. The sampler keeps "
        "only pixels within its brightness window around each region's median, which leaves "
        "out the shaded cheek's darkest part and narrows the difference between the cheeks it "
        "sees: at the deeper falloffs some photos stay under the warning line. The "
        "bare development photos differ between the cheeks by at most 0.21, so their "
        "readings are unchanged.",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
