import pytest

from taxonomy.loading import ensure_loaded


@pytest.fixture(autouse=True)
def _places(db):
    """Place tags need the taxonomy, which a transactional test elsewhere may have flushed."""
    ensure_loaded()
