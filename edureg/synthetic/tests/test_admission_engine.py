"""The synthetic main admission round (engine/admission.py), without a database: who applies, their ages and
facts, eligible and local preferences, popularity, the demo applicant's designed outcome, determinism."""

import csv
import datetime
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from edureg.admission.engine import allocation, scoring
from edureg.admission.engine.eligibility import ApplicantFacts, OfferFacts, age_in_years, check, parse_rules
from edureg.admission.models import default_entry_levels, default_funding_rules
from edureg.synthetic.engine import SCALES, Params, Sector, generate
from edureg.synthetic.engine.admission import FORMULAS, SUBJECTS, ages_on, build_admission, totals
from edureg.synthetic.engine.tables import stream
from edureg.synthetic.tests.test_engine import municipalities

DATA = Path(__file__).resolve().parents[2] / "classifiers" / "data"
KINDS = Path(__file__).resolve().parents[2] / "programmes" / "data" / "kinds.json"
YEAR = 2026
TODAY = datetime.date(2026, 11, 22)
RULES = parse_rules(min_age=14, min_age_without_general_education=16, entry_levels=default_entry_levels(),
                    funding_rules=default_funding_rules(), state_funded_only=False)


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


FORMAL = {k["code"] for k in json.loads(KINDS.read_text(encoding="utf-8"))["kinds"] if k.get("formal")}
COUNTY = {r["code"]: r["parent"] for r in _rows("municipality.csv")}
SECTORS = [Sector(r["code"], r["name_lt"], r["name_en"]) for r in _rows("economic_sector.csv")]


def _country(scale: str, seed: int):
    return generate(Params(scale=SCALES[scale], seed=seed, offering_year=YEAR), municipalities(), sectors=SECTORS)


def _round(country, seed: int, today: datetime.date = TODAY):
    return build_admission(stream(seed, "admission"), country, year=YEAR,
                           counties=[COUNTY[m.code] for m in country.municipalities], rules=RULES,
                           formal_kinds=FORMAL, today=today)


@pytest.fixture(scope="module")
def small():
    country = _country("small", 7)
    return country, _round(country, 7)


def _facts(adm, a: int) -> ApplicantFacts:
    ap = adm.applicants
    return ApplicantFacts(age=int(ap.age[a]), education=str(ap.education[a]),
                          prior_qualifications=str(ap.prior_qualifications[a]))


def _offer_facts(adm, o: int) -> OfferFacts:
    of = adm.offers
    return OfferFacts(ltks_level=int(of.ltks_level[o]) or None,
                      with_general_education=bool(of.with_general_education[o]),
                      programme_kind=str(of.programme_kind[o]), funding=str(of.funding[o]))


def test_formal_kinds_are_the_vet_programmes():
    assert {"initial_vet", "continuing_vet"} == FORMAL


def test_offers_are_the_formal_offerings_of_the_year_by_funding_with_places(small):
    country, adm = small
    reg = country.programmes
    of = reg.offerings
    expected = set()
    for o in range(len(of)):
        if reg.programmes.kind[of.programme[o]] in FORMAL and of.year[o] == YEAR:
            for funding, places in (("state", of.state_funded_places[o]), ("paid", of.paid_places[o])):
                if places > 0:
                    expected.add((o, funding, int(places)))
    got = set(zip(adm.offers.offering.tolist(), adm.offers.funding.tolist(), adm.offers.capacity.tolist(),
                  strict=True))
    assert got == expected and len(got) > 300
    # Every formula scores some offers; arts offers by the arts formula.
    assert set(adm.offers.formula.tolist()) == set(range(len(FORMULAS)))
    isced = reg.versions.isced_f[of.version[adm.offers.offering]]
    arts = np.array([str(c).startswith("02") for c in isced.tolist()])
    assert (np.array([FORMULAS[f].code for f in adm.offers.formula.tolist()])[arts] == "arts").all()


def test_formulas_are_valid_data_over_the_subject_list():
    subjects = {r["code"] for r in _rows("subject.csv")}
    assert set(SUBJECTS) <= subjects
    for spec in FORMULAS:
        formula = scoring.parse_formula(list(spec.components), list(spec.priorities), subjects=subjects)
        weights = [c.weight for c in formula.components if c.type == "subject"]
        assert sum(weights) == pytest.approx(1.0)
        assert {c.code for c in formula.components if c.type == "subject"} <= set(SUBJECTS)
    assert len(FORMULAS) == 4


def test_applicants_are_school_leavers_and_adults_of_the_country(small):
    country, adm = small
    ap = adm.applicants
    n = len(ap)
    assert 2000 <= n <= 3000  # the small scale has a twentieth of the people for a quarter of the programmes
    assert len(set(ap.person.tolist())) == n
    groups = Counter(ap.group.tolist())
    assert groups["basic_leaver"] / n > 0.35 and groups["secondary_leaver"] / n > 0.15 and groups["adult"] / n < 0.41
    en = country.enrolments
    leaving = (en.kind == "general") & (en.school_year == YEAR - 1)
    for group, grade in (("basic_leaver", 10), ("secondary_leaver", 12)):
        people = set(en.person[leaving & (en.grade == grade)].tolist())
        assert set(ap.person[ap.group == group].tolist()) <= people, group
    birth = country.persons.birth_date[ap.person]
    age_on = datetime.date(YEAR, 9, 1)
    for a in range(0, n, 97):
        assert ap.age[a] == age_in_years(birth[a].astype(datetime.date), age_on)
    assert (ap.age == ages_on(birth, age_on)).all()
    ages = {g: Counter(ap.age[ap.group == g].tolist()) for g in groups}
    # Born in the calendar year they started school at seven: 16 or 17 on 1 September (a few older).
    assert (ages["basic_leaver"][16] + ages["basic_leaver"][17]) / groups["basic_leaver"] > 0.95
    assert ages["basic_leaver"][16] > 0.2 * groups["basic_leaver"]
    assert set(ages["basic_leaver"]) <= {16, 17, 18, 19}
    assert set(ages["secondary_leaver"]) <= {18, 19, 20, 21}
    assert min(ages["adult"]) >= 19 and max(ages["adult"]) <= 50


def test_facts_grades_extras_and_priorities(small):
    _country_, adm = small
    ap, gr = adm.applicants, adm.grades
    adult = ap.group == "adult"
    assert set(ap.education[ap.group == "basic_leaver"].tolist()) == {"basic"}
    assert set(ap.education[ap.group == "secondary_leaver"].tolist()) == {"secondary"}
    assert set(ap.education[adult].tolist()) == {"none", "basic", "secondary"}
    assert set(ap.prior_qualifications[~adult].tolist()) == {"none"}
    prior = Counter(ap.prior_qualifications[adult].tolist())
    assert prior["none"] > prior["one_state"] > prior["two_or_more"] > 0
    five = ap.grade_scale == 5
    assert set(ap.grade_scale.tolist()) == {5, 10} and not five[~adult].any()
    assert 0.02 < five[adult].mean() < 0.09
    assert len(gr) == len(ap) * len(SUBJECTS)
    values = gr.value.reshape(len(ap), len(SUBJECTS))
    assert (values == np.round(values)).all()
    assert values[~five].min() == 4 and values[~five].max() == 10
    assert values[five].min() >= 2 and values[five].max() <= 5
    codes = {c["code"] for f in FORMULAS for c in f.components if c["type"] == "extra"}
    extras = [e for e in ap.extras.tolist() if e]
    assert 0.1 < len(extras) / len(ap) < 0.5 and {k for e in extras for k in e} == codes
    assert all(0 <= v <= 30 for e in extras for v in e.values())
    listed = Counter(p for ps in ap.priorities.tolist() for p in ps)
    assert set(listed) == {"orphan", "disability"} and listed["disability"] > listed["orphan"]
    # Submitted during the round's application period, after being started.
    assert (ap.created_at <= ap.submitted_at).all()
    assert ap.submitted_at.min() >= np.datetime64(f"{YEAR}-06-01") and ap.submitted_at.max() < np.datetime64(
        f"{YEAR}-07-16")


def test_preferences_are_eligible_ranked_distinct_and_mostly_local(small):
    _country_, adm = small
    pf = adm.preferences
    per = np.bincount(pf.applicant, minlength=len(adm.applicants))
    assert per.min() >= 1 and per.max() == 3
    assert Counter(per.tolist())[3] > Counter(per.tolist())[1]
    checked = {}
    for a, rank, o in zip(pf.applicant.tolist(), pf.rank.tolist(), pf.offer.tolist(), strict=True):
        key = (_facts(adm, a), o)
        if key not in checked:
            checked[key] = check(RULES, key[0], _offer_facts(adm, o))
        assert checked[key] == [], (a, rank, o, checked[key])
    for a in range(len(adm.applicants)):
        rows = np.flatnonzero(pf.applicant == a) if a < 50 else None
        if rows is not None:
            assert pf.rank[rows].tolist() == list(range(1, len(rows) + 1))
            assert len(set(pf.offer[rows].tolist())) == len(rows)
    assert len(set(zip(pf.applicant.tolist(), pf.offer.tolist(), strict=True))) == len(pf)
    assert adm.notes["own county share"] > 0.6


def test_popular_offers_are_over_subscribed_and_others_keep_free_places(small):
    _country_, adm = small
    of, pf = adm.offers, adm.preferences
    first = np.bincount(pf.offer[pf.rank == 1], minlength=len(of))
    listed = np.bincount(pf.offer, minlength=len(of))
    assert (first > of.capacity).sum() >= 10
    assert (listed < of.capacity).sum() >= 0.2 * len(of)


def _allocate(adm, lottery_seed: int):
    """The real allocation engine over the generated applications, scored by the scoring engine."""
    ap, pf, of = adm.applicants, adm.preferences, adm.offers
    formulas = [scoring.parse_formula(list(f.components), list(f.priorities)) for f in FORMULAS]
    grades = adm.grades.value.reshape(len(ap), len(SUBJECTS))
    scores = []
    for a, o in zip(pf.applicant.tolist(), pf.offer.tolist(), strict=True):
        applicant = scoring.ScoreInput(grades=dict(zip(SUBJECTS, grades[a].tolist(), strict=True)),
                                       scale=int(ap.grade_scale[a]), extras=ap.extras[a],
                                       priorities=frozenset(ap.priorities[a]))
        scores.append(scoring.score(formulas[of.formula[o]], applicant))
    ptr = np.r_[0, np.cumsum(np.bincount(pf.applicant, minlength=len(ap)))]
    lottery = (np.random.default_rng(lottery_seed).permutation(len(ap)) + 1) / (len(ap) + 1)
    instance = allocation.build_instance(of.capacity, ptr, pf.offer, np.array(scores), lottery)
    return allocation.allocate(instance), np.array(scores)


def test_scores_of_the_engine_agree_with_the_scoring_engine(small):
    _country_, adm = small
    ap = adm.applicants
    grades = adm.grades.value.reshape(len(ap), len(SUBJECTS))
    mine = totals(FORMULAS, grades, ap.grade_scale, ap.extras)
    _result, scores = _allocate(adm, 1)
    pf = adm.preferences
    assert np.allclose(mine[pf.applicant, adm.offers.formula[pf.offer]], scores[:, 0])


@pytest.mark.parametrize("scale", ["tiny", "small"])
def test_the_demo_applicant_is_invited_to_the_second_preference_whatever_the_lottery(small, scale):
    country, adm = small if scale == "small" else (lambda c: (c, _round(c, 3)))(_country("tiny", 3))
    assert adm.demo == 0
    ap, pf = adm.applicants, adm.preferences
    assert ap.group[0] == "basic_leaver" and ap.age[0] == 16
    assert 15 <= age_in_years(country.persons.birth_date[ap.person[0]].astype(datetime.date), TODAY) < 17
    en = country.enrolments
    assert (np.isnat(en.end_date) & (en.person == ap.person[0]) & (en.kind == "general")).any()
    mine = pf.offer[pf.applicant == 0]
    assert len(mine) == 3
    assert len(set(adm.offers.offering[mine].tolist())) == 3
    for seed in range(4):
        result, _scores = _allocate(adm, seed)
        assert result.assigned_offer[0] == mine[1], seed
        first = mine[0]
        assert result.admitted[first] == adm.offers.capacity[first]  # full: the cut-off was missed
    # Most applicants are invited somewhere, not all.
    invited = (result.assigned_offer >= 0).mean()
    assert 0.6 < invited < 1.0


def test_the_same_seed_gives_the_same_round_and_another_seed_another(small):
    country, adm = small
    again = _round(country, 7)
    other = _round(country, 8)
    for table in ("offers", "applicants", "grades", "preferences"):
        a, b = getattr(adm, table), getattr(again, table)
        for name in a.__dataclass_fields__:
            assert np.asarray(getattr(a, name)).tolist() == np.asarray(getattr(b, name)).tolist(), (table, name)
    assert adm.applicants.person.tolist() != other.applicants.person.tolist()
    assert adm.preferences.offer.tolist() != other.preferences.offer.tolist()


def test_a_later_day_still_gives_a_sixteen_year_old_demo_applicant_and_the_same_others(small):
    country, adm = small
    later = _round(country, 7, today=datetime.date(2027, 3, 1))  # nobody in the leavers' cohort is 15-16 then
    assert later.demo == 0 and later.applicants.age[0] == 16
    assert later.applicants.person[0] != adm.applicants.person[0]
    # Only the demo applicant depends on the day.
    assert len(set(later.applicants.person.tolist()) ^ set(adm.applicants.person.tolist())) <= 2
