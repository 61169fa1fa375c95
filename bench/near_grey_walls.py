"""How far a wall that is nearly, but not quite, grey moves a person's skin.

    .venv/bin/python bench/near_grey_walls.py --data /work/shared/data/faces/london

The lighting estimate is pinned by a backdrop that looks grey (lighting.pin_to_grey_surfaces).
Paint that is almost grey (off-white, cream, pale blue, pale green) implies a light a little
off, close enough to the face's own estimate to be half believed. Each development person's
neutral photo gets each paint behind them (relight.replace_background, in the studio's own
light), is stored as a JPEG and read back as an upload is; the table gives the median over
people of how far the skin's ITA moved from the photo as shot (degrees), with the estimate
pinned as the engine pins it and with no pinning at all; "held out" is the people the lighting
weights never saw. Written to docs/near_grey_walls.md.
"""

import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from neutral_photos import neutral_photos, write_report  # noqa: E402

from chromamatch import colour, engine_data  # noqa: E402
from chromamatch.face_landmarks import find_faces  # noqa: E402
from chromamatch.image_loading import encode_jpeg, load_image  # noqa: E402
from chromamatch.lighting import (  # noqa: E402
    grey_surface_colours,
    held_out_identities,
    lighting_features,
    replayed_skin_lab,
)
from chromamatch.relight import (  # noqa: E402
    linear_to_srgb8,
    person_mask,
    replace_background,
    srgb8_to_linear,
)
from chromamatch.skin_sampling import sample_skin, skin_linear_rgb  # noqa: E402

REPORT = Path(__file__).resolve().parent.parent / "docs" / "near_grey_walls.md"
PAINTS = {
    "off-white": (250, 245, 235),
    "cream": (240, 228, 205),
    "pale blue": (215, 225, 240),
    "pale green": (220, 235, 215),
}


def skin_ita(rgb: np.ndarray) -> tuple[float, float]:
    """ITA of the skin with the estimate pinned by the grey surfaces, and without."""
    face = find_faces(rgb).face
    skin = sample_skin(rgb, face)
    features = lighting_features(rgb, face, skin)
    prediction = engine_data.current().lighting_model.predict(features[None])[0]
    itas = []
    for surfaces in (grey_surface_colours(rgb, face), None):
        lab = replayed_skin_lab(
            prediction, skin_linear_rgb(skin), features=features, surfaces=surfaces
        )
        itas.append(float(colour.ita_degrees(lab[0], lab[2])))
    return itas[0], itas[1]


def main(argv: list[str] | None = None) -> int:
    neutral = neutral_photos(__doc__, argv)
    started = time.monotonic()
    held_out = held_out_identities()
    moved = {paint: [] for paint in PAINTS}  # (pinned, not pinned, held out) per person
    for photo in neutral:
        full = np.asarray(Image.open(photo.path).convert("RGB"))
        mask = person_mask(full)
        as_shot = skin_ita(load_image(photo.data).rgb)
        for paint, rgb in PAINTS.items():
            painted = linear_to_srgb8(replace_background(srgb8_to_linear(full), mask, rgb))
            itas = skin_ita(load_image(encode_jpeg(painted, quality=92)).rgb)
            moved[paint].append(
                (abs(itas[0] - as_shot[0]), abs(itas[1] - as_shot[1]), photo.identity in held_out)
            )
    rows = [
        "| wall (sRGB) | people | pinned | not pinned | held out: pinned | held out: not pinned |",
        "|---|---|---|---|---|---|",
    ]
    for paint, values in moved.items():
        values = np.array(values, dtype=np.float64)
        out = values[:, 2] > 0
        rows.append(
            f"| {paint} {PAINTS[paint]} | {len(values)} | {np.median(values[:, 0]):.2f} | "
            f"{np.median(values[:, 1]):.2f} | {np.median(values[out, 0]):.2f} | "
            f"{np.median(values[out, 1]):.2f} |"
        )
    write_report(
        REPORT, "Near-grey walls: how far they move the skin", __doc__, len(neutral), started, rows
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
