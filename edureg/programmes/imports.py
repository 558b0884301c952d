"""Import of programmes with their modules from an XLSX workbook (see docs/imports.md, "Programmes").

Two sheets: "Programos" (one row per programme, keyed by a programme key of the file's own choosing) and
"Moduliai" (one row per module, naming its programme by that key). Each programme is created as a new draft
through the services (`create_programme`, `add_module`, optionally `submit_version` and, for the register's
administrators, `register_version` with a given state code), so an import obeys the same rules and scope as
the back-office. A programme and its modules are written together or not at all.
"""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from edureg.classifiers.imports import CodeLookup
from edureg.core.imports import columns as c
from edureg.core.imports.engine import LOOKUP_CHUNK, Row, chunked
from edureg.core.imports.registry import register
from edureg.core.imports.workbook import Group, Sheet, WorkbookImporter
from edureg.core.scoping import scope_for
from edureg.institutions.imports import institutions_by_code, parse_legal_entity_code
from edureg.programmes import services
from edureg.programmes.choices import EntryEducation, LearningForm, ModuleType, RuleSeverity, TargetGroup, VersionStatus
from edureg.programmes.models import Programme, ProgrammeKind, state_code_validator
from edureg.qualifications.models import Competence, Qualification


def parse_ltks_level(value) -> int:
    level = c.parse_int(value)
    if not 1 <= level <= 8:
        raise ValueError(_("The LTKS level is 1 to 8 (this value is %(v)s).") % {"v": level})
    return level


def parse_amount(value):
    amount = c.parse_decimal(value)
    if amount < 0:
        raise ValueError(_("Cannot be negative (this value is %(v)s).") % {"v": value})
    return amount


def parse_count(value) -> int:
    number = c.parse_int(value)
    if number < 0:
        raise ValueError(_("Cannot be negative (this value is %(v)s).") % {"v": value})
    return number


def choice_list(choices):
    """Several codes (or names) of a TextChoices in one cell, separated by commas or semicolons."""
    one = c.choice(choices)

    def parse(value) -> list[str]:
        values = []
        for part in str(value).replace(";", ",").split(","):
            if part.strip() and (code := one(part)) not in values:
                values.append(code)
        return values

    return parse


def parse_state_code(value) -> str:
    code = str(value).strip().upper()
    try:
        state_code_validator(code)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    return code


def key_column(name: str, **kwargs) -> c.Column:
    return c.Column(name, "Programos raktas", "Programme key", c.text(40), required=True,
                    aliases=("Raktas", "Key", "Programos kodas", "Programme code"), **kwargs)


PROGRAMME_COLUMNS = (
    key_column("key", help=gettext_lazy("any text unique in the file (e.g. P1); the modules sheet names the "
                                        "programme by it")),
    c.Column("kind", "Programos rūšis", "Kind", c.parse_code, required=True, aliases=("Rūšis", "Programme kind"),
             help=gettext_lazy("code of the programme kind, e.g. initial_vet")),
    c.Column("provider", "Teikėjo kodas", "Provider code", parse_legal_entity_code, required=True,
             aliases=("Teikėjas", "Provider", "Įstaigos kodas", "Institution code"),
             help=gettext_lazy("legal-entity code of the providing institution")),
    c.Column("co_providers", "Kiti teikėjai", "Co-providers", c.code_list,
             help=gettext_lazy("legal-entity codes, separated by commas")),
    c.Column("name_lt", "Pavadinimas", "Name", c.text(255), required=True, aliases=("Pavadinimas lietuvių kalba",)),
    c.Column("name_en", "Pavadinimas anglų kalba", "Name (English)", c.text(255)),
    c.Column("subtype", "Porūšis", "Subtype", c.text(40), help=gettext_lazy("a subtype code of the kind")),
    c.Column("qualification", "Kvalifikacijos kodas", "Qualification code", c.parse_code,
             aliases=("Kvalifikacija", "Qualification"),
             help=gettext_lazy("code of the qualification awarded; gives the LTKS level and field when those "
                               "are left empty")),
    c.Column("ltks_level", "LTKS lygis", "LTKS level", parse_ltks_level, help=gettext_lazy("1 to 8")),
    c.Column("isced_f", "Švietimo sritis", "Field of education", c.parse_code, aliases=("ISCED-F",),
             help=gettext_lazy("code of the list isced_f")),
    c.Column("entry_education", "Priėmimo išsilavinimas", "Entry education", c.choice(EntryEducation),
             help=gettext_lazy("none, basic, secondary, vocational, higher")),
    c.Column("entry_requirements_lt", "Priėmimo reikalavimai", "Entry requirements", c.parse_text),
    c.Column("with_general_education", "Su bendruoju ugdymu", "With general education", c.parse_bool),
    c.Column("language", "Mokymo kalba", "Language", c.parse_code, aliases=("Kalba",),
             help=gettext_lazy("code of the list language")),
    c.Column("forms", "Mokymo formos", "Forms", choice_list(LearningForm), aliases=("Formos",),
             help=gettext_lazy("full_time, part_time, distance, apprenticeship; separated by commas")),
    c.Column("target_groups", "Tikslinės grupės", "Target groups", choice_list(TargetGroup),
             help=gettext_lazy("codes separated by commas")),
    c.Column("credits", "Kreditai", "Credits", parse_amount),
    c.Column("hours", "Valandos", "Hours", parse_count, aliases=("Akademinės valandos", "Academic hours")),
    c.Column("practice_hours", "Praktikos valandos", "Practice hours", parse_count),
    c.Column("valid_from", "Galioja nuo", "Valid from", c.parse_date),
    c.Column("valid_to", "Galioja iki", "Valid to", c.parse_date),
    c.Column("state_code", "Valstybinis kodas", "State code", parse_state_code,
             help=gettext_lazy("only for programmes already registered (administrators of the register): the "
                               "programme is submitted and registered with this code")),
    c.Column("submit", "Pateikti", "Submit", c.parse_bool,
             help=gettext_lazy("taip: submit the draft for registration (the rules of its kind are checked)")),
)

MODULE_COLUMNS = (
    key_column("programme", help=gettext_lazy("the programme's key in the programmes sheet")),
    c.Column("code", "Modulio kodas", "Module code", c.text(20), required=True, aliases=("Kodas", "Code")),
    c.Column("position", "Eilė", "Order", parse_count, aliases=("Eilės nr.", "Position"),
             help=gettext_lazy("default: the order of the rows")),
    c.Column("name_lt", "Pavadinimas", "Name", c.text(255), required=True, aliases=("Pavadinimas lietuvių kalba",)),
    c.Column("name_en", "Pavadinimas anglų kalba", "Name (English)", c.text(255)),
    c.Column("type", "Tipas", "Type", c.choice(ModuleType), required=True, aliases=("Modulio tipas", "Module type"),
             help=gettext_lazy("introductory, general, competence, elective, final")),
    c.Column("mandatory", "Privalomas", "Mandatory", c.parse_bool,
             help=gettext_lazy("taip/ne (default: taip, except elective modules)")),
    c.Column("credits", "Kreditai", "Credits", parse_amount),
    c.Column("hours", "Valandos", "Hours", parse_count, aliases=("Akademinės valandos", "Academic hours")),
    c.Column("practice_hours", "Praktikos valandos", "Practice hours", parse_count),
    c.Column("ltks_level", "LTKS lygis", "LTKS level", parse_ltks_level),
    c.Column("competences", "Kompetencijos", "Competences", c.code_list,
             help=gettext_lazy("competence codes, separated by commas")),
    c.Column("learning_outcomes_lt", "Mokymosi rezultatai", "Learning outcomes", c.parse_text),
)

# Row values passed to the services as they are.
VERSION_VALUES = ("name_lt", "name_en", "subtype", "ltks_level", "entry_education", "entry_requirements_lt",
                  "with_general_education", "forms", "target_groups", "credits", "hours", "practice_hours",
                  "valid_from", "valid_to")
MODULE_VALUES = ("position", "name_lt", "name_en", "type", "mandatory", "credits", "hours", "practice_hours",
                 "ltks_level", "learning_outcomes_lt")


def _objects_by_code(queryset, codes) -> dict:
    found = {}
    for chunk in chunked(sorted({x for x in codes if x}), LOOKUP_CHUNK):
        found.update((o.code, o) for o in queryset.filter(code__in=chunk))
    return found


@register
class ProgrammeImporter(WorkbookImporter):
    name = "programmes"
    model = Programme
    sheets = (
        Sheet("programmes", "Programos", "Programmes", PROGRAMME_COLUMNS,
              help=gettext_lazy("One row per programme; each becomes a new draft.")),
        Sheet("modules", "Moduliai", "Modules", MODULE_COLUMNS, required=False,
              help=gettext_lazy("One row per module of a programme in the first sheet (may be left out for "
                                "programmes without modules).")),
    )
    columns = PROGRAMME_COLUMNS
    examples = {
        "programmes": [{"key": "P1", "kind": "initial_vet", "provider": "191234569",
                        "name_lt": "Suvirintojo modulinė profesinio mokymo programa",
                        "name_en": "Welder modular VET programme", "qualification": "S-401", "ltks_level": 4,
                        "isced_f": "0715", "entry_education": "basic", "language": "lt",
                        "forms": "full_time, apprenticeship", "target_groups": "basic_school_leavers", "credits": 90,
                        "valid_from": "2026-09-01", "submit": "ne"}],
        "modules": [{"programme": "P1", "code": "M1", "position": 1, "name_lt": "Įvadas į profesiją",
                     "name_en": "Introduction to the profession", "type": "introductory", "mandatory": "taip",
                     "credits": 2, "competences": ""}],
    }

    # Checks before writing --------------------------------------------------------------------------

    def group(self, rows):
        programmes, modules = rows["programmes"], rows["modules"]
        self._resolve_programmes([r for r in programmes if r.ok])
        self._check_programmes([r for r in programmes if r.ok])
        by_key: dict[str, Row] = {}
        for row in programmes:  # a repeated key is an error of the later row; modules go to the first
            if row.values.get("key"):
                by_key.setdefault(row.values["key"], row)
        groups = {id(r): Group(r) for r in programmes}
        self._resolve_modules([r for r in modules if r.ok])
        codes: dict[tuple[str, str], int] = {}
        for row in modules:
            key = row.values.get("programme")
            if key is None:
                continue
            head = by_key.get(key)
            if head is None:
                row.error("programme", _("No programme with the key \"%(key)s\" in the sheet \"%(sheet)s\".") % {
                    "key": key, "sheet": self.sheet_title("programmes")})
                continue
            groups[id(head)].members.append(row)
            code = row.values.get("code")
            if code is None:
                continue
            earlier = codes.setdefault((key, code.upper()), row.number)
            if earlier != row.number:
                row.error("code", _("Row %(row)d already has the module code %(code)s for this programme.") % {
                    "row": earlier, "code": code})
        for group in groups.values():
            self._left_out(group)
        return list(groups.values())

    def _left_out(self, group: Group) -> None:
        """A programme with a bad module row is not imported at all: say so on the programme's row."""
        bad = sorted(r.number for r in group.members if not r.ok)
        if bad and group.head.ok:
            group.head.error("", ngettext(
                "This programme is left out as a whole: its row %(rows)s in the sheet \"%(sheet)s\" has errors.",
                "This programme is left out as a whole: its rows %(rows)s in the sheet \"%(sheet)s\" have errors.",
                len(bad)) % {"rows": ", ".join(map(str, bad)), "sheet": self.sheet_title("modules")})

    def _resolve_programmes(self, rows: list[Row]) -> None:
        kinds = {k.code: k for k in ProgrammeKind.objects.all()}
        institutions = institutions_by_code([r.values.get("provider") for r in rows]
                                            + [x for r in rows for x in r.values.get("co_providers") or ()])
        qualifications = _objects_by_code(Qualification.objects.select_related("isced_f"),
                                          (r.values.get("qualification") for r in rows))
        self.codes = CodeLookup()
        self.codes.load_rows(rows, "isced_f", "isced_f")
        self.codes.load_rows(rows, "language", "language")
        for row in rows:
            values, refs = row.values, row.refs
            refs["kind"] = kinds.get(values["kind"])
            if refs["kind"] is None:
                row.error("kind", _("Unknown programme kind \"%(code)s\"; known kinds: %(codes)s.") % {
                    "code": values["kind"], "codes": ", ".join(kinds)})
            refs["provider"] = institutions.get(values["provider"])
            if refs["provider"] is None:
                row.error("provider", _("No institution with the legal-entity code %(code)s in the register.")
                          % {"code": values["provider"]})
            refs["co_providers"] = []
            for code in values.get("co_providers") or ():
                if code not in institutions:
                    row.error("co_providers", _("No institution with the legal-entity code %(code)s in the "
                                                "register.") % {"code": code})
                elif institutions[code] != refs["provider"]:
                    refs["co_providers"].append(institutions[code])
            qualification = None
            if values.get("qualification"):
                qualification = qualifications.get(values["qualification"])
                if qualification is None:
                    row.error("qualification", _("No qualification with the code %(code)s in the register.") % {
                        "code": values["qualification"]})
            refs["qualification"] = qualification
            on = values.get("valid_from")
            for column in ("isced_f", "language"):
                if values.get(column):
                    try:
                        refs[column] = self.codes.get(column, values[column], on)
                    except ValueError as exc:
                        row.error(column, exc)

    def _check_programmes(self, rows: list[Row]) -> None:
        seen: dict[str, int] = {}
        for row in rows:
            earlier = seen.setdefault(row.values["key"], row.number)
            if earlier != row.number:
                row.error("key", _("Row %(row)d already has the programme key \"%(key)s\".") % {
                    "row": earlier, "key": row.values["key"]})
        self._check_scope([r for r in rows if r.ok])
        self._check_state_codes([r for r in rows if r.ok and r.values.get("state_code")])
        # A programme imported twice: the same name at the same provider and kind.
        rows = [r for r in rows if r.ok]
        names = {(r.refs["provider"].pk, r.refs["kind"].pk, r.values["name_lt"].casefold()): r for r in rows}
        if not names:
            return
        existing = (Programme.objects.filter(provider__in={p for p, _k, _n in names},
                                             kind__in={k for _p, k, _n in names})
                    .exclude(status=VersionStatus.DEREGISTERED)
                    .only("pk", "provider_id", "kind_id", "name_lt", "state_code", "temp_code"))
        for programme in existing:
            row = names.get((programme.provider_id, programme.kind_id, programme.name_lt.casefold()))
            if row is not None:
                row.error("name_lt", _("%(provider)s already has the programme %(code)s with this name: change it in "
                                       "the back-office (or draft a new version) instead of importing it again.")
                          % {"provider": row.refs["provider"], "code": programme.code})

    def _check_scope(self, rows: list[Row]) -> None:
        """The services refuse programmes of a provider outside the user's scope; say so per row first."""
        if self.actor is None:
            return
        scope = scope_for(self.actor)
        if scope.national:
            return
        for row in rows:
            provider = row.refs["provider"]
            if provider.pk not in scope.institution_ids and provider.municipality.code not in scope.municipality_codes:
                row.error("provider", _("You may import programmes only of your own institution; %(name)s "
                                        "(%(code)s) is not one of yours.") % {"name": provider, "code": provider.code})

    def _check_state_codes(self, rows: list[Row]) -> None:
        if not rows:
            return
        if self.actor is not None and not services.is_registrar(self.actor):
            for row in rows:
                row.error("state_code", _("Only the administrators of the programmes register may import registered "
                                          "programmes with their state codes; leave the column empty to import a "
                                          "draft."))
            return
        seen: dict[str, int] = {}
        for row in rows:
            earlier = seen.setdefault(row.values["state_code"], row.number)
            if earlier != row.number:
                row.error("state_code", _("Row %(row)d already has the state code %(code)s.") % {
                    "row": earlier, "code": row.values["state_code"]})
        taken = dict(Programme.objects.filter(state_code__in=seen).values_list("state_code", "name_lt"))
        for row in rows:
            code = row.values["state_code"]
            if code in taken:
                row.error("state_code", _("The state code %(code)s is already used by the programme \"%(name)s\".")
                          % {"code": code, "name": taken[code]})

    def _resolve_modules(self, rows: list[Row]) -> None:
        competences = _objects_by_code(Competence.objects.all(),
                                       (x for r in rows for x in r.values.get("competences") or ()))
        for row in rows:
            unknown = [x for x in row.values.get("competences") or () if x not in competences]
            if unknown:
                row.error("competences", _("No competence with the code(s) %(codes)s in the register.") % {
                    "codes": ", ".join(unknown)})
            row.refs["competences"] = [competences[x] for x in row.values.get("competences") or ()
                                       if x in competences]

    # Writing ----------------------------------------------------------------------------------------

    def write_group(self, group):
        head = group.head
        fields = {name: head.values[name] for name in VERSION_VALUES if head.values.get(name) is not None}
        for name in ("qualification", "isced_f", "language"):
            if head.refs.get(name) is not None:
                fields[name] = head.refs[name]
        try:
            programme = services.create_programme(actor=self.actor, kind=head.refs["kind"],
                                                  provider=head.refs["provider"],
                                                  co_providers=head.refs["co_providers"], **fields)
        except (ValidationError, PermissionDenied) as exc:
            self._refused(head, exc, PROGRAMME_COLUMNS)
            return
        version = programme.versions.get()
        for position, row in enumerate(group.members, start=1):
            values = {name: row.values[name] for name in MODULE_VALUES if row.values.get(name) is not None}
            values.setdefault("position", position)
            values.setdefault("mandatory", values["type"] != ModuleType.ELECTIVE)
            try:
                services.add_module(version, actor=self.actor, competences=row.refs["competences"],
                                    code=row.values["code"], **values)
            except (ValidationError, PermissionDenied) as exc:
                self._refused(row, exc, MODULE_COLUMNS)
        self._left_out(group)
        if not group.ok:
            return
        state_code = head.values.get("state_code")
        if head.values.get("submit") or state_code:
            try:
                version = services.submit_version(version, actor=self.actor)
                if state_code:
                    version = services.register_version(version, actor=self.actor, state_code=state_code,
                                                        registered_on=head.values.get("valid_from"))
            except (ValidationError, PermissionDenied) as exc:
                self._refused(head, exc, PROGRAMME_COLUMNS, default="state_code" if state_code else "submit")
                return
            head.refs["warnings"] = [f.message for f in services.check_version(version)
                                     if f.severity == RuleSeverity.WARNING]
        programme.refresh_from_db()  # the status and state code the lifecycle services set
        group.result = programme

    def _refused(self, row: Row, exc, columns, default: str = "") -> None:
        """The services' messages under the columns of the fields they name (else on the row)."""
        if isinstance(exc, PermissionDenied):
            if row.sheet == "programmes":
                provider = row.refs["provider"]
                row.error("provider", _("You may not import programmes of %(name)s (%(code)s): %(reason)s") % {
                    "name": provider, "code": provider.code, "reason": str(exc) or _("outside your scope.")})
            else:
                row.error("", str(exc) or _("You may not change this programme."))
            return
        names = {col.name for col in columns}
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                row.error(default, message)
            return
        for field, messages in exc.message_dict.items():
            column = field if field in names else default
            for message in messages:
                if field not in names and field != NON_FIELD_ERRORS:
                    message = f"{field}: {message}"
                row.error(column, message)

    def describe_group(self, group, *, written):
        head, programme = group.head, group.result
        values = {"name": head.values["name_lt"], "kind": head.refs["kind"].code, "provider": head.refs["provider"],
                  "n": len(group.members), "code": programme.code if programme else "",
                  "status": programme.get_status_display() if programme else ""}
        if written:
            line = _("created the programme %(code)s \"%(name)s\" (%(kind)s, %(provider)s) with %(n)d modules; "
                     "status: %(status)s.") % values
        else:
            line = _("would create the programme \"%(name)s\" (%(kind)s, %(provider)s) with %(n)d modules; "
                     "status: %(status)s.") % values
        warnings = head.refs.get("warnings")
        if warnings:
            line += " " + _("Warnings: %(w)s") % {"w": " ".join(warnings)}
        return line

    # Export (the programmes sheet) ------------------------------------------------------------------

    def export_queryset(self, user):
        return (Programme.objects.for_user(user, "view")
                .select_related("kind", "provider", "qualification", "isced_f")
                .prefetch_related("co_providers", "versions__language"))

    def export_row(self, obj, *, show_codes):
        # The head version: the one in force, else the newest (a draft).
        versions = sorted(obj.versions.all(), key=lambda v: (v.pk == obj.current_version_id, v.number))
        version = versions[-1] if versions else None
        row = {
            "key": obj.code, "kind": obj.kind.code, "provider": obj.provider.code,
            "co_providers": ", ".join(sorted(i.code for i in obj.co_providers.all())),
            "name_lt": obj.name_lt, "name_en": obj.name_en, "ltks_level": obj.ltks_level,
            "qualification": obj.qualification.code if obj.qualification_id else "",
            "isced_f": obj.isced_f.code if obj.isced_f_id else "", "state_code": obj.state_code or "",
        }
        if version is not None:
            row.update({name: getattr(version, name) for name in (
                "subtype", "entry_education", "entry_requirements_lt", "with_general_education", "credits", "hours",
                "practice_hours", "valid_from", "valid_to")})
            row["language"] = version.language.code if version.language_id else ""
            row["forms"] = ", ".join(version.forms)
            row["target_groups"] = ", ".join(version.target_groups)
        return row
