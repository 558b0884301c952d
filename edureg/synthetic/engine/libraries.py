"""Annual statistics of the municipal public libraries (the LIB-ANNUAL form, ISO 2789 sections): pure numpy.

    stats = library_statistics(stream(seed, "libraries"), population, service_points, years=range(2021, 2026))
    statuses = last_year_statuses(stream(seed, "library submissions"), n, demo=index_of_the_demo_library)

One row per library and year. Figures follow the municipality's population (the classifier's, not the synthetic
country's scaled one) at Lithuanian orders of magnitude: registered users 15-25 % of the residents, 4-8 physical
visits and 3-6 loans per resident a year, 5-9 collection units per resident, 6-12 staff FTE per 10,000 residents,
15-30 EUR spent per resident. Year on year most figures move by less than 10 %; a few by 12-35 %; a library or two
closes its central building for a renovation for a year (physical visits and loans fall by more than half, then come
back: the change warnings of the form fire, and the rows carry `event` "renovation" / "reopened" so the writer can
comment them). The form's error rules hold on every row (see ERROR_RULES). Same inputs and generator state, same
rows.
"""

from dataclasses import dataclass

import numpy as np

from edureg.synthetic.engine.tables import Table, largest_remainder

# The form's sections and fields in order (the contract of the LIB-ANNUAL collection); "decimal" fields are floats
# with two decimals, the others whole numbers. `comments` (notes) is text.
SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("service_points", (("service_points", "integer"), ("mobile_libraries", "integer"),
                        ("opening_hours_weekly", "decimal"))),
    ("users", (("registered_users", "integer"), ("active_users", "integer"),
               ("registered_users_children", "integer"))),
    ("visits", (("physical_visits", "integer"), ("virtual_visits", "integer"))),
    ("loans", (("loans", "integer"), ("interlibrary_loans", "integer"))),
    ("events", (("events", "integer"), ("event_participants", "integer"))),
    ("collection", (("collection_units", "integer"), ("additions", "integer"), ("withdrawals", "integer"))),
    ("staff", (("staff_fte", "decimal"), ("librarians_fte", "decimal"))),
    ("expenditure", (("expenditure_total", "decimal"), ("expenditure_acquisitions", "decimal"),
                     ("expenditure_staff", "decimal"))),
    ("notes", (("comments", "text"),)),
)
NUMERIC = tuple(code for _section, fields in SECTIONS for code, kind in fields if kind != "text")
DECIMAL = frozenset(code for _section, fields in SECTIONS for code, kind in fields if kind == "decimal")

# The form's error rules, as (left, operator, right) over the columns: what every generated row satisfies.
ERROR_RULES = (
    (("active_users",), "<=", ("registered_users",)),
    (("registered_users_children",), "<=", ("registered_users",)),
    (("librarians_fte",), "<=", ("staff_fte",)),
    (("expenditure_acquisitions", "expenditure_staff"), "<=", ("expenditure_total",)),
    (("additions",), "<=", ("collection_units",)),
    (("service_points",), ">=", ()),  # >= 1
)

# Yearly drift of each group of figures (the national trend), and its spread between libraries and years.
DRIFT = {"users": -0.01, "visits": 0.03, "loans": -0.01, "virtual": 0.06, "events": 0.03, "staff": 0.0,
         "spend": 0.06}
NOISE = 0.03
USUAL = 0.095  # the usual changes stay within this
BIG_SHARE = 0.04  # of library-years with a larger change in a group
BIG_CHANGE = (0.12, 0.35)

# Submissions of the last (open) period: the shares of each state besides the demo library (not started) and one
# returned with a comment.
LAST_YEAR_SHARES = {"approved": 0.62, "submitted": 0.24, "draft": 0.07, "not_started": 0.07}
RETURN_COMMENT = ("Registruotų vartotojų skaičius išaugo beveik 40 %, nors aktyvių vartotojų ir apsilankymų "
                  "nepadaugėjo. Patikrinkite, ar neįskaityti perregistruoti vartotojai, ir pateikite dar kartą.")
RETURNED_USERS_FACTOR = 1.38  # what the returned report over-counted (below the 50 % change warning)
EVENT_NOTES = {
    "renovation": "Centrinės bibliotekos pastatas buvo renovuojamas ir lankytojams uždarytas; skaitytojus aptarnavo "
                  "filialai ir laikinoji skaitykla.",
    "reopened": "Po renovacijos centrinė biblioteka vėl dirba visą laiką; lankytojai ir išdavimai grįžo į "
                "ankstesnį lygį.",
}
CHECKED_NOTE = "Pokytis patikrintas: duomenys teisingi."


@dataclass
class LibraryStatistics(Table):
    library: np.ndarray  # index into the inputs
    year: np.ndarray
    service_points: np.ndarray
    mobile_libraries: np.ndarray
    opening_hours_weekly: np.ndarray
    registered_users: np.ndarray
    active_users: np.ndarray
    registered_users_children: np.ndarray
    physical_visits: np.ndarray
    virtual_visits: np.ndarray
    loans: np.ndarray
    interlibrary_loans: np.ndarray
    events: np.ndarray
    event_participants: np.ndarray
    collection_units: np.ndarray
    additions: np.ndarray
    withdrawals: np.ndarray
    staff_fte: np.ndarray
    librarians_fte: np.ndarray
    expenditure_total: np.ndarray
    expenditure_acquisitions: np.ndarray
    expenditure_staff: np.ndarray
    comments: np.ndarray  # text ("" none)
    event: np.ndarray  # "" / "renovation" / "reopened"

    def values(self, row: int) -> dict[str, float | int | str]:
        """{field code: value} of one row (the numbers as Python numbers)."""
        out: dict[str, float | int | str] = {code: getattr(self, code)[row].item() for code in NUMERIC}
        out["comments"] = str(self.comments[row])
        return out


def _changes(rng: np.random.Generator, n: int, years: int, drift: float) -> np.ndarray:
    """Yearly relative changes (n × years, 0 in the first year) of a group of figures: usual changes within ±USUAL
    around the drift, a few larger ones, which take a figure that has strayed more than 10 % from the drift's path
    back towards it (a library does not double its users in a few years)."""
    change = np.clip(drift + rng.normal(0, NOISE, (n, years)), -USUAL, USUAL)
    big = rng.random((n, years)) < BIG_SHARE
    sign = np.where(rng.random((n, years)) < 0.5, -1.0, 1.0)
    size = rng.uniform(*BIG_CHANGE, (n, years))
    change[:, 0] = 0.0
    level = np.ones(n)
    for k in range(1, years):
        strayed = level / (1 + drift) ** (k - 1)
        towards = np.where(strayed > 1.1, -1.0, np.where(strayed < 0.9, 1.0, sign[:, k]))
        change[:, k] = np.where(big[:, k], towards * size[:, k], change[:, k])
        level = level * (1 + change[:, k])
    return change


def _quarter(x: np.ndarray) -> np.ndarray:
    return np.round(x * 4) / 4


def library_statistics(rng: np.random.Generator, population: np.ndarray, service_points: np.ndarray,
                       years, *, city: np.ndarray | None = None) -> LibraryStatistics:
    """Rows (library, year), libraries in input order, years ascending. `population` of each library's municipality,
    `service_points` = 1 + its branches, `city`: whether the municipality is a city (more hours, no mobile
    library)."""
    population = np.asarray(population, dtype=float)
    points = np.asarray(service_points, dtype=np.int64)
    years = np.asarray(list(years), dtype=np.int64)
    n, t = len(population), len(years)
    if len(points) != n:
        raise ValueError("population and service_points differ in length")
    if n == 0 or t == 0:
        raise ValueError("no libraries or no years")
    if (population <= 0).any():
        raise ValueError("every library's municipality needs a population")
    if (points < 1).any():
        raise ValueError("a library has at least one service point")
    city = np.zeros(n, dtype=bool) if city is None else np.asarray(city, dtype=bool)

    def per_library(low: float, high: float) -> np.ndarray:
        return rng.uniform(low, high, n)[:, None]

    p = population[:, None]
    # Levels in the first year (per library) and indices over the years (per group).
    registered_share, active_share, child_share = per_library(0.15, 0.25), per_library(0.55, 0.8), per_library(
        0.25, 0.4)
    visits_pc, virtual_pc, loans_pc = per_library(4, 8), per_library(1.5, 5), per_library(3, 6)
    interlibrary_share = per_library(0.002, 0.008)
    events_per_1000, participants_per_event = per_library(6, 14), per_library(12, 28)
    collection_pc, additions_rate, withdrawals_rate = per_library(5, 9), per_library(0.035, 0.06), per_library(
        0.035, 0.065)
    staff_per_10k, librarians_share = per_library(6, 12), per_library(0.62, 0.8)
    spend_pc, staff_cost_share, acquisitions_share = per_library(15, 30), per_library(0.58, 0.7), per_library(
        0.06, 0.11)
    changes = {group: _changes(rng, n, t, drift) for group, drift in DRIFT.items()}

    # A renovation: one library in thirty (at least one of two or more) closes its central building for a year:
    # physical visits and loans fall by more than half (the usual change of the year and the next kept small, so the
    # fall and the return are both above the form's 50 % warning).
    closed = np.ones((n, t))
    loans_closed = np.ones((n, t))
    event = np.full((n, t), "", dtype=object)
    renovations = max(1, round(n / 30)) if n >= 2 and t >= 3 else 0
    for lib in rng.choice(n, renovations, replace=False).tolist():
        year = int(rng.integers(1, t - 1))
        closed[lib, year] = rng.uniform(0.35, 0.44)
        loans_closed[lib, year] = rng.uniform(0.35, 0.44)
        for group in ("visits", "loans", "events"):
            changes[group][lib, year:year + 2] = np.clip(changes[group][lib, year:year + 2], -USUAL, USUAL)
        event[lib, year], event[lib, year + 1] = "renovation", "reopened"
    index = {group: np.cumprod(1.0 + change, axis=1) for group, change in changes.items()}

    registered = np.round(p * registered_share * index["users"])
    active = np.minimum(np.round(registered * active_share * rng.uniform(0.97, 1.03, (n, t))), registered)
    children = np.minimum(np.round(registered * child_share * rng.uniform(0.97, 1.03, (n, t))), registered)
    visits = np.round(p * visits_pc * index["visits"] * closed)
    virtual = np.round(p * virtual_pc * index["virtual"])
    loans = np.round(p * loans_pc * index["loans"] * loans_closed)
    interlibrary = np.round(loans * interlibrary_share)
    events = np.maximum(1, np.round(p / 1000 * events_per_1000 * index["events"] * np.sqrt(closed)))
    participants = np.maximum(events, np.round(events * participants_per_event * rng.uniform(0.9, 1.1, (n, t))))

    # The collection as stock and flows: this year's units = last year's + additions - withdrawals.
    stock = (population * collection_pc[:, 0]).round()
    collection, additions, withdrawals = (np.zeros((n, t)) for _ in range(3))
    for k in range(t):
        added = np.round(stock * additions_rate[:, 0] * rng.uniform(0.85, 1.15, n) * index["spend"][:, k] ** 0.5)
        removed = np.round(stock * withdrawals_rate[:, 0] * rng.uniform(0.8, 1.2, n))
        stock = stock + added - removed
        collection[:, k], additions[:, k], withdrawals[:, k] = stock, added, removed

    # Staff: 6-12 FTE per 10,000 residents, at least half an FTE at every service point besides the central one.
    floor = 1.5 + 0.5 * (points[:, None] - 1)
    staff = _quarter(np.maximum(floor, p / 10_000 * staff_per_10k * index["staff"]))
    librarians = np.minimum(staff, np.floor(staff * librarians_share * 4) / 4)
    total = np.round(p * spend_pc * index["spend"], 2)
    acquisitions = np.round(total * acquisitions_share * rng.uniform(0.9, 1.1, (n, t)), 2)
    staff_cost = np.round(total * staff_cost_share, 2)

    hours = np.where(city, rng.choice([50.0, 52.0, 54.0, 56.0, 60.0], n),
                     rng.choice([40.0, 40.5, 42.0, 44.0, 45.0, 46.0, 48.0], n))
    mobile = ((~city) & (rng.random(n) < 0.25)).astype(np.int64)
    comments = np.where(event == "renovation", EVENT_NOTES["renovation"],
                        np.where(event == "reopened", EVENT_NOTES["reopened"], "")).astype(object)

    def flat(a, dtype=np.int64) -> np.ndarray:
        return np.asarray(a).reshape(n * t).astype(dtype)

    def each_year(a) -> np.ndarray:
        return np.repeat(np.asarray(a), t)

    return LibraryStatistics(
        library=each_year(np.arange(n)), year=np.tile(years, n), service_points=each_year(points),
        mobile_libraries=each_year(mobile), opening_hours_weekly=each_year(hours).astype(float),
        registered_users=flat(registered), active_users=flat(active), registered_users_children=flat(children),
        physical_visits=flat(visits), virtual_visits=flat(virtual), loans=flat(loans),
        interlibrary_loans=flat(interlibrary), events=flat(events), event_participants=flat(participants),
        collection_units=flat(collection), additions=flat(additions), withdrawals=flat(withdrawals),
        staff_fte=flat(staff, float), librarians_fte=flat(librarians, float), expenditure_total=flat(total, float),
        expenditure_acquisitions=flat(acquisitions, float), expenditure_staff=flat(staff_cost, float),
        comments=flat(comments, object), event=flat(event, object),
    )


def rule_failures(stats: LibraryStatistics) -> dict[str, np.ndarray]:
    """Rows breaking each error rule ({rule: row indices}); empty arrays when all hold."""
    out = {}
    for left, op, right in ERROR_RULES:
        lhs = np.sum([getattr(stats, c).astype(float) for c in left], axis=0)
        rhs = np.sum([getattr(stats, c).astype(float) for c in right], axis=0) if right else 1.0
        holds = lhs <= rhs + 1e-9 if op == "<=" else lhs >= rhs
        out[f"{' + '.join(left)} {op} {' + '.join(right) or '1'}"] = np.flatnonzero(~holds)
    return out


def last_year_statuses(rng: np.random.Generator, n: int, *, demo: int | None = None) -> np.ndarray:
    """The state of each library's submission in the open period: the demo library's not started (its officer fills
    it in), one other returned with a comment, the rest approved, submitted, draft or not started by
    LAST_YEAR_SHARES (randomly placed)."""
    statuses = np.full(n, "", dtype=object)
    free = [i for i in range(n) if i != demo]
    if demo is not None:
        statuses[demo] = "not_started"
    order = rng.permutation(free).tolist()
    if order:
        statuses[order.pop(0)] = "returned"
    counts = largest_remainder(len(order), np.array(list(LAST_YEAR_SHARES.values())))
    states = np.repeat(np.array(list(LAST_YEAR_SHARES), dtype=object), counts)
    statuses[np.array(order, dtype=np.int64)] = states
    return statuses


def draft_sections(rng: np.random.Generator, n: int) -> np.ndarray:
    """How many of the form's sections (in order) each draft has filled in: 2 to 6 of the 8 numeric ones."""
    return rng.integers(2, 7, n)
