"""`edureg serve`, run as a real process on a throw-away SQLite database."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

TIMEOUT = 60


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(EDUREG_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               SECRET_KEY="serve-test-secret-key-0123456789-abcdefghijklmnop", **extra)
    return env


def _edureg(*args, env, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edureg.cli", *args], env=env, capture_output=True, text=True,
                          timeout=TIMEOUT, **kwargs)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve")
    result = _edureg("migrate", "-v0", env=_env(path))
    assert result.returncode == 0, result.stderr
    return path


def _serve_and_get(env, port) -> tuple[dict, str]:
    """Start `edureg serve`, fetch /healthz, stop the server; returns the JSON and the server's output."""
    process = subprocess.Popen([sys.executable, "-m", "edureg.cli", "serve", "--port", str(port), "--workers", "1"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    body = json.loads(response.read())
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(process.stdout.read()) from None
                time.sleep(0.3)
    finally:
        # The whole group: the development server's autoreloader runs the server in a child that keeps the pipe.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group this test started
            output, _ = process.communicate()
    return body, output


def test_refuses_a_database_that_is_not_migrated(tmp_path):
    result = _edureg("serve", "--port", str(_free_port()), env=_env(tmp_path))
    assert result.returncode != 0
    assert "not migrated" in result.stderr
    assert "edureg migrate" in result.stderr


def test_serves_the_database_with_gunicorn(migrated):
    port = _free_port()
    body, output = _serve_and_get(_env(migrated), port)
    assert body["status"] == "ok" and body["database"] == "ok"
    assert f"http://127.0.0.1:{port}/" in output
    assert "gunicorn" in output.lower()
    assert "Booting worker" in output


def test_falls_back_to_runserver_without_gunicorn(migrated, tmp_path):
    # A module named gunicorn that cannot be imported, first on the path.
    (tmp_path / "gunicorn.py").write_text("raise ImportError('gunicorn hidden for this test')\n")
    env = _env(migrated, PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    port = _free_port()
    body, output = _serve_and_get(env, port)
    assert body["status"] == "ok"
    assert "development server" in output and f"http://127.0.0.1:{port}/" in output
