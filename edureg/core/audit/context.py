"""Who is acting and on behalf of which request or job: carried in context variables.

The middleware sets it for web and API requests; commands, imports and jobs use `audit_context`.
"""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class AuditContext:
    user_id: int | None = None
    user_name: str = ""
    request_id: uuid.UUID | None = None
    job_id: str = ""
    source: str = "system"


_current: ContextVar[AuditContext] = ContextVar("edureg_audit_context", default=AuditContext())  # noqa: B039


def current() -> AuditContext:
    return _current.get()


@contextmanager
def audit_context(*, user=None, source: str | None = None, job_id: str | None = None, request_id=None):
    """Run a block as `user` (a User or None), from `source` ("web", "api", "import", "command", "job")."""
    base = _current.get()
    changes: dict = {}
    if user is not None:
        changes["user_id"] = user.pk
        changes["user_name"] = user.get_username()
    if source is not None:
        changes["source"] = source
    if job_id is not None:
        changes["job_id"] = str(job_id)
    if request_id is not None:
        changes["request_id"] = request_id
    token = _current.set(replace(base, **changes))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def new_request_id() -> uuid.UUID:
    return uuid.uuid4()
