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


@pytest.fixture
def new_objects(user):
    """What the test stored for ``user`` (pks are reused after a rollback, so objects of
    earlier tests may share the folder); it is removed again afterwards."""
    from django.core.files.storage import default_storage

    from tests.security.storage_checks import user_objects

    before = user_objects(user.pk)
    created = set()

    def new() -> set[str]:
        created.update(user_objects(user.pk) - before)
        return set(created)

    yield new
    for name in new():
        default_storage.delete(name)
