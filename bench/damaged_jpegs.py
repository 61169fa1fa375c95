"""What one changed byte in a JPEG's scan data does, and which such files the engine refuses.

    .venv/bin/python bench/damaged_jpegs.py --data /work/shared/data/faces/london

A byte changed in transit or on a failing card leaves a file that still decodes: libjpeg carries
on through damaged scan data and at most warns. For each neutral development photo, bytes of
its scan are changed at random, one per trial (XOR with a random non-zero value), and each
damaged file is given to the engine as uploaded. Where it is read, or would have been, the skin
ITA of its pixels decoded the way libjpeg does without being strict (converted to PNG so that
the engine's loader reads them unchanged) is compared with that of the photo as shot, decoded
and converted the same way. Written to docs/damaged_jpegs.md.
"""

import io
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import simplejpeg
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from neutral_photos import development_photos, write_report  # noqa: E402

from chromamatch.analysis import analyze  # noqa: E402
from chromamatch.image_loading import ANALYSIS_MAX_SIDE  # noqa: E402

REPORT = Path(__file__).resolve().parent.parent / "docs" / "damaged_jpegs.md"
SEED = 20261128
# Scan bytes this far from its start and its end are left alone: the first ones are the scan
# header, the last the end marker.
_MARGIN = 50


def lenient_ita(data: bytes) -> float | None:
    """The skin ITA of the pixels libjpeg gives without being strict, or None without one."""
    rgb = simplejpeg.decode_jpeg(
        data, min_width=ANALYSIS_MAX_SIDE, min_height=ANALYSIS_MAX_SIDE, strict=False
    )
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG", compress_level=1)
    result = analyze(buffer.getvalue())
    return result["skin"]["ita"] if result["ok"] else None


def libjpeg_says(data: bytes) -> str:
    try:
        simplejpeg.decode_jpeg(data, min_width=ANALYSIS_MAX_SIDE, min_height=ANALYSIS_MAX_SIDE)
    except ValueError as warning:
        text = str(warning)
        if "extraneous bytes before marker 0xd9" in text:
            return "bytes left before the end marker"
        if "premature end of data segment" in text:
            return "scan data ended early"
        return "another warning or error"
    return "nothing"


def main(argv: list[str] | None = None) -> int:
    started = time.monotonic()
    photos, args = development_photos(
        __doc__,
        argv,
        lambda parser: parser.add_argument(
            "--trials", type=int, default=10, help="damaged copies per photo"
        ),
    )
    rng = np.random.default_rng(SEED)
    neutral = [p for p in photos if p.expression == "neutral"]
    # (what libjpeg says, what the engine answers) -> ITA moved, NaN where nothing was read
    moved: dict[tuple[str, str], list[float]] = defaultdict(list)
    for photo in neutral:
        data = photo.data
        as_shot = lenient_ita(data)
        scan = data.index(b"\xff\xda") + _MARGIN
        for _ in range(args.trials):
            damaged = bytearray(data)
            damaged[int(rng.integers(scan, len(data) - _MARGIN))] ^= int(rng.integers(1, 256))
            damaged = bytes(damaged)
            answer = analyze(damaged)
            outcome = "read" if answer["ok"] else answer["error"]["code"]
            ita = lenient_ita(damaged)
            shift = abs(ita - as_shot) if ita is not None and as_shot is not None else np.nan
            moved[(libjpeg_says(damaged), outcome)].append(shift)
    total = sum(len(shifts) for shifts in moved.values())
    table = [
        "| libjpeg says | the engine answers | files | ITA moved, median | p90 "
        "| moved over 2 degrees | pixels that give no result |",
        "|---|---|---|---|---|---|---|",
    ]
    for (says, outcome), shifts in sorted(moved.items(), key=lambda kv: -len(kv[1])):
        shifts = np.array(shifts)
        read = shifts[~np.isnan(shifts)]
        figures = (
            f"{np.median(read):.2f} | {np.percentile(read, 90):.2f} | {np.mean(read > 2):.2f}"
            if len(read)
            else "- | - | -"
        )
        table.append(
            f"| {says} | {outcome} | {len(shifts)} | {figures} | {len(shifts) - len(read)} |"
        )
    write_report(
        REPORT,
        "One changed byte in a JPEG",
        __doc__,
        len(neutral),
        started,
        table,
        "A file libjpeg decodes without a word cannot be told from a whole one: no JPEG "
        'carries a checksum. Those are read, and the rows with "nothing" give what that '
        "costs. Every warning is refused (`image_loading._decode_jpeg_strictly`), the zero "
        "padding some encoders leave before the end marker excepted, which no damaged file "
        "here left. Until 2026-11-28 any bytes before a marker were taken for padding, and the "
        'files of the row "bytes left before the end marker" were read.',
        run_detail=f", {args.trials} damaged copies each ({total} files, seed {SEED})",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
