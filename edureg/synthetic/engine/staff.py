"""Pedagogues and library staff: positions per institution, age and sex, workload, qualification
category and subjects; about one pedagogue in ten has a second employment."""

import datetime

import numpy as np

from edureg.synthetic.engine.learners import PersonPool
from edureg.synthetic.engine.tables import (
    NAT,
    Employments,
    EmploymentSubjects,
    Institutions,
    day,
    largest_remainder,
    random_days,
    september_first,
)

# Share of all pedagogues by institution category.
CATEGORY_SHARE = {"general": 0.80, "vet": 0.10, "higher": 0.055, "non_formal": 0.035, "training": 0.01}
# Age bands (from, to inclusive, share): ~57% aged 50 or more, ~21% aged 60 or more.
AGE_BANDS = ((22, 29, 0.07), (30, 39, 0.13), (40, 49, 0.23), (50, 59, 0.36), (60, 66, 0.18), (67, 72, 0.03))
MALE_SHARE = 0.12
LIBRARY_MALE_SHARE = 0.06
SECOND_EMPLOYMENT = 0.10
TEACHING = ("10", "11", "12")
SUBJECT_WEIGHTS = {
    "LT": 14, "MAT": 13, "EN": 10, "DE": 2, "FR": 1, "RU": 4, "PL": 0.5, "HIS": 5, "GEO": 4, "BIO": 4, "CHE": 3,
    "PHY": 4, "IT": 4, "ART": 4, "MUS": 4, "PE": 7, "TECH": 4, "ETH": 2, "REL": 2, "ECO": 1, "CIV": 1, "NAT": 3,
}
NON_FORMAL_SUBJECTS = {"MUS": 5, "ART": 3, "PE": 2}
WORKLOADS = (np.array([0.5, 0.75, 1.0, 1.25, 1.5]), np.array([0.08, 0.12, 0.45, 0.22, 0.13]))
SECOND_WORKLOADS = (np.array([0.1, 0.2, 0.25, 0.3, 0.5]), np.array([0.2, 0.25, 0.2, 0.2, 0.15]))


def _ages(rng: np.random.Generator, n: int, minimum: int = 22) -> np.ndarray:
    bands = np.array([b[:2] for b in AGE_BANDS])
    p = np.array([b[2] for b in AGE_BANDS])
    band = rng.choice(len(p), n, p=p / p.sum())
    ages = rng.integers(bands[band, 0], bands[band, 1] + 1)
    return np.maximum(ages, minimum)


def _positions(category: str, size: int, primary_share: float, special: bool) -> list[str]:
    """The positions of an institution's `size` pedagogues."""
    head = ["20"]
    if category == "general":
        deputies = min(3, max(0, round(size / 25)))
        support = []
        for code, from_size in (("30", 12), ("31", 20), ("32", 15), ("33", 25)):
            if size >= from_size:
                support.append(code)
        if special:
            support += ["33"] * max(0, round(size * 0.15) - 1) + ["32"]
        support += ["34"] * round(size * 0.05)
        fixed = head + ["21"] * deputies + support
        rest = max(0, size - len(fixed))
        primary = round(rest * primary_share)
        return (fixed + ["12"] * primary + ["10"] * (rest - primary))[:max(size, 1)]
    if category == "vet":
        fixed = head + ["21"] * min(2, size // 15) + (["30"] if size >= 10 else []) + (["31"] if size >= 30 else [])
        rest = max(0, size - len(fixed))
        vocational = round(rest * 0.65)
        return (fixed + ["11"] * vocational + ["10"] * (rest - vocational))[:max(size, 1)]
    if category == "higher":
        fixed = head + ["21"] * min(3, size // 30)
        return (fixed + ["50"] * max(0, size - len(fixed)))[:max(size, 1)]
    if category == "non_formal":
        return (head + ["10"] * max(0, size - 1))[:max(size, 1)]
    return (head + ["50"] * max(0, size - 1))[:max(size, 1)]


def _qualification(rng: np.random.Generator, positions: np.ndarray, ages: np.ndarray) -> np.ndarray:
    n = len(positions)
    out = np.full(n, "", dtype=object)
    teaching = np.isin(positions, TEACHING)
    codes = np.array(["1", "2", "3", "4"], dtype=object)
    for lo, hi, p in ((0, 29, (0.7, 0.3, 0.0, 0.0)), (30, 44, (0.2, 0.5, 0.28, 0.02)),
                      (45, 200, (0.08, 0.40, 0.45, 0.07))):
        mask = teaching & (ages >= lo) & (ages <= hi)
        out[mask] = codes[rng.choice(4, int(mask.sum()), p=p)]
    return out


def _subjects(rng, employment_ids, positions, institution_type, category) -> tuple[np.ndarray, np.ndarray]:
    emp, subj = [], []
    general_codes = np.array(list(SUBJECT_WEIGHTS), dtype=object)
    general_p = np.array(list(SUBJECT_WEIGHTS.values()), dtype=float)
    general_p /= general_p.sum()
    nf_codes = np.array(list(NON_FORMAL_SUBJECTS), dtype=object)
    nf_p = np.array(list(NON_FORMAL_SUBJECTS.values()), dtype=float)
    nf_p /= nf_p.sum()
    fixed = {"12": "PRI", "11": "VOC", "33": "SPE"}
    for code, subject in fixed.items():
        mask = positions == code
        emp.append(employment_ids[mask])
        subj.append(np.full(int(mask.sum()), subject, dtype=object))
    teachers = positions == "10"
    special = teachers & (institution_type == "3160")
    emp.append(employment_ids[special])
    subj.append(np.full(int(special.sum()), "SPE", dtype=object))
    nf = teachers & (category == "non_formal")
    emp.append(employment_ids[nf])
    subj.append(nf_codes[rng.choice(len(nf_codes), int(nf.sum()), p=nf_p)])
    regular = np.flatnonzero(teachers & ~nf)
    first = rng.choice(len(general_codes), len(regular), p=general_p)
    emp.append(employment_ids[regular])
    subj.append(general_codes[first])
    two = rng.random(len(regular)) < 0.25
    second = rng.choice(len(general_codes), len(regular), p=general_p)
    two &= second != first
    emp.append(employment_ids[regular[two]])
    subj.append(general_codes[second[two]])
    return np.concatenate(emp), np.concatenate(subj)


def build_staff(rng: np.random.Generator, inst: Institutions, pool: PersonPool, targets: dict,
                learners_now: np.ndarray, primary_share: np.ndarray, last_year: int, as_of: datetime.date,
                library_factor: float, branches_per_library: np.ndarray, earliest: datetime.date
                ) -> tuple[Employments, EmploymentSubjects]:
    """`learners_now`: learners per institution in the last school year; `primary_share`: share of
    them in grades 1-4."""
    inst_index, positions = [], []
    total = targets["pedagogues"]
    for category, share in CATEGORY_SHARE.items():
        members = np.flatnonzero(inst.category == category)
        if not len(members):
            continue
        base = learners_now[members].astype(float) if category in ("general", "vet", "higher") else inst.weight[members]
        if base.sum() <= 0:
            base = np.ones(len(members))
        sizes = np.maximum(1, largest_remainder(round(total * share), base + base.mean() * 0.05))
        for i, size in zip(members.tolist(), sizes.tolist(), strict=True):
            pos = _positions(category, size, float(primary_share[i]), inst.type[i] == "3160")
            inst_index += [i] * len(pos)
            positions += pos
    libraries = np.flatnonzero(inst.category == "library")
    for i, branches in zip(libraries.tolist(), branches_per_library.tolist(), strict=True):
        central = max(1, round((3 + inst.weight[i] / 40_000) * library_factor))
        bibliographers = max(1, round((1 + (inst.weight[i] > 50_000) + (inst.weight[i] > 200_000)) * library_factor))
        pos = ["42"] + ["41"] * bibliographers + ["40"] * (central + branches)
        inst_index += [i] * len(pos)
        positions += pos

    inst_index = np.array(inst_index, dtype=np.int64)
    positions = np.array(positions, dtype=object)
    n = len(positions)
    library = np.isin(positions, ("40", "41", "42"))
    ages = _ages(rng, n)
    heads = np.isin(positions, ("20", "42"))
    ages[heads] = np.maximum(ages[heads], rng.integers(35, 45, int(heads.sum())))
    male = rng.random(n) < np.where(library, LIBRARY_MALE_SHARE, MALE_SHARE)
    as_of_day = day(as_of)
    born_to = as_of_day - ((ages * 365.25).astype(np.int64)).astype("timedelta64[D]")
    birth = random_days(rng, born_to - np.timedelta64(364, "D"), born_to, n)
    role = np.where(library, "library", "pedagogue")
    person = np.empty(n, dtype=np.int64)
    for r in ("pedagogue", "library"):
        mask = role == r
        person[mask] = pool.add(birth[mask], male[mask], r)

    birth_year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    reg_year = inst.registered_on[inst_index].astype("datetime64[Y]").astype(np.int64) + 1970
    first_year = earliest.year + (earliest > datetime.date(earliest.year, 9, 1))
    first = np.minimum(np.maximum(np.maximum(birth_year + 23, first_year), reg_year + 1), last_year)
    start_year = first + (rng.random(n) * (last_year - first + 1)).astype(np.int64)
    start = september_first(start_year)
    start = np.minimum(np.maximum(start, inst.registered_on[inst_index]), as_of_day)
    workload = rng.choice(WORKLOADS[0], n, p=WORKLOADS[1])
    workload[heads | np.isin(positions, ("21",))] = 1.0
    workload[library] = np.where(rng.random(int(library.sum())) < 0.8, 1.0, 0.75)
    qualification = _qualification(rng, positions, ages)

    # Second employments: teachers at another school or non-formal school of the same municipality.
    teaching = np.flatnonzero(np.isin(positions, TEACHING))
    share = min(1.0, SECOND_EMPLOYMENT * int((~library).sum()) / max(1, len(teaching)))
    second = teaching[rng.random(len(teaching)) < share]
    hosts = np.flatnonzero(np.isin(inst.category, ("general", "non_formal")))
    host_muni = inst.municipality[hosts]
    second_inst = np.full(len(second), -1, dtype=np.int64)
    for m in np.unique(inst.municipality[inst_index[second]]):
        rows = np.flatnonzero(inst.municipality[inst_index[second]] == m)
        local = hosts[host_muni == m]
        choices = local if len(local) > 1 else hosts
        second_inst[rows] = choices[rng.integers(0, len(choices), len(rows))]
    clash = second_inst == inst_index[second]
    second, second_inst = second[~clash], second_inst[~clash]
    m2 = len(second)
    second_start = september_first(rng.integers(np.maximum(start_year[second], last_year - 6), last_year + 1))
    second_start = np.minimum(np.maximum(second_start, inst.registered_on[second_inst]), as_of_day)
    employments = Employments(
        person=np.concatenate([person, person[second]]),
        institution=np.concatenate([inst_index, second_inst]),
        position=np.concatenate([positions, np.full(m2, "10", dtype=object)]),
        workload=np.concatenate([workload, rng.choice(SECOND_WORKLOADS[0], m2, p=SECOND_WORKLOADS[1])]),
        qualification=np.concatenate([qualification, qualification[second]]),
        start_date=np.concatenate([start, second_start]),
        end_date=np.full(n + m2, NAT),
    )
    emp_ids = np.arange(n + m2)
    category = inst.category[employments.institution]
    subject_emp, subject_code = _subjects(rng, emp_ids, employments.position, inst.type[employments.institution],
                                          category)
    order = np.lexsort((subject_code.astype(str), subject_emp))
    return employments, EmploymentSubjects(employment=subject_emp[order], subject=subject_code[order])
