"""The `edureg` console script: Django's manage.py with local defaults for the demo.

    edureg demo [--no-serve] [--scale small|national] [--seed N]
    edureg serve [--port 8000]
    edureg import enrolments FILE [--dry-run] [--skip-bad-rows]
    edureg <any Django management command>
"""

import os
import secrets
import sys
from pathlib import Path

LOCAL_COMMANDS = {"demo", "serve"}


def _local_defaults() -> None:
    """The demo and `serve` run on one machine: a generated secret kept in var/, plain-HTTP cookies."""
    data_dir = Path(os.environ.setdefault("EDUREG_DATA_DIR", str(Path.cwd() / "var")))
    data_dir.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("SECRET_KEY"):
        key_file = data_dir / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
            key_file.chmod(0o600)
        os.environ["SECRET_KEY"] = key_file.read_text(encoding="utf-8").strip()
    os.environ.setdefault("SECURE_COOKIES", "0")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edureg.settings")
    # The demo, `serve`, and any command run with neither SECRET_KEY nor DATABASE_URL set are local
    # use; a deployment sets both and gets no defaults (and settings refuse a missing secret).
    local = not os.environ.get("SECRET_KEY") and not os.environ.get("DATABASE_URL")
    if not argv or argv[0] in LOCAL_COMMANDS or local:
        _local_defaults()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["edureg", *argv])


if __name__ == "__main__":
    main()
