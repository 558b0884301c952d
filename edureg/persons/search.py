"""Back-office search of records that belong to a person at an institution (enrolments, employments).

Django's default search ORs `icontains` over joined tables, which scans every enrolment. Here a term is
first resolved to the few persons or institutions it names, and the records are then found through the
indexed foreign keys: a 9-digit term is a legal-entity code, an 11-digit term a personal code (exact), and
anything else a name (persons by the start of a first or last name, institutions by any part of the name).
"""

from django.apps import apps
from django.db.models import Q

from edureg.persons import codes

MAX_MATCHES = 20_000  # more matching people than this: ask for a longer name rather than scan everything


def person_record_search(queryset, term: str):
    term = term.strip()
    if not term:
        return queryset
    if term.isdigit() and len(term) == 9:
        return queryset.filter(institution__code=term)
    if term.isdigit() and len(term) == 11:
        try:
            return queryset.filter(person__personal_code=codes.check(term))
        except ValueError:
            return queryset.none()
    Person = apps.get_model("persons", "Person")
    Institution = apps.get_model("institutions", "Institution")
    words = term.split()
    people = Person.objects.all()
    for word in words:
        people = people.filter(Q(last_name__istartswith=word) | Q(first_name__istartswith=word))
    person_ids = list(people.values_list("pk", flat=True)[:MAX_MATCHES])
    institution_ids = list(Institution.objects.filter(name__icontains=term).values_list("pk", flat=True))
    return queryset.filter(Q(person_id__in=person_ids) | Q(institution_id__in=institution_ids))
