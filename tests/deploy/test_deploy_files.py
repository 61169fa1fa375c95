"""deploy/ and docker-compose.yml: checked by the tools that will read them."""

import json
import re
import shutil
import subprocess

import pytest
from django.conf import settings

DEPLOY = settings.BASE_DIR / "deploy"


def _run(*command: str) -> str:
    result = subprocess.run(
        command, cwd=DEPLOY, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.skip("promtool is not installed (Debian package prometheus; .ci/run installs it)")
    return path


def test_promtool_accepts_the_prometheus_config(promtool):
    assert "SUCCESS" in _run(promtool, "check", "config", "prometheus.yml")


def test_promtool_accepts_the_alert_rules(promtool):
    assert "SUCCESS: 10 rules found" in _run(promtool, "check", "rules", "alerts.yml")


def test_every_alert_fires_on_its_signal_and_not_on_a_healthy_service(promtool):
    assert "SUCCESS" in _run(promtool, "test", "rules", "alerts.test.yml")


def test_every_alert_has_a_unit_test():
    rules = set(re.findall(r"- alert: (\w+)", (DEPLOY / "alerts.yml").read_text()))
    tested = set(re.findall(r"alertname: (\w+)", (DEPLOY / "alerts.test.yml").read_text()))
    assert rules == tested


def test_docker_compose_accepts_the_compose_file():
    env = ["--env-file", str(settings.BASE_DIR / ".env.example")]
    if shutil.which("docker-compose"):
        command = ["docker-compose", *env, "config", "--quiet"]
    elif (
        shutil.which("docker")
        and subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        command = ["docker", "compose", *env, "config", "--quiet"]
    else:
        pytest.skip("no docker compose client here (Debian package docker-compose)")
    result = subprocess.run(
        command, cwd=settings.BASE_DIR, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def _dashboard_metric_names() -> set[str]:
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "chromamatch.json").read_text())
    names = set()
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            names |= set(re.findall(r"\b(django_[a-z_]+|chromamatch_[a-z_]+)\b", target["expr"]))
    return names


@pytest.mark.django_db
def test_the_dashboard_queries_only_metrics_the_service_exports(client):
    from prometheus_client import generate_latest

    from monitoring.models import DriftReport
    from worker.metrics import WORKER_REGISTRY

    # Drift figures are exported once a report has compared two windows.
    DriftReport.objects.create(
        status=DriftReport.Status.DRIFT,
        drift_share=0.6,
        drifted_columns=["cct_k"],
        figures={"columns": {"cct_k": {"drifted": True}}},
    )
    client.get("/health")
    exported = client.get("/metrics").content.decode() + generate_latest(WORKER_REGISTRY).decode()
    # Families without samples yet still announce themselves with # HELP / # TYPE lines.
    known = set(re.findall(r"^# (?:HELP|TYPE) (\w+)", exported, re.M))
    known |= set(re.findall(r"^(\w+?)(?:\{| )", exported, re.M))
    known |= {f"{name}_total" for name in known} | {f"{name}_bucket" for name in known}

    missing = _dashboard_metric_names() - known
    assert not missing, f"the dashboard queries metrics nobody exports: {sorted(missing)}"


def test_the_image_leaves_out_the_secrets_file():
    # The Dockerfile copies the whole context; README tells people to put secrets in .env.
    ignored = (settings.BASE_DIR / ".dockerignore").read_text().split()
    dockerfile = (settings.BASE_DIR / "Dockerfile").read_text()

    assert "COPY . ." in dockerfile
    assert ".env" in ignored and "!.env.example" in ignored


def test_no_exec_form_health_check_leans_on_a_shell_variable():
    # ["CMD", ..., "celery@$$HOSTNAME"] passes "$HOSTNAME" to celery as it is: the worker's
    # health check could never pass. A variable needs "CMD-SHELL".
    compose = (settings.BASE_DIR / "docker-compose.yml").read_text()
    for check in re.findall(r"test: (\[.*\])", compose):
        if '"CMD"' in check:
            assert "$" not in check, check
