"""The periodic drift report (hourly, CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from monitoring import services


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def drift_report(reference_size: int | None = None, current_size: int | None = None) -> dict:
    """Record a drift report now; the sizes default to monitoring.drift's windows.

    Running it twice only records two reports of the same windows.
    """
    sizes = {
        name: value
        for name, value in (("reference_size", reference_size), ("current_size", current_size))
        if value is not None
    }
    report = services.drift_report_run(**sizes)
    return {"report": report.pk, "status": report.status, "message": report.message}
