"""The qualifications system and the programmes register of the synthetic country, without a database.

The programmes are checked with the real rules engine (edureg.programmes.engine.rules) and the rules shipped
in programmes/data/kinds.json, as the services check a version on submission.
"""

import collections
import csv
import datetime
import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from edureg.programmes.engine.rules import KindFacts, ModuleFacts, ProgrammeFacts, Rule, check
from edureg.synthetic.engine import SCALES, KindSpec, Params, Sector, generate
from edureg.synthetic.engine.programmes import vet_modules
from edureg.synthetic.engine.rows import genitive
from edureg.synthetic.tests.test_engine import municipalities

ROOT = Path(__file__).resolve().parents[2]
KINDS = {k["code"]: k for k in json.loads((ROOT / "programmes" / "data" / "kinds.json").read_text())["kinds"]}
VET = ("initial_vet", "continuing_vet")


def sectors() -> list[Sector]:
    with open(ROOT / "classifiers" / "data" / "economic_sector.csv", encoding="utf-8-sig", newline="") as fh:
        return [Sector(r["code"], r["name_lt"], r["name_en"]) for r in csv.DictReader(fh)]


def kind_specs() -> dict[str, KindSpec]:
    return {code: KindSpec(code, k["code_prefix"], tuple(k["forms"]), tuple(k["target_groups"]))
            for code, k in KINDS.items()}


def _generate(scale: str, seed: int):
    return generate(Params(scale=SCALES[scale], seed=seed, offering_year=2026), municipalities(), sectors=sectors(),
                    kinds=kind_specs())


@pytest.fixture(scope="module")
def small():
    return _generate("small", 7)


def _rules(kind: str) -> list[Rule]:
    def dec(value):
        return Decimal(str(value)) if value is not None else None
    return [Rule(code=r["code"], metric=r["metric"], minimum=dec(r.get("minimum")), maximum=dec(r.get("maximum")),
                 values=tuple(r.get("values", ())), subtype=r.get("subtype", ""), severity=r.get("severity", "error"))
            for r in KINDS[kind]["rules"]]


def findings(country) -> list[tuple[str, str, str]]:
    """(state or temporary code, rule, message) of every finding over every version."""
    reg = country.programmes
    pr, vs, md = reg.programmes, reg.versions, reg.modules
    modules = collections.defaultdict(list)
    for i, v in enumerate(md.version.tolist()):
        modules[v].append(ModuleFacts(code=md.code[i], type=md.type[i], credits=Decimal(str(md.credits[i])),
                                      mandatory=bool(md.mandatory[i])))
    out = []
    for v in range(len(vs)):
        p = int(vs.programme[v])
        kind = pr.kind[p]
        credits = None if np.isnan(vs.credits[v]) else Decimal(str(vs.credits[v]))
        hours = None if vs.hours[v] < 0 else int(vs.hours[v])
        facts = ProgrammeFacts(
            kind=kind, subtype=vs.subtype[v], credits=credits, hours=hours,
            practice_hours=None if vs.practice_hours[v] < 0 else int(vs.practice_hours[v]),
            total_hours=Decimal(hours) if hours is not None else credits * 27,
            ltks_level=int(vs.ltks_level[v]) or None, has_qualification=bool(vs.qualification[v] >= 0),
            modules=tuple(modules[v]))
        spec = KINDS[kind]
        kind_facts = KindFacts(code=kind, unit=spec["unit"], requires_qualification=spec["requires_qualification"],
                               requires_ltks_level=spec["requires_ltks_level"])
        out += [(pr.state_code[p] or pr.temp_code[p], f.code, f.message) for f in check(facts, kind_facts,
                                                                                           _rules(kind))]
    return out


def test_every_generated_version_passes_its_kinds_rules(small):
    assert findings(small) == []


def test_the_rules_check_can_fail_on_a_broken_programme(small):
    """The check above sees a broken programme: credits that do not add up, no final module, too many electives."""
    md = small.programmes.modules
    pr = small.programmes.programmes
    first = np.flatnonzero((pr.kind == "initial_vet") & (pr.current_version >= 0))[0]
    version = int(pr.current_version[first])
    rows = np.flatnonzero(md.version == version)
    md.credits[rows[0]] += 1
    md.type[rows[-1]] = "elective"
    md.mandatory[rows[-1]] = False
    try:
        rules = {rule for _code, rule, _message in findings(small)}
    finally:
        md.credits[rows[0]] -= 1
        md.type[rows[-1]] = "final"
        md.mandatory[rows[-1]] = True
    assert rules == {"module-credits-sum", "module-types", "elective-share"}


def test_qualifications_system_counts_levels_and_names(small):
    qs = small.qualifications
    ql = qs.qualifications
    assert len(ql) == 120
    assert len(set(ql.code.tolist())) == 120 and len(set(ql.name_lt.tolist())) == 120
    levels = collections.Counter(ql.ltks_level.tolist())
    assert set(levels) <= {2, 3, 4, 5} and levels[3] + levels[4] >= 0.75 * 120
    assert 20 <= (ql.type == "partial").sum() <= 60
    assert {"Suvirintojas", "Virėjas", "Automobilių mechanikas", "Kirpėjas", "Apskaitininkas",
            "Statybos verslo darbuotojas", "Virėjo padėjėjas"} <= set(ql.name_lt.tolist())
    assert "Welder" in ql.name_en.tolist()
    isced = set(ql.isced_f.tolist())
    assert {"0715", "1013", "0732", "1012", "0411"} <= isced and all(len(c) == 4 for c in isced)
    assert len(qs.committees) == 16 and len(set(qs.committees.sector.tolist())) == 16
    assert 55 <= len(qs.standards) <= 75
    # Every qualification's competences come from its own standard.
    links = qs.qualification_competences
    assert (qs.competences.standard[links.competence] == ql.standard[links.qualification]).all()
    assert set(links.qualification.tolist()) == set(range(120))


def test_committees_members_meetings_and_standard_decisions(small):
    qs = small.qualifications
    per_committee = np.bincount(qs.members.committee, minlength=16)
    assert (per_committee >= 9).all()
    assert (np.bincount(qs.members.committee[qs.members.role == "chair"], minlength=16) == 1).all()
    assert len(set(qs.members.person.tolist())) == len(qs.members), "a person sits twice"
    assert (small.persons.role[qs.members.person] == "pedagogue").all()
    ended = ~np.isnat(qs.members.end_date)
    assert (qs.members.end_date[ended] >= qs.members.start_date[ended]).all()
    assert (qs.meetings.date >= qs.committees.established_on[qs.meetings.committee]).all()
    assert (qs.meetings.date <= np.datetime64(small.as_of)).all()
    st, dec = qs.standards, qs.decisions
    assert set(st.status.tolist()) == {"draft", "consultation", "approved", "registered", "withdrawn"}
    for s in np.flatnonzero(np.isin(st.status, ("registered", "approved", "withdrawn"))).tolist():
        mine = np.flatnonzero(dec.standard == s)
        last = mine[np.argmax(qs.meetings.date[dec.meeting[mine]])]
        assert dec.outcome[last] == ("reject" if st.status[s] == "withdrawn" else "approve")
        assert qs.meetings.committee[dec.meeting[last]] == st.committee[s], "decided by another committee"
        assert qs.meetings.date[dec.meeting[last]] <= st.status_since[s]
    registered = st.status == "registered"
    assert (st.valid_from[registered] == st.status_since[registered]).all()
    older = ~np.isnat(st.valid_to)
    assert older.sum() == 2 and (st.version[older] == 1).all()
    returned = (dec.outcome == "return") & (dec.standard >= 0)
    assert returned.any() and all(dec.reasons[returned])


def test_programme_counts_kinds_and_providers(small):
    pr = small.programmes.programmes
    inst = small.institutions
    kinds = collections.Counter(pr.kind.tolist())
    assert 190 <= kinds["initial_vet"] + kinds["continuing_vet"] <= 210  # a quarter of 800 on the small scale
    assert kinds["initial_vet"] > 60 and kinds["continuing_vet"] > 60
    assert kinds["cpd"] == 75
    assert kinds["nonformal_adult"] + kinds["nonformal_children"] + kinds["library_competence"] == 50
    vet = np.isin(pr.kind, VET)
    assert (inst.category[pr.provider[vet]] == "vet").all()
    assert set(inst.category[pr.provider[pr.kind == "library_competence"]].tolist()) == {"library"}
    assert set(inst.category[pr.provider[pr.kind == "cpd"]].tolist()) <= {"training", "non_formal", "higher",
                                                                          "general"}
    statuses = collections.Counter(pr.status.tolist())
    assert statuses["registered"] > 0.8 * len(pr)
    assert {"draft", "submitted", "suspended", "deregistered"} <= set(statuses)


def test_vet_programmes_are_built_like_modular_programmes(small):
    reg, qs = small.programmes, small.qualifications
    pr, vs, md = reg.programmes, reg.versions, reg.modules
    count = np.bincount(md.version, minlength=len(vs))
    for v in np.flatnonzero(np.isin(pr.kind[vs.programme], VET)).tolist():
        rows = np.flatnonzero(md.version == v)
        types = md.type[rows]
        q = int(vs.qualification[v])
        assert q >= 0 and vs.ltks_level[v] == qs.qualifications.ltks_level[q]
        assert md.credits[rows].sum() == vs.credits[v]
        if pr.kind[vs.programme[v]] == "initial_vet":
            assert 60 <= vs.credits[v] <= 110 and 8 <= count[v] <= 20
            assert md.credits[rows][types == "introductory"].tolist() in ([1.0], [2.0])
        elif qs.qualifications.type[q] == "full":
            assert 8 <= count[v] <= 20
        assert md.credits[rows][types == "elective"].sum() <= 0.15 * vs.credits[v]
        assert (md.mandatory[rows] == (types != "elective")).all()
        assert md.position[rows].tolist() == list(range(1, len(rows) + 1))
        assert len(set(md.code[rows].tolist())) == len(rows)
    # Competence modules cover competences of the programme's qualification, and together all of them.
    mc = reg.module_competences
    links = qs.qualification_competences
    own = set(zip(links.qualification.tolist(), links.competence.tolist(), strict=True))
    version_of = md.version[mc.module]
    assert all((int(vs.qualification[v]), c) in own for v, c in zip(version_of.tolist(), mc.competence.tolist(),
                                                                    strict=True))
    assert (md.type[mc.module] == "competence").all()
    assert set(mc.module.tolist()) == set(np.flatnonzero(md.type == "competence").tolist())


def test_vet_module_split_for_small_and_large_programmes():
    rng = np.random.default_rng(0)
    comps = [(i, f"K{i}", f"C{i}") for i in range(4)]
    for credits in (60, 70, 90, 110):
        modules = vet_modules(rng, initial=True, credits=credits, competences=comps, level=4)
        assert sum(m["credits"] for m in modules) == credits
        assert 8 <= len(modules) <= 20
        assert {m["type"] for m in modules} >= {"introductory", "general", "competence", "final"}
    modules = vet_modules(rng, initial=False, credits=15, competences=comps[:1], level=3, electives=0)
    assert sum(m["credits"] for m in modules) == 15 and all(m["credits"] >= 1 for m in modules)
    assert {m["type"] for m in modules} >= {"competence", "final"}


def test_cpd_and_non_formal_programmes(small):
    pr, vs = small.programmes.programmes, small.programmes.versions
    kind = pr.kind[vs.programme]
    cpd = kind == "cpd"
    national = cpd & (vs.subtype == "national")
    assert national.any() and (cpd & (vs.subtype == "institutional")).any()
    assert ((vs.hours[national] >= 135) & (vs.hours[national] <= 270)).all()
    share = vs.practice_hours[national] / vs.hours[national]
    assert ((share >= 0.3) & (share <= 0.5)).all()
    assert ((vs.hours[cpd] >= 8) & (vs.hours[cpd] <= 270)).all()
    groups = {g for gs in vs.target_groups[cpd] for g in gs}
    assert {"teachers", "school_leaders", "support_specialists"} <= groups
    assert np.isnan(vs.credits[~np.isin(kind, VET)]).all()
    for code in ("nonformal_adult", "nonformal_children", "library_competence", "cpd"):
        rows = kind == code
        assert rows.any(), code
        allowed = set(KINDS[code]["target_groups"])
        assert all(set(gs) <= allowed for gs in vs.target_groups[rows])
        assert all(set(fs) <= set(KINDS[code]["forms"]) for fs in vs.forms[rows])
    assert len(set(pr.name_lt[pr.kind == "cpd"].tolist())) == (pr.kind == "cpd").sum()


def test_lifecycle_codes_versions_and_head(small):
    reg = small.programmes
    pr, vs, ev = reg.programmes, reg.versions, reg.events
    registered_once = pr.current_version >= 0
    assert (pr.state_code[registered_once] != "").all() and (pr.state_code[~registered_once] == "").all()
    codes = pr.state_code[registered_once].tolist()
    assert len(set(codes)) == len(codes)
    assert len(set(pr.temp_code.tolist())) == len(pr)
    for p in np.flatnonzero(registered_once)[:50].tolist():
        v = int(pr.current_version[p])
        prefix = KINDS[pr.kind[p]]["code_prefix"]
        assert pr.state_code[p] == f"{prefix}{vs.ltks_level[v]}{vs.isced_f[v]}" + pr.state_code[p][-2:]
    assert set(pr.status[~registered_once].tolist()) <= {"draft", "submitted"}
    assert (vs.status[pr.current_version[pr.status == "suspended"]] == "suspended").all()
    deregistered = pr.status == "deregistered"
    assert (vs.status[pr.current_version[deregistered]] == "deregistered").all()
    assert (~np.isnat(pr.deregistration_date[deregistered])).all()
    # A superseded version ended the day before its successor was registered.
    old = np.flatnonzero(vs.status == "superseded")
    assert len(old) >= 3
    for v in old.tolist():
        new = np.flatnonzero((vs.programme == vs.programme[v]) & (vs.based_on == v))
        assert len(new) == 1 and vs.registered_on[new[0]] == vs.valid_to[v] + np.timedelta64(1, "D")
        assert vs.number[new[0]] == 2 and pr.current_version[vs.programme[v]] == new[0]
    # The head copy: the version in force, else the newest.
    for p in range(len(pr)):
        v = pr.current_version[p] if pr.current_version[p] >= 0 else np.flatnonzero(vs.programme == p).max()
        assert (pr.name_lt[p], pr.ltks_level[p], pr.qualification[p]) == (vs.name_lt[v], vs.ltks_level[v],
                                                                         vs.qualification[v])
    # Events: each registration and submission of a version, in date order within a version.
    assert (ev.action == "registered").sum() == (~np.isnat(vs.registered_on)).sum()
    assert (ev.action == "submitted").sum() >= (~np.isnat(vs.submitted_on)).sum()
    assert (vs.registered_on[~np.isnat(vs.registered_on)] <= np.datetime64(small.as_of)).all()
    names = pr.name_lt[(pr.kind == "initial_vet") & (pr.qualification >= 0)]
    assert any(n.startswith("Suvirintojo ") or n.startswith("Virėjo ") for n in names)


def test_offerings_are_of_registered_programmes_of_their_provider(small):
    reg = small.programmes
    pr, vs, of = reg.programmes, reg.versions, reg.offerings
    assert len(of) > 200
    assert (pr.status[of.programme] == "registered").all()
    assert np.isnat(pr.deregistration_requested_on[of.programme]).all()
    assert (of.version == pr.current_version[of.programme]).all()
    assert (of.institution == pr.provider[of.programme]).all()
    assert (of.year == 2026).all()
    assert (of.start_date >= np.datetime64("2026-09-01")).all() and (of.start_date < np.datetime64("2027-09-01")).all()
    assert all(f in vs.forms[v] for f, v in zip(of.form.tolist(), of.version.tolist(), strict=True))
    assert ((of.state_funded_places + of.paid_places) > 0).all()
    at_branch = of.branch >= 0
    assert at_branch.any() and (small.branches.institution[of.branch[at_branch]] == of.institution[at_branch]).all()
    own = small.institutions.municipality[of.institution]
    assert (of.municipality[~at_branch] == own[~at_branch]).all()
    keys = list(zip(of.programme.tolist(), of.branch.tolist(), of.form.tolist(), of.language.tolist(), strict=True))
    assert len(set(keys)) == len(keys), "the same offer twice"
    registered_vet = (pr.status == "registered") & np.isin(pr.kind, VET) & np.isnat(pr.deregistration_requested_on)
    assert set(np.flatnonzero(registered_vet).tolist()) <= set(of.programme.tolist()), "a VET programme not offered"
    vet_schools = np.flatnonzero(small.institutions.category == "vet")
    assert set(vet_schools.tolist()) == set(of.institution[np.isin(pr.kind[of.programme], VET)].tolist())


def _registers_digest(country) -> list:
    out = []
    for register in (country.qualifications, country.programmes):
        for name, table in vars(register).items():
            if hasattr(table, "__dataclass_fields__"):
                out += [(name, f, repr(getattr(table, f).tolist())) for f in table.__dataclass_fields__]
    return out


def test_registers_are_deterministic_by_seed():
    a, b, c = _generate("tiny", 3), _generate("tiny", 3), _generate("tiny", 4)
    assert _registers_digest(a) == _registers_digest(b)
    assert a.programmes.programmes.name_lt.tolist() != c.programmes.programmes.name_lt.tolist()
    assert a.qualifications.members.person.tolist() != c.qualifications.members.person.tolist()
    # The registers do not shift the rest of the country.
    plain = generate(Params(scale=SCALES["tiny"], seed=3), municipalities())
    assert plain.qualifications is None and plain.programmes is None
    assert plain.persons.personal_code.tolist() == a.persons.personal_code.tolist()
    assert plain.enrolments.start_date.tolist() == a.enrolments.start_date.tolist()


def test_genitive_of_occupations():
    assert genitive("Suvirintojas") == "Suvirintojo"
    assert genitive("Automobilių mechanikas") == "Automobilių mechaniko"
    assert genitive("Šaltkalvis") == "Šaltkalvio"
    assert genitive("Stogdengys") == "Stogdengio"
    assert genitive("Baldžius") == "Baldžiaus"
    assert genitive("Dailidė") == "Dailidės"
    assert genitive("Auklė") == "Auklės"


def test_dates_stay_within_the_country(small):
    as_of = np.datetime64(small.as_of)
    reg = small.programmes
    for table, name in ((reg.versions, "status_since"), (reg.events, "date"), (reg.versions, "submitted_on")):
        values = getattr(table, name)
        assert (values[~np.isnat(values)] <= as_of).all(), name
        assert (values[~np.isnat(values)] >= np.datetime64(datetime.date(2018, 1, 1))).all(), name
