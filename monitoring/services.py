"""Writes of drift reports: run the comparison, store its figures, HTML and JSON."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction

from chromamatch_site.stored_files import delete_on_commit
from monitoring import drift
from monitoring.models import DriftReport

logger = logging.getLogger(__name__)


def drift_report_run(
    *,
    reference_size: int = drift.REFERENCE_SIZE,
    current_size: int = drift.CURRENT_SIZE,
) -> DriftReport:
    """Compare the windows now and record the outcome, whatever it is.

    Too few analyses is a ``not_enough_data`` report; a failure of the comparison itself is an
    ``error`` report with its reason, so the hourly run never dies silently.
    """
    # Windows too small to mean anything are the caller's mistake, not a report.
    drift.check_window_sizes(reference_size=reference_size, current_size=current_size)
    try:
        outcome = drift.drift_check(reference_size=reference_size, current_size=current_size)
    except Exception as exc:
        logger.exception("drift report failed")
        return DriftReport.objects.create(
            status=DriftReport.Status.ERROR, message=f"{type(exc).__name__}: {exc}"
        )
    report = DriftReport(
        status=outcome.status,
        message=outcome.message,
        model_name=outcome.model_name,
        model_version=outcome.model_version,
        engine_code=outcome.engine_code,
        reference_size=outcome.reference_size,
        current_size=outcome.current_size,
        drift_share=outcome.drift_share,
        drifted_columns=outcome.drifted_columns,
        figures=outcome.figures,
    )
    # Files are written before the row, as for selfies: if the row fails they are removed.
    if outcome.html is not None:
        report.html.save("report.html", ContentFile(outcome.html.encode()), save=False)
    if outcome.snapshot_json is not None:
        report.snapshot.save("report.json", ContentFile(outcome.snapshot_json.encode()), save=False)
    try:
        with transaction.atomic():
            report.save()
    except BaseException:
        for stored in (report.html, report.snapshot):
            if stored:
                stored.delete(save=False)
        raise
    return report


# The figures' entries that bound each window compared, as [first, last] analysis ids.
_WINDOWS = ("reference_analyses", "current_analyses")


def drift_reports_forget(*, analysis_ids: list[int]) -> int:
    """Delete the drift reports whose windows held any of ``analysis_ids``, with their HTML
    and JSON: Evidently draws each analysis's measurements into them, so what a person deletes
    must take those along. Returns how many went; the next hourly run compares afresh."""
    ids = set(analysis_ids)
    if not ids:
        return 0
    doomed = [
        report
        for report in DriftReport.objects.only("pk", "figures", "html", "snapshot")
        if any(
            bounds and any(bounds[0] <= pk <= bounds[1] for pk in ids)
            for bounds in (report.figures.get(window) for window in _WINDOWS)
        )
    ]
    DriftReport.objects.filter(pk__in=[report.pk for report in doomed]).delete()
    delete_on_commit([f.name for report in doomed for f in (report.html, report.snapshot)])
    return len(doomed)
