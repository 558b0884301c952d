from edureg.accounts.choices import Role
from edureg.accounts.models import Membership
from edureg.core.scoping import Scope


def active_memberships(user):
    cached = getattr(user, "_edureg_memberships", None)
    if cached is None:
        cached = list(Membership.objects.active().filter(user=user).select_related("municipality"))
        user._edureg_memberships = cached
    return cached


def resolve_scope(user) -> Scope:
    """The union of the scopes of the user's active memberships (settings.EDUREG_SCOPE_RESOLVER)."""
    if user.is_superuser:
        return Scope(national=True)
    national, institutions, municipalities, persons = False, set(), set(), set()
    for m in active_memberships(user):
        if m.role == Role.AGENCY_ADMIN:
            national = True
        elif m.role == Role.MUNICIPALITY_OFFICER and m.municipality_id:
            municipalities.add(m.municipality.code)
        elif m.role == Role.INSTITUTION_OFFICER and m.institution_id:
            institutions.add(m.institution_id)
        if m.person_id:
            persons.add(m.person_id)
    return Scope(national=national, institution_ids=frozenset(institutions),
                 municipality_codes=frozenset(municipalities), person_ids=frozenset(persons))
