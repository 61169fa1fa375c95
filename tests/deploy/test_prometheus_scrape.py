"""Debian's Prometheus scrapes the running site and a worker process; the ChromaMatch metrics
come back through its query API."""

import shutil
import subprocess
import time
from urllib.parse import urlparse

import pytest
import requests

from analysis import services
from tests.analysis.helpers import development_photo, no_face_jpeg, wait_finished
from tests.conftest import SHARED_FACES, WORKER_METRICS_PORT, free_port
from tests.factories import UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("mlflow_registry")]


@pytest.fixture
def prometheus(live_server, celery_worker_process, tmp_path):
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.skip("prometheus is not installed (Debian package prometheus; .ci/run installs it)")
    site = urlparse(live_server.url).netloc
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s}\n"
        "scrape_configs:\n"
        f"  - {{job_name: web, static_configs: [{{targets: ['{site}']}}]}}\n"
        "  - {job_name: worker, static_configs: [{targets: ['127.0.0.1:%d']}]}\n"
        % WORKER_METRICS_PORT
    )
    port = free_port()
    log = open(tmp_path / "prometheus.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [binary, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _until(lambda: requests.get(f"{url}/-/ready", timeout=2).ok, 30, "Prometheus ready")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _until(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except requests.RequestException:
            pass
        time.sleep(0.5)
    pytest.fail(f"waited {seconds} s for {what}")


def _query(url: str, expression: str) -> list[dict]:
    response = requests.get(f"{url}/api/v1/query", params={"query": expression}, timeout=5)
    response.raise_for_status()
    return response.json()["data"]["result"]


def _value(url: str, expression: str) -> float | None:
    result = _query(url, expression)
    return float(result[0]["value"][1]) if result else None


@pytest.mark.django_db(transaction=True)
def test_prometheus_reads_the_analysis_metrics_of_the_site_and_the_worker(prometheus):
    owner = UserFactory()
    photos = [no_face_jpeg(), no_face_jpeg()]
    if SHARED_FACES.is_dir():
        photos.append(development_photo(SHARED_FACES))
    for data in photos:
        wait_finished(services.analysis_create(owner=owner, data=data))

    finished = _until(
        lambda: (_value(prometheus, "sum(chromamatch_analyses_total)") or 0) >= len(photos),
        60,
        "the worker's analysis counts in Prometheus",
    )
    assert finished
    by_code = {
        # Prometheus drops empty labels: a done analysis (no error code) has none.
        row["metric"].get("code", ""): float(row["value"][1])
        for row in _query(prometheus, "sum by (code) (chromamatch_analyses_total)")
    }
    assert by_code["no_face"] >= 2
    if SHARED_FACES.is_dir():
        assert by_code[""] >= 1  # a done analysis has no error code
    assert _value(prometheus, "sum(chromamatch_analysis_duration_seconds_count)") >= len(photos)
    assert _value(prometheus, "sum(chromamatch_analysis_queue_wait_seconds_count)") >= 1
    # From the site: the queue gauges and Django's own request counts.
    assert _until(
        lambda: _query(prometheus, "chromamatch_analyses_pending"), 20, "the site's queue gauge"
    )
    assert _value(prometheus, "chromamatch_analyses_pending") == 0
    assert _value(prometheus, 'up{job="worker"}') == 1
    assert _value(prometheus, 'up{job="web"}') == 1
    served = _query(prometheus, "chromamatch_model_served_version")
    assert served and all(float(row["value"][1]) >= 1 for row in served)
