"""Redis down for 60 s, then PostgreSQL restarted, during a stream of uploads: never a 500.

    .venv/bin/python bench/redis_outage.py [--outage 60]

gunicorn and one Celery worker on PostgreSQL and a redis-server of the script's own
(bench/site_stack.py: broker, result backend and cache; it saves nothing, so stopping it
loses every queued message, the harshest case). Uploads of development photos go in about
two a second throughout and /health is asked every second. Step 1: 20 s normal, Redis
stopped for ``--outage`` seconds, started again, 30 s more; then the script waits until
every accepted analysis is done, running the reaper every 30 s as beat would (threshold
60 s here). Step 2: ``pg_ctlcluster 15 main restart`` in the middle of the uploads, and
the same wait. Every answer must be a 202 or a 503 with Retry-After in the JSON error
shape, and every accepted analysis must end done. Writes part of the "## Workers" section
of docs/reliability.md (the Redis and PostgreSQL outage table).
"""

import argparse
import datetime
import json
import subprocess
import threading
import time
from collections import Counter

import requests
from site_stack import REPO, Stack, development_photos, load_average, write_section

POSTGRES_VERSION = "15"


class Traffic:
    """Uploads about two a second and a /health probe every second, each answer recorded."""

    def __init__(self, stack: Stack, headers: dict, photos: list[bytes]):
        self.stack, self.headers, self.photos = stack, headers, photos
        self.phase = "before"
        self.uploads: list[dict] = []
        self.health: list[dict] = []
        self.reads: list[dict] = []
        self.accepted: list[int] = []
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._upload, daemon=True),
            threading.Thread(target=self._probe, daemon=True),
            threading.Thread(target=self._read, daemon=True),
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=90)

    def _upload(self) -> None:
        index = 0
        while not self.stop.is_set():
            started = time.monotonic()
            record = {"phase": self.phase}
            try:
                answer = requests.post(
                    f"{self.stack.base}/api/analyze",
                    files={"file": ("selfie.jpg", self.photos[index % len(self.photos)])},
                    headers=self.headers,
                    timeout=60,
                )
                record["status"] = answer.status_code
                record["retry_after"] = answer.headers.get("Retry-After")
                body = _json(answer)
                record["shape_ok"] = (
                    answer.status_code == 202
                    or set(body.get("error", {})) >= {"code", "message"}
                    and set(body) == {"error"}
                )
                if answer.status_code == 202:
                    self.accepted.append(body["id"])
            except requests.RequestException as exc:
                record["status"] = type(exc).__name__
            record["seconds"] = time.monotonic() - started
            self.uploads.append(record)
            index += 1
            time.sleep(max(0.0, 0.5 - record["seconds"]))

    def _probe(self) -> None:
        while not self.stop.is_set():
            try:
                answer = requests.get(f"{self.stack.base}/health", timeout=20)
                failing = [k for k, v in _json(answer).get("checks", {}).items() if v != "ok"]
                self.health.append(
                    {"phase": self.phase, "status": answer.status_code, "failing": failing}
                )
            except requests.RequestException as exc:
                self.health.append({"phase": self.phase, "status": type(exc).__name__})
            time.sleep(1)

    def _read(self) -> None:
        """GET /api/analyses/ ten times a second: a short outage window does not go unseen."""
        session = requests.Session()
        session.headers.update(self.headers)
        while not self.stop.is_set():
            record = {"phase": self.phase}
            try:
                answer = session.get(f"{self.stack.base}/api/analyses/", timeout=30)
                record["status"] = answer.status_code
                record["retry_after"] = answer.headers.get("Retry-After")
                record["shape_ok"] = answer.status_code == 200 or set(_json(answer)) == {"error"}
            except requests.RequestException as exc:
                record["status"] = type(exc).__name__
            self.reads.append(record)
            time.sleep(0.1)


def _json(answer) -> dict:
    try:
        return answer.json()
    except ValueError:
        return {}


def wait_all_done(stack: Stack, accepted: list[int], seconds: float) -> tuple[float | None, list]:
    """Seconds until every accepted analysis is finished (None: not in time), reaper runs."""
    started = time.monotonic()
    reaper = []
    while time.monotonic() - started < seconds:
        open_rows = stack.sql(
            "SELECT count(*) FROM analysis_analysis WHERE status IN ('pending', 'running')"
        )[0][0]
        if open_rows == 0:
            return time.monotonic() - started, reaper
        if len(reaper) < (time.monotonic() - started) // 30:
            reaper.append(stack.run_reaper())
        time.sleep(1)
    return None, reaper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outage", type=float, default=60)
    args = parser.parse_args()

    stack = Stack("outage", extra_env={"ANALYSIS_STUCK_AFTER_SECONDS": "60"})
    stack.prepare()
    stack.start_web()
    stack.start_worker("w1")
    try:
        stack.wait_healthy()
        traffic = Traffic(stack, stack.signup(), development_photos(40))
        traffic.start()
        time.sleep(20)
        traffic.phase = "redis down"
        stack.stop_redis()
        print("redis stopped", flush=True)
        time.sleep(args.outage)
        stack.start_redis()
        traffic.phase = "redis back"
        print("redis started", flush=True)
        time.sleep(30)
        traffic.phase = "after"
        redis_recovered, redis_reaper = wait_all_done(stack, traffic.accepted, 400)
        print("redis step recovered", redis_recovered, redis_reaper, flush=True)

        traffic.phase = "postgres restart"
        started = time.monotonic()
        subprocess.run(["pg_ctlcluster", POSTGRES_VERSION, "main", "restart"], check=True)
        restart_seconds = time.monotonic() - started
        traffic.phase = "postgres back"
        print(f"postgres restarted in {restart_seconds:.1f} s", flush=True)
        time.sleep(20)
        traffic.finish()
        pg_recovered, pg_reaper = wait_all_done(stack, traffic.accepted, 400)
        rows = stack.sql("SELECT id, status, attempts FROM analysis_analysis ORDER BY id")
    finally:
        stack.stop()

    by_id = {row[0]: row for row in rows}
    not_done = [(i, by_id.get(i, (i, "missing"))[1]) for i in traffic.accepted]
    not_done = [item for item in not_done if item[1] != "done"]
    _report(
        args,
        traffic,
        not_done=not_done,
        redis_recovered=redis_recovered,
        redis_reaper=redis_reaper,
        restart_seconds=restart_seconds,
        pg_recovered=pg_recovered,
        pg_reaper=pg_reaper,
    )


def _report(args, traffic: Traffic, **facts) -> None:
    phases = ["before", "redis down", "redis back", "after", "postgres restart", "postgres back"]
    lines = [
        "| phase | uploads | upload answers | 503 with Retry-After and JSON error | other 5xx | "
        "slowest upload s | reads (GET /api/analyses/ every 0.1 s) | /health (failing checks) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    server_errors = 0
    for phase in phases:
        uploads = [u for u in traffic.uploads if u["phase"] == phase]
        if not uploads:
            continue
        answers = Counter(str(u["status"]) for u in uploads)
        unavailable = [u for u in uploads if u["status"] == 503]
        proper = sum(1 for u in unavailable if u["retry_after"] and u["shape_ok"])
        fives = sum(1 for u in uploads if isinstance(u["status"], int) and u["status"] >= 500)
        fives -= len(unavailable)
        reads = [r for r in traffic.reads if r["phase"] == phase]
        read_answers = Counter(str(r["status"]) for r in reads)
        bad_reads = [
            r for r in reads
            if not isinstance(r["status"], int) or r["status"] >= 500
            and not (r["status"] == 503 and r["retry_after"] and r["shape_ok"])
        ]  # fmt: skip
        server_errors += fives + len(bad_reads)
        health = Counter(
            f"{h['status']}" + (f" ({', '.join(h['failing'])})" if h.get("failing") else "")
            for h in traffic.health
            if h["phase"] == phase
        )
        lines.append(
            f"| {phase} | {len(uploads)} | {dict(answers)} | {proper}/{len(unavailable)} | "
            f"{fives} | {max(u['seconds'] for u in uploads):.1f} | {dict(read_answers)} "
            f"| {dict(health)} |"
        )
    table = "\n".join(lines)
    redis_s, pg_s = facts["redis_recovered"], facts["pg_recovered"]
    body = f"""
### Redis stopped for {args.outage:.0f} s, then PostgreSQL restarted

Date {datetime.date.today()}, load average at the end {load_average()}. Command:
`.venv/bin/python bench/redis_outage.py --outage {args.outage:.0f}` (gunicorn, one Celery
worker, PostgreSQL 15, a dedicated redis-server that saves nothing: stopping it loses the
queue; uploads about two a second, `/health` every second; reaper threshold 60 s).

{table}

Accepted uploads: {len(traffic.accepted)}; not `done` at the end: {facts["not_done"] or "none"};
answers (uploads and reads) that were a 5xx other than a proper 503, or no answer:
{server_errors}. Every analysis accepted before or during the outage was done
{f"{redis_s:.0f} s" if redis_s is not None else "NOT"} after the 30 s that followed Redis's
return; the reaper, run every 30 s then, queued again {_counts(facts["redis_reaper"])}
analyses per run (those whose message was refused during the outage or lost with Redis's
data). PostgreSQL restarted in {facts["restart_seconds"]:.1f} s without restarting the site
or the worker; every accepted analysis was done
{f"{pg_s:.0f} s" if pg_s is not None else "NOT in time"} after the last upload (reaper
runs in that wait: {_counts(facts["pg_reaper"]) or "none needed"}).

What makes it so:

- `analysis_enqueue` publishes with a short retry (3 attempts, about 0.3 s) and, when the
  broker stays unreachable, logs and returns: the selfie and the pending analysis are
  committed, so the upload answers 202 and the reaper queues the analysis once Redis is back
  (before, the publish error escaped the on-commit hook: a 500 for a stored analysis).
- The analyze throttle lets an upload through when its counts (in Redis) cannot be read
  (before, the cache error made every upload a 500 during the outage).
- The API views answer 503 `service_unavailable` with `Retry-After: 10` when the database
  is unreachable (a connection refused or dropped by a restart), never a 500.
- `/health` answers 503 naming `queue` (and `model`, whose worker statuses live in Redis)
  while Redis is down (the table's last column).
- Connections: `conn_health_checks=True` was already in `DATABASE_URL`'s parse, so Django
  drops a connection the restart closed before using it; the worker's Celery fixup does the
  same per task. The broker's connect timeout is now 2 s.
"""
    path = REPO / "docs" / "reliability.md"
    text = path.read_text() if path.exists() else ""
    marker = "### Redis stopped for"
    if "## Workers" in text and marker in text:
        # Replace the previous run's subsection, keeping the kill figures above it.
        head, _, rest = text.partition(marker)
        rest_lines = rest.splitlines()
        end = next((i for i, line in enumerate(rest_lines) if line.startswith("## ")), None)
        tail = "\n".join(rest_lines[end:]) if end is not None else ""
        path.write_text(head.rstrip("\n") + "\n\n" + body.strip("\n") + "\n\n" + tail)
    else:
        workers = _section(text, "## Workers")
        write_section(path, "## Workers", workers + "\n" + body)


def _counts(runs: list[str]) -> list[int]:
    return [len(json.loads(run)) for run in runs]


def _section(text: str, heading: str) -> str:
    lines = text.splitlines()
    if heading not in lines:
        return ""
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start:end])


if __name__ == "__main__":
    main()
