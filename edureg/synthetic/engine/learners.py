"""Learners and their enrolments, simulated school year by school year.

General education: birth cohorts enter grade 1 at seven; every year each pupil may drop out,
die or transfer (end reason 20 and a new enrolment at another school, usually in the same
municipality, the next day); the others are promoted (a few repeat), change school where their
school has no next grade, leave after grade 10 (mostly for VET) or graduate after grade 12 (end
reason 10). Every school year is one enrolment row: it ends on 31 August (reason 10) or on the day
of a dropout or transfer; the last school year's rows stay open unless something happened before
the `as_of` date.

VET (kind "vet", ISCED 35 after grade 10, 45 after grade 12 or for adults) and colleges (kind
"higher", ISCED 6) take school leavers, graduates and new adult entrants, with the course year as
the grade.
"""

import datetime
from dataclasses import dataclass

import numpy as np

from edureg.synthetic.engine.names import COLLEGE_PROGRAMMES, ROMAN, VET_PROGRAMMES
from edureg.synthetic.engine.tables import NAT, Enrolments, Institutions, birth_dates, day, random_days, september_first

# Live births in Lithuania by year (thousands, Statistics Lithuania, rounded).
BIRTHS = {1998: 37.0, 1999: 36.4, 2000: 34.1, 2001: 31.5, 2002: 30.0, 2003: 30.6, 2004: 30.4, 2005: 30.5,
          2006: 31.3, 2007: 32.3, 2008: 35.1, 2009: 36.7, 2010: 35.6, 2011: 34.4, 2012: 30.5, 2013: 29.9,
          2014: 30.4, 2015: 31.5, 2016: 30.6, 2017: 28.7, 2018: 28.1, 2019: 27.4, 2020: 25.1, 2021: 23.3,
          2022: 20.4, 2023: 19.6}

# Yearly rates.
GENERAL_DROPOUT = np.array([0, .002, .002, .002, .002, .004, .004, .004, .004, .007, .007, .010, .010])
DEATH = 0.0002
GENERAL_TRANSFER = 0.025
REPEAT = 0.003
AFTER_GRADE_10_VET = 0.25
AFTER_GRADE_10_LEAVE = 0.02
GRADUATES_TO_VET = 0.12
GRADUATES_TO_COLLEGE = 0.30
VET_DROPOUT = (0.11, 0.07)  # first course year, later years
VET_TRANSFER = 0.01
COLLEGE_DROPOUT = (0.15, 0.06)
COLLEGE_TRANSFER = 0.01
VET_TO_COLLEGE = 0.06
LOCAL_TRANSFER = 0.85

DROPOUT_REASONS = np.array(["31", "32", "33", "34", "35", "36", "39"])
REASON_P = {
    "young": np.array([0.55, 0.05, 0.15, 0.10, 0.0, 0.0, 0.15]),
    "older": np.array([0.35, 0.20, 0.12, 0.08, 0.10, 0.03, 0.12]),
    "vet": np.array([0.15, 0.35, 0.12, 0.08, 0.18, 0.04, 0.08]),
    "higher": np.array([0.12, 0.35, 0.10, 0.05, 0.25, 0.03, 0.10]),
}


class PersonPool:
    """Birth dates and sex of everyone generated so far; a person is a row index."""

    def __init__(self):
        self.births: list[np.ndarray] = []
        self.male: list[np.ndarray] = []
        self.role: list[np.ndarray] = []
        self.size = 0

    def add(self, birth: np.ndarray, male: np.ndarray, role: str) -> np.ndarray:
        n = len(birth)
        self.births.append(birth.astype("datetime64[D]"))
        self.male.append(male.astype(bool))
        self.role.append(np.full(n, role, dtype=object))
        ids = np.arange(self.size, self.size + n, dtype=np.int64)
        self.size += n
        return ids

    def arrays(self):
        return np.concatenate(self.births), np.concatenate(self.male), np.concatenate(self.role)


@dataclass
class _Segments:
    """Enrolment rows collected during the simulation."""

    parts: list

    def add(self, **cols):
        self.parts.append(cols)

    def table(self) -> Enrolments:
        names = ("person", "institution", "kind", "school_year", "grade", "group", "isced", "start_date",
                 "end_date", "end_reason")
        return Enrolments(**{k: np.concatenate([p[k] for p in self.parts]) for k in names})


class Schools:
    """Choosing a school for a learner: by weight, in the learner's municipality when possible."""

    def __init__(self, rng: np.random.Generator, inst: Institutions, category: str):
        self.rng = rng
        self.inst = inst
        self.mask = inst.category == category
        self.mainstream = self.mask & (inst.type != "3160")
        self._cache: dict = {}

    def _candidates(self, muni: int, grade: int, mainstream: bool):
        key = (muni, grade, mainstream)
        if key not in self._cache:
            mask = self.mainstream if mainstream else self.mask
            if grade > 0:
                mask = mask & (self.inst.grade_min <= grade) & (self.inst.grade_max >= grade)
            if muni >= 0:
                mask = mask & (self.inst.municipality == muni)
            idx = np.flatnonzero(mask)
            w = self.inst.weight[idx]
            self._cache[key] = (idx, w / w.sum() if len(idx) else w)
        return self._cache[key]

    def pick(self, muni: np.ndarray, grade: np.ndarray, *, local: np.ndarray | None = None,
             exclude: np.ndarray | None = None, mainstream: bool = True) -> np.ndarray:
        """A school per learner; `muni` -1 or `local` False means anywhere in the country."""
        n = len(muni)
        out = np.full(n, -1, dtype=np.int64)
        if n == 0:
            return out
        where = np.where(local if local is not None else True, muni, -1)
        keys = (where.astype(np.int64) + 1) * 100 + grade
        for key in np.unique(keys):
            rows = np.flatnonzero(keys == key)
            m, g = int(key // 100) - 1, int(key % 100)
            idx, p = self._candidates(m, g, mainstream)
            if exclude is not None and len(idx) <= 1 and m >= 0:
                idx, p = self._candidates(-1, g, mainstream)
            if not len(idx):
                idx, p = self._candidates(-1, g, mainstream)
            if not len(idx):
                idx, p = self._candidates(-1, g, False)
            chosen = idx[self.rng.choice(len(idx), len(rows), p=p)]
            if exclude is not None:
                for r in np.flatnonzero(chosen == exclude[rows]).tolist():
                    others = idx != exclude[rows[r]]
                    chosen[r] = idx[others][self.rng.choice(int(others.sum()), p=p[others] / p[others].sum())] \
                        if others.any() else -1
            out[rows] = chosen
        return out


def _event_window(year: int, as_of: datetime.date, last: bool):
    """First and last possible day of a dropout or transfer in a school year, and the share of the year."""
    first = day(datetime.date(year, 9, 8))
    full_end = day(datetime.date(year + 1, 6, 20))
    if not last:
        return first, full_end, 1.0
    end = min(full_end, day(as_of))
    share = float(max(0, (end - first).astype(np.int64)) / (full_end - first).astype(np.int64))
    return first, max(first, end), share


def _general_group(inst: Institutions, school: np.ndarray, grade: np.ndarray, letter: np.ndarray) -> np.ndarray:
    letters = np.array(list("abcdefghijklmnop"), dtype=object)[letter]
    gym = (inst.type[school] == "3140") & (grade >= 9)
    roman = np.array(ROMAN + ("",) * 8, dtype=object)[np.clip(grade - 8, 0, 12)]
    return np.where(gym, roman + letters, grade.astype(str).astype(object) + letters)


def _isced_general(grade: np.ndarray) -> np.ndarray:
    return np.where(grade <= 4, "1", np.where(grade <= 10, "24", "34")).astype(object)


class Simulation:
    def __init__(self, rng: np.random.Generator, inst: Institutions, pool: PersonPool, targets: dict,
                 first_year: int, last_year: int, as_of: datetime.date):
        self.rng = rng
        self.inst = inst
        self.pool = pool
        self.targets = targets
        self.first_year = first_year
        self.last_year = last_year
        self.as_of = as_of
        self.segments = _Segments([])
        self.general = Schools(rng, inst, "general")
        self.vet = Schools(rng, inst, "vet")
        self.colleges = Schools(rng, inst, "higher")
        self.stats: dict = {}
        # Grade cohorts scaled so that the last school year holds the target number of pupils.
        expected = sum(BIRTHS[last_year - 6 - g] * (1 - AFTER_GRADE_10_VET - AFTER_GRADE_10_LEAVE if g > 10 else 1)
                       for g in range(1, 13))
        self.k = targets["general_learners"] / (expected * 1000) * 1.015

    # --- people ---------------------------------------------------------------------------------

    def _new_people(self, ages_at_sept: np.ndarray, year: int, male_p: float) -> np.ndarray:
        """People who are `ages_at_sept` years old on 1 September of `year`."""
        n = len(ages_at_sept)
        born_to = september_first(year - ages_at_sept) - np.timedelta64(1, "D")
        birth = random_days(self.rng, born_to - np.timedelta64(364, "D"), born_to, n)
        return self.pool.add(birth, self.rng.random(n) < male_p, "learner")

    def _pupils(self, birth_year: np.ndarray) -> np.ndarray:
        birth = birth_dates(self.rng, birth_year)
        return self.pool.add(birth, self.rng.random(len(birth)) < 0.513, "learner")

    # --- general education ----------------------------------------------------------------------

    def _first_graders(self, year: int, size: float) -> dict:
        n = int(self.rng.poisson(size))
        late = self.rng.random(n) < 0.02
        pid = self._pupils(np.where(late, year - 8, year - 7))
        school = self.general.pick(np.full(n, -1), np.ones(n, dtype=np.int64), mainstream=False)
        return {"pid": pid, "school": school, "grade": np.ones(n, dtype=np.int64),
                "letter": self._letters(school)}

    def _letters(self, school: np.ndarray) -> np.ndarray:
        return (self.rng.random(len(school)) * self.inst.classes[school]).astype(np.int64)

    def _initial_general(self) -> dict:
        y = self.first_year
        parts = []
        for g in range(1, 13):
            size = BIRTHS[y - 6 - g] * 1000 * self.k
            if g > 10:
                size *= 1 - AFTER_GRADE_10_VET - AFTER_GRADE_10_LEAVE
            n = int(self.rng.poisson(size))
            late = self.rng.random(n) < 0.02
            pid = self._pupils(np.where(late, y - 7 - g, y - 6 - g))
            school = self.general.pick(np.full(n, -1), np.full(n, g), mainstream=False)
            parts.append({"pid": pid, "school": school, "grade": np.full(n, g, dtype=np.int64)})
        state = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        # Parallel classes: expected pupils per grade of each school / 25.
        per_school = np.bincount(state["school"], minlength=len(self.inst))
        span = np.maximum(1, self.inst.grade_max - self.inst.grade_min + 1)
        self.inst.classes[:] = np.clip(np.round(per_school / span / 25), 1, 12).astype(np.int64)
        state["letter"] = self._letters(state["school"])
        return state

    def _general_year(self, year: int, state: dict) -> tuple[dict, dict]:
        """One school year; returns the state on 1 September of the next year and the leavers."""
        rng, inst = self.rng, self.inst
        last = year == self.last_year
        n = len(state["pid"])
        start = day(datetime.date(year, 9, 1))
        year_end = day(datetime.date(year + 1, 8, 31))
        first, window_end, share = _event_window(year, self.as_of, last)
        grade = state["grade"]
        u = rng.random(n)
        p_drop = GENERAL_DROPOUT[grade] * share
        drop = u < p_drop
        death = (u >= p_drop) & (u < p_drop + DEATH * share)
        transfer = (u >= p_drop + DEATH * share) & (u < p_drop + (DEATH + GENERAL_TRANSFER) * share)
        transfer &= inst.type[state["school"]] != "3160"  # pupils of special schools stay there
        destination = np.full(n, -1, dtype=np.int64)
        t = np.flatnonzero(transfer)
        destination[t] = self.general.pick(inst.municipality[state["school"][t]], grade[t],
                                           local=rng.random(len(t)) < LOCAL_TRANSFER, exclude=state["school"][t])
        transfer &= destination >= 0
        event_day = random_days(rng, first, window_end, n)

        reason = np.full(n, "" if last else "10", dtype=object)
        end = np.full(n, NAT if last else year_end)
        young = grade <= 8
        reason[drop & young] = rng.choice(DROPOUT_REASONS, int((drop & young).sum()), p=REASON_P["young"])
        reason[drop & ~young] = rng.choice(DROPOUT_REASONS, int((drop & ~young).sum()), p=REASON_P["older"])
        reason[death] = "40"
        reason[transfer] = "20"
        ended = drop | death | transfer
        end[ended] = event_day[ended]
        self._add_general(year, state, np.full(n, start), end, reason)

        # Transfers: the next day at another school, usually in the same municipality.
        t = np.flatnonzero(transfer)
        new_school = destination[t]
        moved = {"pid": state["pid"][t], "school": new_school, "grade": grade[t], "letter": self._letters(new_school)}
        self._add_general(year, moved, event_day[t] + np.timedelta64(1, "D"),
                          np.full(len(t), NAT if last else year_end),
                          np.full(len(t), "" if last else "10", dtype=object))
        self.stats.setdefault("general", {})[year] = {
            "learners": n, "dropouts": int(drop.sum()), "transfers": int(transfer.sum()), "deaths": int(death.sum())}
        if last:
            return {}, {}

        stay = ~ended
        nxt = {k: np.concatenate([v[stay], moved[k]]) for k, v in state.items()}
        g = nxt["grade"]
        school = nxt["school"]
        special = inst.type[school] == "3160"
        u = rng.random(len(g))
        graduate = g == 12
        v = rng.random(len(g))
        graduate_vet = graduate & (v < GRADUATES_TO_VET)
        graduate_college = graduate & (v >= GRADUATES_TO_VET) & (v < GRADUATES_TO_VET + GRADUATES_TO_COLLEGE)
        after10 = (g == 10) & ~special
        to_vet = after10 & (u < AFTER_GRADE_10_VET)
        leave = after10 & (u >= AFTER_GRADE_10_VET) & (u < AFTER_GRADE_10_VET + AFTER_GRADE_10_LEAVE)
        repeat = ~graduate & ~to_vet & ~leave & (rng.random(len(g)) < REPEAT)
        promoted = ~graduate & ~to_vet & ~leave
        g = np.where(promoted & ~repeat, g + 1, g)
        muni = inst.municipality[school]
        leavers = {"to_vet": nxt["pid"][graduate_vet], "to_vet_muni": muni[graduate_vet],
                   "to_college": nxt["pid"][graduate_college],
                   "after10": nxt["pid"][to_vet], "after10_muni": muni[to_vet]}
        keep = promoted
        pid, school, g, letter = nxt["pid"][keep], school[keep], g[keep], nxt["letter"][keep]
        change = g > inst.grade_max[school]
        idx = np.flatnonzero(change)
        school = school.copy()
        letter = letter.copy()
        school[idx] = self.general.pick(inst.municipality[school[idx]], g[idx],
                                        local=rng.random(len(idx)) < 0.97)
        letter[idx] = self._letters(school[idx])
        new = self._first_graders(year + 1, BIRTHS[year + 1 - 7] * 1000 * self.k)
        state = {"pid": np.concatenate([pid, new["pid"]]), "school": np.concatenate([school, new["school"]]),
                 "grade": np.concatenate([g, new["grade"]]), "letter": np.concatenate([letter, new["letter"]])}
        return state, leavers

    def _add_general(self, year, state, start, end, reason):
        n = len(state["pid"])
        self.segments.add(
            person=state["pid"], institution=state["school"], kind=np.full(n, "general", dtype=object),
            school_year=np.full(n, year, dtype=np.int64), grade=state["grade"],
            group=_general_group(self.inst, state["school"], state["grade"], state["letter"]),
            isced=_isced_general(state["grade"]), start_date=start, end_date=end, end_reason=reason)

    # --- VET and colleges -----------------------------------------------------------------------

    def _post_year(self, year: int, state: dict, kind: str) -> tuple[dict, np.ndarray]:
        """One year of VET or college studies; returns next year's continuing learners and completers."""
        rng = self.rng
        last = year == self.last_year
        n = len(state["pid"])
        start = day(datetime.date(year, 9, 1))
        year_end = day(datetime.date(year + 1, 8, 31))
        first, window_end, share = _event_window(year, self.as_of, last)
        dropout_rates = VET_DROPOUT if kind == "vet" else COLLEGE_DROPOUT
        transfer_rate = VET_TRANSFER if kind == "vet" else COLLEGE_TRANSFER
        p_drop = np.where(state["course"] == 1, dropout_rates[0], dropout_rates[1]) * share
        u = rng.random(n)
        drop = u < p_drop
        death = (u >= p_drop) & (u < p_drop + DEATH * share)
        transfer = (u >= p_drop + DEATH * share) & (u < p_drop + (DEATH + transfer_rate) * share)
        schools = self.vet if kind == "vet" else self.colleges
        destination = np.full(n, -1, dtype=np.int64)
        t = np.flatnonzero(transfer)
        destination[t] = schools.pick(self.inst.municipality[state["school"][t]], np.zeros(len(t), dtype=np.int64),
                                      local=rng.random(len(t)) < 0.5, exclude=state["school"][t])
        transfer &= destination >= 0  # no other school to go to
        event_day = random_days(rng, first, window_end, n)
        reason = np.full(n, "" if last else "10", dtype=object)
        end = np.full(n, NAT if last else year_end)
        reason[drop] = rng.choice(DROPOUT_REASONS, int(drop.sum()), p=REASON_P[kind if kind == "vet" else "higher"])
        reason[death] = "40"
        reason[transfer] = "20"
        ended = drop | death | transfer
        end[ended] = event_day[ended]
        self._add_post(year, state, kind, np.full(n, start), end, reason)

        t = np.flatnonzero(transfer)
        moved = {k: v[t] for k, v in state.items()}
        moved["school"] = destination[t]
        self._add_post(year, moved, kind, event_day[t] + np.timedelta64(1, "D"),
                       np.full(len(t), NAT if last else year_end), np.full(len(t), "" if last else "10", dtype=object))
        self.stats.setdefault(kind, {})[year] = {
            "learners": n, "dropouts": int(drop.sum()), "transfers": int(transfer.sum()), "deaths": int(death.sum())}
        if last:
            return {}, np.zeros(0, dtype=np.int64)
        stay = ~ended
        nxt = {k: np.concatenate([v[stay], moved[k]]) for k, v in state.items()}
        done = nxt["course"] >= nxt["length"]
        completers = nxt["pid"][done]
        nxt = {k: v[~done] for k, v in nxt.items()}
        nxt["course"] = nxt["course"] + 1
        return nxt, completers

    def _add_post(self, year, state, kind, start, end, reason):
        n = len(state["pid"])
        programmes = np.array(VET_PROGRAMMES if kind == "vet" else COLLEGE_PROGRAMMES, dtype=object)
        entry = year - state["course"] + 1
        group = programmes[state["programme"]] + "-" + np.char.mod("%02d", entry % 100).astype(object)
        self.segments.add(
            person=state["pid"], institution=state["school"], kind=np.full(n, kind, dtype=object),
            school_year=np.full(n, year, dtype=np.int64), grade=state["course"], group=group,
            isced=state["isced"], start_date=start, end_date=end, end_reason=reason)

    def _entrants(self, pid, muni, kind, isced, length, schools: "Schools", local_p: float) -> dict:
        n = len(pid)
        local = (muni >= 0) & (self.rng.random(n) < local_p)
        school = schools.pick(muni, np.zeros(n, dtype=np.int64), local=local)
        programmes = len(VET_PROGRAMMES if kind == "vet" else COLLEGE_PROGRAMMES)
        return {"pid": pid, "school": school, "course": np.ones(n, dtype=np.int64), "length": length,
                "isced": np.full(n, isced, dtype=object), "programme": self.rng.integers(0, programmes, n)}

    def _vet_intake(self, year: int, after10, after10_muni, from_school, from_muni) -> dict:
        rng = self.rng
        i35, i45 = self.vet_intake
        n35_new = max(0, int(rng.poisson(i35)) - len(after10))
        new35 = self._new_people(np.where(rng.random(n35_new) < 0.85, 16, 17), year, 0.6)
        pid35 = np.concatenate([after10, new35])
        muni35 = np.concatenate([after10_muni, np.full(n35_new, -1)])
        n45_new = max(0, int(rng.poisson(i45)) - len(from_school))
        ages = 18 + np.minimum(np.floor(rng.exponential(6.0, n45_new)).astype(np.int64), 40)
        new45 = self._new_people(ages, year, 0.55)
        pid45 = np.concatenate([from_school, new45])
        muni45 = np.concatenate([from_muni, np.full(n45_new, -1)])
        a = self._entrants(pid35, muni35, "vet", "35", np.full(len(pid35), 3), self.vet, 0.6)
        b = self._entrants(pid45, muni45, "vet", "45", np.where(rng.random(len(pid45)) < 0.4, 1, 2), self.vet, 0.6)
        return {k: np.concatenate([a[k], b[k]]) for k in a}

    def _college_intake(self, year: int, from_school, vet_completers) -> dict:
        rng = self.rng
        from_vet = vet_completers[rng.random(len(vet_completers)) < VET_TO_COLLEGE]
        total = int(rng.poisson(self.college_intake))
        pid = np.concatenate([from_school, from_vet])[:total]
        n_new = max(0, total - len(pid))
        ages = 19 + np.minimum(np.floor(rng.exponential(3.0, n_new)).astype(np.int64), 35)
        new = self._new_people(ages, year, 0.45)
        pid = np.concatenate([pid, new])
        return self._entrants(pid, np.full(len(pid), -1), "higher", "6", np.full(len(pid), 3), self.colleges, 0.0)

    def _initial_post(self, kind: str) -> dict:
        """Learners already in VET or college in the first year, in every course year."""
        rng = self.rng
        y = self.first_year
        parts = []
        if kind == "vet":
            i35, i45 = self.vet_intake
            s1 = 1 - VET_DROPOUT[0]
            s2 = 1 - VET_DROPOUT[1]
            plan = [("35", 3, 1, i35), ("35", 3, 2, i35 * s1), ("35", 3, 3, i35 * s1 * s2),
                    ("45", 1, 1, i45 * 0.4), ("45", 2, 1, i45 * 0.6), ("45", 2, 2, i45 * 0.6 * s1)]
        else:
            s1 = 1 - COLLEGE_DROPOUT[0]
            s2 = 1 - COLLEGE_DROPOUT[1]
            i = self.college_intake
            plan = [("6", 3, 1, i), ("6", 3, 2, i * s1), ("6", 3, 3, i * s1 * s2)]
        schools = self.vet if kind == "vet" else self.colleges
        for isced, length, course, size in plan:
            n = int(rng.poisson(size))
            if isced == "35":
                ages = 15 + course + (rng.random(n) < 0.15)
            elif isced == "45":
                ages = 17 + course + np.minimum(np.floor(rng.exponential(6.0, n)).astype(np.int64), 40)
            else:
                ages = 18 + course + np.minimum(np.floor(rng.exponential(3.0, n)).astype(np.int64), 35)
            pid = self._new_people(ages, y, 0.6 if kind == "vet" else 0.45)
            entry = self._entrants(pid, np.full(n, -1), kind, isced, np.full(n, length), schools, 0.0)
            entry["course"] = np.full(n, course, dtype=np.int64)
            parts.append(entry)
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}

    # --- the whole period ----------------------------------------------------------------------

    def run(self) -> Enrolments:
        t = self.targets
        # Yearly intakes that keep VET and college stocks at their targets (steady state).
        s35 = 1 + (1 - VET_DROPOUT[0]) + (1 - VET_DROPOUT[0]) * (1 - VET_DROPOUT[1])
        s45 = 1 + 0.6 * (1 - VET_DROPOUT[0])
        self.vet_intake = (0.55 * t["vet_learners"] / s35, 0.45 * t["vet_learners"] / s45)
        sc = 1 + (1 - COLLEGE_DROPOUT[0]) + (1 - COLLEGE_DROPOUT[0]) * (1 - COLLEGE_DROPOUT[1])
        self.college_intake = t["college_learners"] / sc

        general = self._initial_general()
        vet = self._initial_post("vet")
        college = self._initial_post("higher")
        for year in range(self.first_year, self.last_year + 1):
            general, leavers = self._general_year(year, general)
            vet, vet_done = self._post_year(year, vet, "vet")
            college, _ = self._post_year(year, college, "higher")
            if year == self.last_year:
                break
            new_vet = self._vet_intake(year + 1, leavers["after10"], leavers["after10_muni"],
                                       leavers["to_vet"], leavers["to_vet_muni"])
            vet = {k: np.concatenate([vet[k], new_vet[k]]) for k in vet}
            new_college = self._college_intake(year + 1, leavers["to_college"], vet_done)
            college = {k: np.concatenate([college[k], new_college[k]]) for k in college}
        return self.segments.table()
