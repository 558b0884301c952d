"""The generated country as column arrays (one numpy array per column), plus small helpers.

Indices point into other tables (`Enrolments.person` is a row of `Persons`); the loader turns
them into database ids. Dates are numpy datetime64[D]; a missing date is NaT, a missing code "".
"""

import datetime
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

NAT = np.datetime64("NaT", "D")


def day(value: datetime.date) -> np.datetime64:
    return np.datetime64(value, "D")


class Table:
    """Column arrays of equal length."""

    def __len__(self) -> int:
        first = fields(self)[0].name  # type: ignore[arg-type]
        return len(getattr(self, first))

    def take(self, index: np.ndarray):
        return type(self)(**{f.name: getattr(self, f.name)[index] for f in fields(self)})  # type: ignore[arg-type]

    @classmethod
    def concat(cls, parts: list):
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts])  # type: ignore[arg-type]
                      for f in fields(cls)})  # type: ignore[arg-type]


@dataclass
class Municipality:
    """Input: one municipality of the classifier."""

    code: str
    name: str
    population: int
    kind: str = "district"


@dataclass
class Institutions(Table):
    code: np.ndarray
    name: np.ndarray
    type: np.ndarray  # institution_type code
    category: np.ndarray  # general / vet / higher / library / training / non_formal
    ownership: np.ndarray
    municipality: np.ndarray  # index into Country.municipalities
    town: np.ndarray
    address: np.ndarray
    postal_code: np.ndarray
    founder: np.ndarray
    registered_on: np.ndarray
    email: np.ndarray
    phone: np.ndarray
    website: np.ndarray
    grade_min: np.ndarray  # general schools: grades taught (0 otherwise)
    grade_max: np.ndarray
    weight: np.ndarray  # relative size
    classes: np.ndarray  # parallel classes per grade (general schools)


@dataclass
class Branches(Table):
    institution: np.ndarray
    code: np.ndarray
    name: np.ndarray
    municipality: np.ndarray
    address: np.ndarray
    opened_on: np.ndarray


@dataclass
class Persons(Table):
    personal_code: np.ndarray
    first_name: np.ndarray
    last_name: np.ndarray
    birth_date: np.ndarray
    male: np.ndarray
    role: np.ndarray  # learner / pedagogue / library (what the person was generated as)


@dataclass
class Enrolments(Table):
    person: np.ndarray
    institution: np.ndarray
    kind: np.ndarray  # general / vet / higher
    school_year: np.ndarray
    grade: np.ndarray  # 0: none
    group: np.ndarray
    isced: np.ndarray
    start_date: np.ndarray
    end_date: np.ndarray  # NaT: open
    end_reason: np.ndarray  # "": open


@dataclass
class Employments(Table):
    person: np.ndarray
    institution: np.ndarray
    position: np.ndarray
    workload: np.ndarray  # FTE, two decimals
    qualification: np.ndarray  # "": none
    start_date: np.ndarray
    end_date: np.ndarray


@dataclass
class EmploymentSubjects(Table):
    employment: np.ndarray
    subject: np.ndarray


@dataclass
class Country:
    seed: int
    scale: str
    first_year: int
    last_year: int
    as_of: datetime.date
    municipalities: list[Municipality]
    institutions: Institutions
    branches: Branches
    persons: Persons
    enrolments: Enrolments
    employments: Employments
    employment_subjects: EmploymentSubjects
    notes: dict = field(default_factory=dict)
    qualifications: Any = None  # qualifications.QualificationSystem, when sectors were given
    programmes: Any = None  # programmes.ProgrammeRegister, likewise

    def counts(self) -> dict[str, int]:
        counts = {"municipalities": len(self.municipalities), "institutions": len(self.institutions),
                  "branches": len(self.branches), "persons": len(self.persons), "enrolments": len(self.enrolments),
                  "employments": len(self.employments), "employment subjects": len(self.employment_subjects)}
        for register in (self.qualifications, self.programmes):
            if register is not None:
                counts.update(register.counts())
        return counts


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split `total` into integers proportional to `weights` (Hamilton's method)."""
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    quota = total * weights / weights.sum()
    base = np.floor(quota).astype(np.int64)
    rest = total - base.sum()
    if rest:
        order = np.argsort(-(quota - base), kind="stable")
        base[order[:rest]] += 1
    return base


def random_days(rng: np.random.Generator, start: np.ndarray | np.datetime64, end: np.ndarray | np.datetime64,
                size: int) -> np.ndarray:
    """Uniform random dates in [start, end] (inclusive)."""
    start = np.asarray(start, dtype="datetime64[D]")
    end = np.asarray(end, dtype="datetime64[D]")
    span = (end - start).astype(np.int64) + 1
    return start + (rng.random(size) * span).astype(np.int64).astype("timedelta64[D]")


def year_start(year: int | np.ndarray) -> np.ndarray:
    return (np.asarray(year, dtype=np.int64) - 1970).astype("datetime64[Y]").astype("datetime64[D]")


def september_first(year: int | np.ndarray) -> np.ndarray:
    months = year_start(year).astype("datetime64[M]") + np.timedelta64(8, "M")
    return months.astype("datetime64[D]")


def birth_dates(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """A uniformly random day in each of the given calendar years."""
    first = year_start(years)
    last = year_start(np.asarray(years) + 1) - np.timedelta64(1, "D")
    return random_days(rng, first, last, len(first))


def stream(seed: int, name: str) -> np.random.Generator:
    """An independent generator per part of the engine, so parts do not shift each other's draws."""
    return np.random.default_rng([seed, sum(ord(c) * 31 ** i for i, c in enumerate(name)) % (2**32)])
