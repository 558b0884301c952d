"""Import and export of pedagogues' employments.

Natural key: employee (personal code, or other id + country) + institution (legal-entity code) + position
code + start date. A row whose key exists updates that employment; otherwise it creates one. The employee
must be in the person register already.
"""

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy

from edureg.classifiers.imports import CodeLookup
from edureg.core.imports import columns as c
from edureg.core.imports.engine import LOOKUP_CHUNK, Importer, Row, chunked, filter_in
from edureg.core.imports.registry import register
from edureg.institutions.imports import check_institution_scope, institution_code_column, resolve_institutions
from edureg.pedagogues.models import Employment
from edureg.persons.imports import PERSON_COLUMNS, may_see_codes, person_export, resolve_persons


@register
class EmploymentImporter(Importer):
    name = "employments"
    model = Employment
    resolved_fields = ("person", "institution", "position", "qualification_category")
    field_columns = {"person": "personal_code"}
    key_description = gettext_lazy("the same employee, institution, position and start date")
    columns = (
        *PERSON_COLUMNS,
        institution_code_column(required=True),
        c.Column("position", "Pareigos", "Position", c.parse_code, required=True,
                 help=gettext_lazy("code of the list position")),
        c.Column("subjects", "Dalykai", "Subjects", c.code_list,
                 help=gettext_lazy("codes of the list subject, separated by commas or spaces")),
        c.Column("workload", "Krūvis", "Workload", c.parse_decimal, aliases=("Etatai", "Workload (FTE)"),
                 help=gettext_lazy("full-time equivalents, 0,01-2,00 (default 1)")),
        c.Column("qualification_category", "Kvalifikacinė kategorija", "Qualification category", c.parse_code,
                 help=gettext_lazy("code of the list qualification_category")),
        c.Column("start_date", "Pradžios data", "Start date", c.parse_date, required=True),
        c.Column("end_date", "Pabaigos data", "End date", c.parse_date),
        c.Column("employee", "Darbuotojas", "Employee", export_only=True),
        c.Column("institution_name", "Įstaigos pavadinimas", "Institution name", export_only=True),
    )

    def resolve(self, rows):
        resolve_persons(rows)
        resolve_institutions(rows)
        self.codes = CodeLookup()
        self.codes.load_rows(rows, "position", "position")
        self.codes.load_rows(rows, "qualification_category", "qualification_category")
        self.codes.load_rows(rows, "subjects", "subject", many=True)

    def key(self, row):
        return (row.refs["person"].pk, row.refs["institution"].pk, row.values["position"], row.values["start_date"])

    def find_existing(self, rows):
        found = {}
        person_ids = sorted({r.refs["person"].pk for r in rows})
        for chunk in chunked(person_ids, LOOKUP_CHUNK):
            for e in (filter_in(Employment.objects.all(), "person", chunk)
                      .select_related("institution", "position__code_list", "qualification_category__code_list")
                      .prefetch_related("subjects")):
                found[(e.person_id, e.institution_id, e.position.code, e.start_date)] = e
        return found

    def build(self, row: Row, existing):
        employment = existing or Employment(person=row.refs["person"], institution=row.refs["institution"],
                                            start_date=row.values["start_date"])
        employment.person = row.refs["person"]
        if row.has("workload") and row.values["workload"] is not None:
            employment.workload = row.values["workload"]
        if row.has("end_date"):
            employment.end_date = row.values["end_date"]
        self.codes.set(row, employment, "position", "position", on=employment.start_date)
        self.codes.set(row, employment, "qualification_category", "qualification_category",
                       on=employment.start_date)
        if row.has("subjects"):
            subjects = []
            for code in row.values["subjects"] or ():
                try:
                    subjects.append(self.codes.get("subject", code, employment.start_date))
                except ValueError as exc:
                    row.error("subjects", exc)
            row.refs["subjects"] = sorted({s.pk for s in subjects})
        return employment

    def extra_changed(self, row):
        if "subjects" not in row.refs:
            return False
        return row.refs["subjects"] != sorted((row.before or {}).get("subjects", []))

    def check_create_scope(self, rows, user):
        check_institution_scope(rows, user, Employment._meta.verbose_name_plural)

    def _set_subjects(self, rows: list[Row], *, replace: bool) -> None:
        through = Employment.subjects.through
        rows = [r for r in rows if "subjects" in r.refs]
        if replace and rows:
            through.objects.filter(employment_id__in=[r.instance.pk for r in rows]).delete()
        through.objects.bulk_create([through(employment_id=r.instance.pk, classifieritem_id=pk)
                                     for r in rows for pk in r.refs["subjects"]])
        # The change records (written next) hold the subjects as they are now.
        instances = [r.instance for r in rows]
        for instance in instances:
            getattr(instance, "_prefetched_objects_cache", {}).pop("subjects", None)
        prefetch_related_objects(instances, "subjects")

    def after_create(self, instances):
        rows = self._rows_by_instance
        self._set_subjects([rows[id(i)] for i in instances], replace=False)

    def after_update(self, rows):
        self._set_subjects(rows, replace=True)

    def write(self, rows):
        self._rows_by_instance = {id(r.instance): r for r in rows}
        return super().write(rows)

    def export_queryset(self, user):
        return (super().export_queryset(user).select_related("person", "institution", "position",
                                                             "qualification_category").prefetch_related("subjects"))

    def export_row(self, obj, *, show_codes):
        return {
            **person_export(obj.person, show_codes=show_codes),
            "institution": obj.institution.code, "position": obj.position.code,
            "subjects": " ".join(sorted(s.code for s in obj.subjects.all())), "workload": obj.workload,
            "qualification_category": obj.qualification_category.code if obj.qualification_category_id else "",
            "start_date": obj.start_date, "end_date": obj.end_date, "employee": str(obj.person),
            "institution_name": obj.institution.name,
        }

    def show_codes(self, user) -> bool:
        return may_see_codes(user)
