"""The Celery application shared by the web process, the workers and the scheduler."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chromamatch_site.settings")

app = Celery("chromamatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
