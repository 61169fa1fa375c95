import pytest

from chromamatch_site.celery import app as celery_app

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mlflow_registry")]


def test_it_answers_ok_with_each_check_named(client):
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "queue": "ok", "storage": "ok", "model": "ok"},
    }


def test_it_answers_503_naming_the_queue_when_the_broker_is_unreachable(client):
    # A real connection attempt to a port where nothing listens.
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/health")
    finally:
        celery_app.conf.broker_url = original

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["queue"].startswith("error")
