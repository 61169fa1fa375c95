"""Time of `POST /api/analyze?wait=10` with a 12 MP JPEG, one worker; writes docs/api_benchmarks.md.

    .venv/bin/python bench/api_latency.py [--requests N]

Runs the real shape on this machine: gunicorn serving the site, one Celery worker process
(concurrency 1) and the embedded defaults (SQLite, the file-system queue, local files, a local
MLflow store) in a scratch folder under var/bench/api; set DATABASE_URL / REDIS_URL to measure
on those instead. The first request after start (model loading) is left out.
"""

import argparse
import datetime
import io
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import requests
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
FACES = REPO.parent / "shared" / "data" / "faces" / "london"
SCRATCH = REPO / "var" / "bench" / "api"
PY = sys.executable


def twelve_megapixel_jpegs(count: int) -> list[bytes]:
    """Development faces upscaled into a 4032 x 3024 frame, as a phone's main camera saves."""
    pictures = []
    for path in sorted((FACES / "images").glob("*_03.jpg"))[:count]:
        image = Image.open(path).convert("RGB")
        frame = Image.new("RGB", (4032, 3024), tuple(int(v) for v in np.asarray(image)[5, 5]))
        frame.paste(image.resize((3024, 3024), Image.Resampling.LANCZOS), (504, 0))
        buffer = io.BytesIO()
        frame.save(buffer, "JPEG", quality=92)
        pictures.append(buffer.getvalue())
    return pictures


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            # The first /health imports MLflow to check the registry: seconds, not a hang.
            if requests.get(url, timeout=20).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s; see {SCRATCH}/*.log")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    shutil.rmtree(SCRATCH, ignore_errors=True)
    SCRATCH.mkdir(parents=True)
    env = {
        **os.environ,
        "CHROMAMATCH_VAR_DIR": str(SCRATCH),
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "DO_NOT_TRACK": "1",
        "ANALYZE_THROTTLE_RATE": "10000/hour",
    }
    manage = [PY, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=REPO)
    subprocess.run([*manage, "ensure_model"], env=env, check=True, cwd=REPO)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    logs = {name: open(SCRATCH / f"{name}.log", "w") for name in ("web", "worker")}  # noqa: SIM115
    processes = [
        subprocess.Popen(
            [PY, "-m", "gunicorn", "chromamatch_site.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--threads", "4", "--timeout", "60"],
            env=env, cwd=REPO, stdout=logs["web"], stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [PY, "-m", "celery", "--app", "chromamatch_site", "worker", "--concurrency", "1",
             "--loglevel", "WARNING"],
            env=env, cwd=REPO, stdout=logs["worker"], stderr=subprocess.STDOUT,
        ),
    ]  # fmt: skip
    try:
        _wait_for(f"{base}/health", 60)
        signup = requests.post(
            f"{base}/api/auth/signup",
            json={"email": "bench@example.com", "password": "bench-pass-77x", "consent": True},
            timeout=10,
        )
        signup.raise_for_status()
        headers = {"Authorization": f"Token {signup.json()['token']}"}
        pictures = twelve_megapixel_jpegs(10)

        def call(data: bytes) -> tuple[float, int, str]:
            started = time.perf_counter()
            response = requests.post(
                f"{base}/api/analyze?wait=10",
                files={"file": ("selfie.jpg", data, "image/jpeg")},
                headers=headers,
                timeout=60,
            )
            return time.perf_counter() - started, response.status_code, response.json()["status"]

        call(pictures[0])  # warm: the worker loads the model on its first analysis
        results = [call(pictures[i % len(pictures)]) for i in range(args.requests)]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)

    seconds = sorted(r[0] for r in results)
    done = sum(1 for r in results if r[1] == 200 and r[2] == "done")
    p50 = statistics.median(seconds) * 1000
    p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))] * 1000
    backend = "PostgreSQL/Redis" if "DATABASE_URL" in os.environ else "embedded defaults"
    report = "\n".join(
        [
            "# API benchmark",
            "",
            f"Date {datetime.date.today()}, {platform.machine()}, Python "
            f"{platform.python_version()}, {os.cpu_count()} cores, {backend}. Reproduce: "
            "`.venv/bin/python bench/api_latency.py`.",
            "",
            "`POST /api/analyze?wait=10` with a 12 MP JPEG (4032 x 3024, about "
            f"{statistics.mean(len(p) for p in pictures) / 1e6:.1f} MB), one gunicorn process and "
            "one Celery worker (concurrency 1), requests one after another, warm.",
            "",
            "| requests | finished in the call (200, done) | p50 ms | p95 ms | max ms |",
            "|---|---|---|---|---|",
            f"| {len(results)} | {done} | {p50:.0f} | {p95:.0f} | {seconds[-1] * 1000:.0f} |",
            "",
            "The time covers the upload, re-encoding the photo without metadata (kept at up to "
            "4096 px), storing it, queueing, the worker's analysis, and the web process noticing "
            "the result (it polls every 0.1 s). The draping picture is not part of it: it is drawn "
            "on its first request.",
            "",
        ]
    )
    (REPO / "docs" / "api_benchmarks.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
