"""Engine time per image and peak memory, on one core; writes docs/benchmarks.md.

    taskset -c 0 .venv/bin/python bench/engine_speed.py [--stone] [--images N]

Inputs are made from the development faces: the 1350 px JPEGs as they are, the same photos
upscaled to a 12 MP (4000 x 3000) JPEG, and as HEIC. Times are warm (the face models are
loaded before timing). With --stone, the PyPI skin-tone-classifier 1.2.6 ("stone") runs on the
same files in its own virtual environment under var/bench/, made on first use.
"""

import argparse
import datetime
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from chromamatch.analysis import analyze  # noqa: E402

FACES = REPO.parent / "shared" / "data" / "faces" / "london"
STONE_VENV = REPO / "var" / "bench" / "stone-venv"


def make_inputs(count: int) -> dict[str, list[bytes]]:
    import pillow_heif

    files = sorted((FACES / "images").glob("*_03.jpg"))[:count]
    inputs: dict[str, list[bytes]] = {"jpeg_1350px": [], "jpeg_12mp": [], "heic_1350px": []}
    for path in files:
        data = path.read_bytes()
        inputs["jpeg_1350px"].append(data)
        image = Image.open(io.BytesIO(data)).convert("RGB")
        frame = Image.new("RGB", (4000, 3000), tuple(int(v) for v in np.asarray(image)[5, 5]))
        frame.paste(image.resize((3000, 3000), Image.Resampling.LANCZOS), (500, 0))
        buffer = io.BytesIO()
        frame.save(buffer, "JPEG", quality=92)
        inputs["jpeg_12mp"].append(buffer.getvalue())
        buffer = io.BytesIO()
        pillow_heif.from_pillow(image).save(buffer, quality=90)
        inputs["heic_1350px"].append(buffer.getvalue())
    return inputs


def time_engine(inputs: dict[str, list[bytes]], repeats: int) -> dict[str, dict]:
    analyze(inputs["jpeg_1350px"][0])  # load the face models before timing
    figures = {}
    for name, datas in inputs.items():
        times, skin_times, failures = [], [], 0
        for _ in range(repeats):
            for data in datas:
                started = time.perf_counter()
                result = analyze(data)
                times.append((time.perf_counter() - started) * 1000)
                if result["ok"]:
                    skin_times.append(result["timings"]["skin_ms"])
                failures += not result["ok"]
        figures[name] = {
            "skin_median_ms": round(statistics.median(skin_times), 1),
            "median_ms": round(statistics.median(times), 1),
            "p90_ms": round(float(np.percentile(times, 90)), 1),
            "runs": len(times),
            "failures": failures,
        }
    return figures


_STONE_PROBE = r"""
import json, sys, time, stone
times = []
for path in sys.argv[1:]:
    started = time.perf_counter()
    stone.process(path, image_type="color", tone_palette="monk", n_dominant_colors=2)
    times.append((time.perf_counter() - started) * 1000)
print(json.dumps(times))
"""


def time_stone(inputs: dict[str, list[bytes]]) -> dict[str, dict]:
    python = STONE_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(STONE_VENV)], check=True)
        subprocess.run(
            # stone 1.2.6 predates OpenCV 5, which dropped the cascade classifier it uses.
            [
                str(python),
                "-m",
                "pip",
                "install",
                "-q",
                "skin-tone-classifier==1.2.6",
                "opencv-python<5",
            ],
            check=True,
        )
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, datas in inputs.items():
            if name.startswith("heic"):
                continue  # stone cannot read HEIC
            paths = []
            for i, data in enumerate(datas):
                path = Path(folder) / f"{name}-{i}.jpg"
                path.write_bytes(data)
                paths.append(str(path))
            probe = subprocess.run(
                ["taskset", "-c", "0", str(python), "-c", _STONE_PROBE, *paths],
                capture_output=True,
                text=True,
                check=True,
            )
            times = json.loads(probe.stdout.strip().splitlines()[-1])[1:]  # first is cold
            figures[name] = {"median_ms": round(statistics.median(times), 1), "runs": len(times)}
    return figures


def write_report(engine: dict, stone: dict | None, peak_mb: float, args) -> str:
    cpu = os.sched_getaffinity(0)
    lines = [
        "# Engine benchmarks",
        "",
        f"Date {datetime.date.today()}, {platform.machine()}, Python {platform.python_version()},"
        f" {len(cpu)} core(s) allowed ({sorted(cpu)}). Reproduce: `make bench` "
        f"(`taskset -c 0 .venv/bin/python bench/engine_speed.py{' --stone' if stone else ''}`).",
        f"{args.images} development faces per input kind, {args.repeats} passes, warm. Load "
        f"average when it finished: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other"
        " work on the machine inflates every time here).",
        "",
        "Part 1 is the skin measurement (decode, faces, skin, lighting, tone, quality); the whole"
        " analysis adds eyes, hair, face shape, season, palette and advice.",
        "",
        "| input | part 1 median ms | whole median ms | whole p90 ms | failures |"
        + (" stone 1.2.6 median ms |" if stone else ""),
        "|---|---|---|---|---|" + ("---|" if stone else ""),
    ]
    for name, fig in engine.items():
        row = (
            f"| {name} | {fig['skin_median_ms']} | {fig['median_ms']} | {fig['p90_ms']} "
            f"| {fig['failures']}/{fig['runs']} |"
        )
        if stone:
            row += f" {stone.get(name, {}).get('median_ms', 'cannot read')} |"
        lines.append(row)
    lines += [
        "",
        f"Peak resident memory of the benchmark process: {peak_mb:.0f} MB "
        "(models, inputs held in memory and the 12 MP decodes included).",
        "",
        "Targets (EVALUATION.md, issues 3 and 4): part 1 <= 15 ms for a 1350 px JPEG and <= 30 ms",
        "for a 12 MP JPEG, one core; part 2 adds <= 15 ms.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--stone", action="store_true", help="also time stone 1.2.6")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args()
    if not FACES.is_dir():
        sys.exit(f"The development faces are not at {FACES}.")
    inputs = make_inputs(args.images)
    engine = time_engine(inputs, args.repeats)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stone = time_stone(inputs) if args.stone else None
    report = write_report(engine, stone, peak_mb, args)
    args.out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
