"""Scopes: which part of the registers a user may see or change.

A user's scope comes from their memberships (user × institution or municipality × role); the
accounts app computes it (settings.EDUREG_SCOPE_RESOLVER) so that core stays free of domain apps.
`ScopedQuerySet.for_user(user, action)` is the one place where rows are filtered by scope: every
view, API endpoint, admin page and export goes through it.
"""

from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.module_loading import import_string

ACTIONS = ("view", "add", "change", "delete")


@dataclass(frozen=True)
class Scope:
    national: bool = False
    institution_ids: frozenset[int] = field(default_factory=frozenset)
    municipality_codes: frozenset[str] = field(default_factory=frozenset)
    person_ids: frozenset[int] = field(default_factory=frozenset)  # the user's own person record(s)

    @property
    def empty(self) -> bool:
        return not (self.national or self.institution_ids or self.municipality_codes or self.person_ids)


@cache
def _resolver():
    return import_string(settings.EDUREG_SCOPE_RESOLVER)


def scope_for(user) -> Scope:
    """The user's scope, computed once per user object (i.e. per request)."""
    if user is None or not user.is_authenticated:
        return Scope()
    cached = getattr(user, "_edureg_scope", None)
    if cached is None:
        cached = _resolver()(user)
        user._edureg_scope = cached
    return cached


def permission_name(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class ScopedQuerySet(models.QuerySet):
    """Base queryset for register models.

    A model says how its rows relate to scopes with `scope_filter(scope)`. Rows that everyone
    may read (public registers) say so with `public_filter()`.
    """

    def scope_filter(self, scope: Scope) -> Q:  # pragma: no cover - every register overrides it
        raise NotImplementedError(f"{self.model.__name__} must define scope_filter()")

    def add_filter(self, scope: Scope) -> Q:
        """Rows a scoped user may create; by default the rows of their scope."""
        return self.scope_filter(scope)

    def public_filter(self) -> Q | None:
        """Rows anyone may read without signing in; None when the model is not public."""
        return None

    def for_user(self, user, action: str = "view"):
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if user is None or not user.is_authenticated:
            public = self.public_filter()
            return self.filter(public) if action == "view" and public is not None else self.none()
        if not user.has_perm(permission_name(self.model, action)):
            public = self.public_filter()
            return self.filter(public) if action == "view" and public is not None else self.none()
        scope = scope_for(user)
        if scope.national:
            return self.all()
        public = self.public_filter() if action == "view" else None
        if scope.empty:
            return self.filter(public) if public is not None else self.none()
        if public is not None and not public:
            return self.all()  # an empty Q means "every row is public" (and would vanish from an OR)
        own = self.add_filter(scope) if action == "add" else self.scope_filter(scope)
        return self.filter(own | public if public is not None else own)

    def visible_to(self, user, obj, action: str = "view") -> bool:
        return self.for_user(user, action).filter(pk=obj.pk).exists()
