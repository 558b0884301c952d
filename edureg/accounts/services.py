"""Users and their roles."""

from django.contrib.auth import get_user_model

from edureg.accounts.choices import BACK_OFFICE_ROLES
from edureg.accounts.models import Membership
from edureg.core.services import acting, apply_changes, delete_instance, save_validated


def grant_role(*, actor, user, role, **scope) -> Membership:
    """Give `user` a role (scoped to an institution, municipality or own person record)."""
    with acting(actor):
        membership = save_validated(Membership(user=user, role=role, **scope), actor=actor)
        if role in BACK_OFFICE_ROLES and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return membership


def update_membership(membership: Membership, *, actor, **changes) -> Membership:
    return apply_changes(membership, changes, actor=actor)


def revoke_role(membership: Membership, *, actor) -> None:
    delete_instance(membership, actor=actor)


def create_user(*, username: str, password: str, first_name="", last_name="", email="", actor=None):
    User = get_user_model()
    with acting(actor):
        user = User.objects.create_user(username=username, password=password, first_name=first_name,
                                        last_name=last_name, email=email)
    return user
