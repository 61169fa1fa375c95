"""Time and peak memory to load the largest photos people send, each in a fresh process.

    taskset -c 0 .venv/bin/python bench/large_pictures.py

A worker's memory is set by the largest picture it may have to decode, not by the typical
one. Each input is a development face pasted into a frame of that size (so that it compresses
like a photo), loaded by `image_loading.load_image` at the analysis size in a process of its
own; the peak is that process's own high-water mark (VmHWM), from which the same process's
peak before loading (Python, numpy, OpenCV, Pillow and the file in memory) is subtracted.
Written to docs/large_pictures.md.
"""

import argparse
import io
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
FACE = REPO.parent / "shared" / "data" / "faces" / "london" / "images" / "141_03.jpg"
REPORT = REPO / "docs" / "large_pictures.md"

# (name, width, height, format, Pillow mode of the picture saved)
INPUTS = [
    ("JPEG 12 MP", 4032, 3024, "JPEG", "RGB"),
    ("JPEG 48 MP", 8064, 6048, "JPEG", "RGB"),
    ("CMYK JPEG 12 MP", 4032, 3024, "JPEG", "CMYK"),
    ("HEIC 12 MP", 4032, 3024, "HEIF", "RGB"),
    ("HEIC 48 MP", 8064, 6048, "HEIF", "RGB"),
    ("WEBP 12 MP", 4032, 3024, "WEBP", "RGB"),
    ("WEBP 48 MP", 8064, 6048, "WEBP", "RGB"),
    ("WEBP 48 MP, with transparency", 8064, 6048, "WEBP", "RGBA"),
    ("PNG 12 MP", 4032, 3024, "PNG", "RGB"),
    ("PNG 49 MP, RGBA", 8100, 6048, "PNG", "RGBA"),
    ("PNG 49 MP, palette with transparency", 8100, 6048, "PNG", "P"),
]

MEASURE = """
import re, sys, time
from chromamatch.image_loading import load_image

def peak_mib():
    status = open("/proc/self/status").read()
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024

data = open(sys.argv[1], "rb").read()
before = peak_mib()
start = time.perf_counter()
shape = load_image(data).rgb.shape
print(time.perf_counter() - start, peak_mib() - before, before, shape[1], shape[0])
"""


def make_input(path: Path, width: int, height: int, image_format: str, mode: str) -> None:
    face = Image.open(FACE).convert("RGB")
    side = min(width, height)
    frame = Image.new("RGB", (width, height), face.getpixel((5, 5)))
    frame.paste(face.resize((side, side), Image.Resampling.BILINEAR), ((width - side) // 2, 0))
    if mode == "RGBA":
        # A cut-out corner: a WEBP whose alpha is all opaque is stored without it.
        alpha = Image.new("L", frame.size, 255)
        alpha.paste(0, (0, 0, width // 8, height // 8))
        frame.putalpha(alpha)
    elif mode == "P":
        frame = frame.quantize(colors=255)
        frame.info["transparency"] = 0
    elif mode != "RGB":
        frame = frame.convert(mode)
    buffer = io.BytesIO()
    if image_format == "HEIF":
        import pillow_heif

        pillow_heif.from_pillow(frame).save(buffer, quality=85)
    else:
        options = {"JPEG": {"quality": 90}, "WEBP": {"quality": 85}}.get(image_format, {})
        if image_format == "PNG":
            options = {"compress_level": 1, **({"transparency": 0} if mode == "P" else {})}
        frame.save(buffer, format=image_format, **options)
    path.write_bytes(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes per input")
    args = parser.parse_args(argv)
    started = time.monotonic()
    rows = [
        "| input | file MB | loaded as | seconds (median) | peak memory added, MiB (median) |",
        "|---|---|---|---|---|",
    ]
    baseline = []
    with tempfile.TemporaryDirectory() as folder:
        for name, width, height, image_format, mode in INPUTS:
            path = Path(folder) / re.sub(r"\W+", "_", name)
            make_input(path, width, height, image_format, mode)
            runs = []
            for _ in range(args.repeats):
                result = subprocess.run(
                    [sys.executable, "-c", MEASURE, str(path)],
                    cwd=REPO,
                    capture_output=True,
                    text=True,
                    timeout=300,
                    check=True,
                )
                runs.append([float(v) for v in result.stdout.split()])
            runs.sort()
            seconds, added, before, out_width, out_height = runs[len(runs) // 2]
            added = sorted(run[1] for run in runs)[len(runs) // 2]
            baseline.append(before)
            rows.append(
                f"| {name} ({width} x {height}) | {path.stat().st_size / 1e6:.1f} "
                f"| {out_width:.0f} x {out_height:.0f} | {seconds:.2f} | {added:.0f} |"
            )
            print(rows[-1], flush=True)
    REPORT.write_text(
        "# Loading the largest photos\n\n"
        + __doc__.split("\n\n", 2)[2].strip()
        + f"\n\nRun {time.strftime('%Y-%m-%d')}, {args.repeats} processes per input "
        f"({time.monotonic() - started:.0f} s in all): "
        "`taskset -c 0 .venv/bin/python bench/large_pictures.py`. "
        f"The process held {min(baseline):.0f}-{max(baseline):.0f} MiB before loading.\n\n"
        + "\n".join(rows)
        + "\n\nLimits (`image_loading`): 30 MB per file, 50 megapixels, both checked before a "
        "pixel is decoded; a 900 megapixel PNG bomb is refused in a few milliseconds "
        "(`tests/engine/test_image_loading.py`). A colour JPEG decodes at libjpeg's reduced "
        "scales; a CMYK JPEG is decoded twice, strictly to find lost data and then by Pillow; "
        "a colour HEIC is read from libheif's own buffer; a WEBP is decoded by OpenCV, at "
        "three bytes per pixel and reduced as it goes when opaque, whole with its alpha "
        "otherwise; a PNG decodes in full through Pillow, which keeps four bytes per RGB "
        "pixel, before it is reduced.\n"
    )
    print(REPORT.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
