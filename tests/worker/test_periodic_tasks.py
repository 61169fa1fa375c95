"""The reaper re-queues analyses whose message was lost; retention purges old pictures."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import TestCase
from django.utils import timezone

from analysis import services
from analysis.models import Analysis, Selfie
from tests.analysis.helpers import development_photo, no_face_jpeg, wait_finished
from tests.factories import UserFactory
from worker import tasks

pytestmark = pytest.mark.usefixtures("mlflow_registry")


def _lost_analysis(minutes_ago: int) -> Analysis:
    """A pending analysis whose task message never reached the broker."""
    selfie = Selfie(owner=UserFactory(), width=300, height=400, size_bytes=1)
    selfie.image.save("selfie.jpg", ContentFile(no_face_jpeg()), save=True)
    analysis = Analysis.objects.create(selfie=selfie)
    Analysis.objects.filter(pk=analysis.pk).update(
        queued_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return analysis


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_reaper_recovers_a_pending_analysis_whose_message_was_lost(celery_worker_process):
    lost, recent = _lost_analysis(minutes_ago=30), _lost_analysis(minutes_ago=1)

    requeued = tasks.requeue_stuck_analyses.apply().get()

    assert requeued == [lost.pk]
    assert wait_finished(lost).error["code"] == "no_face"
    recent.refresh_from_db()
    assert recent.status == Analysis.Status.PENDING  # may still be on its way: left alone


@pytest.mark.django_db
def test_retention_deletes_old_pictures_and_keeps_the_results(settings, shared_faces):
    settings.SELFIE_RETENTION_DAYS = 30
    owner = UserFactory()
    old = services.analysis_create(owner=owner, data=development_photo(shared_faces))
    new = services.analysis_create(owner=owner, data=no_face_jpeg())
    tasks.analyse.apply(args=[old.pk])
    old.refresh_from_db()
    services.analysis_drape(analysis=old)  # its picture was drawn on a request
    Selfie.objects.filter(pk=old.selfie_id).update(created=timezone.now() - timedelta(days=31))
    old.refresh_from_db()
    old_files = [old.selfie.image.name, old.drape.name]
    assert all(old_files)

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert tasks.purge_old_selfies.apply().get() == 1

    old.refresh_from_db()
    assert old.status == Analysis.Status.DONE and old.result["skin"]["hex"]
    assert not old.selfie.image and not old.drape
    assert not any(default_storage.exists(name) for name in old_files)
    assert default_storage.exists(new.selfie.image.name)


@pytest.mark.django_db
def test_retention_is_off_by_default(settings):
    assert settings.SELFIE_RETENTION_DAYS == 0
    analysis = services.analysis_create(owner=UserFactory(), data=no_face_jpeg())
    Selfie.objects.filter(pk=analysis.selfie_id).update(
        created=timezone.now() - timedelta(days=9999)
    )

    assert tasks.purge_old_selfies.apply().get() == 0
    assert default_storage.exists(analysis.selfie.image.name)


@pytest.mark.django_db
def test_the_reaper_also_requeues_an_analysis_left_running_by_a_lost_worker():
    running = _lost_analysis(minutes_ago=30)
    Analysis.objects.filter(pk=running.pk).update(
        status=Analysis.Status.RUNNING,
        started_at=timezone.now() - timedelta(minutes=30),
        attempts=1,
    )

    assert tasks.requeue_stuck_analyses.apply().get() == [running.pk]


@pytest.mark.django_db
def test_an_analysis_started_too_many_times_is_given_up_with_a_reason():
    analysis = _lost_analysis(minutes_ago=1)
    Analysis.objects.filter(pk=analysis.pk).update(attempts=services.MAX_ATTEMPTS)

    assert tasks.analyse.apply(args=[analysis.pk]).get() == "already finished or deleted"

    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.FAILED
    assert analysis.error["code"] == "too_many_attempts"
    assert "another photo" in analysis.error["message"]
