"""Import and export of the institution register, keyed on the legal-entity code.

Also the bulk lookups other registers' importers use: institutions by code, and which of them are in a
user's scope.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edureg.classifiers.imports import CodeLookup
from edureg.core.imports import columns as c
from edureg.core.imports.engine import LOOKUP_CHUNK, Importer, Row, chunked
from edureg.core.imports.registry import register
from edureg.core.scoping import scope_for
from edureg.core.validators import validate_legal_entity_code
from edureg.institutions.choices import InstitutionStatus
from edureg.institutions.models import Institution, StatusChange
from edureg.institutions.services import check_registrar_fields, check_status_change


def parse_legal_entity_code(value) -> str:
    code = str(value).strip().replace(" ", "")
    try:
        validate_legal_entity_code(code)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    return code


def institution_code_column(name: str = "institution", **kwargs) -> c.Column:
    return c.Column(name, "Įstaigos kodas", "Institution code", parse_legal_entity_code,
                    aliases=("Įstaigos juridinio asmens kodas", "Institution legal-entity code"),
                    help=gettext_lazy("9-digit legal-entity code of the institution"), **kwargs)


def institutions_by_code(codes) -> dict[str, Institution]:
    found: dict[str, Institution] = {}
    for chunk in chunked(sorted({x for x in codes if x}), LOOKUP_CHUNK):
        found.update((i.code, i) for i in Institution.objects.filter(code__in=chunk).select_related("municipality"))
    return found


def resolve_institutions(rows: list[Row], column: str = "institution") -> None:
    """Set `row.refs[column]` to the institution named by its legal-entity code (one query)."""
    found = institutions_by_code(r.values.get(column) for r in rows)
    for row in rows:
        code = row.values.get(column)
        if code is None:
            continue
        institution = found.get(code)
        if institution is None:
            row.error(column, _("No institution with the legal-entity code %(code)s in the register.") % {"code": code})
        else:
            row.refs[column] = institution


def institutions_in_scope(user, institution_ids) -> set[int]:
    """Which of these institutions are in the user's scope (the institution register's scope filter)."""
    ids = set(institution_ids)
    scope = scope_for(user)
    if scope.national:
        return ids
    allowed: set[int] = set()
    for chunk in chunked(sorted(ids), LOOKUP_CHUNK):
        allowed.update(Institution.objects.filter(pk__in=chunk).filter(Institution.objects.scope_filter(scope))
                       .values_list("pk", flat=True))
    return allowed


def check_institution_scope(rows: list[Row], user, what) -> None:
    """New rows of a register kept by institutions (enrolments, employments) must be at an institution in scope."""
    allowed = institutions_in_scope(user, {r.instance.institution_id for r in rows})
    for row in rows:
        if row.instance.institution_id not in allowed:
            institution = row.instance.institution
            row.error("institution", _("You may not add %(what)s at %(name)s (%(code)s): it is not one of your "
                                       "institutions.") % {"what": what, "name": institution, "code": institution.code})


TEXT_FIELDS = ("name", "name_en", "short_name", "address", "postal_code", "founder", "email", "phone", "website")


@register
class InstitutionImporter(Importer):
    name = "institutions"
    model = Institution
    resolved_fields = ("type", "ownership", "municipality", "parent")
    key_description = gettext_lazy("the same legal-entity code")
    columns = (
        c.Column("code", "Juridinio asmens kodas", "Legal-entity code", parse_legal_entity_code, required=True,
                 aliases=("Kodas", "Code", "Įstaigos kodas", "Institution code"),
                 help=gettext_lazy("9 digits, check digit")),
        c.Column("name", "Pavadinimas", "Name", c.text(255)),
        c.Column("name_en", "Pavadinimas anglų kalba", "Name (English)", c.text(255),
                 aliases=("Pavadinimas (anglų k.)",)),
        c.Column("short_name", "Trumpas pavadinimas", "Short name", c.text(100)),
        c.Column("type", "Tipas", "Type", c.parse_code, aliases=("Įstaigos tipas", "Institution type"),
                 help=gettext_lazy("code of the list institution_type")),
        c.Column("ownership", "Nuosavybės forma", "Ownership", c.parse_code,
                 help=gettext_lazy("code of the list ownership")),
        c.Column("municipality", "Savivaldybė", "Municipality", c.parse_code,
                 help=gettext_lazy("code of the list municipality, e.g. LT-57")),
        c.Column("address", "Adresas", "Address", c.text(255)),
        c.Column("postal_code", "Pašto kodas", "Postal code", c.text(10)),
        c.Column("founder", "Steigėjas", "Founder", c.text(255)),
        c.Column("registered_on", "Įregistravimo data", "Registered on", c.parse_date,
                 aliases=("Įregistruota", "Registration date")),
        c.Column("status", "Būsena", "Status", c.choice(InstitutionStatus),
                 help=gettext_lazy("registered, active, reorganising, liquidated")),
        c.Column("status_since", "Būsena nuo", "Status since", c.parse_date, aliases=("Būsenos data",)),
        c.Column("email", "El. paštas", "E-mail", c.text(254), aliases=("El paštas", "Email")),
        c.Column("phone", "Telefonas", "Phone", c.text(40), aliases=("Tel.",)),
        c.Column("website", "Svetainė", "Website", c.text(200), aliases=("Interneto svetainė",)),
    )

    def resolve(self, rows):
        self.codes = CodeLookup()
        for column, list_code in (("type", "institution_type"), ("ownership", "ownership"),
                                  ("municipality", "municipality")):
            self.codes.load_rows(rows, column, list_code)

    def key(self, row):
        return row.values["code"]

    def find_existing(self, rows):
        found = {}
        for chunk in chunked([r.values["code"] for r in rows], LOOKUP_CHUNK):
            found.update((i.code, i) for i in Institution.objects.filter(code__in=chunk).select_related(
                "type__code_list", "ownership__code_list", "municipality__code_list"))
        return found

    def build(self, row: Row, existing):
        if existing is not None and row.get("municipality"):
            # The service's rule: only those who register institutions move one to another municipality.
            try:
                check_registrar_fields(existing, {"municipality": row.values["municipality"]}, actor=self.actor)
            except ValidationError as exc:
                self.add_errors(row, exc)
        institution = existing or Institution(code=row.values["code"])
        for field in TEXT_FIELDS:
            if row.has(field):
                setattr(institution, field, row.get(field, ""))
        if row.get("registered_on"):
            institution.registered_on = row.values["registered_on"]
        for field, list_code in (("type", "institution_type"), ("ownership", "ownership"),
                                 ("municipality", "municipality")):
            self.codes.set(row, institution, field, list_code, on=institution.registered_on)
        if existing is None:
            self.require(row, institution, ("type", "ownership", "municipality"))
        status = row.get("status")
        since = row.get("status_since")
        if existing is None:
            institution.status = status or InstitutionStatus.REGISTERED
            institution.status_since = since or institution.registered_on
            if institution.status == InstitutionStatus.LIQUIDATED:
                institution.liquidated_on = institution.status_since
        elif status and status != existing.status:
            # A status change follows the lifecycle rule of the service and is kept in the history.
            since = since or row.values.get("registered_on") or institution.status_since
            try:
                check_status_change(existing, status=status, since=since)
            except ValidationError as exc:
                self.add_errors(row, exc)
            else:
                institution.status = status
                institution.status_since = since
                if status == InstitutionStatus.LIQUIDATED:
                    institution.liquidated_on = since
                row.refs["status_changed"] = True
        return institution

    def check_create_scope(self, rows, user):
        scope = scope_for(user)
        if scope.national:
            return
        for row in rows:
            municipality = row.instance.municipality
            if municipality.code not in scope.municipality_codes:
                row.error("municipality", _("You may not add institutions in %(mun)s.") % {"mun": municipality})

    def after_create(self, instances):
        from edureg.core.audit.registry import record_bulk

        history = [StatusChange(institution=i, status=i.status, since=i.status_since, note=_("Registered"))
                   for i in instances]
        StatusChange.objects.bulk_create(history)
        record_bulk(history, "create")

    def after_update(self, rows):
        from edureg.core.audit.registry import record_bulk

        history = [StatusChange(institution=r.instance, status=r.instance.status, since=r.instance.status_since)
                   for r in rows if r.refs.get("status_changed")]
        if history:
            StatusChange.objects.bulk_create(history)
            record_bulk(history, "create")

    def export_queryset(self, user):
        return super().export_queryset(user).select_related("type", "ownership", "municipality")

    def export_row(self, obj, *, show_codes):
        row = {f: getattr(obj, f) for f in ("code", *TEXT_FIELDS, "registered_on", "status", "status_since")}
        row.update(type=obj.type.code, ownership=obj.ownership.code, municipality=obj.municipality.code)
        return row
