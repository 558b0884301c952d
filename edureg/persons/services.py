"""Every write to the person register goes through these functions."""

from contextlib import suppress

from edureg.classifiers.models import ClassifierItem
from edureg.core.audit.context import current
from edureg.core.models import ReadAccess
from edureg.core.services import apply_changes, delete_instance, save_validated
from edureg.persons import codes
from edureg.persons.models import Person


def register_person(*, actor, **fields) -> Person:
    person = Person(**fields)
    if person.personal_code:
        with suppress(ValueError):  # full_clean reports a bad code with its message
            code = codes.check(person.personal_code)
            person.birth_date = person.birth_date or codes.birth_date(code)
            if not person.sex_id and codes.sex(code):
                person.sex = ClassifierItem.objects.of("sex").current().filter(code=codes.sex(code)).first()
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


def find_or_register(*, actor, personal_code: str | None = None, other_id: str = "", other_id_country: str = "",
                     **details) -> Person:
    """The person with this personal code (or other identifier), registered first if unknown.

    Used when an institution enrols or employs someone who may not be in the register yet; an existing
    person's data is not changed here.
    """
    person = None
    if personal_code:
        try:
            code = codes.check(personal_code)
        except ValueError as exc:
            from django.core.exceptions import ValidationError

            raise ValidationError({"personal_code": str(exc)}) from None
        person = Person.objects.filter(personal_code=code).first()
    elif other_id:
        person = Person.objects.filter(other_id=other_id, other_id_country=other_id_country).first()
    if person is not None:
        return person
    return register_person(actor=actor, personal_code=personal_code or None, other_id=other_id,
                           other_id_country=other_id_country, **details)
