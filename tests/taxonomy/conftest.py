"""The taxonomy is loaded by `migrate`, but a transactional test elsewhere may have
emptied it: every test here sees the real vocabulary."""

import pytest

from tests.database import restore_taxonomy


@pytest.fixture
def taxonomy(db):
    restore_taxonomy()
