"""A Celery worker that skips the draping picture, for bench/load.py's comparison only.

It measures what drawing the picture lazily (on its first request, then stored) would free
on the analysis path; it is never a way to run ChromaMatch. Arguments are celery's.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chromamatch_site.settings")

import django  # noqa: E402

django.setup()

import worker.tasks  # noqa: E402

worker.tasks._drape = lambda data, loaded, result: None  # forked pool children inherit it

from celery.__main__ import main  # noqa: E402

if __name__ == "__main__":
    sys.argv = ["celery", *sys.argv[1:]]
    sys.exit(main())
