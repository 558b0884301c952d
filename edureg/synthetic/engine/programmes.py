"""The programmes register: modular VET programmes of the VET schools, CPD programmes for pedagogues,
non-formal adult, children's and library staff programmes, their versions, lifecycle events, and the
offerings of one school year.

Programmes meet the rules of their kind (programmes/data/kinds.json): an initial VET programme has
introductory, general, competence and final modules, a continuing one competence and final modules,
electives are at most 15 % of the credits and the modules' credits add up to the programme's; national CPD
programmes last 135-270 hours with 30-50 % practice. Statuses, dates, state codes and events follow the
services' lifecycle (programmes.services.lifecycle): draft -> submitted -> registered (the first
registration gives the state code "{prefix}{LTKS level}{ISCED-F}{nn}"; a newer registered version supersedes
the older) -> suspended or deregistered.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from edureg.synthetic.engine import vocabulary as V
from edureg.synthetic.engine.qualifications import Decisions, QualificationSystem
from edureg.synthetic.engine.rows import add_days, genitive, random_date, to_table
from edureg.synthetic.engine.tables import Branches, Institutions, Table, largest_remainder

ELECTIVE_CREDITS = 5
MAX_ELECTIVE_SHARE = 0.15
TEMP_PREFIX = "LAIK-"  # as programmes.services.common
FIRST_DAY = datetime.date(2019, 1, 15)  # the register's synthetic history starts here
PREFIXES = {"initial_vet": "P", "continuing_vet": "T", "cpd": "KT", "nonformal_adult": "NS",
            "nonformal_children": "NV", "library_competence": "BK"}
# Languages of some offerings where minorities live (municipality codes).
MINORITY_LANGUAGES = {"LT-57": ("ru", "pl"), "LT-58": ("pl",), "LT-42": ("pl",), "LT-59": ("ru",), "LT-20": ("ru",)}
SUSPENSION_REASONS = ("Nevykdomas priėmimas dvejus metus iš eilės.", "Nustatyti mokymo bazės trūkumai.")
DEREGISTRATION_REASONS = ("Teikėjas nebevykdo šios programos.", "Programa pakeista nauja programa.",
                          "Neatitinka atnaujinto profesinio standarto.")


@dataclass(frozen=True)
class KindSpec:
    """Input: what a programme kind allows (from ProgrammeKind rows)."""

    code: str
    prefix: str
    forms: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()


@dataclass
class Programmes(Table):
    kind: np.ndarray
    provider: np.ndarray  # row of Country.institutions
    state_code: np.ndarray  # "" until registered
    temp_code: np.ndarray
    status: np.ndarray
    current_version: np.ndarray  # row of versions; -1: never registered
    name_lt: np.ndarray  # of the head version (the one in force, else the newest)
    name_en: np.ndarray
    ltks_level: np.ndarray  # 0: none
    isced_f: np.ndarray
    qualification: np.ndarray  # -1: none
    deregistration_requested_on: np.ndarray
    deregistration_date: np.ndarray
    deregistration_reason: np.ndarray


@dataclass
class Versions(Table):
    programme: np.ndarray
    number: np.ndarray
    status: np.ndarray
    status_since: np.ndarray
    based_on: np.ndarray  # -1: none
    name_lt: np.ndarray
    name_en: np.ndarray
    subtype: np.ndarray
    qualification: np.ndarray  # -1: none
    ltks_level: np.ndarray  # 0: none
    isced_f: np.ndarray
    entry_education: np.ndarray
    entry_requirements_lt: np.ndarray
    entry_requirements_en: np.ndarray
    with_general_education: np.ndarray
    language: np.ndarray
    forms: np.ndarray  # lists of codes
    target_groups: np.ndarray
    credits: np.ndarray  # NaN: none
    hours: np.ndarray  # -1: none
    practice_hours: np.ndarray  # -1: none
    description_lt: np.ndarray
    description_en: np.ndarray
    learning_outcomes_lt: np.ndarray
    learning_outcomes_en: np.ndarray
    valid_from: np.ndarray
    valid_to: np.ndarray
    submitted_on: np.ndarray
    registered_on: np.ndarray


@dataclass
class Modules(Table):
    version: np.ndarray
    code: np.ndarray
    position: np.ndarray
    name_lt: np.ndarray
    name_en: np.ndarray
    type: np.ndarray
    mandatory: np.ndarray
    credits: np.ndarray
    ltks_level: np.ndarray
    learning_outcomes_lt: np.ndarray
    learning_outcomes_en: np.ndarray


@dataclass
class ModuleCompetences(Table):
    module: np.ndarray
    competence: np.ndarray  # row of QualificationSystem.competences


@dataclass
class Events(Table):
    programme: np.ndarray
    version: np.ndarray  # -1: none
    action: np.ndarray
    date: np.ndarray
    reason: np.ndarray


@dataclass
class Offerings(Table):
    programme: np.ndarray
    version: np.ndarray
    institution: np.ndarray
    branch: np.ndarray  # row of Country.branches; -1: none
    municipality: np.ndarray  # index into Country.municipalities
    year: np.ndarray
    start_date: np.ndarray
    form: np.ndarray
    language: np.ndarray
    state_funded_places: np.ndarray
    paid_places: np.ndarray
    note: np.ndarray


@dataclass
class ProgrammeRegister:
    programmes: Programmes
    versions: Versions
    modules: Modules
    module_competences: ModuleCompetences
    events: Events
    offerings: Offerings
    decisions: Decisions  # committees' decisions on programme versions
    notes: dict = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {"programmes": len(self.programmes), "programme versions": len(self.versions),
                "modules": len(self.modules), "programme events": len(self.events),
                "offerings": len(self.offerings)}


# --- modules ------------------------------------------------------------------------------------

def _split(rng: np.random.Generator, total: int, parts: int, minimum: int) -> list[int]:
    """`total` credits in `parts` integers of at least `minimum`, unevenly."""
    parts = max(1, min(parts, total // minimum))
    rest = total - parts * minimum
    return (minimum + largest_remainder(rest, rng.uniform(0.5, 1.5, parts))).tolist()


def vet_modules(rng: np.random.Generator, *, initial: bool, credits: int, competences: list[tuple[int, str, str]],
                level: int, electives: int | None = None) -> list[dict]:
    """The modules of a VET programme: dicts with name_lt, name_en, type, mandatory, credits and the competence
    rows covered. `competences`: (row, name_lt, name_en) of the qualification's competences."""
    modules: list[dict] = []

    def add(name_lt, name_en, type_, credits_, covers=()):
        modules.append({"name_lt": name_lt, "name_en": name_en, "type": type_, "mandatory": type_ != "elective",
                        "credits": int(credits_), "competences": list(covers)})

    if initial:
        add(*V.INTRODUCTORY, "introductory", 2 if credits >= 90 else 1)
        for name_lt, name_en, c in V.GENERAL_MODULES:
            add(name_lt, name_en, "general", c)
        final = 10
    else:
        add(*V.INTRODUCTORY, "introductory", 1)
        name_lt, name_en, c = V.GENERAL_MODULES[2]
        add(name_lt, name_en, "general", c)
        final = 5
    most = int(credits * MAX_ELECTIVE_SHARE) // ELECTIVE_CREDITS
    n_electives = min(most, electives if electives is not None else int(rng.integers(1 if initial else 0, most + 1)))
    fixed = sum(m["credits"] for m in modules) + final + n_electives * ELECTIVE_CREDITS
    rest = credits - fixed
    # One competence module per competence; large programmes split some into two parts, so there are 8-20 modules.
    parts = len(competences)
    wanted = max(8 - (len(modules) + n_electives + 1), parts + int(rng.integers(0, 1 + credits // 30)))
    wanted = min(wanted, 20 - (len(modules) + n_electives + 1), max(1, rest // 2))
    minimum = 2 if rest < 4 * wanted else 3
    splits = [1] * parts
    order = rng.permutation(parts).tolist()
    for j in range(max(0, wanted - parts)):
        splits[order[j % parts]] += 1
    sizes = _split(rng, rest, sum(splits), minimum)
    i = 0
    for (row, name_lt, name_en), n in zip(competences, splits, strict=True):
        for part in range(n):
            if i >= len(sizes):
                break
            suffix_lt = f" ({part + 1} dalis)" if n > 1 else ""
            suffix_en = f" (part {part + 1})" if n > 1 else ""
            add(name_lt + suffix_lt, name_en + suffix_en, "competence", sizes[i], [row])
            i += 1
    if i < len(sizes):  # fewer competence modules than credit parts: the last takes the rest
        modules[-1]["credits"] += sum(sizes[i:])
    for k in rng.choice(len(V.ELECTIVES), n_electives, replace=False).tolist():
        add(*V.ELECTIVES[k], "elective", ELECTIVE_CREDITS)
    add(*V.FINAL, "final", final)
    for m in modules:
        m["learning_outcomes_lt"] = f"Gebėti atlikti šią veiklą: {m['name_lt'][0].lower()}{m['name_lt'][1:]}."
        m["learning_outcomes_en"] = f"Be able to carry out: {m['name_en'][0].lower()}{m['name_en'][1:]}."
        m["ltks_level"] = level
    return modules


# --- the register -------------------------------------------------------------------------------

class _Register:
    def __init__(self, rng, inst: Institutions, branches: Branches, municipality_codes: Sequence[str],
                 qs: QualificationSystem, kinds: Mapping[str, KindSpec], as_of: datetime.date, year: int):
        self.rng = rng
        self.inst = inst
        self.branches = branches
        self.municipality_codes = list(municipality_codes)
        self.qs = qs
        self.kinds = kinds
        self.as_of = as_of
        self.year = year
        self.programmes: list[dict] = []
        self.versions: list[dict] = []
        self.modules: list[dict] = []
        self.module_competences: list[dict] = []
        self.events: list[dict] = []
        self.offerings: list[dict] = []
        self.decisions: list[dict] = []
        self.state_serial: dict[str, int] = {}
        self.competences_of: dict[int, list[int]] = {}
        for q, c in zip(qs.qualification_competences.qualification.tolist(),
                        qs.qualification_competences.competence.tolist(), strict=True):
            self.competences_of.setdefault(q, []).append(c)
        self.meeting_days: dict[int, list[tuple[datetime.date, int]]] = {}
        for m, (committee, day) in enumerate(zip(qs.meetings.committee.tolist(), qs.meetings.date.tolist(),
                                                 strict=True)):
            self.meeting_days.setdefault(committee, []).append((day, m))

    # --- helpers --------------------------------------------------------------------------------

    def allowed(self, kind: str, wanted: list[str], attribute: str) -> list[str]:
        spec = self.kinds.get(kind)
        allowed = getattr(spec, attribute) if spec else ()
        kept = [w for w in wanted if not allowed or w in allowed]
        return kept or (list(allowed[:1]) if allowed else wanted[:1])

    def state_code(self, kind: str, level: int, isced: str) -> str:
        prefix = self.kinds[kind].prefix if kind in self.kinds else PREFIXES[kind]
        stem = f"{prefix}{level}{(isced or '').ljust(4, '0')[:4]}".upper()
        self.state_serial[stem] = self.state_serial.get(stem, 0) + 1
        return f"{stem}{self.state_serial[stem]:02d}"

    def event(self, programme: int, version: int, action: str, day: datetime.date, reason: str = "") -> None:
        self.events.append({"programme": programme, "version": version, "action": action, "date": day,
                            "reason": reason})

    def meeting_between(self, committee: int, start: datetime.date, end: datetime.date) -> tuple | None:
        for day, m in sorted(self.meeting_days.get(committee, [])):
            if start <= day <= end:
                return day, m
        return None

    # --- one programme --------------------------------------------------------------------------

    def add(self, *, kind: str, provider: int, content: dict, modules_fn, committee: int | None,
            history: str) -> int:
        """A programme with its versions, modules and events. `content`: version fields; `modules_fn(rng)`:
        the modules of a version; `history`: registered / two_versions / new_draft / submitted / draft /
        returned / suspended / deregistered / deregistration_requested."""
        rng = self.rng
        p = len(self.programmes)
        as_of = self.as_of
        registered_from = max(FIRST_DAY, self.inst.registered_on[provider].astype(datetime.date))
        programme = {"kind": kind, "provider": provider, "state_code": "", "temp_code": f"{TEMP_PREFIX}{p + 1:06d}",
                     "status": "draft", "current_version": -1, "deregistration_requested_on": None,
                     "deregistration_date": None, "deregistration_reason": ""}
        self.programmes.append(programme)

        def version(number: int, status: str, created: datetime.date, based_on: int = -1, **dates) -> int:
            v = len(self.versions)
            row = {**content, "programme": p, "number": number, "status": status, "status_since": created,
                   "based_on": based_on, "valid_from": None, "valid_to": None, "submitted_on": None,
                   "registered_on": None, **dates}
            self.versions.append(row)
            for position, m in enumerate(modules_fn(rng), start=1):
                covers = m.pop("competences")
                self.modules.append({**m, "version": v, "position": position,
                                     "code": f"{content['ltks_level'] or 0}{content['isced_f']}{position:02d}"})
                for c in covers:
                    self.module_competences.append({"module": len(self.modules) - 1, "competence": c})
            return v

        def registration(earliest: datetime.date, latest: datetime.date) -> tuple:
            """(created, submitted, registered, meeting row or None) of a version registered in the range."""
            submitted = random_date(rng, earliest, latest)
            created = add_days(submitted, -int(rng.integers(30, 200)))
            found = (self.meeting_between(committee, submitted, min(add_days(submitted, 120), as_of))
                     if committee is not None and rng.random() < 0.5 else None)
            registered = add_days(found[0] if found else submitted, int(rng.integers(7, 31 if found else 90)))
            return created, submitted, min(registered, as_of), found

        def register(v: int, created, submitted, registered, found) -> None:
            row = self.versions[v]
            row.update(status="registered", status_since=registered, submitted_on=submitted,
                       registered_on=registered, valid_from=registered)
            self.event(p, v, "created" if row["number"] == 1 else "new_version", created)
            self.event(p, v, "submitted", submitted)
            if found is not None:
                self.decisions.append({"meeting": found[1], "standard": -1, "version": v, "outcome": "approve",
                                       "reasons": ""})
            self.event(p, v, "registered", registered)
            if not programme["state_code"]:
                programme["state_code"] = self.state_code(kind, content["ltks_level"], content["isced_f"])
            programme["status"] = "registered"
            programme["current_version"] = v

        latest = add_days(as_of, -130)
        if history in ("draft", "returned", "submitted"):
            created = random_date(rng, add_days(as_of, -240), add_days(as_of, -20))
            v = version(1, "draft", created)
            self.event(p, v, "created", created)
            if history in ("returned", "submitted"):
                submitted = random_date(rng, add_days(created, 7), as_of)
                self.event(p, v, "submitted", submitted)
                if history == "submitted":
                    self.versions[v].update(status="submitted", status_since=submitted, submitted_on=submitted)
                    programme["status"] = "submitted"
                else:
                    returned = random_date(rng, submitted, as_of)
                    reason = V.RETURN_REASONS[int(rng.integers(len(V.RETURN_REASONS)))]
                    self.event(p, v, "returned", returned, reason)
                    self.versions[v]["status_since"] = returned
        elif history in ("two_versions", "new_draft") and latest > add_days(registered_from, 500):
            middle = random_date(rng, add_days(registered_from, 200), add_days(latest, -300))
            first = registration(registered_from, middle)
            v1 = version(1, "registered", first[0])
            register(v1, *first)
            if history == "two_versions":
                second = registration(add_days(first[2], 200), latest)
                v2 = version(2, "registered", second[0], based_on=v1)
                register(v2, *second)
                self.versions[v1].update(status="superseded", status_since=second[2],
                                         valid_to=add_days(second[2], -1))
            else:
                created = random_date(rng, add_days(as_of, -200), as_of)
                v2 = version(2, "draft", created, based_on=v1)
                self.event(p, v2, "new_version", created)
        else:
            found = registration(registered_from, max(registered_from, latest))
            v = version(1, "registered", found[0])
            register(v, *found)
            registered = found[2]
            if history == "suspended":
                since = random_date(rng, add_days(registered, 60), as_of)
                reason = SUSPENSION_REASONS[int(rng.integers(len(SUSPENSION_REASONS)))]
                self.versions[v].update(status="suspended", status_since=since)
                programme["status"] = "suspended"
                self.event(p, v, "suspended", since, reason)
            elif history in ("deregistered", "deregistration_requested"):
                reason = DEREGISTRATION_REASONS[int(rng.integers(len(DEREGISTRATION_REASONS)))]
                if history == "deregistered":
                    requested = random_date(rng, add_days(registered, 90), add_days(as_of, -10))
                    effective = min(add_days(requested, int(rng.integers(0, 60))), as_of)
                else:
                    requested = random_date(rng, add_days(as_of, -60), as_of)
                    effective = add_days(as_of, int(rng.integers(30, 200)))
                programme.update(deregistration_requested_on=requested, deregistration_date=effective,
                                 deregistration_reason=reason)
                self.event(p, v, "deregistration_requested", requested, reason)
                if history == "deregistered":
                    self.versions[v].update(status="deregistered", status_since=effective)
                    programme["status"] = "deregistered"
                    self.event(p, v, "deregistered", effective, reason)
        head = programme["current_version"] if programme["current_version"] >= 0 else len(self.versions) - 1
        h = self.versions[head]
        programme.update(name_lt=h["name_lt"], name_en=h["name_en"], ltks_level=h["ltks_level"],
                         isced_f=h["isced_f"], qualification=h["qualification"])
        return p

    def history(self, shares: Mapping[str, float]) -> str:
        names = list(shares)
        weights = np.array([shares[n] for n in names])
        return names[int(self.rng.choice(len(names), p=weights / weights.sum()))]

    # --- VET ------------------------------------------------------------------------------------

    def vet(self, total: int) -> None:
        rng = self.rng
        inst, qs = self.inst, self.qs
        schools = np.flatnonzero(inst.category == "vet")
        if not len(schools) or total <= 0:
            return
        per_school = np.maximum(1, largest_remainder(total, inst.weight[schools]))
        quals = qs.qualifications
        sectors = [V.OCCUPATIONS[o].sector for o in quals.occupation.tolist()]
        all_sectors = sorted(set(sectors))
        base = np.where(quals.type == "partial", 1.2, np.where(quals.assistant, 0.6, 3.0))
        committee_of_standard = qs.standards.committee
        for school, n in zip(schools.tolist(), per_school.tolist(), strict=True):
            favourite = set(rng.choice(all_sectors, min(len(all_sectors), int(rng.integers(3, 6))),
                                       replace=False).tolist())
            weights = base * np.array([4.0 if s in favourite else 1.0 for s in sectors])
            # (qualification, kind) pairs the school may offer; each at most once.
            options = []
            for q in range(len(quals)):
                level = int(quals.ltks_level[q])
                if quals.type[q] == "partial" or level >= 5:
                    options.append((q, "continuing_vet", weights[q]))
                else:
                    options.append((q, "initial_vet", weights[q]))
                    if not quals.assistant[q]:
                        options.append((q, "continuing_vet", weights[q] * 0.4))
            w = np.array([o[2] for o in options])
            picks = rng.choice(len(options), min(n, len(options)), replace=False, p=w / w.sum())
            for k in picks.tolist():
                q, kind, _w = options[k]
                self.vet_programme(school, q, kind, int(committee_of_standard[quals.standard[q]]))

    def vet_programme(self, school: int, q: int, kind: str, committee: int) -> int:
        rng = self.rng
        quals = self.qs.qualifications
        comp = self.qs.competences
        level = int(quals.ltks_level[q])
        name_lt, name_en = str(quals.name_lt[q]), str(quals.name_en[q])
        partial = quals.type[q] == "partial"
        initial = kind == "initial_vet"
        general_education = False
        if initial:
            if level <= 2:
                entry, groups, credits = "basic", ["basic_school_leavers"], 60
            elif rng.random() < 0.45:
                general_education = True
                entry, groups = "basic", ["basic_school_leavers"]
                credits = 90 if level <= 3 else int(rng.choice([90, 110], p=[0.6, 0.4]))
            else:
                entry, groups = "secondary", ["secondary_school_leavers"] + (["adults"] if rng.random() < 0.3 else [])
                credits = int(rng.choice([60, 90], p=[0.7, 0.3])) if level <= 3 else int(
                    rng.choice([60, 70, 90], p=[0.4, 0.2, 0.4]))
            forms = ["full_time"] + (["apprenticeship"] if rng.random() < 0.3 else [])
        else:
            entry = "vocational" if partial and rng.random() < 0.5 else "secondary"
            groups = ["adults"] + [g for g in ("employed", "unemployed") if rng.random() < 0.6]
            credits = int(rng.choice([15, 20, 25, 30])) if partial else int(rng.choice([30, 40, 45, 50, 60]))
            forms = ["full_time"] + [f for f, share in (("part_time", 0.4), ("apprenticeship", 0.25),
                                                        ("distance", 0.05)) if rng.random() < share]
        if partial:
            title_lt = f"Modulinė profesinio mokymo programa „{name_lt}“"
            title_en = f"Modular VET programme: {name_en}"
        else:
            title_lt = f"{genitive(name_lt)} modulinė profesinio mokymo programa"
            title_en = f"{name_en} modular VET programme"
        rows = self.competences_of.get(q, [])
        competences = [(c, str(comp.name_lt[c]), str(comp.name_en[c])) for c in rows]
        outcomes_lt = "; ".join(n[0].lower() + n[1:] for _c, n, _e in competences)
        outcomes_en = "; ".join(e[0].lower() + e[1:] for _c, _n, e in competences)
        content = {
            "name_lt": title_lt, "name_en": title_en, "subtype": "", "qualification": q, "ltks_level": level,
            "isced_f": str(quals.isced_f[q]), "entry_education": entry,
            "entry_requirements_lt": str(quals.entry_requirements_lt[q]),
            "entry_requirements_en": str(quals.entry_requirements_en[q]),
            "with_general_education": general_education, "language": "lt",
            "forms": self.allowed(kind, forms, "forms"), "target_groups": self.allowed(kind, groups, "target_groups"),
            "credits": float(credits), "hours": -1, "practice_hours": -1,
            "description_lt": f"Programa skirta įgyti {level} LTKS lygio "
                              f"{'dalinę ' if partial else ''}kvalifikaciją „{name_lt}“.",
            "description_en": f"The programme leads to the LTKS level {level} "
                              f"{'partial ' if partial else ''}qualification “{name_en}”.",
            "learning_outcomes_lt": f"Baigęs programą asmuo gebės: {outcomes_lt}.",
            "learning_outcomes_en": f"On completion the learner can carry out: {outcomes_en}.",
        }

        def modules(rng):
            return vet_modules(rng, initial=initial, credits=credits, competences=competences, level=level)

        history = self.history({"registered": 0.78, "two_versions": 0.05, "new_draft": 0.03, "submitted": 0.03,
                                "draft": 0.02, "returned": 0.02, "suspended": 0.02, "deregistered": 0.04,
                                "deregistration_requested": 0.01})
        return self.add(kind=kind, provider=school, content=content, modules_fn=modules, committee=committee,
                        history=history)

    # --- CPD and non-formal -----------------------------------------------------------------------

    def hours_programme(self, *, kind: str, provider: int, name_lt: str, name_en: str, isced: str, hours: int,
                        practice: int, groups: list[str], forms: list[str], subtype: str = "",
                        description_lt: str, description_en: str) -> int:
        content = {
            "name_lt": name_lt, "name_en": name_en, "subtype": subtype, "qualification": -1, "ltks_level": 0,
            "isced_f": isced, "entry_education": "higher" if kind == "cpd" else "none",
            "entry_requirements_lt": "", "entry_requirements_en": "", "with_general_education": False,
            "language": "lt", "forms": self.allowed(kind, forms, "forms"),
            "target_groups": self.allowed(kind, groups, "target_groups"), "credits": None, "hours": hours,
            "practice_hours": practice, "description_lt": description_lt, "description_en": description_en,
            "learning_outcomes_lt": "", "learning_outcomes_en": ""}
        history = self.history({"registered": 0.86, "two_versions": 0.03, "submitted": 0.04, "draft": 0.04,
                                "deregistered": 0.03})
        return self.add(kind=kind, provider=provider, content=content, modules_fn=lambda rng: [], committee=None,
                        history=history)

    def pick(self, groups: list[tuple[np.ndarray, float]], n: int) -> list[int]:
        """`n` provider rows drawn from groups of institutions with a share each (empty groups give way),
        larger institutions more often."""
        kept = [(g, s) for g, s in groups if len(g)]
        if not kept or n <= 0:
            return []
        counts = largest_remainder(n, np.array([s for _g, s in kept]))
        out = []
        for (g, _s), k in zip(kept, counts.tolist(), strict=True):
            w = self.inst.weight[g] + self.inst.weight[g].mean() * 0.2
            out += g[self.rng.choice(len(g), k, p=w / w.sum())].tolist()
        return out

    def cpd(self, total: int) -> None:
        rng, inst = self.rng, self.inst
        training = np.flatnonzero(inst.category == "training")
        centres = np.flatnonzero(inst.type == "3530")
        colleges = np.flatnonzero(inst.category == "higher")
        schools = np.flatnonzero(inst.category == "general")
        providers = self.pick([(training, 0.5), (centres, 0.25), (colleges, 0.1), (schools, 0.15)], total)
        pairs = [(t, f) for t in range(len(V.CPD_TOPICS)) for f in range(len(V.CPD_FOCUS))]
        order = rng.permutation(len(pairs))
        for i, provider in enumerate(providers):
            t, f = pairs[int(order[i % len(pairs)])]
            topic_lt, topic_en, group, isced = V.CPD_TOPICS[t]
            focus_lt, focus_en = V.CPD_FOCUS[f]
            national = inst.category[provider] != "general" and rng.random() < 0.3
            if national:
                hours = int(rng.choice([135, 144, 160, 180, 200, 240, 270]))
                practice = int(round(hours * rng.uniform(0.32, 0.48)))
            else:
                hours = int(rng.choice([8, 12, 16, 18, 24, 36, 40, 48, 60, 80]))
                practice = int(round(hours * rng.uniform(0, 0.4)))
            groups = [group] + (["teachers"] if group != "teachers" and rng.random() < 0.3 else [])
            forms = [str(x) for x in rng.choice(["full_time", "part_time", "distance"], int(rng.integers(1, 3)),
                                                replace=False)]
            self.hours_programme(
                kind="cpd", provider=provider, name_lt=f"{topic_lt}: {focus_lt}", name_en=f"{topic_en}: {focus_en}",
                isced=isced, hours=hours, practice=practice, groups=groups, forms=forms,
                subtype="national" if national else "institutional",
                description_lt=f"{'Nacionalinė' if national else 'Įstaigos'} kvalifikacijos tobulinimo programa "
                               f"({hours} val., iš jų {practice} val. praktikos).",
                description_en=f"{'A national' if national else 'An institutional'} CPD programme "
                               f"({hours} hours, {practice} of them practice).")

    def non_formal(self, total: int) -> None:
        rng, inst = self.rng, self.inst
        adult = np.flatnonzero((inst.type == "3530") | (inst.category == "training"))
        children = np.flatnonzero(inst.type == "3520")
        schools = np.flatnonzero(inst.category == "general")
        libraries = np.flatnonzero(inst.category == "library")
        counts = largest_remainder(total, np.array([0.35, 0.45, 0.2]))
        specs = (
            ("nonformal_adult", self.pick([(adult, 1.0)], int(counts[0])), V.ADULT_TOPICS, ["adults"],
             ["part_time", "distance"], (20, 120)),
            ("nonformal_children", self.pick([(children, 0.7), (schools, 0.3)], int(counts[1])), V.CHILDREN_TOPICS,
             ["children"], ["part_time"], (72, 144)),
            ("library_competence", self.pick([(libraries, 1.0)], int(counts[2])), V.LIBRARY_TOPICS,
             ["library_staff"], ["full_time", "distance"], (8, 40)),
        )
        for kind, providers, topics, groups, forms, (low, high) in specs:
            pairs = [(t, k) for k in range(len(V.NON_FORMAL_LEVELS)) for t in range(len(topics))]
            order = rng.permutation(len(topics)).tolist()
            for i, provider in enumerate(providers):
                t, k = pairs[i % len(pairs)]
                t = order[t]
                name_lt, name_en, isced = topics[t]
                level_lt, level_en = V.NON_FORMAL_LEVELS[k]
                if level_lt:
                    name_lt, name_en = f"{name_lt} {level_lt}", f"{name_en} {level_en}"
                hours = int(rng.integers(low, high + 1) // 4 * 4) or low
                extra = ["employed", "unemployed"] if kind == "nonformal_adult" and rng.random() < 0.4 else []
                self.hours_programme(
                    kind=kind, provider=provider, name_lt=name_lt, name_en=name_en, isced=isced, hours=hours,
                    practice=int(round(hours * rng.uniform(0.2, 0.7))) if kind != "library_competence" else 0,
                    groups=groups + extra, forms=[str(f) for f in rng.permutation(forms)[: int(rng.integers(1, 3))]],
                    description_lt=f"Neformaliojo švietimo programa ({hours} val.).",
                    description_en=f"A non-formal education programme ({hours} hours).")

    # --- offerings --------------------------------------------------------------------------------

    def offer(self) -> None:
        rng, inst = self.rng, self.inst
        start = datetime.date(self.year, 9, 1)
        branches_of: dict[int, list[int]] = {}
        for b, i in enumerate(self.branches.institution.tolist()):
            branches_of.setdefault(i, []).append(b)
        for p, programme in enumerate(self.programmes):
            if programme["status"] != "registered" or programme["deregistration_requested_on"] is not None:
                continue
            v = programme["current_version"]
            version = self.versions[v]
            kind = programme["kind"]
            provider = programme["provider"]
            municipality = int(inst.municipality[provider])
            forms = list(version["forms"])
            vet = kind in ("initial_vet", "continuing_vet")
            if not vet and rng.random() < 0.5:
                continue
            chosen = [forms[0]]
            if len(forms) > 1 and rng.random() < (0.35 if vet else 0.2):
                chosen.append(forms[int(rng.integers(1, len(forms)))])
            languages = ["lt"]
            minority = MINORITY_LANGUAGES.get(self.municipality_codes[municipality], ())
            if vet and minority and rng.random() < 0.2:
                languages.append(minority[int(rng.integers(len(minority)))])
            for k, form in enumerate(chosen):
                for language in languages if k == 0 else ["lt"]:
                    state, paid = self.places(kind, form, version["subtype"])
                    day = start if kind != "continuing_vet" or rng.random() < 0.6 else random_date(
                        rng, start, datetime.date(self.year + 1, 2, 28))
                    if kind in ("cpd", "nonformal_adult", "library_competence"):
                        day = random_date(rng, start, datetime.date(self.year + 1, 5, 31))
                    branch = -1
                    if kind == "library_competence" and branches_of.get(provider) and rng.random() < 0.4:
                        own = branches_of[provider]
                        branch = own[int(rng.integers(len(own)))]
                    self.offerings.append({
                        "programme": p, "version": v, "institution": provider, "branch": branch,
                        "municipality": int(self.branches.municipality[branch]) if branch >= 0 else municipality,
                        "year": self.year, "start_date": day, "form": form, "language": language,
                        "state_funded_places": state, "paid_places": paid, "note": ""})

    def places(self, kind: str, form: str, subtype: str) -> tuple[int, int]:
        rng = self.rng
        if kind == "initial_vet":
            if form == "apprenticeship":
                return int(rng.integers(2, 7)) * 2, 0
            return int(rng.integers(6, 16)) * 2, int(rng.integers(0, 4)) * 2
        if kind == "continuing_vet":
            state = int(rng.integers(0, 9)) * 2
            return state, int(rng.integers(0 if state else 2, 11)) * 2
        if kind == "cpd":
            return (int(rng.integers(20, 26)), 0) if subtype == "national" else (0, int(rng.integers(15, 31)))
        if kind == "nonformal_children":
            return int(rng.integers(10, 21)), int(rng.integers(0, 11))
        if kind == "library_competence":
            return int(rng.integers(10, 21)), 0
        state = int(rng.integers(0, 16)) if rng.random() < 0.4 else 0
        return state, int(rng.integers(0 if state else 10, 21))


def build_programmes(rng: np.random.Generator, institutions: Institutions, branches: Branches,
                     municipality_codes: Sequence[str], qs: QualificationSystem, kinds: Mapping[str, KindSpec],
                     targets: Mapping[str, int], as_of: datetime.date, year: int) -> ProgrammeRegister:
    """`targets`: vet_programmes, cpd_programmes, non_formal_programmes; `year`: the school year of the
    offerings."""
    r = _Register(rng, institutions, branches, municipality_codes, qs, kinds, as_of, year)
    r.vet(targets.get("vet_programmes", 0))
    r.cpd(targets.get("cpd_programmes", 0))
    r.non_formal(targets.get("non_formal_programmes", 0))
    r.offer()
    return ProgrammeRegister(
        programmes=to_table(Programmes, r.programmes), versions=to_table(Versions, r.versions),
        modules=to_table(Modules, r.modules), module_competences=to_table(ModuleCompetences, r.module_competences),
        events=to_table(Events, r.events), offerings=to_table(Offerings, r.offerings),
        decisions=to_table(Decisions, r.decisions))
