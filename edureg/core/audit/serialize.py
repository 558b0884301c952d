"""JSON snapshots of model instances for the audit trail."""

import datetime
import decimal
import uuid

from django.db import models


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def snapshot(instance: models.Model) -> dict:
    """Concrete field values keyed by attribute name (`institution_id`, not `institution`)."""
    data = {}
    for field in instance._meta.concrete_fields:
        if getattr(field, "audit_exclude", False) or getattr(field, "auto_now", False):
            continue  # an "updated at" stamp is the change record's own time
        data[field.attname] = _jsonable(getattr(instance, field.attname))
    for field in instance._meta.many_to_many:
        if instance.pk is not None and field.name in getattr(instance, "_prefetched_objects_cache", {}):
            data[field.name] = sorted(o.pk for o in getattr(instance, field.name).all())
    return data
