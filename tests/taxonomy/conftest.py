"""The taxonomy is loaded by `migrate`, but a transactional test elsewhere (or a
reused test database) may have flushed it: load it back, once per session,
outside any test transaction so every test sees the real vocabulary."""

import pytest

from taxonomy.loading import ensure_loaded


@pytest.fixture(scope="session")
def _taxonomy_session(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_loaded()


@pytest.fixture
def taxonomy(_taxonomy_session, db):
    # Cheap check (two queries) in case a transactional test flushed it since.
    ensure_loaded()
