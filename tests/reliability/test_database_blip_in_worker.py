"""A database error under a running analysis queues it again rather than losing it."""

import pytest
from django.db import OperationalError

from analysis import services
from worker import tasks


@pytest.mark.django_db
def test_the_analysis_is_retried_when_the_database_drops_the_connection(monkeypatch):
    calls = []

    def database_restarting(*, analysis_id):
        calls.append(analysis_id)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "analysis_start", database_restarting)

    # Eagerly, Celery runs each retry at once instead of after its countdown.
    outcome = tasks.analyse.apply(args=(7,))

    assert len(calls) == tasks.MAX_RETRIES + 1
    assert isinstance(outcome.result, OperationalError)
