from rest_framework.permissions import SAFE_METHODS, BasePermission

from edureg.core.scoping import permission_name

METHOD_ACTIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change",
                  "PATCH": "change", "DELETE": "delete"}


def action_for(request) -> str:
    return METHOD_ACTIONS.get(request.method, "change")


class RolePermission(BasePermission):
    """Role permissions for the model; rows are then narrowed by `for_user` in get_queryset.

    Reads of public registers are open to everyone (their querysets define public_filter).
    """

    def has_permission(self, request, view):
        model = getattr(view, "model", None) or view.get_queryset().model
        if request.method in SAFE_METHODS:
            if model.objects.public_filter() is not None:
                return True
            return bool(request.user and request.user.is_authenticated
                        and request.user.has_perm(permission_name(model, "view")))
        return bool(request.user and request.user.is_authenticated
                    and request.user.has_perm(permission_name(model, action_for(request))))
