"""The qualifications system: sectoral professional committees with members and meetings, professional
standards with competences and the committees' decisions on them, and about 120 qualifications.

The system is national: the same at every scale. Standards follow the services' lifecycle
(edureg.qualifications.services): a committee's decision approves, returns (back to draft) or rejects
(withdrawn) a draft or consulted standard at a meeting; the agency registers an approved one, valid from that
day; a newer registered version ends the older one's validity the day before.
"""

import datetime
from dataclasses import dataclass

import numpy as np

from edureg.synthetic.engine.rows import add_days, genitive, random_date, to_table
from edureg.synthetic.engine.tables import Table
from edureg.synthetic.engine.vocabulary import DELEGATING, MEETING_PLACES, NEW_STANDARDS, OCCUPATIONS, RETURN_REASONS

TARGET_QUALIFICATIONS = 120
TWO_VERSIONS = 2  # occupations whose standard has an older registered version
FIRST_MEETING_YEAR = 2019


@dataclass(frozen=True)
class Sector:
    """Input: one item of the economic_sector classifier."""

    code: str
    name_lt: str
    name_en: str


@dataclass
class Committees(Table):
    code: np.ndarray
    name_lt: np.ndarray
    name_en: np.ndarray
    sector: np.ndarray  # economic_sector code
    established_on: np.ndarray


@dataclass
class Members(Table):
    committee: np.ndarray
    person: np.ndarray  # row of Country.persons
    role: np.ndarray  # chair / deputy / secretary / member
    represents: np.ndarray
    start_date: np.ndarray
    end_date: np.ndarray


@dataclass
class Meetings(Table):
    committee: np.ndarray
    number: np.ndarray
    date: np.ndarray
    place: np.ndarray
    notes: np.ndarray


@dataclass
class Standards(Table):
    code: np.ndarray
    version: np.ndarray
    name_lt: np.ndarray
    name_en: np.ndarray
    sector: np.ndarray
    committee: np.ndarray
    description_lt: np.ndarray
    description_en: np.ndarray
    status: np.ndarray
    status_since: np.ndarray
    status_reason: np.ndarray
    valid_from: np.ndarray
    valid_to: np.ndarray


@dataclass
class Competences(Table):
    code: np.ndarray
    standard: np.ndarray
    name_lt: np.ndarray
    name_en: np.ndarray
    description_lt: np.ndarray
    description_en: np.ndarray
    ltks_level: np.ndarray


@dataclass
class Qualifications(Table):
    code: np.ndarray
    name_lt: np.ndarray
    name_en: np.ndarray
    ltks_level: np.ndarray
    isced_f: np.ndarray
    type: np.ndarray  # full / partial
    standard: np.ndarray
    description_lt: np.ndarray
    description_en: np.ndarray
    entry_requirements_lt: np.ndarray
    entry_requirements_en: np.ndarray
    valid_from: np.ndarray
    valid_to: np.ndarray
    occupation: np.ndarray  # index into vocabulary.OCCUPATIONS (not stored)
    assistant: np.ndarray  # a level-2 assistant qualification (not stored)


@dataclass
class QualificationCompetences(Table):
    qualification: np.ndarray
    competence: np.ndarray


@dataclass
class Decisions(Table):
    meeting: np.ndarray
    standard: np.ndarray  # -1: on a programme version
    version: np.ndarray  # row of Programmes.versions; -1: on a standard
    outcome: np.ndarray
    reasons: np.ndarray


@dataclass
class QualificationSystem:
    committees: Committees
    members: Members
    meetings: Meetings
    standards: Standards
    competences: Competences
    qualifications: Qualifications
    qualification_competences: QualificationCompetences
    decisions: Decisions  # on standards; the programmes step adds those on programme versions

    def counts(self) -> dict[str, int]:
        return {"committees": len(self.committees), "committee members": len(self.members),
                "committee meetings": len(self.meetings), "professional standards": len(self.standards),
                "competences": len(self.competences), "qualifications": len(self.qualifications),
                "committee decisions": len(self.decisions)}


def committee_names(sector: Sector) -> tuple[str, str]:
    """'Statybos sektorius' -> 'Statybos sektorinis profesinis komitetas'."""
    stem = sector.name_lt.removesuffix(" sektorius")
    return f"{stem} sektorinis profesinis komitetas", f"Sectoral Professional Committee for {sector.name_en}"


class _Builder:
    def __init__(self, rng: np.random.Generator, sectors: list[Sector], as_of: datetime.date,
                 earliest: datetime.date):
        self.rng = rng
        self.sectors = sectors
        self.as_of = as_of
        self.earliest = earliest
        self.committees: list[dict] = []
        self.members: list[dict] = []
        self.meetings: list[dict] = []
        self.standards: list[dict] = []
        self.competences: list[dict] = []
        self.qualifications: list[dict] = []
        self.links: list[dict] = []
        self.decisions: list[dict] = []
        self.meetings_of: dict[int, list[int]] = {}
        self.committee_of: dict[str, int] = {}

    # --- committees -----------------------------------------------------------------------------

    def build_committees(self, member_pool: np.ndarray, schools: list[str]) -> None:
        rng = self.rng
        pool = rng.permutation(member_pool)
        used = 0
        for c, sector in enumerate(self.sectors):
            name_lt, name_en = committee_names(sector)
            start = max(self.earliest, datetime.date(2016, 3, 1))
            established = random_date(rng, start, max(start, datetime.date(2018, 6, 30)))
            self.committees.append({"code": f"SPK-{sector.code}", "name_lt": name_lt, "name_en": name_en,
                                    "sector": sector.code, "established_on": established})
            self.committee_of[sector.code] = c
            size = int(rng.integers(9, 16))
            roles = ["chair", "deputy", "secretary"] + ["member"] * (size - 3)
            for k, role in enumerate(roles):
                if used >= len(pool):
                    break
                person = int(pool[used])
                used += 1
                represents = (schools[int(rng.integers(len(schools)))] if schools and rng.random() < 0.3
                              else DELEGATING[int(rng.integers(len(DELEGATING)))])
                start_date = established if k < size - 2 or rng.random() < 0.5 else random_date(
                    rng, established, add_days(self.as_of, -200))
                end_date = None
                if role == "member" and rng.random() < 0.15:  # former members
                    end_date = random_date(rng, add_days(start_date, 365), add_days(self.as_of, -30))
                    end_date = max(end_date, start_date)
                self.members.append({"committee": c, "person": person, "role": role, "represents": represents,
                                     "start_date": start_date, "end_date": end_date})
            meetings = []
            for year in range(max(FIRST_MEETING_YEAR, established.year + 1), self.as_of.year + 1):
                count = int(rng.integers(1, 3))
                for k in range(count):
                    first = datetime.date(year, 2, 1) if k == 0 else datetime.date(year, 9, 1)
                    last = datetime.date(year, 6, 30) if k == 0 else datetime.date(year, 11, 30)
                    day = random_date(rng, first, min(last, self.as_of))
                    if day > self.as_of or day < established:
                        continue
                    meetings.append(len(self.meetings))
                    self.meetings.append({"committee": c, "number": f"{year}/{k + 1}", "date": day,
                                          "place": MEETING_PLACES[int(rng.integers(len(MEETING_PLACES)))],
                                          "notes": "Svarstyti profesiniai standartai ir mokymo programos."})
            self.meetings_of[c] = meetings

    # --- standards ------------------------------------------------------------------------------

    def _committee(self, sector: str) -> int:
        return self.committee_of.get(sector, 0)

    def _meeting(self, committee: int, before: datetime.date, after: datetime.date | None = None) -> int | None:
        """A random meeting of the committee in (after, before]; None if it held none."""
        choices = [m for m in self.meetings_of.get(committee, [])
                   if self.meetings[m]["date"] <= before and (after is None or self.meetings[m]["date"] > after)]
        return int(choices[int(self.rng.integers(len(choices)))]) if choices else None

    def _decide(self, meeting: int, standard: int, outcome: str, reasons: str = "") -> None:
        self.decisions.append({"meeting": meeting, "standard": standard, "version": -1, "outcome": outcome,
                               "reasons": reasons})

    def _standard(self, code: str, version: int, occupation, status: str,
                  after: datetime.date | None = None) -> int:
        """A standard and its history of decisions; returns its row."""
        rng = self.rng
        sector = occupation.sector if occupation.sector in self.committee_of else self.sectors[0].code
        committee = self._committee(sector)
        name_lt = f"{genitive(occupation.lt)} profesinis standartas"
        row = len(self.standards)
        data = {"code": code, "version": version, "name_lt": name_lt,
                "name_en": f"Professional standard: {occupation.en}", "sector": sector, "committee": committee,
                "description_lt": f"Apibrėžia {genitive(occupation.lt).lower()} kvalifikaciją ir kompetencijas.",
                "description_en": f"Defines the qualification and competences of a {occupation.en.lower()}.",
                "status": status, "status_since": None, "status_reason": "", "valid_from": None, "valid_to": None}
        self.standards.append(data)
        latest = add_days(self.as_of, -45)
        if status in ("registered", "approved", "withdrawn"):
            if status == "approved":
                after = max(after or self.earliest, add_days(self.as_of, -300))
            meeting = self._meeting(committee, latest if status != "approved" else self.as_of, after=after)
            if meeting is None and after is None:
                meeting = self._meeting(committee, self.as_of)
            if meeting is not None:
                decided = self.meetings[meeting]["date"]
                earlier = self._meeting(committee, add_days(decided, -1))
                if earlier is not None and rng.random() < 0.25:
                    self._decide(earlier, row, "return", RETURN_REASONS[int(rng.integers(len(RETURN_REASONS)))])
                outcome = "reject" if status == "withdrawn" else "approve"
                reasons = "Standartas nebeatitinka darbo rinkos poreikių." if outcome == "reject" else ""
                self._decide(meeting, row, outcome, reasons)
                data["status_since"] = decided
                data["status_reason"] = reasons
            else:
                decided = random_date(rng, max(after or self.earliest, add_days(self.as_of, -900)), latest)
                data["status_since"] = decided
            if status == "registered":
                registered = min(add_days(decided, int(rng.integers(14, 61))), self.as_of)
                data["status_since"] = registered
                data["valid_from"] = registered
        elif status == "draft" and rng.random() < 0.5:
            meeting = self._meeting(committee, self.as_of, after=add_days(self.as_of, -400))
            if meeting is not None:  # returned for revision
                reasons = RETURN_REASONS[int(rng.integers(len(RETURN_REASONS)))]
                self._decide(meeting, row, "return", reasons)
                data["status_since"] = self.meetings[meeting]["date"]
                data["status_reason"] = reasons
        if data["status_since"] is None:
            data["status_since"] = random_date(rng, add_days(self.as_of, -300), self.as_of)
        return row

    def _competences(self, standard: int, occupation, level: int, suffix: str = "") -> list[int]:
        rows = []
        code = self.standards[standard]["code"]
        for i, (lt, en) in enumerate(occupation.pairs(), start=1):
            rows.append(len(self.competences))
            self.competences.append({
                "code": f"{code}-K{i}{suffix}", "standard": standard, "name_lt": lt, "name_en": en,
                "description_lt": f"Žinios ir gebėjimai, reikalingi šiai veiklai: {lt[0].lower() + lt[1:]}.",
                "description_en": f"The knowledge and skills needed for this work: {en[0].lower() + en[1:]}.",
                "ltks_level": level})
        return rows

    def build_standards(self) -> dict[int, tuple[int, list[int]]]:
        """{occupation: (standard row, competence rows)} of the standards in force."""
        rng = self.rng
        n = len(OCCUPATIONS)
        approved = set(rng.choice(n, 3, replace=False).tolist())
        twice = set(rng.choice(sorted(set(range(n)) - approved), TWO_VERSIONS, replace=False).tolist())
        per_sector: dict[str, int] = {}
        in_force = {}
        for o, occupation in enumerate(OCCUPATIONS):
            per_sector[occupation.sector] = per_sector.get(occupation.sector, 0) + 1
            code = f"PS-{occupation.sector}-{per_sector[occupation.sector]:02d}"
            if o in twice:
                old = self._standard(code, 1, occupation, "registered")
                self._competences(old, occupation, occupation.level)
                old_row = self.standards[old]
                new = self._standard(code, 2, occupation, "registered", after=old_row["valid_from"])
                new_row = self.standards[new]
                if new_row["valid_from"] <= old_row["valid_from"]:  # no meeting after the first: a year later
                    new_row["valid_from"] = new_row["status_since"] = add_days(old_row["valid_from"], 1)
                old_row["valid_to"] = add_days(new_row["valid_from"], -1)
                in_force[o] = (new, self._competences(new, occupation, occupation.level, suffix="-V2"))
            else:
                status = "approved" if o in approved else "registered"
                standard = self._standard(code, 1, occupation, status)
                in_force[o] = (standard, self._competences(standard, occupation, occupation.level))
        statuses = ["draft", "draft", "consultation", "consultation", "consultation", "withdrawn"]
        for occupation, status in zip(NEW_STANDARDS, statuses, strict=True):
            per_sector[occupation.sector] = per_sector.get(occupation.sector, 0) + 1
            code = f"PS-{occupation.sector}-{per_sector[occupation.sector]:02d}"
            standard = self._standard(code, 1, occupation, status)
            self._competences(standard, occupation, occupation.level)
        return in_force

    # --- qualifications -------------------------------------------------------------------------

    def _qualification(self, *, name_lt, name_en, level, occupation_index, standard, competences, kind,
                       assistant=False) -> None:
        occupation = OCCUPATIONS[occupation_index]
        std = self.standards[standard]
        valid_from = std["valid_from"] or std["status_since"]
        names_lt = "; ".join(self.competences[c]["name_lt"][0].lower() + self.competences[c]["name_lt"][1:]
                             for c in competences)
        names_en = "; ".join(self.competences[c]["name_en"][0].lower() + self.competences[c]["name_en"][1:]
                             for c in competences)
        if level <= 2:
            entry = ("Pagrindinis išsilavinimas nebūtinas; skirta asmenims, turintiems specialiųjų ugdymosi "
                     "poreikių.", "No basic education required; for learners with special educational needs.")
        elif kind == "partial":
            entry = ("Vidurinis išsilavinimas arba profesinė kvalifikacija.",
                     "Secondary education or a vocational qualification.")
        elif level >= 5:
            entry = ("Vidurinis išsilavinimas.", "Secondary education.")
        else:
            entry = ("Pagrindinis arba vidurinis išsilavinimas.", "Basic or secondary education.")
        self.qualifications.append({
            "code": "", "name_lt": name_lt, "name_en": name_en, "ltks_level": level, "isced_f": occupation.isced,
            "type": kind, "standard": standard,
            "description_lt": f"{level} lygio {'dalinė ' if kind == 'partial' else ''}kvalifikacija. "
                              f"Kompetencijos: {names_lt}.",
            "description_en": f"A level {level} {'partial ' if kind == 'partial' else ''}qualification. "
                              f"Competences: {names_en}.",
            "entry_requirements_lt": entry[0], "entry_requirements_en": entry[1],
            "valid_from": valid_from, "valid_to": None, "occupation": occupation_index, "assistant": assistant})
        for c in competences:
            self.links.append({"qualification": len(self.qualifications) - 1, "competence": c})

    def build_qualifications(self, in_force: dict[int, tuple[int, list[int]]], total: int) -> None:
        rng = self.rng
        for o, occupation in enumerate(OCCUPATIONS):
            standard, comps = in_force[o]
            self._qualification(name_lt=occupation.lt, name_en=occupation.en, level=occupation.level,
                                occupation_index=o, standard=standard, competences=comps, kind="full")
        for o, occupation in enumerate(OCCUPATIONS):
            if occupation.assistant and len(self.qualifications) < total:
                standard, comps = in_force[o]
                self._qualification(name_lt=f"{genitive(occupation.lt)} padėjėjas",
                                    name_en=f"Assistant {occupation.en.lower()}", level=2, occupation_index=o,
                                    standard=standard, competences=comps[:2], kind="full", assistant=True)
        # Partial qualifications: one competence of an occupation each, at most one per occupation first.
        pairs = [(o, k) for o in rng.permutation(len(OCCUPATIONS)).tolist()
                 for k in rng.permutation(len(OCCUPATIONS[o].competences)).tolist()]
        firsts = list(dict.fromkeys(o for o, _k in pairs))
        order = [(o, next(k for oo, k in pairs if oo == o)) for o in firsts]
        order += [p for p in pairs if p not in order]
        for o, k in order[: max(0, total - len(self.qualifications))]:
            standard, comps = in_force[o]
            competence = self.competences[comps[k]]
            self._qualification(name_lt=competence["name_lt"], name_en=competence["name_en"],
                                level=OCCUPATIONS[o].level, occupation_index=o, standard=standard,
                                competences=[comps[k]], kind="partial")
        # Codes: K{level}{ISCED-F}{nn}, numbered within each level and field in name order.
        serial: dict[str, int] = {}
        for q in sorted(self.qualifications, key=lambda q: (q["ltks_level"], q["isced_f"], q["type"], q["name_lt"])):
            stem = f"K{q['ltks_level']}{q['isced_f']}"
            serial[stem] = serial.get(stem, 0) + 1
            q["code"] = f"{stem}{serial[stem]:02d}"


def build_qualification_system(rng: np.random.Generator, sectors: list[Sector], member_pool: np.ndarray,
                               schools: list[str], as_of: datetime.date, earliest: datetime.date,
                               total: int = TARGET_QUALIFICATIONS) -> QualificationSystem:
    """`member_pool`: rows of persons who may sit on committees; `schools`: VET school names members may
    represent."""
    if not sectors:
        raise ValueError("No economic sectors: load the classifiers first.")
    b = _Builder(rng, sorted(sectors, key=lambda s: s.code), as_of, earliest)
    b.build_committees(member_pool, schools)
    in_force = b.build_standards()
    b.build_qualifications(in_force, total)
    return QualificationSystem(
        committees=to_table(Committees, b.committees), members=to_table(Members, b.members),
        meetings=to_table(Meetings, b.meetings), standards=to_table(Standards, b.standards),
        competences=to_table(Competences, b.competences), qualifications=to_table(Qualifications, b.qualifications),
        qualification_competences=to_table(QualificationCompetences, b.links),
        decisions=to_table(Decisions, b.decisions))
