"""Reads of drift reports."""

from monitoring.models import DriftReport


def latest_compared_report() -> DriftReport | None:
    """The newest report that compared the windows (not one that lacked data or failed)."""
    return (
        DriftReport.objects.filter(status__in=[DriftReport.Status.OK, DriftReport.Status.DRIFT])
        .order_by("-created", "-pk")
        .first()
    )
