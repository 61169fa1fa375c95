"""SIGKILL the analysis worker mid-analysis, again and again: is any analysis lost?

    .venv/bin/python bench/worker_kills.py [--kills 20]

gunicorn and one Celery worker (prefork, concurrency 1) on PostgreSQL and a dedicated
redis-server (bench/site_stack.py). A thread uploads development photos (1350 px JPEGs)
about three a second. Each round waits until an analysis is running, lets it run a random
0-80 ms and SIGKILLs the pool's forked child (the process running the task); every third
round it kills the worker's main process instead (and then its orphaned child, as the
kernel's OOM killer or a lost node would). The worker is then restarted: a warm restart
(SIGTERM, start) after a child kill, a cold start after a main-process kill. After the
last round uploads stop and the script waits, running the reaper as beat would, until no
analysis is pending or running, then checks that every accepted upload ended ``done`` once:
one result, attempts counted. Writes the "## Workers" section of docs/reliability.md.
"""

import argparse
import datetime
import json
import os
import random
import signal
import threading
import time
from collections import Counter

import requests
from site_stack import REPO, Stack, development_photos, load_average, write_section

RUNNING_SQL = "SELECT id FROM analysis_analysis WHERE status = 'running'"
# Running, and started by the worker now serving: not one a killed worker left marked running.
STARTED_SINCE_SQL = RUNNING_SQL + " AND started_at > %s"
FINISHED_SINCE_SQL = "SELECT count(*) FROM analysis_analysis WHERE finished_at > %s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--recover-seconds", type=float, default=600)
    args = parser.parse_args()
    rng = random.Random(8)  # noqa: S311 (when to kill, not a secret)

    # The reaper's threshold at its minimum, so the final sweep may queue what is pending;
    # the visibility timeout is the production default (settings: 2 x (120 + 30) s).
    stack = Stack("kills", extra_env={"ANALYSIS_STUCK_AFTER_SECONDS": "60"})
    stack.prepare()
    stack.start_web()
    stack.start_worker("w1")
    photos = development_photos(40)
    accepted: list[int] = []
    refused: list[int] = []
    stop = threading.Event()
    kills: list[dict] = []
    started = time.monotonic()
    try:
        stack.wait_healthy()
        headers = stack.signup()

        def upload_stream() -> None:
            session = requests.Session()
            index = 0
            while not stop.is_set():
                answer = session.post(
                    f"{stack.base}/api/analyze",
                    files={"file": ("selfie.jpg", photos[index % len(photos)], "image/jpeg")},
                    headers=headers,
                    timeout=60,
                )
                if answer.status_code == 202:
                    accepted.append(answer.json()["id"])
                else:
                    refused.append(answer.status_code)
                index += 1
                time.sleep(0.33)

        uploader = threading.Thread(target=upload_stream, daemon=True)
        uploader.start()
        for round_number in range(args.kills):
            kill_main = round_number % 3 == 2
            # Kill mid-analysis, not while a fresh worker loads the model: wait until the
            # worker now serving has finished one analysis, then for the next to start.
            warm = _wait_warm(stack, 180)
            running = _wait_running(stack, warm, 120)
            time.sleep(rng.uniform(0, 0.08))
            children = stack.worker_children("w1")
            main_pid = stack.workers["w1"].pid
            if kill_main:
                os.kill(main_pid, signal.SIGKILL)
                stack.workers["w1"].wait()
                for pid in children:  # the orphan would finish its task unobserved
                    _kill_quietly(pid)
            else:
                for pid in children:
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.3)
            interrupted = [row[0] for row in stack.sql(RUNNING_SQL)]
            kills.append(
                {
                    "round": round_number + 1,
                    "process": "main + child" if kill_main else "child",
                    "running_before": running,
                    "interrupted": interrupted,
                }
            )
            print(
                f"kill {round_number + 1:2d}: {kills[-1]['process']:<12} running {running} "
                f"-> left running {interrupted}",
                flush=True,
            )
            if not kill_main:
                time.sleep(1.0)  # the main process notices the lost child and requeues
            stack.stop_worker("w1")  # SIGTERM: warm shutdown (a dead main needs none)
            stack.start_worker("w1")
        stop.set()
        uploader.join(timeout=60)
        kills_done = time.monotonic()

        # Recovery: kombu restores what the killed main processes held once the visibility
        # timeout passes; the reaper (every 5 minutes in production) queues lost messages.
        recovered_after = None
        reaper_runs = []
        while time.monotonic() - kills_done < args.recover_seconds:
            open_rows = stack.sql(
                "SELECT count(*) FROM analysis_analysis WHERE status IN ('pending', 'running')"
            )[0][0]
            if open_rows == 0:
                recovered_after = time.monotonic() - kills_done
                break
            if len(reaper_runs) < (time.monotonic() - kills_done) // 60:
                reaper_runs.append(stack.run_reaper())
            time.sleep(2)
        rows = stack.sql(
            "SELECT id, status, attempts, result IS NOT NULL, error, "
            "extract(epoch FROM finished_at - queued_at) FROM analysis_analysis ORDER BY id"
        )
    finally:
        stop.set()
        stack.stop()

    by_id = {row[0]: row for row in rows}
    statuses = {}
    for row in rows:
        statuses[row[1]] = statuses.get(row[1], 0) + 1
    lost = [i for i in accepted if i not in by_id]
    not_done = [i for i in accepted if i in by_id and by_id[i][1] != "done"]
    no_result = [i for i in accepted if i in by_id and by_id[i][1] == "done" and not by_id[i][3]]
    # A kill's target: the analysis running when it came, still marked running after it.
    interrupted = sorted(
        {i for kill in kills for i in kill["running_before"] if i in kill["interrupted"]}
    )
    attempts = [by_id[i][2] for i in interrupted if i in by_id]
    summary = {
        "accepted": len(accepted),
        "refused": refused,
        "statuses": statuses,
        "lost": lost,
        "not_done": [(i, by_id[i][1], by_id[i][4]) for i in not_done],
        "no_result": no_result,
        "interrupted": len(interrupted),
        "interrupted_attempts": attempts,
        "recovered_after_s": recovered_after,
        "reaper_runs": [len(json.loads(run)) for run in reaper_runs],
        "duration_s": time.monotonic() - started,
    }
    print(summary)
    (stack.scratch / "result.json").write_text(json.dumps({"kills": kills, "summary": summary}))
    _report(args, kills, summary)


def _wait_warm(stack: Stack, seconds: float):
    since = stack.sql("SELECT now()")[0][0]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if stack.sql(FINISHED_SINCE_SQL, since)[0][0]:
            return stack.sql("SELECT now()")[0][0]
        time.sleep(0.05)
    raise SystemExit(f"the worker finished nothing within {seconds} s; see {stack.scratch}/*.log")


def _wait_running(stack: Stack, since, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        running = [row[0] for row in stack.sql(STARTED_SINCE_SQL, since)]
        if running:
            return running
        time.sleep(0.01)
    raise SystemExit(f"no analysis started within {seconds} s; see {stack.scratch}/*.log")


def _kill_quietly(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _report(args, kills: list[dict], summary: dict) -> None:
    child_kills = sum(1 for kill in kills if kill["process"] == "child")
    main_kills = len(kills) - child_kills
    mid = sum(1 for kill in kills if kill["interrupted"])
    attempts = summary["interrupted_attempts"]
    ok = not summary["lost"] and not summary["not_done"] and not summary["no_result"]
    recovered = summary["recovered_after_s"]
    head = [
        "kills",
        "child (task process)",
        "main process + child",
        "landed mid-analysis",
        "accepted uploads",
        "refused uploads",
        "lost",
        "not `done`",
        "`done` without result",
    ]
    values = [len(kills), child_kills, main_kills, mid, summary["accepted"],
              len(summary["refused"]), len(summary["lost"]), len(summary["not_done"]),
              len(summary["no_result"])]  # fmt: skip
    table = "\n".join(
        ["| " + " | ".join(head) + " |", "|" + "---|" * len(head),
         "| " + " | ".join(str(v) for v in values) + " |"]
    )  # fmt: skip
    verdict = f"**0 lost in {len(kills)} kills.**" if ok else "**Some analyses did not end done.**"
    body = f"""
Date {datetime.date.today()}, 2 cores shared with other work (load average at the end
{load_average()}). Command: `.venv/bin/python bench/worker_kills.py --kills {args.kills}`
(gunicorn, one Celery worker with concurrency 1, PostgreSQL 15, a dedicated redis-server as
broker, result backend and cache; uploads of development photos about three a second).

{table}

{verdict}
Every analysis a kill interrupted ran again and finished once: {summary["interrupted"]}
interrupted, attempts recorded on them {dict(sorted(Counter(attempts).items()))} (attempts:
analyses). Everything still open
after the last kill (the upload backlog and the messages the killed main processes held)
finished {f"{recovered:.0f} s later" if recovered is not None else "NOT within the wait"}.
The reaper, run once a minute meanwhile, queued again {summary["reaper_runs"]} analyses
per run: the backlog still waiting in the queue after 60 s, harmless duplicates (a
redelivered task finds its analysis finished and does nothing). Statuses at the end:
{summary["statuses"]}.

How each kind of kill recovers:

- Task process (the pool's forked child) killed: the worker's main process sees the child
  die, and `reject_on_worker_lost=True` with `acks_late=True` puts the message back at
  once; the next attempt finds the analysis `running`, counts a new attempt and finishes
  it. No wait.
- Main process killed (with its child): nothing can reject the message. Redis keeps it in
  kombu's `unacked` set and another worker (here the restarted one) puts it back after the
  visibility timeout. It was kombu's default of 1 hour; it is now
  `2 x (ANALYSIS_SOFT_TIME_LIMIT + 30)` = 300 s (`CELERY_BROKER_TRANSPORT_OPTIONS` in
  settings), long enough that a legitimately slow analysis (hard limit 150 s, after a retry
  countdown of up to 32 s) is never handed out twice, and workers look for expired
  messages every 10 s (`unacked_restore_throttle: 1`; kombu's default looked every 100 s).
  The reaper cannot help there: it re-queues `pending` analyses only, and these are
  `running`. Its threshold stays at 600 s, above the visibility timeout, so it never races
  a restore; in this script it is 60 s so that a final sweep can run.
"""
    path = REPO / "docs" / "reliability.md"
    # bench/redis_outage.py writes its subsection under the same heading: keep it.
    text = path.read_text() if path.exists() else ""
    marker = "### Redis stopped for"
    if marker in text:
        kept = text[text.index(marker) :]
        kept = kept.split("\n## ", 1)[0]
        body = body.rstrip("\n") + "\n\n" + kept
    write_section(path, "## Workers", body)


if __name__ == "__main__":
    main()
