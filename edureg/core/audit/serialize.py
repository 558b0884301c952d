"""JSON snapshots of model instances for the audit trail."""

import datetime
import decimal
import hashlib
import uuid

from django.db import models


def _jsonable(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)  # one instant, one text: a form's local time is no change
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def fingerprint(value) -> str:
    """A short digest that shows that a secret changed without recording it ("" for none)."""
    return hashlib.sha256(str(value).encode()).hexdigest()[:12] if value else ""


def snapshot(instance: models.Model) -> dict:
    """Concrete field values keyed by attribute name (`institution_id`, not `institution`).

    A field marked `audit_exclude` is left out; one marked `audit_fingerprint` (a password hash) is recorded as
    its fingerprint, so that a change shows without the secret.
    """
    data = {}
    for field in instance._meta.concrete_fields:
        if getattr(field, "audit_exclude", False) or getattr(field, "auto_now", False):
            continue  # an "updated at" stamp is the change record's own time
        value = getattr(instance, field.attname)
        data[field.attname] = fingerprint(value) if getattr(field, "audit_fingerprint", False) else _jsonable(value)
    for field in instance._meta.many_to_many:
        if instance.pk is not None and field.name in getattr(instance, "_prefetched_objects_cache", {}):
            data[field.name] = sorted(o.pk for o in getattr(instance, field.name).all())
    return data
