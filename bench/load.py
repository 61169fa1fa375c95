"""Sustained analyses per second end to end, where it saturates, and worker memory over time.

    .venv/bin/python bench/load.py [--rates 10,14,16,18,20,22,24] [--step-seconds 20]
                                   [--memory-analyses 1000] [--drape-rates 8,10,12,14]

gunicorn (2 processes x 16 threads) and TWO Celery workers (prefork, concurrency 1 each) on
PostgreSQL and a dedicated redis-server (bench/site_stack.py), all on this machine with the
client. The client is a small thread pool (no locust: its gevent workers and web UI would
take CPU from the 2 cores being measured, and an open-loop schedule of uploads is 30 lines):
at each rate it starts uploads of development photos (1350 px JPEGs) on a fixed schedule,
whatever the answers, and times each from the start of the upload to the finished result
(`POST /api/analyze?wait=10`, then `GET /api/analyses/<id>` every 50 ms if that was not
enough). Between rates it waits for the queue to empty. CPU seconds of every process (web,
worker main processes and children, Redis, the PostgreSQL backends of its database, the
client) are read from /proc before and after each rate and divided by the analyses done.
Then --memory-analyses more at a sustainable rate, sampling the resident memory of every
worker process each 100. Then --drape-rates with each client also fetching the draping
picture once its result is in: its first request, so the web process draws it then (what it
costs when everyone looks at it). Then an in-process profile of one analysis's parts. Writes
the "## Load" section of docs/reliability.md.
"""

import argparse
import datetime
import functools
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from site_stack import PY, REPO, Stack, development_photos, load_average, write_section

CLK_TCK = os.sysconf("SC_CLK_TCK")
RESULT_TIMEOUT = 60


# --- processes ------------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def process_groups(stack: Stack) -> dict[str, list[int]]:
    web = [stack.web.pid, *_children(stack.web.pid)]
    groups = {
        "web (gunicorn)": web,
        "worker main processes": [p.pid for p in stack.workers.values()],
        "worker children (tasks)": [c for p in stack.workers.values() for c in _children(p.pid)],
        "redis-server": [stack.redis.pid],
        "postgres backends": [
            row[0]
            for row in stack.sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
        ],
        "client (this script)": [os.getpid()],
    }
    return groups


def cpu_snapshot(stack: Stack) -> dict[str, dict[int, float]]:
    return {
        name: {pid: _cpu_seconds(pid) for pid in pids}
        for name, pids in process_groups(stack).items()
    }


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds per group between two snapshots (a process new since counts from 0)."""
    return {
        name: sum(cpu - before.get(name, {}).get(pid, 0.0) for pid, cpu in pids.items())
        for name, pids in after.items()
    }


# --- client ---------------------------------------------------------------------------------


class Client:
    def __init__(self, stack: Stack, headers: dict, photos: list[bytes]):
        self.stack, self.headers, self.photos = stack, headers, photos
        self.local = threading.local()

    def _session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
            self.local.session.headers.update(self.headers)
        return self.local.session

    def analyse(self, index: int, drape: bool = False) -> dict:
        """Upload, wait for the result and, with ``drape``, fetch the draping picture."""
        session = self._session()
        started = time.monotonic()
        record = {"started": started, "ok": False}
        try:
            answer = session.post(
                f"{self.stack.base}/api/analyze?wait=10",
                files={"file": ("selfie.jpg", self.photos[index % len(self.photos)])},
                timeout=RESULT_TIMEOUT,
            )
            body = answer.json()
            record["status"] = answer.status_code
            while answer.status_code in (200, 202) and body["status"] in ("pending", "running"):
                if time.monotonic() - started > RESULT_TIMEOUT:
                    record["status"] = "timeout"
                    break
                time.sleep(0.05)
                answer = session.get(body["url"], timeout=RESULT_TIMEOUT)
                body = answer.json()
            record["ok"] = answer.status_code in (200, 202) and body.get("status") == "done"
            if not record["ok"] and record["status"] != "timeout":
                record["status"] = f"{answer.status_code} {body.get('status') or body}"[:80]
            record["finished"] = time.monotonic()
            if drape and record["ok"]:
                picture = session.get(body["drape_url"], timeout=RESULT_TIMEOUT)
                record["drape_seconds"] = time.monotonic() - record["finished"]
                record["ok"] = picture.status_code == 200 and picture.content[:4] == b"\x89PNG"
                if not record["ok"]:
                    record["status"] = f"drape {picture.status_code}"
        except (requests.RequestException, ValueError) as exc:
            record["status"] = type(exc).__name__
        record.setdefault("finished", time.monotonic())
        record["seconds"] = record["finished"] - started
        return record


def paced(pool, upload, rate: float, count: int, offset: int = 0) -> list[dict]:
    """Start ``count`` uploads at ``rate`` per second (open loop); all their records."""
    start = time.monotonic()
    futures = []
    for k in range(count):
        delay = start + k / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        futures.append(pool.submit(upload, offset + k))
    return [future.result() for future in futures]


def run_rate(
    client: Client, pool, rate: float, seconds: float, offset: int = 0, drape: bool = False
) -> list[dict]:
    """Uploads at ``rate`` per second for ``seconds``; all their records."""
    upload = functools.partial(client.analyse, drape=drape)
    return paced(pool, upload, rate, round(rate * seconds), offset)


def wait_drained(stack: Stack, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not stack.sql(
            "SELECT count(*) FROM analysis_analysis WHERE status IN ('pending', 'running')"
        )[0][0]:
            return
        time.sleep(0.5)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summarise(rate: float, records: list[dict], cpu: dict[str, float]) -> dict:
    done = [r for r in records if r["ok"]]
    seconds = [r["seconds"] for r in done]
    span = max(r["finished"] for r in records) - min(r["started"] for r in records)
    errors = [r["status"] for r in records if not r["ok"]]
    drapes = [r["drape_seconds"] for r in done if "drape_seconds" in r]
    return {
        "rate": rate,
        "uploads": len(records),
        "done": len(done),
        "errors": len(errors),
        "error_kinds": sorted(set(map(str, errors)))[:3],
        "throughput": len(done) / span,
        "p50": statistics.median(seconds) if seconds else float("nan"),
        "p95": percentile(seconds, 0.95) if seconds else float("nan"),
        "drape_p50": statistics.median(drapes) if drapes else float("nan"),
        "drape_p95": percentile(drapes, 0.95) if drapes else float("nan"),
        "cpu_ms": {name: 1000 * used / max(1, len(done)) for name, used in cpu.items()},
    }


# --- in-process profile ----------------------------------------------------------------------


def profile_parts() -> dict[str, float]:
    """CPU ms (all threads) of each part of one analysis, median over development photos.

    Runs inside a process with the stack's environment (DJANGO_SETTINGS_MODULE, the scratch
    MLflow store), on what the web process and the worker do, in their order; the draping
    picture as its first request draws it (analysis.services.analysis_drape).
    """
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from analysis.services import selfie_prepare
    from chromamatch import registry
    from chromamatch.analysis import located_face, result_drape_colours
    from chromamatch.drape import drape_picture
    from worker.model_loader import served_model

    loaded = served_model.current()
    photos = development_photos(30)
    parts: dict[str, list[float]] = {}

    def timed(name, fn):
        started = time.process_time()
        value = fn()
        parts.setdefault(name, []).append(1000 * (time.process_time() - started))
        return value

    for rounds in range(2):
        parts.clear() if rounds == 1 else None  # the first round warms every model
        for data in photos:
            stored = timed("web: decode + re-encode the upload", lambda d=data: selfie_prepare(d))
            jpeg = stored.jpeg
            result = timed(
                "worker: model predict (pyfunc)",
                lambda j=jpeg: loaded.model.predict(registry.model_input([j]))[0],
            )
            image, search = timed("web, first drape request: locate the face again",
                                  lambda j=jpeg: located_face(j))  # fmt: skip

            def draw(rgb=image.rgb, face=search.face, result=result):
                best, worst = result_drape_colours(result)
                return drape_picture(rgb, face, best=best, worst=worst)

            picture = timed("web, first drape request: picture (segmentation, tiles, text)", draw)
            timed("web, first drape request: PNG encode (level 1)", lambda p=picture: _png(p, 1))
    return {name: statistics.median(values) for name, values in parts.items()}


def _png(picture, level: int) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="PNG", compress_level=level)
    return buffer.getvalue()


# --- main -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", default="10,14,16,18,20,22,24")
    parser.add_argument("--step-seconds", type=float, default=20)
    parser.add_argument("--memory-analyses", type=int, default=1000)
    parser.add_argument("--memory-rate", type=float, default=0, help="default: 80%% of best")
    parser.add_argument(
        "--drape-rates",
        default="8,10,12,14",
        help="then a ramp where each client also fetches the draping picture ('' to skip)",
    )
    parser.add_argument(
        "--pin-workers",
        action="store_true",
        help="pin worker 1 to core 0 and worker 2 to core 1 (taskset): the face models' "
        "thread pools then cannot spin on the other core",
    )
    parser.add_argument("--profile-in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile_in_process:
        print(json.dumps(profile_parts()))
        return

    rates = [float(r) for r in args.rates.split(",")]
    stack = Stack("load", web_workers=2, web_threads=16)
    stack.prepare()
    stack.start_web()
    for core, name in enumerate(("w1", "w2")):
        stack.start_worker(name, celery=_worker_command(args, core))
    steps, memory, with_drape = [], [], []
    load_before = load_average()
    try:
        stack.wait_healthy()
        client = Client(stack, stack.signup(), development_photos())
        with ThreadPoolExecutor(max_workers=128) as pool:
            # Warm: both workers load the model and every process opens its connections.
            run_rate(client, pool, 2, 10)
            wait_drained(stack)
            steps = ramp(stack, client, pool, rates, args.step_seconds, 0)
            offset = sum(s["uploads"] for s in steps)
            good = [s for s in steps if s["errors"] == 0 and s["p95"] < 1.0]
            memory_rate = args.memory_rate or max(2.0, 0.8 * max(
                (s["throughput"] for s in good), default=4.0))  # fmt: skip
            memory = memory_run(stack, client, pool, memory_rate, args.memory_analyses, offset)
            offset += args.memory_analyses
            if args.drape_rates:
                # Warm: each web process loads the face models on its first picture.
                offset += len(run_rate(client, pool, 2, 10, offset, drape=True))
                wait_drained(stack)
                drape_rates = [float(r) for r in args.drape_rates.split(",")]
                with_drape = ramp(
                    stack, client, pool, drape_rates, args.step_seconds, offset, drape=True
                )
        profile_env = {**stack.env, "DJANGO_SETTINGS_MODULE": "chromamatch_site.settings"}
        done = subprocess.run(
            ["taskset", "-c", "1", PY, str(Path(__file__).resolve()), "--profile-in-process"],
            env=profile_env, cwd=REPO, capture_output=True, text=True, check=True,
        )  # fmt: skip
        parts = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        stack.stop()
    _report(args, steps, memory, memory_rate, parts, load_before, with_drape)


def _worker_command(args, core: int) -> tuple:
    command = (PY, "-m", "celery")
    return ("taskset", "-c", str(core), *command) if args.pin_workers else command


def ramp(
    stack, client, pool, rates: list[float], seconds: float, offset: int, drape: bool = False
) -> list[dict]:
    """Each rate in turn for ``seconds``, waiting for the queue to empty between them."""
    steps = []
    for rate in rates:
        before = cpu_snapshot(stack)
        records = run_rate(client, pool, rate, seconds, offset, drape)
        wait_drained(stack)
        steps.append(summarise(rate, records, cpu_used(before, cpu_snapshot(stack))))
        steps[-1]["web_mb"] = _web_mb(stack)
        offset += len(records)
        print(json.dumps(steps[-1]), flush=True)
        if steps[-1]["p95"] > 10 or steps[-1]["errors"] > len(records) / 10:
            break  # saturated well past the target: the next rate tells nothing new
    return steps


def _web_mb(stack) -> float:
    """Resident MB of the gunicorn worker processes, together."""
    return sum(_rss_mb(p) for p in _children(stack.web.pid))


def memory_run(stack, client, pool, rate: float, analyses: int, offset: int) -> list[dict]:
    """``analyses`` more at ``rate``; resident MB of each worker process every 100 done."""
    samples = []
    completed = 0
    lock = threading.Lock()

    def sample(done_count: int) -> None:
        row = {"analyses": done_count}
        for name, process in stack.workers.items():
            row[f"{name} main"] = _rss_mb(process.pid)
            for n, child in enumerate(_children(process.pid)):
                row[f"{name} child{n or ''}"] = _rss_mb(child)
        row["web"] = _web_mb(stack)
        samples.append(row)

    def one(index: int) -> dict:
        nonlocal completed
        record = client.analyse(index)
        with lock:
            completed += 1
            if completed % 100 == 0:
                sample(completed)
        return record

    sample(0)
    records = paced(pool, one, rate, analyses, offset)
    samples[-1]["errors"] = sum(1 for r in records if not r["ok"])
    samples[-1]["p95"] = percentile([r["seconds"] for r in records], 0.95)
    return samples


def _rate_table(steps: list[dict], drape: bool = False) -> str:
    head = "| offered /s | uploads | done | errors | done /s | p50 s | p95 s |"
    if drape:
        head += " picture p50 s | picture p95 s | web MB after |"
    rows = [head + " CPU ms per analysis |", "|" + "---|" * (head.count("|"))]
    for s in steps:
        row = (
            f"| {s['rate']:g} | {s['uploads']} | {s['done']} | {s['errors']} "
            f"| {s['throughput']:.1f} | {s['p50']:.2f} | {s['p95']:.2f} |"
        )
        if drape:
            row += f" {s['drape_p50']:.2f} | {s['drape_p95']:.2f} | {s['web_mb']:.0f} |"
        rows.append(row + f" {sum(s['cpu_ms'].values()):.0f} |")
    return "\n".join(rows)


def _best(steps: list[dict]) -> dict | None:
    good = [s for s in steps if s["errors"] == 0 and s["p95"] < 1.0]
    return max(good, key=lambda s: s["throughput"]) if good else None


def _report(args, steps, memory, memory_rate, parts, load_before, with_drape) -> None:
    best = _best(steps)
    best_with = _best(with_drape)
    names = list(steps[0]["cpu_ms"]) if steps else []
    cpu_rows = ["| offered /s | " + " | ".join(names) + " | total ms |",
                "|" + "---|" * (len(names) + 2)]  # fmt: skip
    for s in steps:
        cpu_rows.append(
            f"| {s['rate']:g} | "
            + " | ".join(f"{s['cpu_ms'][n]:.0f}" for n in names)
            + f" | {sum(s['cpu_ms'].values()):.0f} |"
        )
    mem_keys = [k for k in memory[0] if k not in ("analyses",)] if memory else []
    mem_rows = ["| analyses | " + " | ".join(f"{k} MB" for k in mem_keys) + " |",
                "|" + "---|" * (len(mem_keys) + 1)]  # fmt: skip
    for m in memory:
        mem_rows.append(
            f"| {m['analyses']} | " + " | ".join(f"{m.get(k, 0):.0f}" for k in mem_keys) + " |"
        )
    part_rows = ["| part | CPU ms |", "|---|---|"]
    part_rows += [f"| {name} | {ms:.1f} |" for name, ms in parts.items()]
    tail = memory[-1] if memory else {}
    budget = (
        f"At the best rate the whole stack spends {sum(best['cpu_ms'].values()):.0f} ms of CPU "
        f"per analysis, so 2 cores at 100 % give at most "
        f"{2000 / sum(best['cpu_ms'].values()):.1f} analyses/s"
        if best
        else "No rate met p95 < 1 s with 0 errors"
    )
    sustained = (
        f"{best['throughput']:.1f} analyses/s (offered {best['rate']:g}/s, "
        f"p50 {best['p50']:.2f} s, p95 {best['p95']:.2f} s)"
        if best
        else "none"
    )
    # done /s runs from the first upload's start to the last result, so it reads a little under
    # the offered rate even when every upload was kept up with: the target is judged on the
    # offered rate of a step that passed.
    verdict = "met" if best and best["rate"] >= 20 else "not met on this machine"
    command = (
        f".venv/bin/python bench/load.py --rates {args.rates} --step-seconds "
        f"{args.step_seconds:g} --memory-analyses {args.memory_analyses} "
        f"--drape-rates {args.drape_rates}" + (" --pin-workers" if args.pin_workers else "")
    )
    pinned = " pinned to one core each (taskset)" if args.pin_workers else ""
    body = f"""
Date {datetime.date.today()}, 2 cores shared with other work (load average before
{load_before}, at the end {load_average()}). Command:
`{command}` (gunicorn 2 x 16 threads, two Celery workers
with concurrency 1 each{pinned}, PostgreSQL 15, a dedicated redis-server; the client runs on the
same 2 cores). Time = from the start of the upload to the finished result in the client.

{_rate_table(steps)}

Sustained with 0 errors and p95 < 1 s: **{sustained}**. The target of 20/s is {verdict}
(done /s runs from the first upload's start to the last result, so it reads a little under
the offered rate even when every upload is kept up with); above the sustained rate
upload-to-result times grow with the queue. The workers do not draw the draping picture: it
is drawn on its first request (next table).

CPU per analysis (ms, from /proc, every process of the stack and the client, divided by
the analyses done at that rate):

{chr(10).join(cpu_rows)}

{budget}.

Parts of one analysis, CPU ms in one process (all threads, median of 30 development
photos, `python bench/load.py --profile-in-process` with the stack's environment, run by
the script on core 1):

{chr(10).join(part_rows)}

The same stack with each client also fetching the draping picture once its result is in
(`--drape-rates`): the picture's first request, so the web process draws and stores it then.
This is what the picture costs when every analysis is looked at; a client that never asks for
it costs nothing. Picture = the time of that request alone. Sustained with 0 errors and
upload-to-result p95 < 1 s: **{
        f"{best_with['throughput']:.1f} analyses/s (picture p95 {best_with['drape_p95']:.2f} s)"
        if best_with
        else "none"
    }**.

{_rate_table(with_drape, drape=True) if with_drape else "(not run)"}

Resident memory of each worker process over {args.memory_analyses} further analyses at
{memory_rate:.1f}/s (errors {tail.get("errors", "?")}, p95 {tail.get("p95", float("nan")):.2f} s):

{chr(10).join(mem_rows)}
"""
    write_section(REPO / "docs" / "reliability.md", "## Load", body)
    print(body)


if __name__ == "__main__":
    sys.exit(main())
