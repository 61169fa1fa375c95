from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from monitoring import drift, services


class Command(BaseCommand):
    help = "Compare the latest analyses with the serving model version's first ones, now."

    def add_arguments(self, parser):
        parser.add_argument("--reference-size", type=int, default=drift.REFERENCE_SIZE)
        parser.add_argument("--current-size", type=int, default=drift.CURRENT_SIZE)

    def handle(self, *args, reference_size: int, current_size: int, **options):
        try:
            report = services.drift_report_run(
                reference_size=reference_size, current_size=current_size
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"drift report {report.pk}: {report.status}: {report.message}")
        if report.html:
            path = reverse("monitoring:drift-report-html", args=[report.pk])
            self.stdout.write(f"HTML (staff): {path}")
        if report.status == report.Status.ERROR:
            raise CommandError("the drift report failed; see the message above")
