"""Start the production shape on this machine for a reliability or load script.

gunicorn serving the site, Celery worker processes and a dedicated redis-server (broker,
results and cache) on a free port, a PostgreSQL database of the script's own on the local
server (``postgres@127.0.0.1:5432``, trust) and a scratch VAR dir under var/bench/<name> for
media and the local MLflow store. Shared by bench/worker_kills.py, bench/redis_outage.py and
bench/load.py; bench/api_latency.py started its processes the same way.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

REPO = Path(__file__).resolve().parent.parent
FACES = REPO.parent / "shared" / "data" / "faces" / "london" / "images"
PY = sys.executable
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def development_photos(count: int | None = None) -> list[bytes]:
    """Development portraits (1350 px JPEGs) as uploaded, by path only."""
    paths = sorted(FACES.glob("*.jpg"))
    return [path.read_bytes() for path in paths[:count]]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class Stack:
    name: str
    web_workers: int = 1
    web_threads: int = 8
    extra_env: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.scratch = REPO / "var" / "bench" / self.name
        self.redis_port = free_port()
        self.web_port = free_port()
        self.base = f"http://127.0.0.1:{self.web_port}"
        self.database = f"chromamatch_bench_{self.name}"
        self.env = {
            **os.environ,
            "CHROMAMATCH_VAR_DIR": str(self.scratch),
            "MLFLOW_DISABLE_TELEMETRY": "true",
            "DO_NOT_TRACK": "1",
            "ANALYZE_THROTTLE_RATE": "1000000/hour",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{self.database}",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            **self.extra_env,
        }
        self.redis: subprocess.Popen | None = None
        self.web: subprocess.Popen | None = None
        self.workers: dict[str, subprocess.Popen] = {}
        self._logs = []

    # --- set-up -------------------------------------------------------------------------

    def prepare(self) -> None:
        """A fresh scratch dir, database and Redis; migrated, with a production model."""
        # `kill <pid>` of the script stops what it started (the finally blocks run).
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.scratch.mkdir(parents=True)
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.database}"')
        self.start_redis()
        manage = [PY, str(REPO / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=self.env, check=True, cwd=REPO)
        subprocess.run([*manage, "ensure_model"], env=self.env, check=True, cwd=REPO,
                       stdout=subprocess.DEVNULL)  # fmt: skip

    def _log(self, name: str):
        handle = open(self.scratch / f"{name}.log", "a")  # noqa: SIM115
        self._logs.append(handle)
        return handle

    def start_redis(self) -> None:
        """A redis-server of the script's own, saving nothing to disk (a restart loses it)."""
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.scratch)],
            stdout=self._log("redis"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.redis_port), 0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def stop_redis(self) -> None:
        if self.redis and self.redis.poll() is None:
            self.redis.terminate()
            self.redis.wait(timeout=30)

    def start_web(self) -> None:
        self.web = subprocess.Popen(
            [PY, "-m", "gunicorn", "chromamatch_site.wsgi", "--bind", f"127.0.0.1:{self.web_port}",
             "--workers", str(self.web_workers), "--threads", str(self.web_threads),
             "--timeout", "60", "--backlog", "512"],
            env=self.env, cwd=REPO, stdout=self._log("web"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    def start_worker(
        self, name: str = "w1", concurrency: int = 1, extra: tuple = (), celery: tuple = ()
    ) -> None:
        """A Celery worker; ``celery`` replaces ``python -m celery`` (a wrapper script)."""
        self.workers[name] = subprocess.Popen(
            [*(celery or (PY, "-m", "celery")), "--app", "chromamatch_site", "worker", "--hostname",
             f"{name}@%h", "--concurrency", str(concurrency), "--loglevel", "WARNING", *extra],
            env=self.env, cwd=REPO, stdout=self._log(f"worker-{name}"), stderr=subprocess.STDOUT,
        )  # fmt: skip

    def worker_children(self, name: str = "w1") -> list[int]:
        """The pool's forked children of a worker (the processes that run tasks)."""
        main = self.workers[name].pid
        try:
            text = Path(f"/proc/{main}/task/{main}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def stop_worker(self, name: str = "w1", sig: int = signal.SIGTERM) -> None:
        process = self.workers.pop(name, None)
        if process and process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def wait_healthy(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                # The first /health imports MLflow to check the registry: seconds, not a hang.
                if requests.get(f"{self.base}/health", timeout=20).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise SystemExit(f"{self.base}/health did not answer 200; see {self.scratch}/*.log")

    def signup(self, email: str = "bench@example.com") -> dict:
        answer = requests.post(
            f"{self.base}/api/auth/signup",
            json={"email": email, "password": "bench-pass-77x", "consent": True},
            timeout=30,
        )
        answer.raise_for_status()
        return {"Authorization": f"Token {answer.json()['token']}"}

    def run_reaper(self) -> str:
        """Run the stuck-analysis reaper once now (what beat does every 5 minutes)."""
        code = (
            "import django; django.setup()\n"
            "from worker.tasks import requeue_stuck_analyses\n"
            "print(requeue_stuck_analyses())"
        )
        env = {**self.env, "DJANGO_SETTINGS_MODULE": "chromamatch_site.settings"}
        done = subprocess.run([PY, "-c", code], env=env, cwd=REPO, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"the reaper failed:\n{done.stderr[-2000:]}")
        return done.stdout.strip().splitlines()[-1]

    def sql(self, query: str, *args) -> list[tuple]:
        """Run a query on the stack's database, waiting out a restart of the server."""
        url = self.env["DATABASE_URL"].replace("postgres://", "postgresql://")
        deadline = time.monotonic() + 60
        while True:
            try:
                with psycopg.connect(url, connect_timeout=5) as conn:
                    return conn.execute(query, args).fetchall()
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def stop(self) -> None:
        for name in list(self.workers):
            self.stop_worker(name)
        if self.web and self.web.poll() is None:
            self.web.terminate()
            self.web.wait(timeout=30)
        self.stop_redis()
        for handle in self._logs:
            handle.close()


def write_section(path: Path, heading: str, body: str) -> None:
    """Replace (or add) one ``## heading`` section of a markdown file, keeping the rest."""
    text = path.read_text() if path.exists() else "# Reliability\n"
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == heading), None)
    section = [heading, "", *body.strip("\n").splitlines(), ""]
    if start is None:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ["", *section]
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        lines[start:end] = section
    path.write_text("\n".join(lines).rstrip("\n") + "\n")
