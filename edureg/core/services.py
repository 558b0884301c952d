"""Helpers shared by the apps' service functions."""

from contextlib import contextmanager

from django.db import models, transaction

from edureg.core.audit.context import audit_context


@contextmanager
def acting(actor, source: str | None = None):
    """One transaction, with change records attributed to `actor` (a User, AnonymousUser or None)."""
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    with transaction.atomic(), audit_context(user=user, source=source):
        yield


def save_validated(instance: models.Model, *, actor, exclude=None) -> models.Model:
    """Validate (fields, constraints, clean) and save, in one audited transaction."""
    with acting(actor):
        instance.full_clean(exclude=exclude)
        instance.save()
    return instance


def apply_changes(instance: models.Model, changes: dict, *, actor, m2m: tuple[str, ...] = ()) -> models.Model:
    """Set `changes` on `instance`, validate and save; many-to-many fields are set after saving."""
    with acting(actor):
        later = {k: changes.pop(k) for k in list(changes) if k in m2m}
        for field, value in changes.items():
            setattr(instance, field, value)
        instance.full_clean()
        instance.save()
        for field, value in later.items():
            getattr(instance, field).set(value)
    return instance


def delete_instance(instance: models.Model, *, actor) -> None:
    with acting(actor):
        instance.delete()
