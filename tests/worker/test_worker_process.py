import time

import pytest

from chromamatch_site.celery import app

pytestmark = pytest.mark.worker

# A worker on the solo pool answers control messages between tasks: one still busy with an
# earlier test's analysis (or its broker connection found stale and reopened) answers late,
# so the ping is repeated for up to this long rather than given one 2 s window.
ANSWER_WITHIN_SECONDS = 60


def test_a_real_worker_process_answers_on_the_configured_broker(celery_worker_process):
    deadline = time.monotonic() + ANSWER_WITHIN_SECONDS
    replies = app.control.ping(timeout=2)
    while not replies and time.monotonic() < deadline:
        replies = app.control.ping(timeout=2)

    assert any(name.startswith("test-") for reply in replies for name in reply)
    assert celery_worker_process.poll() is None
