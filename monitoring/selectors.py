"""Reads of drift reports."""

from monitoring.models import DriftReport

_COMPARED = [DriftReport.Status.OK, DriftReport.Status.DRIFT]


def latest_compared_report() -> DriftReport | None:
    """The newest report that compared the windows (not one that lacked data or failed)."""
    return DriftReport.objects.filter(status__in=_COMPARED).order_by("-created", "-pk").first()


def latest_outcome_report() -> DriftReport | None:
    """The newest report the drift task finished with an outcome: a comparison, or too few
    analyses of the serving version and engine code to compare (not one that failed)."""
    return (
        DriftReport.objects.filter(status__in=[*_COMPARED, DriftReport.Status.NOT_ENOUGH_DATA])
        .order_by("-created", "-pk")
        .first()
    )
