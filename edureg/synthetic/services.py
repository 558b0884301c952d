"""Writing the synthetic country (edureg.synthetic.engine) to the database.

    report = build_country(scale="small", seed=1, progress=lambda step, done, total: ...)

Everything is written in one transaction with set-based inserts (COPY on PostgreSQL), with one
change record per written object under the audit job "synthetic-<seed>". Besides the institutions,
people, enrolments and staff, the country holds the qualifications system (committees, standards,
competences, qualifications) and the programmes register (programmes, versions, modules, events,
offerings of the current school year); see synthetic/registers.py. A database that already holds
institutions or qualifications is refused unless `reset=True`, which first deletes the register data
(all of the above, and memberships pointing at them) and the change records of those register rows.
"""

import base64
import datetime
import hashlib
import hmac
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from edureg.classifiers.models import ClassifierItem
from edureg.core.audit.context import audit_context
from edureg.core.audit.sequencer import assign_positions
from edureg.core.models import ObjectChange
from edureg.institutions.choices import InstitutionStatus
from edureg.institutions.models import Branch, Institution, StatusChange
from edureg.learners.models import Enrolment
from edureg.pedagogues.models import Employment
from edureg.persons.models import Person
from edureg.qualifications.models import Qualification, SectoralCommittee
from edureg.synthetic import admission, evaluation, libraries, registers
from edureg.synthetic.bulk import Progress, Writer
from edureg.synthetic.engine import SCALES, Municipality, Params, generate
from edureg.synthetic.engine.tables import NAT, Country

# Deleted by a reset, dependants first (admission rounds too: their offers point at offerings, their applications
# at persons; and the data collections' periods, submissions and values: library reports point at libraries; and the
# demo evaluations: experts are persons, applications point at institutions and programme versions).
REGISTER_MODELS: tuple[type[models.Model], ...] = (*evaluation.MODELS, *libraries.MODELS, *admission.MODELS,
                                                   *registers.MODELS, Enrolment, Employment, StatusChange, Branch,
                                                   Institution, Person)


class CountryExists(Exception):
    """The database already holds institutions (or qualifications) and no reset was asked for."""


class MissingClassifiers(Exception):
    """Codes the synthetic country needs are not in the classifiers."""


@dataclass
class BuildReport:
    scale: str
    seed: int
    job_id: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)


def job_id_for(seed: int) -> str:
    return f"synthetic-{seed}"


def has_country() -> bool:
    return Institution.objects.exists() or Qualification.objects.exists() or SectoralCommittee.objects.exists()


def current_school_year(today: datetime.date | None = None) -> int:
    """The school year whose offerings the catalogue shows now (as pages.catalogue does): admissions for
    September open in summer."""
    today = today or datetime.date.today()
    return today.year if today.month >= 8 else today.year - 1


# --- reset --------------------------------------------------------------------------------------

def _dependants() -> list[tuple[type[models.Model], str]]:
    """(model, FK field name) of models outside the register that point at register rows."""
    found = []
    for model in REGISTER_MODELS:
        # Hidden relations too: a foreign key with related_name="+" still points here.
        for rel in model._meta.get_fields(include_hidden=True):
            if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
                continue
            related = rel.related_model
            if related in REGISTER_MODELS or related._meta.auto_created:
                continue
            found.append((related, rel.field.name))
    return found


def reset_register(progress: Progress | None = None) -> dict[str, int]:
    """Delete the register data and their change records (for demo and benchmark databases)."""
    say = progress or (lambda step, done, total: None)
    deleted: dict[str, int] = {}
    with transaction.atomic():
        # Rows of other apps that point at the register go through the ORM (signals, audit, cascades).
        for model, fk in _dependants():
            count, _detail = model._default_manager.filter(**{f"{fk}__isnull": False}).delete()
            if count:
                deleted[model._meta.label] = deleted.get(model._meta.label, 0) + count
        # The register itself: one DELETE per table (millions of rows; no per-object signals).
        through = Employment.subjects.through
        tables = [through, *registers.THROUGH, *evaluation.THROUGH, *REGISTER_MODELS]
        content_types = [ContentType.objects.get_for_model(model).pk for model in REGISTER_MODELS]
        total = len(tables) + 1
        say("reset", 0, total)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Programmes and their versions point at each other: check the foreign keys once all rows are
                # gone (a build earlier in the same transaction may have made them immediate).
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for i, model in enumerate(tables, start=1):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
                deleted[model._meta.label] = cursor.rowcount
                say("reset", i, total)
            marks = ", ".join(["%s"] * len(content_types))
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(ObjectChange._meta.db_table)} "
                           f"WHERE content_type_id IN ({marks})", content_types)
            deleted[ObjectChange._meta.label] = cursor.rowcount
        say("reset", total, total)
    return deleted


# --- classifiers --------------------------------------------------------------------------------

NEEDED = {
    "institution_type": ("3120", "3130", "3140", "3150", "3160", "3170", "3210", "3220", "3310", "3410", "3510",
                         "3520", "3530"),
    "ownership": ("10", "20", "30"),
    "sex": ("M", "F"),
    "isced_level": ("1", "24", "34", "35", "45", "6"),
    "enrolment_end_reason": ("10", "20", "31", "32", "33", "34", "35", "36", "39", "40"),
    "position": ("10", "11", "12", "20", "21", "30", "31", "32", "33", "34", "40", "41", "42", "50"),
    "qualification_category": ("1", "2", "3", "4"),
    "subject": ("LT", "MAT", "EN", "DE", "FR", "RU", "PL", "HIS", "GEO", "BIO", "CHE", "PHY", "IT", "ART", "MUS",
                "PE", "TECH", "ETH", "REL", "ECO", "CIV", "NAT", "PRI", "VOC", "SPE"),
}


def _classifier_ids(on: datetime.date) -> tuple[dict[str, dict[str, int]], datetime.date]:
    """{list: {code: id}} of the items valid on `on`, and the first day all the needed ones are valid."""
    lookup: dict[str, dict[str, int]] = {}
    missing = []
    earliest = datetime.date(2000, 1, 1)
    for list_code, codes in {**NEEDED, "country": (), "municipality": ()}.items():
        rows = list(ClassifierItem.objects.of(list_code).valid_on(on).values_list("code", "pk", "valid_from"))
        lookup[list_code] = {code: pk for code, pk, _valid in rows}
        missing += [f"{list_code}:{c}" for c in codes if c not in lookup[list_code]]
        used = [valid for code, _pk, valid in rows if code in codes or list_code == "municipality"]
        earliest = max([earliest, *used])
    if not lookup["municipality"]:
        missing.append("municipality:*")
    missing += registers.missing(on)
    if missing:
        raise MissingClassifiers(_("These classifier codes are missing (run `edureg load_classifiers`): %(codes)s")
                                 % {"codes": ", ".join(missing)})
    lookup.update(registers.lookups(on))
    return lookup, earliest


def municipalities_from_classifier(on: datetime.date | None = None) -> list[Municipality]:
    on = on or datetime.date.today()
    items = ClassifierItem.objects.of("municipality").valid_on(on).order_by("code")
    return [Municipality(code=i.code, name=i.name_lt, population=int(i.extra.get("population") or 0),
                         kind=str(i.extra.get("kind") or "")) for i in items]


def _ids(codes: np.ndarray, lookup: dict[str, int], nullable: bool = False) -> np.ndarray:
    """Classifier ids for an array of codes ("" → NULL when nullable)."""
    uniq, inverse = np.unique(codes.astype(str), return_inverse=True)
    mapped = np.array([None if (u == "" and nullable) else lookup[u] for u in uniq.tolist()],
                      dtype=object if nullable else np.int64)
    return mapped[inverse]


# --- building -----------------------------------------------------------------------------------

class _Timer:
    """Seconds per step, into the report."""

    def __init__(self, report: BuildReport):
        self.report = report

    @contextmanager
    def step(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            self.report.seconds[name] = round(self.report.seconds.get(name, 0) + elapsed, 2)


def build_country(*, scale: str = "small", seed: int = 1, reset: bool = False,
                  progress: Progress | None = None) -> BuildReport:
    """Generate the synthetic country and write it. Raises CountryExists when there is one and not `reset`."""
    if scale not in SCALES:
        raise ValueError(f"Unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    say = progress or (lambda step, done, total: None)
    report = BuildReport(scale=scale, seed=seed, job_id=job_id_for(seed))
    timer = _Timer(report)
    params = Params(scale=SCALES[scale], seed=seed)
    lookup, earliest = _classifier_ids(params.reference_date)
    params = Params(scale=SCALES[scale], seed=seed, earliest=earliest,
                    offering_year=max(params.last_year, current_school_year()))
    started = time.perf_counter()
    with audit_context(source="command", job_id=report.job_id):
        if has_country() and not reset:
            raise CountryExists(_("The database already holds %(n)d institutions and %(q)d qualifications; use "
                                  "--reset to replace them.")
                                % {"n": Institution.objects.count(), "q": Qualification.objects.count()})
        munis = municipalities_from_classifier(params.reference_date)
        muni_ids = lookup["municipality"]
        with timer.step("generate"):
            say("generate", 0, 6)
            steps = iter(range(1, 7))
            country = generate(params, munis, progress=lambda step: say("generate", next(steps), 6),
                               sectors=registers.sectors(params.reference_date), kinds=registers.kinds())
        block_started, inner_before = time.perf_counter(), sum(report.seconds.values())
        with transaction.atomic():
            if reset:
                with timer.step("reset"):
                    report.deleted = reset_register(progress)
            ids = _write(country, lookup, muni_ids, report, timer, say)
            # The main admission round of the offerings' school year: applications, the run, published results,
            # contracts (synthetic/admission.py).
            admission.build_round(country, ids, lookup, report=report, timer=timer, progress=say, seed=seed)
            # The libraries' annual reports of every year (synthetic/libraries.py).
            with timer.step("library reports"):
                try:
                    report.counts.update(libraries.build_libraries(
                        seed=seed, years=range(params.first_year, params.last_year + 1), progress=say))
                except libraries.DefinitionsMissing:
                    report.counts["library reports"] = 0  # an installation without data collections
            if connection.vendor == "postgresql":
                # The foreign keys are checked at commit (deferred); do it here to see its time.
                with timer.step("foreign-key checks"), connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        inner = sum(report.seconds.values()) - inner_before
        report.seconds["commit"] = round(time.perf_counter() - block_started - inner, 2)
        with timer.step("feed positions"):
            say("feed positions", 0, 1)
            assign_positions()
            say("feed positions", 1, 1)
    report.counts["change records"] = ObjectChange.objects.filter(job_id=report.job_id).count()
    report.seconds["total"] = round(time.perf_counter() - started, 2)
    return report


def add_registers(*, seed: int = 1, progress: Progress | None = None) -> BuildReport:
    """Add the qualifications system and the programmes register to a country built before they existed
    (its institutions, branches and pedagogues are read from the database). Deterministic for the seed and
    the country. Raises CountryExists when the database has registers already."""
    from edureg.synthetic.engine import NATIONAL, PREFIXES, PROGRAMME_TARGETS, KindSpec
    from edureg.synthetic.engine.programmes import build_programmes
    from edureg.synthetic.engine.qualifications import build_qualification_system
    from edureg.synthetic.engine.tables import stream

    say = progress or (lambda step, done, total: None)
    report = BuildReport(scale="existing", seed=seed, job_id=job_id_for(seed))
    timer = _Timer(report)
    params = Params(scale=SCALES["small"], seed=seed)
    on = params.reference_date
    lookup, earliest = _classifier_ids(on)
    started = time.perf_counter()
    with audit_context(source="command", job_id=report.job_id):
        if registers.has_registers():
            raise CountryExists(_("The database already holds qualifications or programmes."))
        with timer.step("generate"):
            say("generate", 0, 2)
            codes = [m.code for m in municipalities_from_classifier(on)]
            country, ids, pool = registers.existing_country(on, codes)
            vet = country.institutions.category == "vet"
            country.qualifications = build_qualification_system(
                stream(seed, "qualifications"), registers.sectors(on), pool,
                sorted(country.institutions.name[vet].tolist()), on, earliest)
            say("generate", 1, 2)
            # Programmes in proportion to the VET schools there are (the national targets for the national 65);
            # a small country gets five times its share, as Scale.programmes gives the small scale.
            share = max(1, int(vet.sum())) / NATIONAL["vet_schools"]
            share = min(1.0, share * 5 if share < 0.2 else share)
            targets = {k: max(1, round(NATIONAL[k] * share)) for k in PROGRAMME_TARGETS}
            kinds = registers.kinds() or {code: KindSpec(code, prefix) for code, prefix in PREFIXES.items()}
            country.programmes = build_programmes(
                stream(seed, "programmes"), country.institutions, country.branches, codes, country.qualifications,
                kinds, targets, on, max(params.last_year, current_school_year()))
            say("generate", 2, 2)
        with transaction.atomic():
            writer = Writer(job_time=timezone.now(), progress=say)
            registers.write(writer, timer, report.counts, country, ids, lookup, lookup["municipality"])
        with timer.step("feed positions"):
            assign_positions()
    report.counts["change records"] = ObjectChange.objects.filter(job_id=report.job_id).count()
    report.seconds["total"] = round(time.perf_counter() - started, 2)
    return report


def _write(country: Country, lookup: dict, muni_ids: dict, report: BuildReport, timer: _Timer, say) -> dict:
    """Write the country; returns the database ids by row ({"institutions"|"branches"|"persons"|"offerings": ids})."""
    writer = Writer(job_time=timezone.now(), progress=say)
    inst, br, ps, en, em, sub = (country.institutions, country.branches, country.persons, country.enrolments,
                                 country.employments, country.employment_subjects)
    muni_codes = np.array([m.code for m in country.municipalities], dtype=object)
    counts = report.counts

    with timer.step("institutions"):
        inst_ids = writer.reserve_ids(Institution, len(inst))
        n = len(inst)
        counts["institutions"] = writer.write("institutions", Institution, {
            "id": inst_ids, "code": inst.code, "name": inst.name, "name_en": _blank(n), "short_name": _blank(n),
            "type_id": _ids(inst.type, lookup["institution_type"]), "ownership_id": _ids(inst.ownership,
                                                                                         lookup["ownership"]),
            "municipality_id": _ids(muni_codes[inst.municipality], muni_ids), "address": inst.address,
            "postal_code": inst.postal_code, "founder": inst.founder, "parent_id": _null(n),
            "status": np.full(n, InstitutionStatus.ACTIVE.value, dtype=object), "registered_on": inst.registered_on,
            "status_since": inst.registered_on, "liquidated_on": np.full(n, NAT), "email": inst.email,
            "phone": inst.phone, "website": inst.website,
        }, repr_=lambda a, b: inst.name[a:b].tolist())
        status_ids = writer.reserve_ids(StatusChange, n)
        label = str(InstitutionStatus.ACTIVE.label)
        since = np.datetime_as_string(inst.registered_on, unit="D").astype(object)
        counts["status history"] = writer.write("status history", StatusChange, {
            "id": status_ids, "institution_id": inst_ids, "status": np.full(n, InstitutionStatus.ACTIVE.value,
                                                                            dtype=object),
            "since": inst.registered_on, "note": np.full(n, _("Registered"), dtype=object),
        }, repr_=lambda a, b: (inst.name[a:b] + f": {label} " + since[a:b]).tolist())

    with timer.step("branches"):
        m = len(br)
        branch_ids = writer.reserve_ids(Branch, m)
        counts["branches"] = writer.write("branches", Branch, {
            "id": branch_ids, "institution_id": inst_ids[br.institution], "code": br.code, "name": br.name,
            "municipality_id": _ids(muni_codes[br.municipality], muni_ids), "address": br.address,
            "opened_on": br.opened_on, "closed_on": np.full(m, NAT), "email": _blank(m), "phone": _blank(m),
        }, repr_=lambda a, b: br.name[a:b].tolist())

    with timer.step("persons"):
        n = len(ps)
        person_ids = writer.reserve_ids(Person, n)
        full_name = ps.first_name + " " + ps.last_name
        citizenship = lookup["country"].get("LT")
        counts["persons"] = writer.write("persons", Person, {
            "id": person_ids, "personal_code": ps.personal_code, "other_id": _blank(n), "other_id_country": _blank(n),
            "first_name": ps.first_name, "last_name": ps.last_name, "birth_date": ps.birth_date,
            "sex_id": np.where(ps.male, lookup["sex"]["M"], lookup["sex"]["F"]).astype(np.int64),
            "citizenship_id": np.full(n, citizenship, dtype=object), "email": _blank(n), "phone": _blank(n),
        }, repr_=lambda a, b: full_name[a:b].tolist())

    with timer.step("enrolments"):
        n = len(en)
        enrolment_ids = writer.reserve_ids(Enrolment, n)
        year = en.school_year.astype(str).astype(object)
        counts["enrolments"] = writer.write("enrolments", Enrolment, {
            "id": enrolment_ids, "person_id": person_ids[en.person], "institution_id": inst_ids[en.institution],
            "branch_id": _null(n), "kind": en.kind, "is_main": np.ones(n, dtype=bool), "school_year": en.school_year,
            "grade": en.grade, "group": en.group, "isced_level_id": _ids(en.isced, lookup["isced_level"]),
            "start_date": en.start_date, "end_date": en.end_date,
            "end_reason_id": _ids(en.end_reason, lookup["enrolment_end_reason"], nullable=True),
        }, repr_=lambda a, b: (full_name[en.person[a:b]] + " @ " + inst.name[en.institution[a:b]] + " "
                               + year[a:b]).tolist())

    ids = {"institutions": inst_ids, "branches": branch_ids, "persons": person_ids}

    with timer.step("employments"):
        n = len(em)
        employment_ids = writer.reserve_ids(Employment, n)
        subject_ids = _ids(sub.subject, lookup["subject"])
        per_employment: list[list[int]] = [[] for _ in range(n)]
        for e, s in zip(sub.employment.tolist(), subject_ids.tolist(), strict=True):
            per_employment[e].append(s)
        subjects_json = ["[" + ", ".join(map(str, sorted(ids))) + "]" for ids in per_employment]
        counts["employments"] = writer.write("employments", Employment, {
            "id": employment_ids, "person_id": person_ids[em.person], "institution_id": inst_ids[em.institution],
            "position_id": _ids(em.position, lookup["position"]), "workload": em.workload,
            "qualification_category_id": _ids(em.qualification, lookup["qualification_category"], nullable=True),
            "start_date": em.start_date, "end_date": em.end_date,
        }, repr_=lambda a, b: (full_name[em.person[a:b]] + " @ " + inst.name[em.institution[a:b]]).tolist(),
            extra_snapshot={"subjects": subjects_json})
        through = Employment.subjects.through
        counts["employment subjects"] = writer.write("employment subjects", through, {
            "employment_id": employment_ids[sub.employment], "classifieritem_id": subject_ids,
        })
    registers.write(writer, timer, counts, country, ids, lookup, muni_ids)
    if connection.vendor == "postgresql":
        with timer.step("analyze"), connection.cursor() as cursor:
            for model in (Institution, Branch, Person, Enrolment, Employment, *registers.MODELS, ObjectChange):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return ids


def _blank(n: int) -> np.ndarray:
    return np.full(n, "", dtype=object)


def _null(n: int) -> np.ndarray:
    return np.full(n, None, dtype=object)


# --- demo users ---------------------------------------------------------------------------------

@dataclass
class DemoUser:
    username: str
    password: str
    role: str
    scope: str


DEMO_USERS = (
    # username, role, scope kind
    ("demo_admin", "agency_admin", "national"),
    ("demo_municipality", "municipality_officer", "municipality"),
    ("demo_school", "institution_officer", "institution"),
    ("demo_vet_school", "institution_officer", "vet_institution"),  # a programme provider
    ("demo_expert", "expert", "expert"),  # an evaluation expert (synthetic/evaluation.py)
    ("demo_expert_2", "expert", "expert_2"),  # a second one, so that both sheets of the demo walk are entered
    ("demo_applicant", "applicant", "person"),
    ("demo_library", "institution_officer", "library"),  # fills in the library annual report
    ("demo_public", "public", ""),
)
DEMO_MUNICIPALITY = "LT-57"  # Vilnius city


def demo_password(username: str, secret: str) -> str:
    """A password derived from the installation's secret: the same on every run, unguessable without it."""
    digest = hmac.new(secret.encode(), f"edureg-demo:{username}".encode(), hashlib.sha256).digest()
    text = base64.b32encode(digest).decode().lower()
    return "-".join(text[i:i + 4] for i in (0, 4, 8, 12))


def _demo_scope(kind: str, today: datetime.date) -> tuple[dict, str]:
    if kind == "municipality":
        item = ClassifierItem.objects.of("municipality").valid_on(today).get(code=DEMO_MUNICIPALITY)
        return {"municipality": item}, item.name_lt
    if kind == "institution":
        schools = Institution.objects.filter(municipality__code=DEMO_MUNICIPALITY, enrolments__end_date__isnull=True)
        institution = (schools.filter(type__code="3140", ownership__code="20").order_by("code").first()
                       or schools.filter(type__code="3140").order_by("code").first()
                       or schools.filter(type__code__startswith="31").order_by("code").first())
        if institution is None:
            raise ValueError(_("The synthetic country has no school with learners in Vilnius."))
        return {"institution": institution}, institution.name
    if kind == "vet_institution":
        # The VET school of Vilnius with the most registered programmes (any VET school if none has).
        schools = (Institution.objects.filter(type__extra__category="vet")
                   .annotate(registered=Count("programmes", filter=Q(programmes__status="registered")))
                   .order_by("-registered", "code"))
        institution = (schools.filter(municipality__code=DEMO_MUNICIPALITY).first() or schools.first())
        if institution is None:
            raise ValueError(_("The synthetic country has no VET school."))
        return {"institution": institution}, institution.name
    if kind == "library":
        # The municipal public library of Vilnius city; its report of the open period is not started
        # (synthetic/libraries.py).
        institution = libraries.demo_library(DEMO_MUNICIPALITY)
        if institution is None:
            raise ValueError(_("The synthetic country has no municipal public library."))
        return {"institution": institution}, institution.name
    if kind == "person":
        # The applicant of the synthetic main round invited to their second preference (synthetic/admission.py);
        # without a round, a learner aged 15 or 16 today, in general education now.
        person = admission.demo_person()
        if person is not None:
            return {"person": person}, f"{person} ({person.birth_date.year})"
        born_after = _years_before(today, 17)
        born_by = _years_before(today, 15)
        person = (Person.objects.filter(birth_date__gt=born_after, birth_date__lte=born_by,
                                        enrolments__end_date__isnull=True, enrolments__kind="general")
                  .order_by("id").first())
        if person is None:
            raise ValueError(_("The synthetic country has no learner aged 15-16."))
        return {"person": person}, f"{person} ({person.birth_date.year})"
    if kind in ("expert", "expert_2"):
        # The demo expert's person in the experts register (synthetic/evaluation.py); none before it is built.
        person = evaluation.demo_expert_person(2 if kind == "expert_2" else 1)
        return ({"person": person}, str(person)) if person is not None else ({}, "")
    return {}, _("national") if kind == "national" else ""


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def ensure_demo_users(*, secret: str, today: datetime.date | None = None) -> list[DemoUser]:
    """Create (or bring back to the expected state) one demo user per role. Idempotent."""
    from django.contrib.auth import get_user_model

    from edureg.accounts.models import Membership
    from edureg.accounts.services import create_user, grant_role, revoke_role

    today = today or datetime.date.today()
    User = get_user_model()
    result = []
    with transaction.atomic(), audit_context(source="command", job_id="demo-users"):
        for username, role, kind in DEMO_USERS:
            scope, label = _demo_scope(kind, today)
            password = demo_password(username, secret)
            names = {}
            if "person" in scope:
                names = {"first_name": scope["person"].first_name, "last_name": scope["person"].last_name}
            user = User.objects.filter(username=username).first()
            if user is None:
                user = create_user(username=username, password=password, **names)
            else:
                user.set_password(password)
                user.is_active = True
                for key, value in names.items():
                    setattr(user, key, value)
                user.save()
            wanted = {"institution": None, "municipality": None, "person": None, **scope}
            keep = None
            for membership in Membership.objects.filter(user=user):
                same = (membership.role == role and membership.valid_to is None
                        and all(getattr(membership, f"{k}_id") == (v.pk if v else None) for k, v in wanted.items()))
                if same and keep is None:
                    keep = membership
                else:
                    revoke_role(membership, actor=None)
            if keep is None:
                grant_role(actor=None, user=user, role=role, **scope)
            result.append(DemoUser(username=username, password=password, role=role, scope=label))
    return result
