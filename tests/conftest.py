import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts import services
from tests.factories import UserFactory

REPO = Path(__file__).resolve().parent.parent
SHARED_FACES = REPO.parent / "shared" / "data" / "faces" / "london"
WORKER_MODEL_REFRESH_SECONDS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


WORKER_METRICS_PORT = free_port()


def _reachable(url: str, default_port: int) -> bool:
    parts = urlparse(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def pytest_sessionstart(session):
    """A configured service that is down fails the run; it never silently skips tests."""
    for name, default_port in (
        ("DATABASE_URL", 5432),
        ("REDIS_URL", 6379),
        ("S3_ENDPOINT_URL", 443),
    ):
        url = os.environ.get(name)
        if url and not url.startswith("sqlite") and not _reachable(url, default_port):
            pytest.exit(f"{name} is set but its server cannot be reached; start it first.", 3)
    if os.environ.get("S3_BUCKET"):
        _ensure_bucket(os.environ["S3_BUCKET"])


def _ensure_bucket(name: str) -> None:
    """The suite's bucket on the configured S3 server (a deployment creates its own)."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=os.environ.get("S3_ENDPOINT_URL"),
        region_name=os.environ.get("AWS_S3_REGION_NAME"),
    )
    existing = {bucket["Name"] for bucket in client.list_buckets()["Buckets"]}
    if name not in existing:
        client.create_bucket(Bucket=name)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the shared cache (Redis in the real-services run); clear only
    # their keys, never the whole cache, so the suite cannot flush anything else.
    scopes = ("login", "signup", "password_reset")
    cache.delete_many([f"throttle_{scope}_127.0.0.1" for scope in scopes])


@pytest.fixture
def throttle_rates(settings, monkeypatch):
    """Sets throttle rates for one test: ``throttle_rates(login="2/min", ...)``. DRF reads the
    rates once, into a class attribute, so the setting alone would not reach the throttles;
    the attribute is pointed at it too."""

    def set_rates(**rates: str) -> None:
        current = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**current, **rates},
        }
        monkeypatch.setattr(
            SimpleRateThrottle, "THROTTLE_RATES", api_settings.DEFAULT_THROTTLE_RATES
        )

    return set_rates


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def auth_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {services.token_for(user=user)}")
    return client


@pytest.fixture
def new_objects(user):
    """What the test stored for ``user`` (pks are reused after a rollback, so objects of
    earlier tests may share the folder); it is removed again afterwards."""
    from django.core.files.storage import default_storage

    from tests.security.storage_checks import user_objects

    before = user_objects(user.pk)
    created = set()

    def new() -> set[str]:
        created.update(user_objects(user.pk) - before)
        return set(created)

    yield new
    for name in new():
        default_storage.delete(name)


@pytest.fixture(scope="session")
def shared_faces() -> Path:
    if not SHARED_FACES.is_dir():
        pytest.skip(f"the shared development faces are not at {SHARED_FACES} (a fresh clone)")
    return SHARED_FACES


def _database_url_for_worker() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="session")
def mlflow_registry(tmp_path_factory):
    """One real MLflow store per test session, with the shipped model in production.

    A fresh store runs MLflow's migrations (seconds), so tests share it; each test that
    changes aliases says what it expects rather than assuming a version number.
    """
    from django.core.management import call_command

    from worker.model_loader import WORKERS_KEY

    cache.delete(WORKERS_KEY)  # what workers of an earlier run reported is not this run's
    folder = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    os.environ["MLFLOW_TRACKING_URI"] = uri  # for the worker process started below
    with override_settings(MLFLOW_TRACKING_URI=uri, MLFLOW_ARTIFACT_ROOT=str(folder / "artifacts")):
        call_command("ensure_model", stdout=io.StringIO())
        yield uri
    os.environ.pop("MLFLOW_TRACKING_URI", None)


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, mlflow_registry, tmp_path_factory):
    """A real Celery worker in its own process, on the suite's broker, test database and
    model registry; it looks for a moved `production` alias every 2 seconds."""
    from chromamatch_site.celery import app

    log_path = Path(settings.VAR_DIR) / "test-worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_worker(),
        "MLFLOW_TRACKING_URI": mlflow_registry,
        "MLFLOW_ARTIFACT_ROOT": settings.MLFLOW_ARTIFACT_ROOT,
        "MODEL_REFRESH_SECONDS": str(WORKER_MODEL_REFRESH_SECONDS),
        # Its metrics as in production: counted in a multiprocess folder, served on a port.
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path_factory.mktemp("worker-metrics")),
        "WORKER_METRICS_PORT": str(WORKER_METRICS_PORT),
        "WORKER_METRICS_ADDRESS": "127.0.0.1",
    }
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "--app",
                "chromamatch_site",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--hostname",
                f"test-{os.getpid()}@%h",
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        while not app.control.ping(timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text()[-3000:]
                pytest.fail(f"the Celery worker did not start; see {log_path}:\n{tail}")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
