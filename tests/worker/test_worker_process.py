import pytest

from chromamatch_site.celery import app

pytestmark = pytest.mark.worker


def test_a_real_worker_process_answers_on_the_configured_broker(celery_worker_process):
    replies = app.control.ping(timeout=2)

    assert any(name.startswith("test-") for reply in replies for name in reply)
    assert celery_worker_process.poll() is None
