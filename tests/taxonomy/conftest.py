import pytest


@pytest.fixture
def taxonomy(db):
    """The vocabulary `migrate` loaded: a transactional test's flush leaves it (see
    tests/database.py), so every test here sees all of it."""
