"""Helpers shared by the apps' service functions."""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from edureg.core.audit.context import audit_context


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


@contextmanager
def acting(actor, source: str | None = None):
    """One transaction, with change records attributed to `actor` (a User, AnonymousUser or None)."""
    with transaction.atomic(), audit_context(user=_user(actor), source=source):
        yield


def ensure_in_scope(instance: models.Model, *, actor, action: str) -> None:
    """Refuse a write outside the actor's scope. System actors (None: commands, jobs) are not scoped."""
    if actor is None:
        return
    manager = type(instance)._default_manager
    if not hasattr(manager, "for_user"):
        return
    if not manager.for_user(actor, action).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("You may not %(action)s this %(what)s.") % {
            "action": action, "what": instance._meta.verbose_name})


def save_validated(instance: models.Model, *, actor, exclude=None) -> models.Model:
    """Validate (fields, constraints, clean) and save in one audited transaction, within the actor's scope."""
    adding = instance._state.adding
    with acting(actor):
        if not adding:
            ensure_in_scope(instance, actor=actor, action="change")
        instance.full_clean(exclude=exclude)
        instance.save()
        ensure_in_scope(instance, actor=actor, action="add" if adding else "change")
    return instance


def apply_changes(instance: models.Model, changes: dict, *, actor, m2m: tuple[str, ...] = ()) -> models.Model:
    """Set `changes` on `instance`, validate and save; many-to-many fields are set after saving."""
    with acting(actor):
        ensure_in_scope(instance, actor=actor, action="change")
        later = {k: changes.pop(k) for k in list(changes) if k in m2m}
        for field, value in changes.items():
            setattr(instance, field, value)
        instance.full_clean()
        instance.save()
        for field, value in later.items():
            getattr(instance, field).set(value)
        ensure_in_scope(instance, actor=actor, action="change")
    return instance


def delete_instance(instance: models.Model, *, actor) -> None:
    with acting(actor):
        ensure_in_scope(instance, actor=actor, action="delete")
        instance.delete()
