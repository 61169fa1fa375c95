"""Uploads while the broker, the cache or the database is unreachable: never a 500.

The broker and the cache are made unreachable for real (a port where nothing listens); the
database outage is raised at the one seam every upload goes through, since the test itself
runs inside a database transaction.
"""

import io
import time
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import override_settings

from analysis import services
from analysis.models import Analysis
from chromamatch_site.celery import app as celery_app
from tests.analysis.helpers import development_photo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mlflow_registry")]

NOWHERE = "redis://127.0.0.1:1/0"


def _upload(client, data: bytes, query: str = ""):
    handle = io.BytesIO(data)
    handle.name = "selfie.jpg"
    return client.post(f"/api/analyze{query}", {"file": handle}, format="multipart")


def _forget_broker_connections() -> None:
    """Drop the app's pooled broker connections so the next publish connects anew."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class Broker:
    def __init__(self):
        self.original = celery_app.conf.broker_url

    def stop(self) -> None:
        celery_app.conf.broker_url = NOWHERE
        _forget_broker_connections()

    def start(self) -> None:
        celery_app.conf.broker_url = self.original
        _forget_broker_connections()


@pytest.fixture
def broker():
    broker = Broker()
    yield broker
    broker.start()


@pytest.fixture
def broker_down(broker):
    broker.stop()
    return broker


@pytest.mark.usefixtures("broker_down")
def test_it_accepts_an_upload_while_the_broker_is_down_and_keeps_it_pending(
    auth_client, shared_faces, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(auth_client, development_photo(shared_faces))

    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    analysis = Analysis.objects.get(pk=response.json()["id"])
    assert analysis.status == Analysis.Status.PENDING
    assert analysis.selfie.image.name
    # A few quick connection attempts, not a request hanging on the broker.
    assert time.monotonic() - started < 5


@pytest.mark.usefixtures("broker_down")
def test_enqueue_says_it_did_not_queue_when_the_broker_is_down(user):
    assert services.analysis_enqueue(analysis_id=12345) is False


def test_the_reaper_queues_what_the_outage_left_pending_once_the_broker_is_back(
    auth_client, shared_faces, django_capture_on_commit_callbacks, broker_down
):
    with django_capture_on_commit_callbacks(execute=True):
        analysis_id = _upload(auth_client, development_photo(shared_faces)).json()["id"]
    # While the broker is still down the reaper tries, fails quietly and leaves it pending.
    assert services.analyses_requeue_stuck(older_than=timedelta(0)) == [analysis_id]
    assert Analysis.objects.get(pk=analysis_id).status == Analysis.Status.PENDING

    broker_down.start()

    assert services.analysis_enqueue(analysis_id=analysis_id) is True


def test_an_upload_answers_503_with_retry_after_when_the_database_is_unreachable(
    auth_client, shared_faces, monkeypatch
):
    def database_down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(services, "analysis_create", database_down)

    response = _upload(auth_client, development_photo(shared_faces))

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response.json() == {
        "error": {
            "code": "service_unavailable",
            "message": "The service is briefly unavailable. Please try again in a few seconds.",
        }
    }


@override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                        "LOCATION": NOWHERE}}
)  # fmt: skip
def test_an_upload_goes_through_when_the_throttle_cache_is_unreachable(
    auth_client, shared_faces, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = _upload(auth_client, development_photo(shared_faces))

    assert response.status_code == 202
