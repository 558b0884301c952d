"""Import and export of enrolments.

Natural key: learner (personal code, or other id + country) + institution (legal-entity code) + start date
+ education kind. A row whose key exists updates that enrolment (e.g. adds its end date and reason);
otherwise it creates one. The learner must be in the person register already (import persons first).
"""

import datetime
import re
from collections import defaultdict
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edureg.classifiers.imports import CodeLookup
from edureg.core.imports import columns as c
from edureg.core.imports.engine import LOOKUP_CHUNK, Importer, Row, chunked, filter_in
from edureg.core.imports.registry import register
from edureg.institutions.imports import check_institution_scope, institution_code_column, resolve_institutions
from edureg.institutions.models import Branch
from edureg.learners.choices import EducationKind
from edureg.learners.models import Enrolment
from edureg.learners.services import is_single_main, overlap_error, periods_overlap
from edureg.persons.imports import PERSON_COLUMNS, may_see_codes, person_export, resolve_persons


def parse_school_year(value) -> int:
    """2025, or the school year written out: 2025-2026, 2025–2026, 2025/2026, 2025-26."""
    match = re.fullmatch(r"(\d{4})(?:\.0+)?(?:\s*[-–/]\s*(\d{2}|\d{4}))?", str(value).strip())
    if not match:
        raise ValueError(_("\"%(v)s\" is not a school year: write 2025 or 2025-2026.") % {"v": value})
    first = int(match.group(1))
    if match.group(2):
        second = int(match.group(2))
        if second != first + 1 and second != (first + 1) % 100:
            raise ValueError(_("\"%(v)s\" is not a school year: the second year must follow the first.") % {
                "v": value})
    return first


def school_year_of(day) -> int:
    """The school year a date falls in (school years start on 1 September; August counts to the next)."""
    return day.year if day.month >= 8 else day.year - 1


class _Period(NamedTuple):
    """An enrolment of the register as it was read, for the overlap rule (rows may change the instances)."""

    pk: int
    start_date: datetime.date
    end_date: datetime.date | None
    single_main: bool
    institution: object


FIELDS = ("is_main", "grade", "group", "school_year", "end_date")


@register
class EnrolmentImporter(Importer):
    name = "enrolments"
    model = Enrolment
    resolved_fields = ("person", "institution", "branch", "isced_level", "end_reason")
    field_columns = {"person": "personal_code"}
    key_description = gettext_lazy("the same learner, institution, start date and education")
    columns = (
        *PERSON_COLUMNS,
        institution_code_column(required=True),
        c.Column("branch", "Skyriaus kodas", "Branch code", c.parse_code, aliases=("Filialo kodas",)),
        c.Column("kind", "Švietimo rūšis", "Education", c.choice(EducationKind),
                 aliases=("Ugdymo rūšis", "Education kind", "Kind"),
                 help=gettext_lazy("preschool, general, vet, higher, non_formal (default general)")),
        c.Column("is_main", "Pagrindinis", "Main", c.parse_bool, aliases=("Main enrolment", "Pagrindinis ugdymas"),
                 help=gettext_lazy("taip/ne (default taip)")),
        c.Column("school_year", "Mokslo metai", "School year", parse_school_year,
                 help=gettext_lazy("2025 or 2025-2026 (default: from the start date)")),
        c.Column("grade", "Klasė", "Grade", c.parse_int),
        c.Column("group", "Klasė ar grupė", "Class or group", c.text(40), aliases=("Grupė", "Group")),
        c.Column("isced_level", "ISCED lygis", "ISCED level", c.parse_code,
                 help=gettext_lazy("code of the list isced_level")),
        c.Column("start_date", "Pradžios data", "Start date", c.parse_date, required=True,
                 aliases=("Mokymosi pradžia",)),
        c.Column("end_date", "Pabaigos data", "End date", c.parse_date, aliases=("Mokymosi pabaiga",)),
        c.Column("end_reason", "Pabaigos priežastis", "End reason", c.parse_code,
                 help=gettext_lazy("code of the list enrolment_end_reason; required with an end date")),
        c.Column("learner", "Mokinys", "Learner", export_only=True),
        c.Column("institution_name", "Įstaigos pavadinimas", "Institution name", export_only=True),
    )

    def resolve(self, rows):
        resolve_persons(rows)
        resolve_institutions(rows)
        self.codes = CodeLookup()
        self.codes.load_rows(rows, "isced_level", "isced_level")
        self.codes.load_rows(rows, "end_reason", "enrolment_end_reason")
        wanted = {(r.refs["institution"].pk, r.values["branch"]) for r in rows
                  if r.values.get("branch") and "institution" in r.refs}
        branches = {}
        if wanted:
            for b in Branch.objects.filter(institution_id__in={i for i, _code in wanted},
                                           code__in={code for _i, code in wanted}):
                branches[(b.institution_id, b.code)] = b
        for row in rows:
            if (row.values.get("branch") and "institution" in row.refs):
                branch = branches.get((row.refs["institution"].pk, row.values["branch"]))
                if branch is None:
                    row.error("branch", _("%(inst)s has no branch with the code %(code)s.") % {
                        "inst": row.refs["institution"], "code": row.values["branch"]})
                else:
                    row.refs["branch"] = branch

    def key(self, row):
        return (row.refs["person"].pk, row.refs["institution"].pk, row.values["start_date"],
                row.get("kind", EducationKind.GENERAL))

    def find_existing(self, rows):
        """All enrolments of the file's learners (one query per chunk): the keyed ones and, for the overlap
        rule, the others."""
        self.by_person = defaultdict(list)
        found = {}
        person_ids = sorted({r.refs["person"].pk for r in rows})
        for chunk in chunked(person_ids, LOOKUP_CHUNK):
            for e in filter_in(Enrolment.objects.all(), "person", chunk).select_related(
                    "institution", "branch", "isced_level__code_list", "end_reason__code_list"):
                self.by_person[e.person_id].append(
                    _Period(e.pk, e.start_date, e.end_date, is_single_main(e), e.institution))
                found[(e.person_id, e.institution_id, e.start_date, e.kind)] = e
        return found

    def build(self, row: Row, existing):
        if existing is None:
            enrolment = Enrolment(person=row.refs["person"], institution=row.refs["institution"],
                                  start_date=row.values["start_date"], kind=row.get("kind", EducationKind.GENERAL))
        else:
            enrolment = existing
            enrolment.person = row.refs["person"]  # the lookup's instance: enough for the change record's text
        for field in FIELDS:
            if row.has(field):
                value = row.values[field]
                if value is None and field in ("group",):
                    value = ""
                if value is None and field in ("is_main", "school_year"):
                    continue  # an empty cell keeps the default (new) or the current value
                setattr(enrolment, field, value)
        if existing is None and enrolment.school_year is None:
            enrolment.school_year = school_year_of(enrolment.start_date)
        if row.has("branch"):
            enrolment.branch = row.refs.get("branch")
        self.codes.set(row, enrolment, "isced_level", "isced_level", on=enrolment.start_date)
        self.codes.set(row, enrolment, "end_reason", "enrolment_end_reason",
                       on=enrolment.end_date or enrolment.start_date)
        return enrolment

    def check_create_scope(self, rows, user):
        check_institution_scope(rows, user, Enrolment._meta.verbose_name_plural)

    def check_rows(self, rows):
        """The service rule (learners.services._check_overlap) in bulk: at most one main general-education
        enrolment at a time, within the file (the first row wins) and against the register."""
        rows = [r for r in rows if is_single_main(r.instance)]
        in_file = {r.instance.pk for r in rows if r.instance.pk is not None}
        accepted: dict[int, list[Row]] = defaultdict(list)
        for row in sorted(rows, key=lambda r: r.number):
            e = row.instance
            clash = next((d for d in self.by_person.get(e.person_id, ())
                          if d.pk not in in_file and d.single_main
                          and periods_overlap(e.start_date, e.end_date, d.start_date, d.end_date)), None)
            if clash is not None:
                # The service's message: it names the other school only to those who may see that enrolment.
                self.add_errors(row, overlap_error(clash, actor=self.actor))
                continue
            earlier = next((r for r in accepted[e.person_id]
                            if periods_overlap(e.start_date, e.end_date, r.instance.start_date, r.instance.end_date)),
                           None)
            if earlier is not None:
                row.error("start_date", _("This main general-education enrolment overlaps the one in row %(row)d "
                                          "(one learner, one school at a time).") % {"row": earlier.number})
                continue
            accepted[e.person_id].append(row)

    def export_queryset(self, user):
        return super().export_queryset(user).select_related("person", "institution", "branch", "isced_level",
                                                            "end_reason")

    def export_row(self, obj, *, show_codes):
        return {
            **person_export(obj.person, show_codes=show_codes),
            "institution": obj.institution.code, "branch": obj.branch.code if obj.branch_id else "",
            "kind": obj.kind, "is_main": obj.is_main, "school_year": obj.school_year, "grade": obj.grade,
            "group": obj.group, "isced_level": obj.isced_level.code if obj.isced_level_id else "",
            "start_date": obj.start_date, "end_date": obj.end_date,
            "end_reason": obj.end_reason.code if obj.end_reason_id else "",
            "learner": str(obj.person), "institution_name": obj.institution.name,
        }

    def show_codes(self, user) -> bool:
        return may_see_codes(user)
