import secrets

from django.db import models


def report_key(report: "DriftReport", filename: str) -> str:
    """An unguessable key: the files sit beside selfies in the same private storage."""
    extension = filename.rsplit(".", 1)[-1]
    return f"drift/{secrets.token_urlsafe(24)}.{extension}"


class DriftReport(models.Model):
    """One comparison of the latest analyses with the serving version's first ones."""

    class Status(models.TextChoices):
        OK = "ok"
        DRIFT = "drift"
        NOT_ENOUGH_DATA = "not_enough_data", "not enough data"
        ERROR = "error"

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    message = models.TextField(blank=True)
    model_name = models.CharField(max_length=100, blank=True)
    model_version = models.CharField(max_length=20, blank=True)
    engine_code = models.CharField(max_length=16, blank=True)
    reference_size = models.PositiveIntegerField(default=0)
    current_size = models.PositiveIntegerField(default=0)
    # The share of columns Evidently found drifted; None when no comparison ran.
    drift_share = models.FloatField(null=True, blank=True)
    drifted_columns = models.JSONField(default=list, blank=True)
    # Per column: method, score (p-value or distance), threshold, drifted; window bounds.
    figures = models.JSONField(default=dict, blank=True)
    html = models.FileField(upload_to=report_key, max_length=200, blank=True)
    # Evidently's snapshot (metrics and tests) as JSON, for anything the figures leave out.
    snapshot = models.FileField(upload_to=report_key, max_length=200, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"drift report {self.pk} ({self.status})"
