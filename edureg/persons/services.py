"""Every write to the person register goes through these functions."""

from contextlib import suppress

from edureg.core.audit.context import current
from edureg.core.models import ReadAccess
from edureg.core.services import apply_changes, delete_instance, save_validated
from edureg.persons import codes
from edureg.persons.models import Person


def register_person(*, actor, **fields) -> Person:
    person = Person(**fields)
    if person.personal_code and not person.birth_date:
        with suppress(ValueError):  # full_clean reports a bad code with its message
            person.birth_date = codes.birth_date(codes.check(person.personal_code))
    return save_validated(person, actor=actor)


def update_person(person: Person, *, actor, **changes) -> Person:
    return apply_changes(person, changes, actor=actor)


def delete_person(person: Person, *, actor) -> None:
    delete_instance(person, actor=actor)


def find_by_code(personal_code: str) -> Person | None:
    """Exact lookup by personal code (for enrolling someone not yet at the institution)."""
    try:
        code = codes.check(personal_code)
    except ValueError:
        return None
    return Person.objects.filter(personal_code=code).first()


def log_full_view(person: Person, *, user, source: str) -> None:
    """Record that `user` opened the full record of `person` (personal data)."""
    from django.contrib.contenttypes.models import ContentType

    ctx = current()
    ReadAccess.objects.create(
        user=user if user.is_authenticated else None, user_name=user.get_username() if user.is_authenticated else "",
        request_id=ctx.request_id, source=source, content_type=ContentType.objects.get_for_model(Person),
        object_id=str(person.pk), object_repr=str(person)[:200])
