"""The engine stands alone: importing every module of it must not import Django."""

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "chromamatch"


def test_no_engine_module_mentions_django_in_an_import():
    offenders = []
    for source in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [
                f"{source.name}: {n}"
                for n in names
                if n.split(".")[0] in {"django", "rest_framework", "celery"}
            ]
    assert offenders == []


def test_importing_every_engine_module_leaves_django_unloaded():
    code = (
        "import importlib, pkgutil, sys, chromamatch\n"
        "for m in pkgutil.walk_packages(chromamatch.__path__, 'chromamatch.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "print(sorted(k for k in sys.modules if k == 'django' or k.startswith('django.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ENGINE.parent, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
