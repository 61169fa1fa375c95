import pytest
from django.core.cache import cache


@pytest.fixture
def analyze_budget(user):
    """A full analyze throttle budget for ``user``, and none of it left over for a later test
    (pks are reused after each test's rollback, and the file cache outlives the run)."""
    key = f"throttle_analyze_{user.pk}"
    cache.delete(key)
    yield
    cache.delete(key)
