"""Registration of audited models and the signal handlers that write ObjectChange rows.

Any path that saves or deletes through the ORM (admin, API, services, commands) is covered by the
signals. Bulk writes (imports, the synthetic country) call `record_bulk` themselves.
"""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from edureg.core.audit.context import current
from edureg.core.audit.serialize import snapshot

_audited: set[type[models.Model]] = set()
_not_in_feed: set[type[models.Model]] = set()


def audited(model: type[models.Model] | None = None, *, feed: bool = True):
    """Class decorator: record every change of this model. `feed=False` keeps its changes out of the change feed
    (user accounts: audited, but not register data for other systems)."""

    def register(model):
        _audited.add(model)
        if not feed:
            _not_in_feed.add(model)
        return model

    return register(model) if model is not None else register


def audited_models() -> list[type[models.Model]]:
    return sorted(_audited, key=lambda m: m._meta.label)


def is_audited(model) -> bool:
    return model in _audited


def in_feed(model) -> bool:
    """Whether the model's changes are served by the change feed."""
    return model in _audited and model not in _not_in_feed


def feed_models() -> list[type[models.Model]]:
    return [m for m in audited_models() if m not in _not_in_feed]


def _new_change(instance, action, before, after, *, time=None, ctx=None, repr_=None):
    from edureg.core.models import ObjectChange

    ctx = ctx or current()
    return ObjectChange(
        time=time or timezone.now(),
        user_id=ctx.user_id,
        user_name=ctx.user_name,
        request_id=ctx.request_id,
        job_id=ctx.job_id,
        source=ctx.source,
        action=action,
        content_type=ContentType.objects.get_for_model(instance.__class__),
        object_id=str(instance.pk),
        object_repr=repr_ if repr_ is not None else str(instance)[:200],
        prechange_data=before,
        postchange_data=after,
    )


def _pre_save(sender, instance, raw=False, **kwargs):
    if sender not in _audited or raw:
        return
    before = None
    if not instance._state.adding and instance.pk is not None:
        old = sender._base_manager.filter(pk=instance.pk).first()
        before = snapshot(old) if old is not None else None
    instance._audit_before = before


def _post_save(sender, instance, created, raw=False, **kwargs):
    if sender not in _audited or raw:
        return
    before = None if created else getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if before == after:
        return  # a save that changed nothing is not a change
    action = "create" if created else "update"
    _new_change(instance, action, before, after).save()


def _pre_delete(sender, instance, **kwargs):
    if sender in _audited:
        instance._audit_before = snapshot(instance)
        instance._audit_pk = instance.pk
        # Related rows may be gone by post_delete (cascades), so the label is taken now.
        instance._audit_repr = str(instance)[:200]


def _post_delete(sender, instance, **kwargs):
    if sender not in _audited:
        return
    pk = instance.pk if instance.pk is not None else getattr(instance, "_audit_pk", None)
    change = _new_change(instance, "delete", getattr(instance, "_audit_before", None), None,
                         repr_=getattr(instance, "_audit_repr", None))
    change.object_id = str(pk)
    change.save()


def _m2m_field_name(sender, instance) -> str | None:
    for field in instance._meta.many_to_many:
        if field.remote_field.through is sender:
            return field.name
    return None


def _m2m_changed(sender, instance, action, reverse, **kwargs):
    """Changes of a many-to-many field (e.g. an employment's subjects) are updates of the owner."""
    if reverse or type(instance) not in _audited:
        return
    name = _m2m_field_name(sender, instance)
    if name is None:
        return
    if action in ("pre_add", "pre_remove", "pre_clear"):
        instance._audit_m2m_before = sorted(getattr(instance, name).values_list("pk", flat=True))
    elif action in ("post_add", "post_remove", "post_clear"):
        before = getattr(instance, "_audit_m2m_before", [])
        after = sorted(getattr(instance, name).values_list("pk", flat=True))
        if before != after:
            _new_change(instance, "update", {name: before}, {name: after}).save()


def record_bulk(instances: Iterable[models.Model], action: str, befores: Iterable[dict | None] | None = None,
                *, batch_size: int = 2000) -> int:
    """Write change records for objects written with bulk_create / bulk_update. Returns the count."""
    from edureg.core.models import ObjectChange

    ctx = current()
    now = timezone.now()
    instances = list(instances)
    befores = list(befores) if befores is not None else [None] * len(instances)
    rows = []
    for inst, before in zip(instances, befores, strict=True):
        after = None if action == "delete" else snapshot(inst)
        rows.append(_new_change(inst, action, before, after, time=now, ctx=ctx))
    if not _copy_changes(rows):
        ObjectChange.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def _copy_changes(rows: list) -> bool:
    """Write the rows with COPY on PostgreSQL (several times faster than INSERT for large batches; the same
    rows: ids from the sequence, no feed position yet). False when the database cannot."""
    import json

    from django.db import connection

    from edureg.core.models import ObjectChange

    if connection.vendor != "postgresql" or len(rows) < 100:
        return False
    fields = [f for f in ObjectChange._meta.concrete_fields if not f.primary_key]
    encoders = {f.attname: f.encoder for f in fields if isinstance(f, models.JSONField)}
    table = connection.ops.quote_name(ObjectChange._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        raw = getattr(cursor, "cursor", None)
        if not hasattr(raw, "copy"):
            return False
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = []
                for name in names:
                    value = getattr(row, name)
                    if name in encoders and value is not None:
                        value = json.dumps(value, cls=encoders[name])
                    values.append(value)
                copy.write_row(values)
    return True


def connect_signals():
    pre_save.connect(_pre_save, dispatch_uid="edureg_audit_pre_save")
    post_save.connect(_post_save, dispatch_uid="edureg_audit_post_save")
    pre_delete.connect(_pre_delete, dispatch_uid="edureg_audit_pre_delete")
    post_delete.connect(_post_delete, dispatch_uid="edureg_audit_post_delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="edureg_audit_m2m")
