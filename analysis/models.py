import secrets

from django.conf import settings
from django.db import models


def selfie_key(selfie: "Selfie", filename: str) -> str:
    """A random, unguessable key per picture under a folder per user; never the upload's name."""
    return f"selfies/{selfie.owner_id}/{secrets.token_urlsafe(24)}.jpg"


def drape_key(analysis: "Analysis", filename: str) -> str:
    return f"drapes/{analysis.selfie.owner_id}/{secrets.token_urlsafe(24)}.png"


class Selfie(models.Model):
    """A photo a person uploaded, stored re-encoded without its metadata."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="selfies"
    )
    # Blank once the retention period removed the picture; the results stay.
    image = models.FileField(upload_to=selfie_key, max_length=200, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"selfie {self.pk} of {self.owner_id}"


class Analysis(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    selfie = models.ForeignKey(Selfie, on_delete=models.CASCADE, related_name="analyses")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    result = models.JSONField(null=True, blank=True)
    # {"code", "message"}: the engine's refusal (no face, ...) or why the service could not run.
    error = models.JSONField(null=True, blank=True)
    # The virtual draping picture, drawn and stored on its first request (analysis_drape);
    # blank until then, and again once the retention period removed the photo.
    drape = models.FileField(upload_to=drape_key, max_length=200, blank=True)
    model_name = models.CharField(max_length=100, blank=True)
    model_version = models.CharField(max_length=20, blank=True)
    # The engine code that ran with that version (chromamatch.engine_code): the rules live in
    # the worker's code, not in the registered model.
    engine_code = models.CharField(max_length=16, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Newest upload first. Not by queued_at: the admin's re-run queues an analysis again,
        # which moved an old photo to the top of its owner's history.
        ordering = ["-pk"]
        verbose_name_plural = "analyses"

    def __str__(self) -> str:
        return f"analysis {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def drape_available(self) -> bool:
        """Whether a draping picture is stored or can be drawn: done, with its photo kept."""
        return self.status == self.Status.DONE and bool(self.drape or self.selfie.image)
