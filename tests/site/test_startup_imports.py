"""Django starts without MLflow or Evidently: they take seconds to import and only the
commands, tasks and checks that use them import them."""

import subprocess
import sys

from django.conf import settings

PROBE = """
import sys, django
django.setup()
from django.urls import resolve
resolve("/health")
from chromamatch_site.celery import app
app.loader.import_default_modules()
print(",".join(sorted(m for m in ("mlflow", "evidently") if m in sys.modules)) or "none")
"""


def test_django_and_celery_start_without_importing_mlflow_or_evidently():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={
            "DJANGO_SETTINGS_MODULE": "chromamatch_site.settings",
            "CHROMAMATCH_VAR_DIR": str(settings.VAR_DIR),
            "PATH": "/usr/bin:/bin",
        },
    )

    assert result.stdout.strip().splitlines()[-1] == "none"
