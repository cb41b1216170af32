import pytest

from .builders import World, new_world


@pytest.fixture
def world(db) -> World:
    return new_world()
