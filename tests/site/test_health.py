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


def test_an_unreachable_cache_does_not_fail_the_model_check(client, settings):
    # The workers' reports live in the cache: Redis down failed "model" as well as "queue".
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    model = client.get("/health").json()["checks"]["model"]

    assert model.startswith("warning") and "cache" in model
