"""Uploaded files kept between preview and confirm, and import runs in the background.

A job is a folder under the import directory (settings.EDUREG_IMPORT_DIR, default: the system's temporary
directory): the uploaded file, `meta.json` (who, which importer, options) and `state.json` (phase, progress,
the report). The admin binds a job to the user's session; the folder's name is a random token, which is
also the job id of the change records the import writes. Files larger than
settings.EDUREG_IMPORT_BACKGROUND_BYTES run as a django-tasks job; `state.json` carries the progress across
processes.
"""

import json
import os
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from edureg.core.imports.reading import check_size
from edureg.core.imports.registry import get_importer
from edureg.core.imports.report import ImportReport

MAX_AGE_SECONDS = 24 * 3600
PROGRESS_EVERY_SECONDS = 0.5


def import_dir() -> Path:
    configured = getattr(settings, "EDUREG_IMPORT_DIR", None)
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "edureg-imports"


def background_bytes() -> int:
    return int(getattr(settings, "EDUREG_IMPORT_BACKGROUND_BYTES", 1024 * 1024))


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, default=str), encoding="utf-8")
    os.replace(tmp, path)  # readers never see half a file


@dataclass
class Job:
    token: str
    path: Path

    @property
    def meta(self) -> dict:
        return json.loads((self.path / "meta.json").read_text(encoding="utf-8"))

    @property
    def state(self) -> dict:
        try:
            return json.loads((self.path / "state.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def set_state(self, **changes) -> dict:
        state = {**self.state, **changes}
        _write_json(self.path / "state.json", state)
        return state

    @property
    def upload(self) -> Path:
        return self.path / self.meta["stored_name"]

    @property
    def report(self) -> ImportReport | None:
        data = self.state.get("report")
        return ImportReport.from_dict(data) if data else None

    @property
    def finished(self) -> bool:
        return self.state.get("status") in ("done", "failed")

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def sweep(max_age: int = MAX_AGE_SECONDS) -> None:
    """Remove jobs left behind (never confirmed) for longer than `max_age` seconds."""
    root = import_dir()
    if not root.exists():
        return
    limit = time.time() - max_age
    for child in root.iterdir():
        if child.is_dir() and child.stat().st_mtime < limit:
            shutil.rmtree(child, ignore_errors=True)


def create_job(uploaded, *, user, importer: str, skip_bad_rows: bool) -> Job:
    """Keep an uploaded file (refusing one over the size limit) for its preview and import."""
    check_size(uploaded.size)
    sweep()
    token = secrets.token_hex(16)
    path = import_dir() / token
    path.mkdir(parents=True, mode=0o700)
    name = os.path.basename(uploaded.name or "upload")
    stored = "upload" + (".xlsx" if name.lower().endswith(".xlsx") else ".csv")
    with open(path / stored, "wb") as fh:
        for chunk in uploaded.chunks():
            fh.write(chunk)
    _write_json(path / "meta.json", {
        "user_id": user.pk, "importer": importer, "filename": name, "stored_name": stored, "size": uploaded.size,
        "skip_bad_rows": bool(skip_bad_rows), "created": time.time()})
    job = Job(token, path)
    job.set_state(phase="", status="new")
    return job


def load_job(token: str) -> Job | None:
    if not token or not all(ch in "0123456789abcdef" for ch in token):
        return None
    path = import_dir() / token
    return Job(token, path) if (path / "meta.json").exists() else None


def execute_job(token: str, *, dry_run: bool) -> dict:
    """Run the preview (dry run) or the import of a job; the report is kept in its state."""
    job = load_job(token)
    if job is None:
        return {}
    meta = job.meta
    phase = "preview" if dry_run else "import"
    job.set_state(phase=phase, status="running", stage="read", done=0, total=0, report=None)
    user = get_user_model().objects.filter(pk=meta["user_id"]).first()
    last = [0.0, ""]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage != last[1] or now - last[0] >= PROGRESS_EVERY_SECONDS or done == total:
            last[0], last[1] = now, stage
            job.set_state(stage=stage, done=done, total=total)

    try:
        importer = get_importer(meta["importer"])
        report = importer(actor=user, progress=progress).run(
            job.upload, dry_run=dry_run, skip_bad_rows=meta["skip_bad_rows"], job_id=token)
    except Exception as exc:
        job.set_state(status="failed", error=f"{type(exc).__name__}: {exc}")
        raise
    data = report.to_dict()
    job.set_state(status="done", report=data)
    return {"summary": report.summary(), "written": report.written, "errors": len(report.errors)}


def start_job(job: Job, *, dry_run: bool) -> str:
    """Run now (small files) or enqueue as a background task. Returns "inline" or "task"."""
    if job.meta["size"] > background_bytes():
        from edureg.core.imports.tasks import run_import_job

        job.set_state(phase="preview" if dry_run else "import", status="queued", stage="", done=0, total=0,
                      report=None)
        result = run_import_job.enqueue(job.token, dry_run)
        job.set_state(task_id=str(result.id))
        return "task"
    execute_job(job.token, dry_run=dry_run)
    return "inline"
