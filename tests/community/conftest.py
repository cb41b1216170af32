import pytest

from tests.database import restore_taxonomy


@pytest.fixture(autouse=True)
def _places(db):
    """Place tags need the taxonomy, which a transactional test elsewhere may have flushed."""
    restore_taxonomy()
