"""The main admission round of the synthetic country: offers, scoring formulas as data, and applicants with
grades, additional components, priority criteria and up to three ranked preferences (pure numpy, no Django).

    adm = build_admission(rng, country, year=2026, counties=county_codes, rules=rules, formal_kinds=kinds,
                          today=datetime.date.today())

The round admits to the offerings of school year `year`: one offer per offering of a formal programme and funding
with places (capacity = places), scored by one of four formulas chosen by the programme's field (ISCED-F). The
applicants are real persons of the country: basic-school leavers (grade 10 of the school year before, 16 or 17 on
1 September), secondary-school leavers (grade 12) and adults aged 19-50, about 1.2 per place (20,000 at the
national scale), fewer where the country has fewer school leavers than places (the small scale has a quarter of the
programmes for a twentieth of the people); basic-school leavers no more than the places of the initial programmes
open to them (the entry rules admit basic education up to LTKS level III, or IV combined with general
education). Preferences are drawn among the offers
the applicant is eligible for (admission.engine.eligibility with the round's rules), from their own county mostly,
with a popularity skew: popular offers are over-subscribed and others keep free places.

One basic-school leaver (row 0 of the applicants, `demo`) gets a designed application: grades of 6, and three
preferences in their county arranged so that the allocation, whatever the lottery, invites them to the second:
more applicants with higher scores than theirs rank the first offer first than it has places, and fewer applicants
list the second offer than it has places.
"""

import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import numpy as np

from edureg.admission.engine.eligibility import ApplicantFacts, OfferFacts, Rules, check
from edureg.synthetic.engine.tables import Table

APPLICANTS_PER_PLACE = 1.2
POPULARITY_SIGMA = 0.6  # spread of how much offerings are wanted (lognormal)
SHARES = {"basic_leaver": 0.45, "secondary_leaver": 0.4}  # of the applicants at most; adults the rest
MAX_TAKEN = {"basic_leaver": 0.7, "secondary_leaver": 0.6}  # of a school year's leavers at most
BASIC_PER_PLACE = 1.0  # basic-school leavers per place of an initial programme open to them at most
MAX_ADULT_SHARE = 0.4
ADULT_AGES = (19, 50)
GROUPS = ("basic_leaver", "secondary_leaver", "adult")
SUBJECTS = ("LT", "MAT", "EN", "PHY", "ART")
PREFERENCES = 3
PREFERENCE_COUNT_P = (0.1, 0.2, 0.7)  # one, two, three preferences wanted
OTHER_COUNTY = 0.05  # weight of an offer outside the applicant's county
OWN_MUNICIPALITY = 2.0
PAID = 0.3  # paid places are less wanted than state-funded ones
# How much each group wants each kind of programme (basic-school leavers: initial programmes, most of all those with
# general education; adults: continuing ones).
KIND_WEIGHT = {"basic_leaver": {"initial_vet": 1.0, "continuing_vet": 0.1},
               "secondary_leaver": {"initial_vet": 1.0, "continuing_vet": 0.5},
               "adult": {"initial_vet": 0.6, "continuing_vet": 1.0}}
WITH_GENERAL_EDUCATION = {"basic_leaver": 2.0, "secondary_leaver": 0.3, "adult": 0.3}
FIELD_WEIGHT = {"06": 1.5, "10": 1.3, "09": 1.2, "02": 1.1, "07": 1.0, "04": 0.9, "01": 0.7, "08": 0.6}
DEMO_GRADE = 6.0
MARGIN = 0.05  # a "higher score" is at least this much higher (totals are rounded to 3 decimals)


@dataclass(frozen=True)
class FormulaSpec:
    code: str
    name_lt: str
    name_en: str
    components: tuple[dict, ...]
    priorities: tuple[str, ...]
    fields: tuple[str, ...]  # ISCED-F broad fields (2 digits) whose offers it scores; () = the rest


_WORK = {"type": "extra", "code": "work_experience", "weight": 1, "max": 2}
_PRIORITIES = ("orphan", "disability")
FORMULAS = (
    FormulaSpec("general", "Bendroji formulė", "General formula",
                ({"type": "subject", "code": "LT", "weight": 0.4}, {"type": "subject", "code": "MAT", "weight": 0.3},
                 {"type": "subject", "code": "EN", "weight": 0.3}, _WORK), _PRIORITIES, ()),
    FormulaSpec("technical", "Inžinerijos ir technologijų formulė", "Engineering and technology formula",
                ({"type": "subject", "code": "MAT", "weight": 0.5}, {"type": "subject", "code": "PHY", "weight": 0.2},
                 {"type": "subject", "code": "LT", "weight": 0.3}, _WORK), _PRIORITIES, ("05", "06", "07")),
    FormulaSpec("services", "Paslaugų ir verslo formulė", "Services and business formula",
                ({"type": "subject", "code": "LT", "weight": 0.4}, {"type": "subject", "code": "EN", "weight": 0.4},
                 {"type": "subject", "code": "MAT", "weight": 0.2}, _WORK), _PRIORITIES, ("04", "09", "10")),
    FormulaSpec("arts", "Menų formulė", "Arts formula",
                ({"type": "subject", "code": "ART", "weight": 0.5}, {"type": "subject", "code": "LT", "weight": 0.3},
                 {"type": "subject", "code": "EN", "weight": 0.2},
                 {"type": "extra", "code": "creative_task", "weight": 1, "max": 2}), _PRIORITIES, ("02",)),
)


@dataclass
class Offers(Table):
    offering: np.ndarray  # row of ProgrammeRegister.offerings
    funding: np.ndarray  # "state" / "paid"
    capacity: np.ndarray
    formula: np.ndarray  # index into FORMULAS
    municipality: np.ndarray  # index into Country.municipalities
    ltks_level: np.ndarray  # 0: none
    with_general_education: np.ndarray
    programme_kind: np.ndarray
    weight: np.ndarray  # how much applicants want it (popularity, field, size)


@dataclass
class Applicants(Table):
    person: np.ndarray  # row of Country.persons
    group: np.ndarray  # basic_leaver / secondary_leaver / adult
    age: np.ndarray  # full years on the round's age_on
    municipality: np.ndarray
    education: np.ndarray
    prior_qualifications: np.ndarray
    grade_scale: np.ndarray
    extras: np.ndarray  # dicts
    priorities: np.ndarray  # lists
    created_at: np.ndarray  # datetime64[s], UTC
    submitted_at: np.ndarray
    entered_by_officer: np.ndarray


@dataclass
class Grades(Table):
    applicant: np.ndarray
    subject: np.ndarray
    value: np.ndarray  # on the applicant's scale


@dataclass
class Preferences(Table):
    applicant: np.ndarray
    rank: np.ndarray  # 1 = most wanted
    offer: np.ndarray


@dataclass
class AdmissionRound:
    code: str
    name_lt: str
    name_en: str
    year: int
    applications_open: datetime.date
    application_deadline: datetime.date
    results_date: datetime.date
    contract_deadline: datetime.date
    age_on: datetime.date
    formulas: tuple[FormulaSpec, ...]
    offers: Offers
    applicants: Applicants
    grades: Grades
    preferences: Preferences
    demo: int = -1  # applicant row of the demo applicant
    notes: dict = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {"admission offers": len(self.offers), "applications": len(self.applicants),
                "grades": len(self.grades), "preferences": len(self.preferences)}


def round_dates(year: int) -> dict[str, datetime.date]:
    """A main round in the summer before the school year (Lithuanian practice)."""
    return {"applications_open": datetime.date(year, 6, 1), "application_deadline": datetime.date(year, 7, 15),
            "results_date": datetime.date(year, 7, 20), "contract_deadline": datetime.date(year, 7, 31),
            "age_on": datetime.date(year, 9, 1)}


def ages_on(birth: np.ndarray, on: datetime.date) -> np.ndarray:
    """Full years on `on` (as admission.engine.eligibility.age_in_years)."""
    birth = np.asarray(birth, dtype="datetime64[D]")
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    month_start = birth.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    day_ = (birth - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    before_birthday = (month > on.month) | ((month == on.month) & (day_ > on.day))
    return on.year - year - before_birthday.astype(np.int64)


def _last_per_person(person: np.ndarray, order_key: np.ndarray, value: np.ndarray, n: int, fill=-1) -> np.ndarray:
    """value of each person's last row by order_key (fill where a person has none)."""
    value = np.asarray(value)
    out = np.full(n, fill, dtype=value.dtype)
    if not len(person):
        return out
    order = np.lexsort((order_key, person))
    p = person[order]
    last = np.r_[p[1:] != p[:-1], True]
    out[p[last]] = value[order][last]
    return out


def _formula_of(isced: str) -> int:
    broad = (isced or "")[:2]
    for i, spec in enumerate(FORMULAS):
        if broad in spec.fields:
            return i
    return 0


def build_offers(rng: np.random.Generator, register, formal_kinds: Collection[str], year: int) -> Offers:
    """One offer per offering of `year` of a formal programme and funding with places."""
    of, pr, vs = register.offerings, register.programmes, register.versions
    kind = pr.kind[of.programme]
    keep = (of.year == year) & np.isin(kind, list(formal_kinds)) & (pr.status[of.programme] == "registered")
    rows: list[tuple[int, str, int]] = []
    for o in np.flatnonzero(keep).tolist():
        for funding, places in (("state", int(of.state_funded_places[o])), ("paid", int(of.paid_places[o]))):
            if places > 0:
                rows.append((o, funding, places))
    offering = np.array([r[0] for r in rows], dtype=np.int64)
    funding = np.array([r[1] for r in rows], dtype=object)
    capacity = np.array([r[2] for r in rows], dtype=np.int64)
    version = of.version[offering]
    isced = vs.isced_f[version]
    popularity = rng.lognormal(0.0, POPULARITY_SIGMA, len(of))[offering]  # the same for both fundings of an offering
    field_weight = np.array([FIELD_WEIGHT.get(str(c)[:2], 0.8) for c in isced.tolist()])
    weight = popularity * field_weight * capacity ** 0.6 * np.where(funding == "paid", PAID, 1.0)
    return Offers(offering=offering, funding=funding, capacity=capacity,
                  formula=np.array([_formula_of(str(c)) for c in isced.tolist()], dtype=np.int64),
                  municipality=of.municipality[offering].astype(np.int64),
                  ltks_level=vs.ltks_level[version].astype(np.int64),
                  with_general_education=vs.with_general_education[version].astype(bool),
                  programme_kind=kind[offering].astype(object), weight=weight)


def _eligibility(rules: Rules, offers: Offers, age: np.ndarray, education: np.ndarray,
                 prior: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(fact class of each applicant, eligible[class, offer]): the rules are checked once per distinct pair of
    applicant facts and offer facts."""
    a_keys = list(zip(age.tolist(), education.tolist(), prior.tolist(), strict=True))
    a_classes = sorted(set(a_keys))
    a_index = {k: i for i, k in enumerate(a_classes)}
    o_keys = list(zip(offers.ltks_level.tolist(), offers.with_general_education.tolist(),
                      offers.programme_kind.tolist(), offers.funding.tolist(), strict=True))
    o_classes = sorted(set(o_keys))
    o_index = {k: i for i, k in enumerate(o_classes)}
    table = np.zeros((len(a_classes), len(o_classes)), dtype=bool)
    for i, (a, e, p) in enumerate(a_classes):
        facts = ApplicantFacts(age=int(a), education=str(e), prior_qualifications=str(p))
        for j, (level, wge, kind, funding) in enumerate(o_classes):
            offer = OfferFacts(ltks_level=int(level) or None, with_general_education=bool(wge),
                               programme_kind=str(kind), funding=str(funding))
            table[i, j] = not check(rules, facts, offer)
    offer_class = np.array([o_index[k] for k in o_keys], dtype=np.int64)
    return np.array([a_index[k] for k in a_keys], dtype=np.int64), table[:, offer_class]


def totals(formulas: Sequence[FormulaSpec], grades: np.ndarray, scale: np.ndarray, extras: np.ndarray) -> np.ndarray:
    """Score totals (before priorities) of each applicant under each formula, as admission.engine.scoring
    computes them: grades[a, s] by SUBJECTS on the applicant's scale (5-point grades doubled)."""
    on_ten = grades * np.where(scale == 5, 2.0, 1.0)[:, None]
    out = np.zeros((len(grades), len(formulas)))
    for f, spec in enumerate(formulas):
        for c in spec.components:
            if c["type"] == "subject":
                out[:, f] += c["weight"] * on_ten[:, SUBJECTS.index(c["code"])]
            else:
                values = np.array([float(x.get(c["code"], 0.0)) for x in extras.tolist()])
                cap = c.get("max")
                values = np.clip(values, 0.0, np.inf if cap is None else cap)
                out[:, f] += c["weight"] * values
    return np.round(out, 3)


def build_admission(rng: np.random.Generator, country, *, year: int, counties: Sequence[str], rules: Rules,
                    formal_kinds: Collection[str], today: datetime.date) -> AdmissionRound:
    """The main round of school year `year`. `counties`: the county code of each of country.municipalities;
    `rules`: the round's eligibility rules; `today`: the demo applicant is chosen among leavers aged 15 or 16 on
    this day when there are any."""
    dates = round_dates(year)
    age_on = dates["age_on"]
    offers = build_offers(rng, country.programmes, formal_kinds, year)
    ps, en, inst = country.persons, country.enrolments, country.institutions
    n_persons = len(ps)
    age = ages_on(ps.birth_date, age_on)
    county_codes = sorted(set(counties))
    county_of_muni = np.array([county_codes.index(c) for c in counties], dtype=np.int64)

    # --- who applies ----------------------------------------------------------------------------------------
    leaving_year = min(year - 1, country.last_year)
    general = (en.kind == "general") & (en.school_year == leaving_year) & np.isin(en.end_reason, ["", "10"])
    pools: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for group, grade in (("basic_leaver", 10), ("secondary_leaver", 12)):
        rows = np.flatnonzero(general & (en.grade == grade))
        school = _last_per_person(en.person[rows], en.start_date[rows].astype(np.int64), en.institution[rows],
                                  n_persons)
        still_open = _last_per_person(en.person[rows], en.start_date[rows].astype(np.int64),
                                      np.isnat(en.end_date[rows]), n_persons, fill=False)
        people = np.flatnonzero(school >= 0)
        pools[group] = (people, inst.municipality[school[people]].astype(np.int64), still_open[people])
    leavers = np.concatenate([pools[g][0] for g in ("basic_leaver", "secondary_leaver")])
    studying = np.zeros(n_persons, dtype=bool)
    studying[en.person[(en.school_year == country.last_year) & np.isnat(en.end_date)]] = True
    adult = (age >= ADULT_AGES[0]) & (age <= ADULT_AGES[1]) & ~studying
    adult[leavers] = False
    adults = np.flatnonzero(adult)

    places = int(offers.capacity.sum())
    wanted = round(APPLICANTS_PER_PLACE * places)
    n_group = {g: min(round(SHARES[g] * wanted), int(MAX_TAKEN[g] * len(pools[g][0])))
               for g in ("basic_leaver", "secondary_leaver")}
    # Basic-school leavers: no more than the initial programmes open to them can take, about.
    _class, open_to_basic = _eligibility(rules, offers, np.array([16]), np.array(["basic"]), np.array(["none"]))
    initial = np.array([KIND_WEIGHT["basic_leaver"].get(k, 0) >= 0.5 for k in offers.programme_kind.tolist()],
                       dtype=bool)
    basic_places = int(offers.capacity[open_to_basic[0] & initial].sum())
    n_group["basic_leaver"] = min(n_group["basic_leaver"], round(BASIC_PER_PLACE * basic_places))
    leaver_total = n_group["basic_leaver"] + n_group["secondary_leaver"]
    n_group["adult"] = max(0, min(wanted - leaver_total, round(leaver_total * MAX_ADULT_SHARE / (1 - MAX_ADULT_SHARE)),
                                  len(adults)))

    # The demo applicant: a basic-school leaver still at school, 16 on age_on, aged 15-16 today if possible, in the
    # county with the most places.
    basic_people, basic_muni, basic_open = pools["basic_leaver"]
    county_places = np.bincount(county_of_muni[offers.municipality], weights=offers.capacity,
                                minlength=len(county_codes))
    fits = (age[basic_people] == 16) & basic_open
    age_today = ages_on(ps.birth_date[basic_people], today)
    candidates = np.flatnonzero(fits)
    demo_pick = -1
    if len(candidates) and n_group["basic_leaver"] > 0:
        young = (age_today[candidates] >= 15) & (age_today[candidates] < 17)
        key = np.lexsort((basic_people[candidates], -county_places[county_of_muni[basic_muni[candidates]]], ~young))
        demo_pick = int(candidates[key[0]])

    chosen_person, chosen_muni, chosen_group = [], [], []
    for group in GROUPS:
        k = n_group[group]
        if group == "adult":
            people = adults
            take = rng.choice(len(people), k, replace=False) if k else np.zeros(0, dtype=np.int64)
            muni = _adult_municipalities(rng, country, people[take], n_persons)
        else:
            people, munis, _open = pools[group]
            take = rng.permutation(len(people))[:k]
            if group == "basic_leaver" and demo_pick >= 0:
                # The demo applicant first; the others do not depend on who it is (`today` chooses it).
                at = np.flatnonzero(take == demo_pick)
                if len(at):
                    take[at[0]] = take[0]
                take[0] = demo_pick
            muni = munis[take]
        chosen_person.append(people[take])
        chosen_muni.append(muni)
        chosen_group.append(np.full(k, group, dtype=object))
    person = np.concatenate(chosen_person).astype(np.int64)
    municipality = np.concatenate(chosen_muni).astype(np.int64)
    group = np.concatenate(chosen_group)
    n = len(person)
    demo = 0 if demo_pick >= 0 else -1

    # --- facts, grades, extras ----------------------------------------------------------------------------------
    is_adult = group == "adult"
    education = np.where(group == "secondary_leaver", "secondary", "basic").astype(object)
    education[is_adult] = rng.choice(["secondary", "basic", "none"], int(is_adult.sum()), p=[0.78, 0.18, 0.04])
    prior = np.full(n, "none", dtype=object)
    prior[is_adult] = rng.choice(["none", "one_state", "two_or_more"], int(is_adult.sum()), p=[0.72, 0.22, 0.06])
    scale = np.where(is_adult & (rng.random(n) < 0.05), 5, 10).astype(np.int64)
    mean = np.select([group == "basic_leaver", group == "secondary_leaver"], [6.9, 7.3], 6.8)
    ability = rng.standard_normal(n)
    raw = mean[:, None] + 1.3 * ability[:, None] + 0.9 * rng.standard_normal((n, len(SUBJECTS)))
    grades = np.clip(np.round(raw), 4, 10)
    grades = np.where(scale[:, None] == 5, np.clip(np.round(raw / 2), 2, 5), grades)
    work = np.where(is_adult, rng.random(n) < 0.55, rng.random(n) < 0.03)
    years_worked = np.where(is_adult, np.clip(rng.gamma(2.0, 1.8, n), 0.5, 30), rng.uniform(0.2, 1.0, n))
    orphan, disability = rng.random(n) < 0.01, rng.random(n) < 0.03
    priorities = [["orphan"] * o + ["disability"] * d for o, d in zip(orphan.tolist(), disability.tolist(),
                                                                        strict=True)]
    extras = np.empty(n, dtype=object)
    for a in range(n):
        extras[a] = {"work_experience": round(float(years_worked[a]), 1)} if work[a] else {}
    age_applicant = age[person]

    # --- preferences ------------------------------------------------------------------------------------------
    fact_class, eligible = _eligibility(rules, offers, age_applicant, education, prior)
    offer_county = county_of_muni[offers.municipality]
    log_weight = np.log(offers.weight)
    group_log = np.zeros((len(GROUPS), len(offers)))
    for i, g in enumerate(GROUPS):
        kind_w = np.array([KIND_WEIGHT[g].get(k, 0.5) for k in offers.programme_kind.tolist()])
        general_w = np.where(offers.with_general_education, WITH_GENERAL_EDUCATION[g], 1.0)
        group_log[i] = log_weight + np.log(kind_w * general_w)
    group_index = np.array([GROUPS.index(g) for g in group.tolist()], dtype=np.int64)
    wanted_count = rng.choice(np.arange(1, PREFERENCES + 1), n, p=PREFERENCE_COUNT_P)
    chosen = np.full((n, PREFERENCES), -1, dtype=np.int64)
    applicant_county = county_of_muni[municipality]
    k = min(PREFERENCES, len(offers))
    for c in range(len(county_codes) if k else 0):
        geo = np.where(offer_county == c, 0.0, np.log(OTHER_COUNTY))
        members = np.flatnonzero(applicant_county == c)
        for start in range(0, len(members), 2000):
            rows = members[start:start + 2000]
            own = offers.municipality[None, :] == municipality[rows][:, None]
            keys = group_log[group_index[rows]] + geo[None, :] + np.where(own, np.log(OWN_MUNICIPALITY), 0.0)
            keys = keys + rng.gumbel(size=keys.shape)
            keys[~eligible[fact_class[rows]]] = -np.inf
            top = np.argpartition(-keys, k - 1, axis=1)[:, :k]
            top_keys = np.take_along_axis(keys, top, axis=1)
            order = np.argsort(-top_keys, axis=1, kind="stable")
            top, top_keys = np.take_along_axis(top, order, axis=1), np.take_along_axis(top_keys, order, axis=1)
            use = np.isfinite(top_keys) & (np.arange(k)[None, :] < wanted_count[rows][:, None])
            chosen[rows, :k] = np.where(use, top, -1)

    # Arts offers ask for a creative task: those who list one have a result (most of them).
    arts = [i for i, f in enumerate(FORMULAS) if any(c["code"] == "creative_task" for c in f.components)]
    lists_arts = (np.isin(offers.formula[np.maximum(chosen, 0)], arts) & (chosen >= 0)).any(axis=1)
    task = np.round(rng.uniform(0.0, 2.0, n), 1)
    for a in np.flatnonzero(lists_arts & (rng.random(n) < 0.85)).tolist():
        extras[a] = {**extras[a], "creative_task": float(task[a])}

    if demo >= 0:
        grades[demo] = DEMO_GRADE
        scale[demo] = 10
        extras[demo] = {}
        priorities[demo] = []
        design = _design_demo(chosen, demo, offers, eligible[fact_class[demo]], applicant_county[demo],
                              offer_county, totals(FORMULAS, grades, scale, extras), eligible[fact_class])
        if design is None:
            demo = -1
        else:
            chosen[demo] = design

    # --- dates --------------------------------------------------------------------------------------------------
    open_at = np.datetime64(dates["applications_open"], "s") + np.timedelta64(5 * 3600, "s")  # 08:00 in Vilnius
    close_at = np.datetime64(dates["application_deadline"], "s") + np.timedelta64(21 * 3600 - 60, "s")  # 23:59
    span = int((close_at - open_at).astype(np.int64))
    submitted = open_at + (span * rng.random(n) ** 0.6).astype(np.int64).astype("timedelta64[s]")
    created = submitted - (rng.random(n) * 10 * 86400).astype(np.int64).astype("timedelta64[s]")
    created = np.maximum(created, open_at + np.timedelta64(3600, "s"))
    if demo >= 0:
        created[demo] = open_at
        submitted[demo] = open_at + np.timedelta64(2 * 86400 + 9 * 3600, "s")
    order = np.argsort(created, kind="stable")  # applications in the order they were started (the demo first)
    officer = rng.random(n) < np.where(is_adult, 0.08, 0.02)

    applicants = Applicants(
        person=person, group=group, age=age_applicant, municipality=municipality, education=education,
        prior_qualifications=prior, grade_scale=scale, extras=extras,
        priorities=_objects(priorities), created_at=created, submitted_at=submitted,
        entered_by_officer=officer).take(order)
    chosen, grades = chosen[order], grades[order]
    demo = int(np.flatnonzero(order == demo)[0]) if demo >= 0 else -1

    pref_applicant, pref_rank = np.nonzero(chosen >= 0)
    preferences = Preferences(applicant=pref_applicant.astype(np.int64), rank=(pref_rank + 1).astype(np.int64),
                              offer=chosen[pref_applicant, pref_rank])
    grade_rows = Grades(applicant=np.repeat(np.arange(n), len(SUBJECTS)),
                        subject=np.tile(np.array(SUBJECTS, dtype=object), n), value=grades.reshape(-1))
    listed = np.bincount(preferences.offer, minlength=len(offers))
    first = np.bincount(preferences.offer[preferences.rank == 1], minlength=len(offers))
    notes = {"places": places, "wanted": wanted, "groups": {g: int(n_group[g]) for g in GROUPS},
             "first choices over places": int((first > offers.capacity).sum()),
             "listed by fewer than places": int((listed < offers.capacity).sum()),
             "own county share": float(np.mean(offer_county[preferences.offer]
                                                == applicant_county[order][preferences.applicant]))
             if len(preferences) else 0.0}
    return AdmissionRound(
        code=f"{year}-main", name_lt=f"{year} m. pagrindinis priėmimas į profesinio mokymo programas",
        name_en=f"{year} main admission round to VET programmes", year=year, formulas=FORMULAS, offers=offers,
        applicants=applicants, grades=grade_rows, preferences=preferences, demo=demo, notes=notes, **dates)


def _objects(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = v
    return out


def _adult_municipalities(rng: np.random.Generator, country, people: np.ndarray, n_persons: int) -> np.ndarray:
    """Where adults live: the municipality of their last school or workplace, else drawn by population."""
    en, em, inst = country.enrolments, country.employments, country.institutions
    place = _last_per_person(en.person, en.start_date.astype(np.int64), en.institution, n_persons)
    work = _last_per_person(em.person, em.start_date.astype(np.int64), em.institution, n_persons)
    place = np.where(work >= 0, work, place)[people]
    out = np.where(place >= 0, inst.municipality[np.maximum(place, 0)], -1).astype(np.int64)
    missing = np.flatnonzero(out < 0)
    if len(missing):
        population = np.array([m.population for m in country.municipalities], dtype=float)
        out[missing] = rng.choice(len(population), len(missing), p=population / population.sum())
    return out


def _design_demo(chosen: np.ndarray, demo: int, offers: Offers, demo_eligible: np.ndarray, demo_county: int,
                 offer_county: np.ndarray, score: np.ndarray, eligible: np.ndarray) -> np.ndarray | None:
    """Three preferences for the demo applicant: a first offer in their county that more applicants with higher
    scores rank first than it has places (applicants who rank it lower are moved to rank it first if needed), a
    second one in their county listed by fewer applicants than it has places, a third one. Changes `chosen` of the
    moved applicants; returns the demo's row, or None when no such design exists."""
    others = np.arange(len(chosen)) != demo
    demo_score = score[demo]
    local = demo_eligible & (offer_county == demo_county) & (offers.capacity > 0)
    pool = np.flatnonzero(local) if local.any() else np.flatnonzero(demo_eligible & (offers.capacity > 0))
    if not len(pool):
        return None

    def strong(o: int) -> np.ndarray:
        return score[:, offers.formula[o]] > demo_score[offers.formula[o]] + MARGIN

    ranked_first = chosen[:, 0]
    best, best_gap = -1, None
    for o in pool.tolist():
        have = int((others & (ranked_first == o) & strong(o)).sum())
        available = int((others & eligible[:, o] & strong(o)).sum())
        gap = offers.capacity[o] - have
        if available >= offers.capacity[o] and (best_gap is None or (gap, -offers.weight[o]) < best_gap):
            best, best_gap = o, (gap, -offers.weight[o])
    if best < 0:
        return None
    need = max(0, best_gap[0])
    if need:
        movers = np.flatnonzero(others & eligible[:, best] & strong(best) & (ranked_first != best))
        near = offer_county[np.maximum(chosen[movers, 0], 0)] == demo_county
        movers = movers[np.lexsort((-score[movers, offers.formula[best]], ~near))][:need]
        for a in movers.tolist():
            row = [best] + [x for x in chosen[a].tolist() if x >= 0 and x != best]
            chosen[a] = (row + [-1] * PREFERENCES)[:PREFERENCES]
    listed = np.bincount(chosen[others][chosen[others] >= 0], minlength=len(offers))

    def with_room(candidates: np.ndarray) -> list[int]:
        return [o for o in candidates.tolist()
                if offers.offering[o] != offers.offering[best] and listed[o] + 1 <= offers.capacity[o]]

    free = with_room(pool) or with_room(np.flatnonzero(demo_eligible))
    if not free:
        return None
    second = max(free, key=lambda o: (offers.funding[o] == "state", offers.weight[o], -o))
    rest = [o for o in pool.tolist() if offers.offering[o] not in (offers.offering[best], offers.offering[second])]
    row = [best, second]
    if rest:
        row.append(max(rest, key=lambda o: (offers.weight[o], -o)))
    return np.array((row + [-1] * PREFERENCES)[:PREFERENCES], dtype=np.int64)


def contract_plan(rng: np.random.Generator, n: int, *, share: float, results_date: datetime.date,
                  contract_deadline: datetime.date) -> tuple[np.ndarray, np.ndarray]:
    """Which of `n` invitations get a signed contract (about `share` of them) and on which day (most in the first
    days after the results)."""
    signed = rng.random(n) < share
    span = (contract_deadline - results_date).days
    offset = np.minimum(np.floor(rng.exponential(span / 3, n)).astype(np.int64), span)
    days = np.datetime64(results_date, "D") + offset.astype("timedelta64[D]")
    return signed, days


__all__ = ["FORMULAS", "SUBJECTS", "AdmissionRound", "Applicants", "FormulaSpec", "Grades", "Offers", "Preferences",
           "ages_on", "build_admission", "contract_plan", "round_dates", "totals"]
