"""List ChromaMatch_Model's versions with their aliases and gate figures, and what workers serve."""

from django.core.management.base import BaseCommand

from chromamatch import registry
from worker.model_loader import engine_differs, mlflow_client, worker_statuses


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        rows = registry.versions(mlflow_client())
        if not rows:
            self.stdout.write(f"No version of {registry.MODEL_NAME} is registered yet.")
        gates = list(registry.GATE)
        self.stdout.write(
            "version  aliases      source                        engine        " + "  ".join(gates)
        )
        for row in rows:
            figures = "  ".join(
                f"{'-' if row['figures'][g] is None else round(row['figures'][g], 3)!s:>{len(g)}}"
                for g in gates
            )
            aliases = ",".join(row["aliases"]) or "-"
            source = row["source"][:28]
            engine = row["engine_code"] or "-"
            self.stdout.write(
                f"{row['version']:>7}  {aliases:11}  {source:28}  {engine:12}  {figures}"
            )
        for status in worker_statuses():
            problem = f", last load failed: {status['error']}" if status["error"] else ""
            served = (
                f"worker {status['worker']} serves version {status['version']} "
                f"with engine {status.get('engine') or '-'}"
            )
            if engine_differs(status):
                served += (
                    f" (the version was registered and evaluated with engine "
                    f"{status['version_engine'] or 'unknown'})"
                )
            self.stdout.write(served + problem)
