from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class WorkerConfig(AppConfig):
    name = "worker"

    def ready(self) -> None:
        # kombu's file-system transport does not create its folders; the web process and the
        # worker both need them before the first message, and both pass through here.
        if settings.CELERY_BROKER_URL == "filesystem://":
            options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
            for folder in (
                options["data_folder_out"],
                options["control_folder"],
                settings.CELERY_RESULT_BACKEND.removeprefix("file://"),
            ):
                Path(folder).mkdir(parents=True, exist_ok=True)
