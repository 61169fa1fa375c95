"""Settings come from the environment; a wrong value stops the process and names itself."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from chromamatch_site import env

REPO = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "k7#Qz!p2V@x9Lm$w4Rt^b8Nc&e1Yh*u6Jd(f3Gs)a5Zo-i0Kq+",
    "ALLOWED_HOSTS": "chromamatch.example",
    "EMAIL_HOST": "smtp.chromamatch.example",
}


def _manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    base = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "S3_BUCKET"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**base, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issues_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_without_a_mail_server_sends_no_reset_link_anywhere_and_says_so():
    # The console backend printed each reset e-mail, a working link, into the web log.
    without_mail = {k: v for k, v in PRODUCTION.items() if k != "EMAIL_HOST"}

    result = _manage("check", "--deploy", "--fail-level", "WARNING", **without_mail)
    backend = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.EMAIL_BACKEND)",
        **without_mail,
    )

    assert result.returncode != 0 and "accounts.W001" in result.stderr + result.stdout
    assert "EMAIL_HOST" in result.stderr + result.stdout
    assert backend.stdout.strip().splitlines()[-1] == "django.core.mail.backends.dummy.EmailBackend"


@pytest.mark.parametrize(
    ("variable", "environment"),
    [
        ("DATABASE_URL", {"DATABASE_URL": "mysqlx://db.example/chromamatch"}),
        ("REDIS_URL", {"REDIS_URL": "http://127.0.0.1:6379"}),
        ("DJANGO_DEBUG", {"DJANGO_DEBUG": "sometimes"}),
        ("SECRET_KEY", {"DJANGO_DEBUG": "false", "ALLOWED_HOSTS": "x.example"}),
        ("ALLOWED_HOSTS", {"DJANGO_DEBUG": "false", "SECRET_KEY": PRODUCTION["SECRET_KEY"]}),
        ("S3_ENDPOINT_URL", {"S3_BUCKET": "selfies", "S3_ENDPOINT_URL": "minio:9000"}),
        ("LOGIN_THROTTLE_RATE", {"LOGIN_THROTTLE_RATE": "lots"}),
        (
            "ANALYSIS_STUCK_AFTER_SECONDS",
            {"REDIS_URL": "redis://127.0.0.1:6379/0", "ANALYSIS_SOFT_TIME_LIMIT": "300"},
        ),
        ("ANALYZE_THROTTLE_RATE", {"ANALYZE_THROTTLE_RATE": "10/fortnight"}),
    ],
)
def test_a_wrong_value_fails_at_start_naming_the_variable(variable, environment):
    result = _manage("check", **environment)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


def test_a_secret_can_be_read_from_a_file(tmp_path, monkeypatch):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SOMETHING_FILE", str(secret))

    assert env.env_str("SOMETHING") == "from-a-file"


def test_an_unreadable_secret_file_names_the_variable(monkeypatch):
    monkeypatch.setenv("SOMETHING_FILE", "/nonexistent/secret")

    with pytest.raises(ImproperlyConfigured, match="SOMETHING_FILE"):
        env.env_str("SOMETHING")


def test_a_number_below_its_minimum_names_the_variable(monkeypatch):
    monkeypatch.setenv("SOME_SECONDS", "-5")

    with pytest.raises(ImproperlyConfigured, match="SOME_SECONDS"):
        env.env_int("SOME_SECONDS", 10, minimum=0)


def test_a_url_error_does_not_echo_a_password(monkeypatch):
    monkeypatch.setenv("SOME_URL", "http://user:hunter2@host")

    with pytest.raises(ImproperlyConfigured) as error:
        env.env_url("SOME_URL", None, schemes=("redis",))

    assert "hunter2" not in str(error.value)
