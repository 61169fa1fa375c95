"""Train a new ChromaMatch_Model version on a folder of faces and register it (not promoted)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chromamatch import registry
from chromamatch.lighting_training import COPIES_PER_PHOTO, SEED
from worker.model_loader import mlflow_client


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--data", type=Path, required=True, help="a folder with manifest.csv and its images"
        )
        parser.add_argument("--copies", type=int, default=COPIES_PER_PHOTO, help="per photo")
        parser.add_argument("--seed", type=int, default=SEED)
        parser.add_argument("--workers", type=int, default=1, help="processes relighting")
        parser.add_argument(
            "--quick", action="store_true", help="a lighter evaluation (fewer relit copies)"
        )

    def handle(self, *args, data, copies, seed, workers, quick, **options):
        from chromamatch.model_training import train_and_register

        if not (data / "manifest.csv").is_file():
            raise CommandError(f"{data} has no manifest.csv; point --data at a faces folder")
        if copies < 1 or workers < 1:
            raise CommandError("--copies and --workers must be at least 1")
        outcome = train_and_register(
            mlflow_client(),
            data_dir=data,
            artifact_root=settings.MLFLOW_ARTIFACT_ROOT,
            copies=copies,
            seed=seed,
            workers=workers,
            quick=quick,
        )
        flat = registry.flat_figures(outcome.figures)
        self.stdout.write(
            f"Registered {registry.MODEL_NAME} version {outcome.version} in "
            f"{outcome.seconds:.0f} s (not promoted; `manage.py promote_model "
            f"{outcome.version}`)."
        )
        for figure in registry.GATE:
            self.stdout.write(f"  {figure}: {flat.get(figure)}")
