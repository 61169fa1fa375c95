"""Make sure the registry has a production model this engine can serve: register the shipped
one when it has none, or when its data files are in a format this engine cannot read."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand

from chromamatch import registry
from worker.model_loader import mlflow_client

# The evaluation of the shipped weights on the people they were not trained on (`make eval`):
# the same kind of figures train_model logs, so promotion compares like with like.
SHIPPED_FIGURES = settings.BASE_DIR / "docs" / "evaluation_held_out.json"


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        figures = json.loads(SHIPPED_FIGURES.read_text()) if SHIPPED_FIGURES.is_file() else {}
        version, why = registry.ensure_production(
            mlflow_client(), artifact_root=settings.MLFLOW_ARTIFACT_ROOT, figures=figures
        )
        if why:
            self.stdout.write(
                f"Registered the shipped model as {registry.MODEL_NAME} version "
                f"{version.version} and made it {registry.PRODUCTION_ALIAS}: {why}."
            )
        else:
            self.stdout.write(
                f"{registry.MODEL_NAME}@{registry.PRODUCTION_ALIAS} is version {version.version}."
            )
