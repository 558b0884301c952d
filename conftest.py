import pytest


@pytest.fixture
def world(db):
    from tests.world import build_world

    return build_world()
