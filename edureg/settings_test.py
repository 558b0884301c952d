"""Test settings: the environment's DATABASE_URL (SQLite in memory by default), fast hashing."""

import os
import tempfile

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

from edureg.settings import *  # noqa: F403
from edureg.settings import DATABASES

STATIC_ROOT = tempfile.mkdtemp(prefix="edureg-test-static-")  # WhiteNoise warns about a missing one
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].pop("OPTIONS", None)
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}

# The token endpoint's rate limit is tested on its own (tests/test_api_token.py); others must not hit it.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "10000/min"}}  # noqa: F405
