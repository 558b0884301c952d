"""Settings come from the environment, and production refuses to start without a real secret."""

import os
import subprocess
import sys

import pytest

SETUP = ("import django; django.setup(); from django.conf import settings; "
         "print(settings.DATABASES['default']['ENGINE'])")


def run(**env):
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")}
    return subprocess.run([sys.executable, "-c", SETUP], capture_output=True, text=True, timeout=60,
                          env={**base, "DJANGO_SETTINGS_MODULE": "edureg.settings", **env})


@pytest.mark.parametrize("secret", [None, "short", "edureg-insecure-development-key-do-not-use-in-production"])
def test_production_refuses_a_missing_or_weak_secret(secret, tmp_path):
    env = {"EDUREG_DATA_DIR": str(tmp_path)}
    if secret is not None:
        env["SECRET_KEY"] = secret
    result = run(**env)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_a_real_secret_and_database_url_are_taken(tmp_path):
    result = run(SECRET_KEY="x" * 40, DATABASE_URL="postgres://u@127.0.0.1:5432/edureg", EDUREG_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_debug_allows_the_development_key(tmp_path):
    result = run(DEBUG="1", EDUREG_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_healthz_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
