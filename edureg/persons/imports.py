"""Import and export of the person register, keyed on the personal code (or another id + its country).

Also the person columns and bulk lookup that the enrolment and employment importers share.
"""

from contextlib import suppress

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edureg.classifiers.imports import CodeLookup
from edureg.core.imports import columns as c
from edureg.core.imports.engine import LOOKUP_CHUNK, Importer, Row, chunked, filter_in
from edureg.core.imports.registry import register
from edureg.persons import codes
from edureg.persons.models import Person
from edureg.persons.querysets import may_see_full_code


def parse_personal_code(value) -> str:
    """The code as written, without spaces. Its validity is checked where it matters, with `codes.check`: by
    Person.clean for a person's record, and for a code that names no registered person (a code found in the
    register was checked when the person was registered)."""
    return str(value).strip().replace(" ", "").replace("-", "")


def parse_country(value) -> str:
    country = str(value).strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise ValueError(_("Write the country as a two-letter code (ISO 3166), e.g. LV."))
    return country


PERSON_COLUMNS = (
    c.Column("personal_code", "Asmens kodas", "Personal code", parse_personal_code, aliases=("AK",),
             help=gettext_lazy("11-digit Lithuanian personal code")),
    c.Column("other_id", "Kitas identifikatorius", "Other identifier", c.text(40),
             aliases=("Other ID", "Paso numeris", "Passport number"),
             help=gettext_lazy("for people without a personal code")),
    c.Column("other_id_country", "Išdavusi šalis", "Issuing country", parse_country,
             aliases=("Identifikatorių išdavusi šalis",),
             help=gettext_lazy("two-letter ISO code of the country of the other id")),
)
PERSON_FIELDS = ("personal_code", "other_id", "other_id_country")
PERSON_LOOKUP_FIELDS = ("id", "personal_code", "other_id", "other_id_country", "first_name", "last_name")


def person_key(row: Row):
    """("code", personal code) or ("other", country, id); None with a row error when neither is given."""
    code = row.values.get("personal_code")
    if code:
        return ("code", code)
    other_id = row.values.get("other_id")
    if other_id:
        country = row.values.get("other_id_country")
        if not country:
            row.error("other_id_country", _("Name the country that issued the identifier."))
            return None
        return ("other", country, other_id)
    row.error("personal_code", _("Enter a personal code, or another identifier for people without one."))
    return None


def persons_by_key(keys, *, fields=PERSON_LOOKUP_FIELDS, related=()) -> dict:
    """{person key: Person} with one query per kind of key (in chunks)."""
    keys = {k for k in keys if k}
    found: dict = {}
    by_code = sorted(k[1] for k in keys if k[0] == "code")
    others = sorted(k for k in keys if k[0] == "other")
    base = Person.objects.only(*fields) if fields else Person.objects.all()
    if related:
        base = base.select_related(*related)
    for chunk in chunked(by_code, LOOKUP_CHUNK):
        found.update((("code", p.personal_code), p) for p in filter_in(base, "personal_code", chunk))
    for chunk in chunked(others, LOOKUP_CHUNK // 2):
        q = Q()
        for _kind, country, other_id in chunk:
            q |= Q(other_id_country=country, other_id=other_id)
        for p in base.filter(q):
            found.setdefault(("other", p.other_id_country, p.other_id), p)
    return found


def resolve_persons(rows: list[Row]) -> None:
    """Set `row.refs["person"]`: the register's person named by the row (who must exist already)."""
    keys = {row.number: person_key(row) for row in rows}
    found = persons_by_key(keys.values())
    for row in rows:
        key = keys[row.number]
        if key is None:
            continue
        person = found.get(key)
        if person is None and key[0] == "code":
            try:
                codes.check(key[1])
            except ValueError as exc:
                row.error("personal_code", exc)
                continue
        if person is None:
            column = "personal_code" if key[0] == "code" else "other_id"
            row.error(column, _("This person is not in the person register: import the person first."))
        else:
            row.refs["person"] = person


def may_see_codes(user) -> bool:
    """Exports show personal codes and other identifiers in full only to those the person register allows
    (`may_see_full_code`: users who may change persons, national scope); others get them masked."""
    return may_see_full_code(user)


def person_export(person: Person, *, show_codes: bool) -> dict:
    code, other = person.personal_code or "", person.other_id or ""
    return {"personal_code": code if show_codes else codes.mask(code),
            "other_id": other if show_codes else codes.mask(other), "other_id_country": person.other_id_country}


TEXT_FIELDS = ("first_name", "last_name", "email", "phone", "other_id", "other_id_country")


@register
class PersonImporter(Importer):
    name = "persons"
    model = Person
    resolved_fields = ("sex", "citizenship")
    key_description = gettext_lazy("the same person (personal code or other identifier)")
    columns = (
        *PERSON_COLUMNS,
        c.Column("first_name", "Vardas", "First name", c.text(100)),
        c.Column("last_name", "Pavardė", "Last name", c.text(100)),
        c.Column("birth_date", "Gimimo data", "Birth date", c.parse_date, aliases=("Date of birth",),
                 help=gettext_lazy("may be left out when the personal code gives it")),
        c.Column("sex", "Lytis", "Sex", c.parse_code,
                 help=gettext_lazy("M or F; may be left out when the personal code gives it")),
        c.Column("citizenship", "Pilietybė", "Citizenship", c.parse_code,
                 help=gettext_lazy("code of the list country, e.g. LT")),
        c.Column("email", "El. paštas", "E-mail", c.text(254), aliases=("El paštas", "Email")),
        c.Column("phone", "Telefonas", "Phone", c.text(40), aliases=("Tel.",)),
    )

    def resolve(self, rows):
        self.codes = CodeLookup()
        self.codes.load("sex", [*(r.values.get("sex") for r in rows), "M", "F"])
        self.codes.load_rows(rows, "citizenship", "country")

    def key(self, row):
        return person_key(row)

    def find_existing(self, rows):
        keys = [self.key(r) for r in rows]
        found = persons_by_key(keys, fields=None, related=("sex__code_list", "citizenship__code_list"))
        # Another person may hold a row's other identifier: the unique rule is checked before writing.
        other_keys = [("other", r.values["other_id_country"], r.values["other_id"])
                      for r in rows if r.values.get("other_id") and r.values.get("other_id_country")]
        self.other_ids = persons_by_key(other_keys, fields=("id", "other_id", "other_id_country"))
        return found

    def build(self, row: Row, existing):
        person = existing or Person()
        if row.values.get("personal_code"):
            person.personal_code = row.values["personal_code"]
        for field in TEXT_FIELDS:
            if row.has(field):
                setattr(person, field, row.get(field, ""))
        if row.get("birth_date"):
            person.birth_date = row.values["birth_date"]
        self.codes.set(row, person, "sex", "sex")
        self.codes.set(row, person, "citizenship", "country")
        if existing is None and person.personal_code:
            # As register_person: birth date and sex follow from the personal code when not given (a bad code
            # is reported by Person.clean).
            try:
                code = codes.check(person.personal_code)
            except ValueError as exc:
                row.error("personal_code", exc)
                return person
            person.birth_date = person.birth_date or codes.birth_date(code)
            if not person.sex_id and codes.sex(code):
                with suppress(ValueError):
                    person.sex = self.codes.get("sex", codes.sex(code))
        if existing is None:
            self.require(row, person, ("birth_date", "sex"))
        other = row.values.get("other_id")
        if other and row.values.get("other_id_country"):
            holder = self.other_ids.get(("other", row.values["other_id_country"], other))
            if holder is not None and holder.pk != person.pk:
                row.error("other_id", _("Another person in the register has this identifier."))
        return person

    def check_rows(self, rows):
        seen: dict = {}
        for row in rows:
            if row.instance.other_id:
                key = (row.instance.other_id_country, row.instance.other_id)
                if key in seen:
                    row.error("other_id", _("Row %(row)d has the same other identifier.") % {"row": seen[key]})
                else:
                    seen[key] = row.number

    def show_codes(self, user) -> bool:
        return may_see_codes(user)

    def export_queryset(self, user):
        return super().export_queryset(user).select_related("sex", "citizenship")

    def export_row(self, obj, *, show_codes):
        return {**person_export(obj, show_codes=show_codes), "first_name": obj.first_name,
                "last_name": obj.last_name, "birth_date": obj.birth_date, "sex": obj.sex.code,
                "citizenship": obj.citizenship.code if obj.citizenship_id else "", "email": obj.email,
                "phone": obj.phone}
