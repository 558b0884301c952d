import os

import pytest
from hypothesis import HealthCheck, settings

# Property tests check results, not speed: no per-example deadline (a busy CI machine made them flaky).
settings.register_profile("edureg", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("edureg")

DB_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, run only the tests that touch the database: the others (pure engines, parsers, validators) do
    not depend on it and have run on SQLite already, and so have the browser tests (they check pages, not the
    database). EDUREG_ALL_TESTS=1 runs everything anyway."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" or os.environ.get("EDUREG_ALL_TESTS"):
        return
    keep, skipped = [], []
    for item in items:
        uses_db = item.get_closest_marker("django_db") or DB_FIXTURES & set(getattr(item, "fixturenames", ()))
        browser = "browser_page" in getattr(item, "fixturenames", ())
        (keep if uses_db and not browser else skipped).append(item)
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = keep


@pytest.fixture
def world(db):
    from tests.world import build_world

    return build_world()
