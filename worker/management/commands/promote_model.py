"""Point `production` at a model version, only when it is no worse on the gate figures."""

from django.core.management.base import BaseCommand, CommandError

from chromamatch import registry
from worker.model_loader import mlflow_client


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("version", help="the ChromaMatch_Model version to promote")
        parser.add_argument(
            "--force", action="store_true", help="promote even when a gate figure is worse"
        )

    def handle(self, *args, version, force, **options):
        from mlflow.exceptions import MlflowException

        client = mlflow_client()
        try:
            rows = registry.promote(client, version, force=force)
        except registry.PromotionRefused as refused:
            self._table(refused.args[0])
            raise CommandError(
                f"Version {version} is worse than production on a gate figure; not promoted. "
                "Use --force to promote it anyway."
            ) from None
        except MlflowException as exc:
            raise CommandError(f"Cannot promote version {version}: {exc.message}") from None
        self._table(rows)
        forced = " (forced)" if force and any(row.worse for row in rows) else ""
        self.stdout.write(
            f"{registry.MODEL_NAME}@{registry.PRODUCTION_ALIAS} is now version {version}{forced}."
        )

    def _table(self, rows):
        self.stdout.write(f"{'gate figure':32} {'candidate':>10} {'production':>10}")
        for row in rows:
            self.stdout.write(row.line())
