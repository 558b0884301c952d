"""The synthetic-country engine, without a database."""

import csv
import datetime
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from stdnum.lt import asmens

from edureg.core.validators import is_valid_legal_entity_code, legal_entity_check_digit
from edureg.persons import codes as person_codes
from edureg.synthetic.engine import SCALES, Municipality, Params, generate
from edureg.synthetic.engine.codes import legal_entity_check_digits, personal_codes, unique_serials
from edureg.synthetic.engine.gazetteer import PLACES
from edureg.synthetic.engine.names import female_surnames

MUNICIPALITY_FILE = Path(__file__).resolve().parents[2] / "classifiers" / "data" / "municipality.csv"


def municipalities() -> list[Municipality]:
    """The 60 municipalities as the classifier file has them (the gazetteer's if the file is absent)."""
    if MUNICIPALITY_FILE.exists():
        with open(MUNICIPALITY_FILE, encoding="utf-8-sig", newline="") as fh:
            return [Municipality(r["code"], r["name_lt"], int(r["x_population"]), r["x_kind"])
                    for r in csv.DictReader(fh)]
    return [Municipality(p.code, p.code, p.population, p.kind) for p in PLACES.values()]


@pytest.fixture(scope="module")
def small():
    return generate(Params(scale=SCALES["small"], seed=7), municipalities())


def test_same_seed_same_country_other_seed_other_country():
    a = generate(Params(scale=SCALES["tiny"], seed=3), municipalities())
    b = generate(Params(scale=SCALES["tiny"], seed=3), list(reversed(municipalities())))
    c = generate(Params(scale=SCALES["tiny"], seed=4), municipalities())
    for table in ("institutions", "branches", "persons", "enrolments", "employments", "employment_subjects"):
        ta, tb = getattr(a, table), getattr(b, table)
        for name in ta.__dataclass_fields__:
            assert getattr(ta, name).astype(str).tolist() == getattr(tb, name).astype(str).tolist(), (
                f"{table}.{name} differs")
    assert not np.array_equal(a.persons.personal_code[:100], c.persons.personal_code[:100])
    assert list(a.institutions.name) != list(c.institutions.name)


def test_small_scale_has_all_municipalities_and_a_twentieth_of_the_people(small):
    inst = small.institutions
    assert len(small.municipalities) == 60
    assert (inst.type == "3410").sum() == 60
    assert sorted(set(inst.municipality[inst.type == "3410"].tolist())) == list(range(60))
    assert (inst.category == "general").sum() == 50
    last = small.enrolments.school_year == small.last_year
    general_now = len(np.unique(small.enrolments.person[last & (small.enrolments.kind == "general")]))
    assert 275_000 / 20 * 0.93 < general_now < 275_000 / 20 * 1.07
    vet_now = len(np.unique(small.enrolments.person[last & (small.enrolments.kind == "vet")]))
    assert 45_000 / 20 * 0.85 < vet_now < 45_000 / 20 * 1.15
    pedagogues = (small.persons.role == "pedagogue").sum()
    assert 27_000 / 20 * 0.95 < pedagogues < 27_000 / 20 * 1.1


def test_personal_codes_are_valid_unique_and_match_birth_date_and_sex(small):
    ps = small.persons
    assert len(set(ps.personal_code.tolist())) == len(ps)
    for i in np.random.default_rng(0).choice(len(ps), 2000, replace=False).tolist():
        code = ps.personal_code[i]
        assert asmens.is_valid(code)
        born = ps.birth_date[i].astype(datetime.date)
        assert person_codes.birth_date(code) == born
        assert person_codes.sex(code) == ("M" if ps.male[i] else "F")
        assert code == person_codes.make(born, "M" if ps.male[i] else "F", int(code[7:10]))


def test_vectorised_personal_codes_equal_stdnum_for_many_dates():
    rng = np.random.default_rng(1)
    birth = np.datetime64("1930-01-01") + rng.integers(0, 365 * 95, 20_000).astype("timedelta64[D]")
    male = rng.random(20_000) < 0.5
    serial = unique_serials(rng, birth, male)
    got = personal_codes(birth, male, serial)
    assert len(set(got.tolist())) == len(got)
    for code in got.tolist():
        assert code[-1] == asmens.calc_check_digit(code)


def test_serials_stay_unique_when_many_share_a_birthday():
    rng = np.random.default_rng(2)
    birth = np.full(999, np.datetime64("2010-05-05"))
    male = np.ones(999, dtype=bool)
    codes = personal_codes(birth, male, unique_serials(rng, birth, male))
    assert len(set(codes.tolist())) == 999
    with pytest.raises(ValueError):
        unique_serials(rng, np.full(1001, np.datetime64("2010-05-05")), np.ones(1001, dtype=bool))


def test_legal_entity_codes_valid_and_unique(small):
    codes = small.institutions.code.tolist()
    assert len(set(codes)) == len(codes)
    assert all(is_valid_legal_entity_code(c) for c in codes)
    bodies = np.arange(30_000_000, 30_002_000)
    expected = [legal_entity_check_digit(str(b)) for b in bodies.tolist()]
    assert legal_entity_check_digits(bodies).tolist() == [-1 if e is None else e for e in expected]


def test_first_names_match_sex_and_female_surnames_are_female(small):
    ps = small.persons
    male_endings = ("as", "is", "ys", "us")
    assert all(n.endswith(male_endings) for n in ps.first_name[ps.male][:3000])
    assert not any(n.endswith(male_endings) for n in ps.first_name[~ps.male][:3000])
    assert all(n.endswith(("ienė", "aitė", "ytė", "iūtė", "utė")) for n in ps.last_name[~ps.male][:3000])
    assert female_surnames("Kazlauskas") == ("Kazlauskienė", "Kazlauskaitė")
    assert female_surnames("Stankevičius") == ("Stankevičienė", "Stankevičiūtė")


def test_no_overlapping_main_general_enrolments_and_at_most_one_open(small):
    e = small.enrolments
    general = np.flatnonzero(e.kind == "general")
    order = general[np.lexsort((e.start_date[general], e.person[general]))]
    person, start, end = e.person[order], e.start_date[order], e.end_date[order]
    same_person = person[1:] == person[:-1]
    previous_end = end[:-1]
    assert not np.isnat(previous_end[same_person]).any(), "an open enrolment is followed by another"
    assert (previous_end[same_person] < start[1:][same_person]).all(), "overlapping enrolments"
    open_general = e.person[(e.kind == "general") & np.isnat(e.end_date)]
    assert len(open_general) == len(np.unique(open_general))


def test_enrolment_rows_are_consistent(small):
    e = small.enrolments
    ended = ~np.isnat(e.end_date)
    assert (e.end_reason[ended] != "").all() and (e.end_reason[~ended] == "").all()
    assert (e.end_date[ended] >= e.start_date[ended]).all()
    assert (~ended)[e.school_year < small.last_year].sum() == 0, "only the last school year stays open"
    gen = e.kind == "general"
    expected = np.where(e.grade <= 4, "1", np.where(e.grade <= 10, "24", "34"))
    assert (e.isced[gen] == expected[gen]).all()
    assert set(e.isced[e.kind == "vet"].tolist()) == {"35", "45"}
    assert set(e.kind.tolist()) == {"general", "vet", "higher"}
    assert (e.grade[gen] >= 1).all() and (e.grade[gen] <= 12).all()
    inst = small.institutions
    assert (inst.category[e.institution[gen]] == "general").all()
    assert (inst.category[e.institution[e.kind == "vet"]] == "vet").all()
    assert (inst.category[e.institution[e.kind == "higher"]] == "higher").all()
    school = e.institution[gen]
    grade_ok = (inst.grade_min[school] <= e.grade[gen]) & (e.grade[gen] <= inst.grade_max[school])
    assert grade_ok.all(), "a pupil in a grade the school does not teach"
    assert e.group[gen & (e.grade == 5)][0][0] == "5"


def test_transfers_start_the_next_day_mostly_in_the_same_municipality(small):
    e = small.enrolments
    transferred = np.flatnonzero(e.end_reason == "20")
    start = e.start_date.astype(np.int64).tolist()
    key = {(p, s): i for i, (p, s) in enumerate(zip(e.person.tolist(), start, strict=True))}
    inst = small.institutions
    schools_in_muni = np.bincount(inst.municipality[inst.category == "general"], minlength=len(small.municipalities))
    same_muni = choice = 0
    for i in transferred.tolist():
        nxt = key.get((int(e.person[i]), int(e.end_date[i].astype(np.int64)) + 1))
        assert nxt is not None, "a transfer without the next enrolment"
        assert e.institution[nxt] != e.institution[i]
        assert e.grade[nxt] == e.grade[i]
        muni = inst.municipality[e.institution[i]]
        if e.kind[i] == "general" and schools_in_muni[muni] >= 4:  # where the municipality offers a choice
            choice += 1
            same_muni += inst.municipality[e.institution[nxt]] == muni
    assert choice > 100 and same_muni / choice > 0.6


def _yearly_rate(country, kind, reasons):
    e = country.enrolments
    rates = []
    for year in range(country.first_year, country.last_year):  # full years only
        in_year = (e.kind == kind) & (e.school_year == year)
        learners = len(np.unique(e.person[in_year]))
        events = np.isin(e.end_reason[in_year], reasons).sum()
        rates.append(events / learners)
    return np.array(rates)


def test_yearly_rates_within_tolerances(small):
    dropouts = ["31", "32", "33", "34", "35", "36", "39"]
    general = _yearly_rate(small, "general", dropouts)
    assert ((general > 0.002) & (general < 0.009)).all(), general
    vet = _yearly_rate(small, "vet", dropouts)
    assert ((vet > 0.07) & (vet < 0.11)).all(), vet
    transfers = _yearly_rate(small, "general", ["20"])
    assert ((transfers > 0.018) & (transfers < 0.032)).all(), transfers
    e = small.enrolments
    # Pupils who finish grade 12 leave general education: completed (10), no general enrolment next year.
    year = small.last_year - 1
    grade12 = (e.kind == "general") & (e.grade == 12) & (e.school_year == year)
    assert set(e.end_reason[grade12].tolist()) <= {"10", "20", "40", *dropouts}
    completed = e.person[grade12 & (e.end_reason == "10")]
    assert len(completed) > 0.95 * len(np.unique(e.person[grade12]))
    assert not np.isin(completed, e.person[(e.kind == "general") & (e.school_year == year + 1)]).any()


def test_new_first_graders_every_year(small):
    e = small.enrolments
    for year in range(small.first_year + 1, small.last_year + 1):
        first = (e.kind == "general") & (e.grade == 1) & (e.school_year == year)
        born = e.person[first]
        years = small.persons.birth_date[born].astype("datetime64[Y]").astype(int) + 1970
        assert first.sum() > 500
        assert ((year - years == 7) | (year - years == 8)).all()
        # Only the few who repeat grade 1 were enrolled before, and then in grade 1.
        earlier = (e.school_year < year) & np.isin(e.person, born)
        assert (e.grade[earlier] == 1).all() and earlier.sum() < 0.02 * first.sum()


def test_pedagogues_age_and_sex_structure(small):
    ps = small.persons
    peds = ps.role == "pedagogue"
    as_of = np.datetime64(small.as_of)
    age = (as_of - ps.birth_date[peds]).astype(int) / 365.25
    assert 0.09 < ps.male[peds].mean() < 0.15
    assert 0.50 < (age >= 50).mean() < 0.65
    assert 0.16 < (age >= 60).mean() < 0.26
    assert age.min() >= 22 and age.max() < 75
    em = small.employments
    per_person = np.bincount(em.person[np.isin(em.person, np.flatnonzero(peds))])
    two = (per_person == 2).sum() / peds.sum()
    assert 0.05 < two < 0.15
    assert (em.workload > 0).all() and (em.workload <= 2).all()
    assert set(np.unique(em.qualification).tolist()) <= {"", "1", "2", "3", "4"}
    teachers = np.isin(em.position, ["10", "11", "12"])
    assert (em.qualification[teachers] != "").all() and (em.qualification[~teachers] == "").all()


def test_library_staff_and_branches(small):
    inst, em = small.institutions, small.employments
    libraries = np.flatnonzero(inst.type == "3410")
    at_library = np.isin(em.institution, libraries)
    assert set(em.position[at_library].tolist()) == {"40", "41", "42"}
    assert (np.bincount(em.institution[em.position == "42"], minlength=len(inst))[libraries] == 1).all()
    assert (inst.category[small.branches.institution] == "library").all()
    assert 50 <= len(small.branches) <= 70


def test_institution_types_ownership_and_names(small):
    inst = small.institutions
    general = inst.category == "general"
    assert set(inst.type[general].tolist()) <= {"3120", "3130", "3140", "3150", "3160", "3170"}
    assert (inst.ownership[general] == "20").mean() > 0.8
    assert (inst.ownership[inst.category == "vet"] == "10").mean() >= 0.6
    assert set(inst.type[inst.category == "vet"].tolist()) <= {"3210", "3220"}
    assert (inst.type[inst.category == "higher"] == "3310").all()
    assert len(set(inst.name.tolist())) == len(inst)
    vilnius = [m.code for m in small.municipalities].index("LT-57")
    assert any(n.startswith("Vilniaus ") for n in inst.name[general & (inst.municipality == vilnius)])
    assert all(a and "," in a for a in inst.address.tolist())
    assert all(p.startswith("LT-") and len(p) == 8 for p in inst.postal_code.tolist())



DIGEST = """
import hashlib, sys
sys.path.insert(0, {root!r})
from edureg.synthetic.tests.test_engine import municipalities
from edureg.synthetic.tests.test_engine_registers import kind_specs, sectors
from edureg.synthetic.engine import SCALES, Params, generate
c = generate(Params(scale=SCALES["tiny"], seed=11), municipalities(), sectors=sectors(), kinds=kind_specs())
h = hashlib.sha256()
tables = [c.institutions, c.branches, c.persons, c.enrolments, c.employments, c.employment_subjects]
tables += [t for r in (c.qualifications, c.programmes) for t in vars(r).values() if hasattr(t, "__dataclass_fields__")]
for t in tables:
    for f in t.__dataclass_fields__:
        h.update(repr(getattr(t, f).tolist()).encode())
print(h.hexdigest())
"""


def test_deterministic_across_processes_and_hash_seeds():
    root = str(Path(__file__).resolve().parents[3])
    digests = set()
    for hash_seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run([sys.executable, "-c", DIGEST.format(root=root)], env=env, capture_output=True,
                                text=True, timeout=120, check=True)
        digests.add(result.stdout.strip())
    assert len(digests) == 1 and len(digests.pop()) == 64
