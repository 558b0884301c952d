"""The synthetic Lithuania: a pure, deterministic generator (numpy, Faker's vocabulary, no Django).

    country = generate(Params(scale=SCALES["small"], seed=1), municipalities, sectors=sectors, kinds=kinds)

The same parameters and inputs give the same country. With the economic sectors (and optionally the
programme kinds) it also holds the qualifications system and the programmes register; without them
those are None. The loader (edureg.synthetic.services.build_country) writes it to the database.
"""

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from edureg.synthetic.engine.codes import personal_codes, unique_serials
from edureg.synthetic.engine.gazetteer import place_for
from edureg.synthetic.engine.institutions import build_branches, build_institutions
from edureg.synthetic.engine.learners import PersonPool, Simulation
from edureg.synthetic.engine.names import person_names
from edureg.synthetic.engine.programmes import PREFIXES, KindSpec, build_programmes
from edureg.synthetic.engine.qualifications import Sector, build_qualification_system
from edureg.synthetic.engine.staff import build_staff
from edureg.synthetic.engine.tables import Country, Municipality, Persons, day, stream

__all__ = ["NATIONAL", "PREFIXES", "PROGRAMME_TARGETS", "SCALES", "Country", "KindSpec", "Municipality", "Params",
           "Scale", "Sector", "generate"]

# The national figures; other scales multiply them.
NATIONAL = {
    "general_schools": 1000, "vet_schools": 65, "colleges": 20, "branches": 1200, "training_providers": 100,
    "non_formal_children": 80, "non_formal_adult": 10,
    "general_learners": 275_000, "vet_learners": 45_000, "college_learners": 30_000, "pedagogues": 27_000,
    "vet_programmes": 800, "cpd_programmes": 300, "non_formal_programmes": 200,
}
# Registers scaled by Scale.programmes rather than by the population factor (the qualifications system,
# about 120 qualifications, is national and the same at every scale).
PROGRAMME_TARGETS = ("vet_programmes", "cpd_programmes", "non_formal_programmes")
MINIMUM = {"general_schools": 2, "vet_schools": 1, "colleges": 1, "training_providers": 1, "non_formal_children": 1,
           "non_formal_adult": 1}


@dataclass(frozen=True)
class Scale:
    name: str
    factor: float
    municipality_limit: int | None = None  # only the most populous municipalities (tests)
    programmes: float | None = None  # factor of the programme registers (default: `factor`)

    def targets(self) -> dict[str, int]:
        factor = dict.fromkeys(PROGRAMME_TARGETS, self.programmes if self.programmes is not None else self.factor)
        return {k: max(MINIMUM.get(k, 1), round(v * factor.get(k, self.factor))) for k, v in NATIONAL.items()}


SCALES = {
    "national": Scale("national", 1.0),
    # All 60 municipalities and libraries, 1/20 of the people and schools; a quarter of the programmes, so
    # its three VET schools offer about 65 programmes each (a large Lithuanian VET centre has as many).
    "small": Scale("small", 0.05, programmes=0.25),
    "tiny": Scale("tiny", 0.006, municipality_limit=2, programmes=0.05),  # for tests: two municipalities
}


@dataclass(frozen=True)
class Params:
    scale: Scale
    seed: int = 1
    first_year: int = 2021
    last_year: int = 2025
    as_of: datetime.date | None = None  # the day the data describe; default 31 January after the last year
    earliest: datetime.date = datetime.date(2000, 1, 1)  # no register date before (classifier validity)
    offering_year: int | None = None  # the school year of the offerings; default the last year

    @property
    def reference_date(self) -> datetime.date:
        return self.as_of or datetime.date(self.last_year + 1, 1, 31)


def generate(params: Params, municipalities: Sequence[Municipality],
             progress: Callable[[str], None] | None = None, *, sectors: Sequence[Sector] | None = None,
             kinds: Mapping[str, KindSpec] | None = None) -> Country:
    """The whole country. `progress(step)` is told when each step starts. `sectors`: the economic_sector
    classifier (committees and standards need it); `kinds`: what each programme kind allows (forms, target
    groups, state code prefix), by default no restriction and the shipped prefixes."""
    say = progress or (lambda step: None)
    munis = sorted(municipalities, key=lambda m: m.code)
    if params.scale.municipality_limit:
        munis = sorted(sorted(munis, key=lambda m: -m.population)[: params.scale.municipality_limit],
                       key=lambda m: m.code)
    if not munis:
        raise ValueError("No municipalities: load the classifiers first.")
    places = [place_for(m.code, m.name) for m in munis]
    munis = [Municipality(m.code, m.name, m.population or places[i].population, m.kind or places[i].kind)
             for i, m in enumerate(munis)]
    targets = params.scale.targets()
    as_of = params.reference_date

    say("institutions")
    rng = stream(params.seed, "institutions")
    institutions = build_institutions(rng, munis, places, targets, params.earliest)
    branches = build_branches(rng, institutions, munis, places, targets["branches"], params.earliest)

    say("learners")
    pool = PersonPool()
    simulation = Simulation(stream(params.seed, "learners"), institutions, pool, targets, params.first_year,
                            params.last_year, as_of)
    enrolments = simulation.run()

    say("staff")
    last = enrolments.school_year == params.last_year
    learners_now = np.bincount(enrolments.institution[last], minlength=len(institutions))
    primary = np.bincount(enrolments.institution[last & (enrolments.kind == "general") & (enrolments.grade <= 4)],
                          minlength=len(institutions))
    primary_share = np.where(learners_now > 0, primary / np.maximum(learners_now, 1), 0.0)
    libraries = np.flatnonzero(institutions.category == "library")
    branches_per_library = np.bincount(branches.institution, minlength=len(institutions))[libraries]
    library_factor = min(1.0, params.scale.factor * 4)
    employments, subjects = build_staff(stream(params.seed, "staff"), institutions, pool, targets, learners_now,
                                        primary_share, params.last_year, as_of, library_factor, branches_per_library,
                                        params.earliest)

    say("persons")
    persons = _persons(stream(params.seed, "persons"), pool, as_of)
    country = Country(seed=params.seed, scale=params.scale.name, first_year=params.first_year,
                      last_year=params.last_year, as_of=as_of, municipalities=munis, institutions=institutions,
                      branches=branches, persons=persons, enrolments=enrolments, employments=employments,
                      employment_subjects=subjects, notes={"rates": simulation.stats})
    if sectors:
        say("qualifications")
        country.qualifications = _qualification_system(params, country, sectors)
        say("programmes")
        kinds = kinds or {code: KindSpec(code, prefix) for code, prefix in PREFIXES.items()}
        country.programmes = build_programmes(
            stream(params.seed, "programmes"), institutions, branches, [m.code for m in munis],
            country.qualifications, kinds, targets, as_of, params.offering_year or params.last_year)
    return country


def _qualification_system(params: Params, country: Country, sectors: Sequence[Sector]):
    """Committee members are pedagogues aged 30 to 64 (VET teachers, most of them)."""
    ps, inst, em = country.persons, country.institutions, country.employments
    age = (day(country.as_of) - ps.birth_date).astype(np.int64) / 365.25
    adult = (ps.role == "pedagogue") & (age >= 30) & (age < 65)
    at_vet = np.zeros(len(ps), dtype=bool)
    at_vet[em.person[inst.category[em.institution] == "vet"]] = True
    pool = np.r_[np.flatnonzero(adult & at_vet), np.flatnonzero(adult & ~at_vet)[:2000]]
    schools = sorted(inst.name[inst.category == "vet"].tolist())
    return build_qualification_system(stream(params.seed, "qualifications"), list(sectors), pool, schools,
                                      country.as_of, params.earliest)


def _persons(rng: np.random.Generator, pool: PersonPool, as_of: datetime.date) -> Persons:
    birth, male, role = pool.arrays()
    age = ((day(as_of) - birth).astype(np.int64) / 365.25).astype(np.int64)
    first, last = person_names(rng, male, age)
    codes = personal_codes(birth, male, unique_serials(rng, birth, male))
    return Persons(personal_code=codes, first_name=first, last_name=last, birth_date=birth, male=male, role=role)
