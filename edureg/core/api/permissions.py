"""Who may call an endpoint: the role permission for the model and the scoping action of the request.

Rows are then narrowed by `for_user(user, action)` in the viewset's get_queryset, so the same action
("view", "add", "change", "delete") decides both whether a user may call the endpoint at all (403)
and which rows they reach (404 for the others).
"""

from rest_framework.permissions import BasePermission

from edureg.core.scoping import permission_name

METHOD_ACTIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change",
                  "PATCH": "change", "DELETE": "delete"}
VIEWSET_ACTIONS = {"list": "view", "retrieve": "view", "create": "add", "update": "change",
                   "partial_update": "change", "destroy": "delete"}


def action_for(request, view=None) -> str:
    """The scoping action of a request.

    A viewset's extra action declares it with `@action(..., scope_action="change")`; the standard
    viewset actions map as list/retrieve → view, create → add, update → change, destroy → delete;
    anything else follows the HTTP method.
    """
    if view is not None:
        declared = getattr(view, "scope_action", None)
        if declared:
            return declared
        name = getattr(view, "action", None)
        if name in VIEWSET_ACTIONS:
            return VIEWSET_ACTIONS[name]
    return METHOD_ACTIONS.get(request.method, "change")


def view_model(view):
    """The model a view serves, or None for views without one (they must name their own permissions)."""
    model = getattr(view, "model", None)
    if model is None and hasattr(view, "get_queryset"):
        model = view.get_queryset().model
    return model


def is_public(model) -> bool:
    """Whether anyone may read the model's rows (its queryset defines public_filter)."""
    public_filter = getattr(model._default_manager, "public_filter", None)
    return public_filter is not None and public_filter() is not None


class RolePermission(BasePermission):
    """The user's roles must grant `<app>.<action>_<model>`; reads of public registers are open to all.

    A refused anonymous request gets 401 (the token authenticator names the scheme), a refused
    signed-in user 403.
    """

    def has_permission(self, request, view):
        model = view_model(view)
        if model is None:
            return False  # fail closed
        action = action_for(request, view)
        if action == "view" and is_public(model):
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(permission_name(model, action)))


class HasPermission(BasePermission):
    """The user must hold one of `perms` (Django permission names); for views without a scoped model."""

    perms: tuple[str, ...] = ()

    @classmethod
    def of(cls, *perms: str) -> type["HasPermission"]:
        return type(f"HasPermission_{'_'.join(p.replace('.', '_') for p in perms)}", (cls,), {"perms": perms})

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and any(user.has_perm(p) for p in self.perms))
