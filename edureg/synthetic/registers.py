"""Writing the qualifications system and the programmes register of the synthetic country.

Called by services.build_country inside its transaction, after the institutions and persons (whose ids it
needs). Every row gets its change record through the same Writer; search texts and the programmes' head
fields are computed as the services compute them (qualifications.services.qualification_document,
programmes.services.common.refresh_head).
"""

import datetime
from types import SimpleNamespace

import numpy as np
from django.utils.translation import gettext as _

from edureg.classifiers.models import ClassifierItem
from edureg.core.i18n import pick
from edureg.core.search import search_document
from edureg.programmes.choices import ProgrammeAction
from edureg.programmes.models import Module, Offering, Programme, ProgrammeEvent, ProgrammeKind, ProgrammeVersion
from edureg.qualifications.choices import DecisionOutcome, MemberRole
from edureg.qualifications.models import (
    CommitteeDecision,
    CommitteeMeeting,
    CommitteeMember,
    Competence,
    ProfessionalStandard,
    Qualification,
    SectoralCommittee,
)
from edureg.qualifications.services import qualification_document
from edureg.synthetic.engine import KindSpec, Sector
from edureg.synthetic.engine.tables import NAT

# Deleted by a reset (with the register), dependants first.
MODELS = (Offering, ProgrammeEvent, CommitteeDecision, Module, ProgrammeVersion, Programme, Qualification,
          Competence, ProfessionalStandard, CommitteeMeeting, CommitteeMember, SectoralCommittee)
THROUGH = (Module.competences.through, Qualification.competences.through, Programme.co_providers.through)
LANGUAGES = ("lt", "ru", "pl")


def sectors(on: datetime.date) -> list[Sector]:
    items = ClassifierItem.objects.of("economic_sector").valid_on(on).order_by("code")
    return [Sector(i.code, i.name_lt, i.name_en) for i in items]


def kinds() -> dict[str, KindSpec]:
    return {k.code: KindSpec(k.code, k.code_prefix, tuple(k.forms or ()), tuple(k.target_groups or ()))
            for k in ProgrammeKind.objects.all()}


def missing(on: datetime.date) -> list[str]:
    """What the registers need and the database lacks (classifier lists, programme kinds)."""
    gaps = []
    if not ClassifierItem.objects.of("economic_sector").valid_on(on).exists():
        gaps.append("economic_sector:*")
    if not ClassifierItem.objects.of("isced_f").valid_on(on).exists():
        gaps.append("isced_f:*")
    have = set(ClassifierItem.objects.of("language").valid_on(on).filter(code__in=LANGUAGES)
               .values_list("code", flat=True))
    gaps += [f"language:{c}" for c in LANGUAGES if c not in have]
    if not ProgrammeKind.objects.exists():
        gaps.append(_("programme kinds (run `edureg migrate`)"))
    return gaps


def lookups(on: datetime.date) -> dict[str, dict[str, int]]:
    return {code: dict(ClassifierItem.objects.of(code).valid_on(on).values_list("code", "pk"))
            for code in ("economic_sector", "isced_f", "language")}


def _rows(index: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """ids[index] with -1 (none) as NULL."""
    index = np.asarray(index, dtype=np.int64)
    out = np.full(len(index), None, dtype=object)
    has = index >= 0
    out[has] = ids[index[has]]
    return out


def _codes(codes: np.ndarray, lookup: dict[str, int]) -> np.ndarray:
    """Classifier ids of codes ("" as NULL); an unknown code is an error the caller sees."""
    return np.array([lookup[c] if c else None for c in codes.tolist()], dtype=object)


def _none_below(values: np.ndarray, floor: int) -> np.ndarray:
    """Integers, None where below `floor` (the engine writes -1 or 0 for none)."""
    return np.array([None if v < floor else int(v) for v in values.tolist()], dtype=object)


def _blank_none(values: np.ndarray) -> np.ndarray:
    return np.array([v or None for v in values.tolist()], dtype=object)


def _names(lt: np.ndarray, en: np.ndarray) -> np.ndarray:
    """The names in the active language (what str() of a bilingual row shows now)."""
    return np.array([pick(a, b) for a, b in zip(lt.tolist(), en.tolist(), strict=True)], dtype=object)


def _labels(choices, values: np.ndarray) -> list[str]:
    labels = {v: str(label) for v, label in choices.choices}
    return [labels.get(v, v) for v in values.tolist()]


def _ids_json(n: int, owner: np.ndarray, target_ids: np.ndarray) -> list[str]:
    """Sorted target ids per owner row as JSON texts (the snapshot of a prefetched many-to-many)."""
    per: list[list[int]] = [[] for _ in range(n)]
    for o, t in zip(owner.tolist(), target_ids.tolist(), strict=True):
        per[o].append(int(t))
    return ["[" + ", ".join(map(str, sorted(ids))) + "]" for ids in per]


def write(writer, timer, counts: dict, country, ids: dict, lookup: dict, muni_ids: dict) -> None:
    """Write country.qualifications and country.programmes. `ids`: database ids of the country's
    institutions, branches and persons by row; the offerings' are added to it."""
    qs, reg = country.qualifications, country.programmes
    sector_ids, isced_ids, language_ids = lookup["economic_sector"], lookup["isced_f"], lookup["language"]
    inst_ids, branch_ids, person_ids = ids["institutions"], ids["branches"], ids["persons"]

    with timer.step("qualifications"):
        c, mb, mt, st, cp, ql, links = (qs.committees, qs.members, qs.meetings, qs.standards, qs.competences,
                                        qs.qualifications, qs.qualification_competences)
        committee_ids = writer.reserve_ids(SectoralCommittee, len(c))
        committee_names = _names(c.name_lt, c.name_en)
        counts["committees"] = writer.write("committees", SectoralCommittee, {
            "id": committee_ids, "code": c.code, "name_lt": c.name_lt, "name_en": c.name_en,
            "sector_id": _codes(c.sector, sector_ids), "established_on": c.established_on,
            "dissolved_on": np.full(len(c), NAT)}, repr_=lambda a, b: committee_names[a:b].tolist())
        names = country.persons.first_name + " " + country.persons.last_name
        roles = np.array(_labels(MemberRole, mb.role), dtype=object)
        member_ids = writer.reserve_ids(CommitteeMember, len(mb))
        counts["committee members"] = writer.write("committee members", CommitteeMember, {
            "id": member_ids, "committee_id": committee_ids[mb.committee], "person_id": person_ids[mb.person],
            "role": mb.role, "represents": mb.represents, "start_date": mb.start_date, "end_date": mb.end_date,
        }, repr_=lambda a, b: (names[mb.person[a:b]] + " (" + roles[a:b] + ")").tolist())
        meeting_ids = writer.reserve_ids(CommitteeMeeting, len(mt))
        meeting_names = (committee_names[mt.committee] + " " + np.datetime_as_string(mt.date, unit="D").astype(object)
                         + " Nr. " + mt.number)
        counts["committee meetings"] = writer.write("committee meetings", CommitteeMeeting, {
            "id": meeting_ids, "committee_id": committee_ids[mt.committee], "number": mt.number, "date": mt.date,
            "place": mt.place, "notes": mt.notes,
        }, repr_=lambda a, b: meeting_names[a:b].tolist())
        standard_ids = writer.reserve_ids(ProfessionalStandard, len(st))
        counts["professional standards"] = writer.write("professional standards", ProfessionalStandard, {
            "id": standard_ids, "code": st.code, "version": st.version, "name_lt": st.name_lt, "name_en": st.name_en,
            "sector_id": _codes(st.sector, sector_ids), "committee_id": committee_ids[st.committee],
            "description_lt": st.description_lt, "description_en": st.description_en, "status": st.status,
            "status_since": st.status_since, "status_reason": st.status_reason, "valid_from": st.valid_from,
            "valid_to": st.valid_to,
        }, repr_=lambda a, b: [f"{k} v{v} {n}" for k, v, n in zip(
            st.code[a:b].tolist(), st.version[a:b].tolist(), _names(st.name_lt[a:b], st.name_en[a:b]).tolist(),
            strict=True)])
        competence_ids = writer.reserve_ids(Competence, len(cp))
        counts["competences"] = writer.write("competences", Competence, {
            "id": competence_ids, "code": cp.code, "standard_id": standard_ids[cp.standard], "name_lt": cp.name_lt,
            "name_en": cp.name_en, "description_lt": cp.description_lt, "description_en": cp.description_en,
            "ltks_level": cp.ltks_level,
        }, repr_=lambda a, b: (cp.code[a:b] + " " + _names(cp.name_lt[a:b], cp.name_en[a:b])).tolist())
        n = len(ql)
        qualification_ids = writer.reserve_ids(Qualification, n)
        search = _qualification_texts(qs)
        counts["qualifications"] = writer.write("qualifications", Qualification, {
            "id": qualification_ids, "code": ql.code, "name_lt": ql.name_lt, "name_en": ql.name_en,
            "ltks_level": ql.ltks_level, "isced_f_id": _codes(ql.isced_f, isced_ids), "type": ql.type,
            "standard_id": standard_ids[ql.standard], "description_lt": ql.description_lt,
            "description_en": ql.description_en, "entry_requirements_lt": ql.entry_requirements_lt,
            "entry_requirements_en": ql.entry_requirements_en, "valid_from": ql.valid_from, "valid_to": ql.valid_to,
            "search_text": search,
        }, repr_=lambda a, b: (ql.code[a:b] + " " + _names(ql.name_lt[a:b], ql.name_en[a:b])).tolist(),
            extra_snapshot={"competences": _ids_json(n, links.qualification, competence_ids[links.competence])})
        writer.write("qualification competences", Qualification.competences.through, {
            "qualification_id": qualification_ids[links.qualification],
            "competence_id": competence_ids[links.competence]})

    with timer.step("programmes"):
        pr, vs, md, mc, ev = reg.programmes, reg.versions, reg.modules, reg.module_competences, reg.events
        kind_ids = dict(ProgrammeKind.objects.values_list("code", "pk"))
        programme_ids = writer.reserve_ids(Programme, len(pr))
        version_ids = writer.reserve_ids(ProgrammeVersion, len(vs))
        codes = np.where(pr.state_code != "", pr.state_code, pr.temp_code)
        state_codes = _blank_none(pr.state_code)
        q_codes = np.r_[ql.code, [""]]
        q_lt, q_en = np.r_[ql.name_lt, [""]], np.r_[ql.name_en, [""]]
        search = [search_document(lt, en, state, temp, q_lt[q], q_en[q], q_codes[q]) for lt, en, state, temp, q in zip(
            pr.name_lt.tolist(), pr.name_en.tolist(), state_codes.tolist(), pr.temp_code.tolist(),
            pr.qualification.tolist(), strict=True)]
        counts["programmes"] = writer.write("programmes", Programme, {
            "id": programme_ids, "kind_id": np.array([kind_ids[k] for k in pr.kind.tolist()], dtype=np.int64),
            "state_code": state_codes, "temp_code": pr.temp_code, "provider_id": inst_ids[pr.provider],
            "status": pr.status, "current_version_id": _rows(pr.current_version, version_ids),
            "name_lt": pr.name_lt, "name_en": pr.name_en, "ltks_level": _none_below(pr.ltks_level, 1),
            "isced_f_id": _codes(pr.isced_f, isced_ids), "qualification_id": _rows(pr.qualification, qualification_ids),
            "search_text": np.array(search, dtype=object),
            "deregistration_requested_on": pr.deregistration_requested_on,
            "deregistration_date": pr.deregistration_date, "deregistration_reason": pr.deregistration_reason,
        }, repr_=lambda a, b: (codes[a:b] + " " + _names(pr.name_lt[a:b], pr.name_en[a:b])).tolist())
        counts["programme versions"] = writer.write("programme versions", ProgrammeVersion, {
            "id": version_ids, "programme_id": programme_ids[vs.programme], "number": vs.number,
            "status": vs.status, "status_since": vs.status_since, "based_on_id": _rows(vs.based_on, version_ids),
            "name_lt": vs.name_lt, "name_en": vs.name_en, "subtype": vs.subtype,
            "qualification_id": _rows(vs.qualification, qualification_ids),
            "ltks_level": _none_below(vs.ltks_level, 1), "isced_f_id": _codes(vs.isced_f, isced_ids),
            "entry_education": vs.entry_education, "entry_requirements_lt": vs.entry_requirements_lt,
            "entry_requirements_en": vs.entry_requirements_en, "with_general_education": vs.with_general_education,
            "language_id": _codes(vs.language, language_ids), "forms": vs.forms, "target_groups": vs.target_groups,
            "credits": np.array([None if x != x else x for x in vs.credits.tolist()], dtype=object),
            "hours": _none_below(vs.hours, 0), "practice_hours": _none_below(vs.practice_hours, 0),
            "description_lt": vs.description_lt, "description_en": vs.description_en,
            "learning_outcomes_lt": vs.learning_outcomes_lt, "learning_outcomes_en": vs.learning_outcomes_en,
            "valid_from": vs.valid_from, "valid_to": vs.valid_to, "submitted_on": vs.submitted_on,
            "registered_on": vs.registered_on, "accredited_until": np.full(len(vs), NAT),
        }, repr_=lambda a, b: [f"{codes[p]} v{k}" for p, k in zip(vs.programme[a:b].tolist(), vs.number[a:b].tolist(),
                                                                     strict=True)])
        m = len(md)
        module_ids = writer.reserve_ids(Module, m)
        counts["modules"] = writer.write("modules", Module, {
            "id": module_ids, "version_id": version_ids[md.version], "code": md.code, "position": md.position,
            "name_lt": md.name_lt, "name_en": md.name_en, "type": md.type, "mandatory": md.mandatory,
            "credits": md.credits, "hours": np.full(m, None, dtype=object),
            "practice_hours": np.full(m, None, dtype=object), "ltks_level": md.ltks_level,
            "learning_outcomes_lt": md.learning_outcomes_lt, "learning_outcomes_en": md.learning_outcomes_en,
        }, repr_=lambda a, b: (md.code[a:b] + " " + _names(md.name_lt[a:b], md.name_en[a:b])).tolist(),
            extra_snapshot={"competences": _ids_json(m, mc.module, competence_ids[mc.competence])})
        writer.write("module competences", Module.competences.through, {
            "module_id": module_ids[mc.module], "competence_id": competence_ids[mc.competence]})
        actions = np.array(_labels(ProgrammeAction, ev.action), dtype=object)
        event_days = np.datetime_as_string(ev.date, unit="D").astype(object)
        event_ids = writer.reserve_ids(ProgrammeEvent, len(ev))
        counts["programme events"] = writer.write("programme events", ProgrammeEvent, {
            "id": event_ids, "programme_id": programme_ids[ev.programme], "version_id": _rows(ev.version, version_ids),
            "action": ev.action, "date": ev.date, "reason": ev.reason, "user_id": np.full(len(ev), None, dtype=object),
        }, repr_=lambda a, b: (codes[ev.programme[a:b]] + ": " + actions[a:b] + " " + event_days[a:b]).tolist())

        decisions = _concat_decisions(qs.decisions, reg.decisions)
        decision_ids = writer.reserve_ids(CommitteeDecision, len(decisions["meeting"]))
        outcomes = np.array(_labels(DecisionOutcome, decisions["outcome"]), dtype=object)
        counts["committee decisions"] = writer.write("committee decisions", CommitteeDecision, {
            "id": decision_ids, "meeting_id": meeting_ids[decisions["meeting"]],
            "standard_id": _rows(decisions["standard"], standard_ids),
            "programme_version_id": _rows(decisions["version"], version_ids), "outcome": decisions["outcome"],
            "reasons": decisions["reasons"],
        }, repr_=lambda a, b: (meeting_names[decisions["meeting"][a:b]] + ": " + outcomes[a:b]).tolist())

    with timer.step("offerings"):
        of = reg.offerings
        muni_codes = np.array([mu.code for mu in country.municipalities], dtype=object)
        offering_ids = ids["offerings"] = writer.reserve_ids(Offering, len(of))
        counts["offerings"] = writer.write("offerings", Offering, {
            "id": offering_ids, "programme_id": programme_ids[of.programme], "version_id": version_ids[of.version],
            "institution_id": inst_ids[of.institution], "branch_id": _rows(of.branch, branch_ids),
            "municipality_id": np.array([muni_ids[c] for c in muni_codes[of.municipality].tolist()], dtype=np.int64),
            "year": of.year, "start_date": of.start_date, "form": of.form,
            "language_id": _codes(of.language, language_ids), "state_funded_places": of.state_funded_places,
            "paid_places": of.paid_places, "note": of.note,
        }, repr_=lambda a, b: (codes[of.programme[a:b]] + " @ " + country.institutions.name[of.institution[a:b]]
                               + " " + of.year[a:b].astype(str).astype(object)).tolist())


def _qualification_texts(qs) -> np.ndarray:
    """search_text of each qualification, by the qualifications services' own function."""
    ql, st, cp, links = qs.qualifications, qs.standards, qs.competences, qs.qualification_competences
    competences: list[list] = [[] for _ in range(len(ql))]
    for q, k in zip(links.qualification.tolist(), links.competence.tolist(), strict=True):
        competences[q].append(SimpleNamespace(name_lt=cp.name_lt[k], name_en=cp.name_en[k]))
    texts = []
    for q in range(len(ql)):
        s = int(ql.standard[q])
        standard = SimpleNamespace(name_lt=st.name_lt[s], name_en=st.name_en[s])
        row = SimpleNamespace(code=ql.code[q], name_lt=ql.name_lt[q], name_en=ql.name_en[q], standard_id=s + 1,
                              standard=standard)
        texts.append(qualification_document(row, competences[q]))
    return np.array(texts, dtype=object)


def _concat_decisions(*tables) -> dict[str, np.ndarray]:
    out = {name: np.concatenate([np.asarray(getattr(t, name), dtype=np.int64) for t in tables])
           for name in ("meeting", "standard", "version")}
    for name in ("outcome", "reasons"):
        out[name] = np.concatenate([np.asarray(getattr(t, name), dtype=object) for t in tables])
    return out


# --- an existing country --------------------------------------------------------------------------

def has_registers() -> bool:
    return Qualification.objects.exists() or SectoralCommittee.objects.exists() or Programme.objects.exists()


MEMBER_POOL = 3000  # committee members are drawn from this many pedagogues (VET teachers first)


def existing_country(on: datetime.date, municipality_codes: list[str]) -> tuple[SimpleNamespace, dict, np.ndarray]:
    """The institutions, library branches and pedagogues already in the database, in the engine's shape,
    so the registers can be generated over a country built before they existed.

    Returns (country-like object, {"institutions"|"branches"|"persons": database ids by row}, member pool rows).
    """
    from django.db.models import Count

    from edureg.institutions.models import Branch, Institution
    from edureg.learners.models import Enrolment
    from edureg.pedagogues.models import Employment
    from edureg.synthetic.engine.tables import Branches, Institutions

    muni_row = {code: i for i, code in enumerate(municipality_codes)}
    # Size: learners now and staff (two grouped counts; one query joining both would multiply the rows).
    learners = dict(Enrolment.objects.filter(end_date__isnull=True).order_by().values_list("institution_id")
                    .annotate(n=Count("id")))
    staff = dict(Employment.objects.order_by().values_list("institution_id").annotate(n=Count("id")))
    rows = list(Institution.objects.order_by("id").values_list("id", "name", "type__code", "type__extra",
                                                               "municipality__code", "registered_on"))
    n = len(rows)
    col = list(zip(*rows, strict=True)) if rows else [()] * 6
    weight = [learners.get(pk, 0) + 10 * staff.get(pk, 0) + 1 for pk in col[0]]
    empty = np.full(n, "", dtype=object)
    zeros = np.zeros(n, dtype=np.int64)
    institutions = Institutions(
        code=empty, name=np.array(col[1], dtype=object), type=np.array(col[2], dtype=object),
        category=np.array([(extra or {}).get("category", "") for extra in col[3]], dtype=object), ownership=empty,
        municipality=np.array([muni_row.get(c, 0) for c in col[4]], dtype=np.int64), town=empty, address=empty,
        postal_code=empty, founder=empty,
        registered_on=np.array([np.datetime64(d or datetime.date(2000, 1, 1), "D") for d in col[5]],
                               dtype="datetime64[D]"),
        email=empty, phone=empty, website=empty, grade_min=zeros, grade_max=zeros,
        weight=np.array(weight, dtype=float), classes=zeros)
    inst_row = {pk: i for i, pk in enumerate(col[0])}
    branch_rows = list(Branch.objects.order_by("id").values_list("id", "institution_id", "municipality__code"))
    m = len(branch_rows)
    blank = np.full(m, "", dtype=object)
    branches = Branches(
        institution=np.array([inst_row[i] for _b, i, _c in branch_rows], dtype=np.int64), code=blank, name=blank,
        municipality=np.array([muni_row.get(c, 0) for _b, _i, c in branch_rows], dtype=np.int64), address=blank,
        opened_on=np.full(m, np.datetime64("NaT"), dtype="datetime64[D]"))
    born_after, born_by = on.replace(year=on.year - 65), on.replace(year=on.year - 30)
    teachers = (Employment.objects.filter(position__code__in=("10", "11", "12"), person__birth_date__gt=born_after,
                                          person__birth_date__lte=born_by)
                .order_by("-institution__type__code", "person_id")  # 32xx (VET) before 31xx (general)
                .values_list("person_id", "person__first_name", "person__last_name", "institution__type__code"))
    seen: dict[int, tuple[str, str, bool]] = {}
    for person, first, last, type_code in teachers.iterator():
        if person not in seen:
            seen[person] = (first, last, type_code.startswith("32"))
    people = sorted(seen.items(), key=lambda item: (not item[1][2], item[0]))[:MEMBER_POOL]
    persons = SimpleNamespace(first_name=np.array([p[1][0] for p in people], dtype=object),
                              last_name=np.array([p[1][1] for p in people], dtype=object))
    country = SimpleNamespace(institutions=institutions, branches=branches, persons=persons,
                              municipalities=[SimpleNamespace(code=c) for c in municipality_codes])
    ids = {"institutions": np.array(col[0], dtype=np.int64), "branches": np.array([b for b, _i, _c in branch_rows],
                                                                                   dtype=np.int64),
           "persons": np.array([p[0] for p in people], dtype=np.int64)}
    return country, ids, np.arange(len(people))
