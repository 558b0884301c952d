"""The synthetic Lithuania: a pure, deterministic generator (numpy, Faker's vocabulary, no Django).

    country = generate(Params(scale=SCALES["small"], seed=1), municipalities)

The same parameters and municipalities give the same country. The loader
(edureg.synthetic.services.build_country) writes it to the database.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from edureg.synthetic.engine.codes import personal_codes, unique_serials
from edureg.synthetic.engine.gazetteer import place_for
from edureg.synthetic.engine.institutions import build_branches, build_institutions
from edureg.synthetic.engine.learners import PersonPool, Simulation
from edureg.synthetic.engine.names import person_names
from edureg.synthetic.engine.staff import build_staff
from edureg.synthetic.engine.tables import Country, Municipality, Persons, day, stream

__all__ = ["NATIONAL", "SCALES", "Country", "Municipality", "Params", "Scale", "generate"]

# The national figures; other scales multiply them.
NATIONAL = {
    "general_schools": 1000, "vet_schools": 65, "colleges": 20, "branches": 1200, "training_providers": 100,
    "non_formal_children": 80, "non_formal_adult": 10,
    "general_learners": 275_000, "vet_learners": 45_000, "college_learners": 30_000, "pedagogues": 27_000,
}
MINIMUM = {"general_schools": 2, "vet_schools": 1, "colleges": 1, "training_providers": 1, "non_formal_children": 1,
           "non_formal_adult": 1}


@dataclass(frozen=True)
class Scale:
    name: str
    factor: float
    municipality_limit: int | None = None  # only the most populous municipalities (tests)

    def targets(self) -> dict[str, int]:
        return {k: max(MINIMUM.get(k, 1), round(v * self.factor)) for k, v in NATIONAL.items()}


SCALES = {
    "national": Scale("national", 1.0),
    "small": Scale("small", 0.05),  # all 60 municipalities and libraries, 1/20 of the people and schools
    "tiny": Scale("tiny", 0.006, municipality_limit=2),  # for tests: two municipalities, ~2,000 learners
}


@dataclass(frozen=True)
class Params:
    scale: Scale
    seed: int = 1
    first_year: int = 2021
    last_year: int = 2025
    as_of: datetime.date | None = None  # the day the data describe; default 31 January after the last year
    earliest: datetime.date = datetime.date(2000, 1, 1)  # no register date before (classifier validity)

    @property
    def reference_date(self) -> datetime.date:
        return self.as_of or datetime.date(self.last_year + 1, 1, 31)


def generate(params: Params, municipalities: Sequence[Municipality],
             progress: Callable[[str], None] | None = None) -> Country:
    """The whole country. `progress(step)` is told when each step starts."""
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
    return Country(seed=params.seed, scale=params.scale.name, first_year=params.first_year,
                   last_year=params.last_year, as_of=as_of, municipalities=munis, institutions=institutions,
                   branches=branches, persons=persons, enrolments=enrolments, employments=employments,
                   employment_subjects=subjects, notes={"rates": simulation.stats})


def _persons(rng: np.random.Generator, pool: PersonPool, as_of: datetime.date) -> Persons:
    birth, male, role = pool.arrays()
    age = ((day(as_of) - birth).astype(np.int64) / 365.25).astype(np.int64)
    first, last = person_names(rng, male, age)
    codes = personal_codes(birth, male, unique_serials(rng, birth, male))
    return Persons(personal_code=codes, first_name=first, last_name=last, birth_date=birth, male=male, role=role)
