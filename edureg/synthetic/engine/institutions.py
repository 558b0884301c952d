"""Institutions and library branches: how many of each type in each municipality, their names,
grades, ownership, addresses and codes."""

import datetime

import numpy as np

from edureg.synthetic.engine import names as N
from edureg.synthetic.engine.codes import legal_entity_codes
from edureg.synthetic.engine.gazetteer import STREETS, Place
from edureg.synthetic.engine.tables import Branches, Institutions, Municipality, day, largest_remainder, random_days

GENERAL_TYPES = np.array(["3120", "3130", "3140", "3150", "3160", "3170"])
GENERAL_TYPE_P = np.array([0.06, 0.28, 0.38, 0.19, 0.04, 0.05])
GRADE_RANGES = {"3120": (1, 4), "3130": (1, 8), "3150": (1, 10), "3160": (1, 12), "3170": (1, 12)}
GYMNASIUM_RANGES = ((9, 12), (5, 12), (1, 12))
STATE, MUNICIPAL, NON_STATE = "10", "20", "30"
MINISTRY = "Lietuvos Respublikos švietimo, mokslo ir sporto ministerija"
ENTITY_PREFIX = {STATE: 11, MUNICIPAL: 19, NON_STATE: 30}


class _Builder:
    """Collects institutions one by one (there are only ~1,300), keeping names and addresses unique."""

    def __init__(self, rng: np.random.Generator, munis: list[Municipality], places: list[Place]):
        self.rng = rng
        self.munis = munis
        self.places = places
        self.rows: list[dict] = []
        self.names: set[str] = set()
        self.slugs: set[str] = set()

    def unique_name(self, candidates: list[str], fallback_stem: str, type_word: str) -> str:
        for name in candidates:
            if name not in self.names:
                self.names.add(name)
                return name
        k = 1
        while True:
            name = f"{fallback_stem} {k}-oji {type_word}"
            if name not in self.names:
                self.names.add(name)
                return name
            k += 1

    def town(self, m: int, in_seat_p: float) -> tuple[str, str]:
        place = self.places[m]
        if not place.towns or self.rng.random() < in_seat_p:
            return place.seat
        return place.towns[self.rng.integers(len(place.towns))]

    def address(self, m: int, town_nom: str) -> tuple[str, str]:
        place = self.places[m]
        street = STREETS[self.rng.integers(len(STREETS))]
        number = int(self.rng.integers(1, 120))
        digits = 5 - len(place.postal_prefix)
        postal = f"LT-{place.postal_prefix}{int(self.rng.integers(0, 10**digits)):0{digits}d}"
        return f"{street} {number}, {town_nom}", postal

    def phone(self, m: int) -> str:
        area = self.places[m].area_code
        digits = 8 - len(area)
        return f"+370 {area} {int(self.rng.integers(2 * 10 ** (digits - 1), 10**digits))}"

    def web(self, name: str) -> tuple[str, str]:
        base = N.slug(name)[:40] or "istaiga"
        candidate, k = base, 1
        while candidate in self.slugs:
            k += 1
            candidate = f"{base}{k}"
        self.slugs.add(candidate)
        return f"info@{candidate}.lt", f"https://www.{candidate}.lt"

    def add(self, *, m: int, type_code: str, category: str, ownership: str, name: str, town: tuple[str, str],
            grades=(0, 0), weight=1.0, founder: str | None = None):
        address, postal = self.address(m, town[0])
        email, website = self.web(name)
        if founder is None:
            founder = {STATE: MINISTRY,
                       MUNICIPAL: N.genitive_of_municipality(self.munis[m].name) + " taryba"}.get(ownership)
            if founder is None:
                founder = f"VšĮ „{N.MOTTOS[self.rng.integers(len(N.MOTTOS))]} švietimo centras“"
        self.rows.append({"name": name, "type": type_code, "category": category, "ownership": ownership,
                          "municipality": m, "town": town[0], "address": address, "postal_code": postal,
                          "founder": founder, "email": email, "phone": self.phone(m), "website": website,
                          "grade_min": grades[0], "grade_max": grades[1], "weight": weight})


def _general_schools(b: _Builder, counts: np.ndarray) -> None:
    rng = b.rng
    for m, n in enumerate(counts.tolist()):
        if n == 0:
            continue
        muni, place = b.munis[m], b.places[m]
        city = place.kind == "city" or (muni.kind == "city")
        types = ["3140"] if n == 1 else [str(t) for t in rng.choice(GENERAL_TYPES, n, p=GENERAL_TYPE_P)]
        if "3140" not in types:
            types[0] = "3140"
        ranges = []
        for t in types:
            if t == "3140":
                if n == 1:
                    ranges.append((1, 12))
                else:
                    p = (0.5, 0.3, 0.2) if city else (0.2, 0.3, 0.5)
                    ranges.append(GYMNASIUM_RANGES[rng.choice(3, p=p)])
            else:
                ranges.append(GRADE_RANGES[t])
        mainstream = [r for t, r in zip(types, ranges, strict=True) if t != "3160"]
        if any(not any(lo <= g <= hi for lo, hi in mainstream) for g in range(1, 13)):
            first = types.index("3140")
            ranges[first] = (1, 12)
        # Pupils per grade of a school: the municipality's population shared by its schools, with noise.
        noise = rng.lognormal(0.0, 0.45, n) * np.array([0.3 if t == "3160" else 0.6 if t == "3120" else 1.0
                                                        for t in types])
        weights = muni.population * noise / noise.sum()
        for t, r, w in zip(types, ranges, weights.tolist(), strict=True):
            ownership = MUNICIPAL
            u = rng.random()
            if t != "3160" and (city or muni.population > 90_000) and u < 0.10:
                ownership = NON_STATE
            elif t == "3140" and u > 0.985:
                ownership = STATE
            town = b.town(m, 0.4) if not city else place.seat
            type_word = N.GENERAL_TYPE_WORDS[t]
            stem = town[1]
            if ownership == NON_STATE:
                quals = list(rng.permutation(N.NON_STATE_QUALIFIERS))
            elif city and place.neighbourhoods:
                hoods = list(rng.permutation(place.neighbourhoods))
                quals = hoods if rng.random() < 0.6 else list(rng.permutation(N.EPONYMS))[:5] + hoods
            elif town == place.seat:
                quals = list(rng.permutation(N.EPONYMS))[:4] + list(rng.permutation(N.MOTTOS))[:4]
            else:
                quals = ([""] if rng.random() < 0.6 else []) + list(rng.permutation(N.EPONYMS))[:4]
            candidates = [" ".join(x for x in (stem, q, type_word) if x) for q in quals]
            name = b.unique_name(candidates, stem, type_word)
            b.add(m=m, type_code=t, category="general", ownership=ownership, name=name, town=town, grades=r,
                  weight=w)


def _each(counts: np.ndarray, make) -> None:
    """make(municipality) as many times as `counts` says for each municipality."""
    for m, n in enumerate(counts.tolist()):
        for _ in range(n):
            make(m)


def build_institutions(rng: np.random.Generator, munis: list[Municipality], places: list[Place],
                       targets: dict, earliest: datetime.date) -> Institutions:
    pop = np.array([m.population for m in munis], dtype=float)
    b = _Builder(rng, munis, places)
    _general_schools(b, largest_remainder(targets["general_schools"], pop**0.8))

    def vet(m):
        t = "3210" if rng.random() < 0.7 else "3220"
        fields = N.VET_CENTRE_FIELDS if t == "3210" else N.VET_SCHOOL_FIELDS
        town = b.town(m, 0.9)
        cands = [f"{town[1]} {f}" for f in rng.permutation(fields)]
        name = b.unique_name(cands, town[1], "profesinė mokykla")
        own = NON_STATE if rng.random() < 0.05 else STATE
        b.add(m=m, type_code=t, category="vet", ownership=own, name=name, town=town,
              weight=float(rng.lognormal(0, 0.4)))

    def college(m):
        town = b.places[m].seat
        own = NON_STATE if rng.random() < 0.4 else STATE
        pool = N.COLLEGE_FIELDS[:1] + N.COLLEGE_FIELDS[8:] if own == STATE else N.COLLEGE_FIELDS[1:8]
        cands = [f"{town[1]} {f}" for f in rng.permutation(pool)] + [f"{town[1]} {f}" for f in N.COLLEGE_FIELDS]
        name = b.unique_name(cands, town[1], "kolegija")
        b.add(m=m, type_code="3310", category="higher", ownership=own, name=name, town=town,
              weight=float(rng.lognormal(0, 0.5)))

    def training(m):
        u = rng.random()
        own = NON_STATE if u < 0.85 else MUNICIPAL if u < 0.95 else STATE
        town = b.town(m, 0.9)
        cands = [form.format(w=w) for w, form in zip(rng.permutation(N.TRAINING_WORDS),
                                                     rng.choice(N.TRAINING_FORMS, len(N.TRAINING_WORDS)),
                                                     strict=True)]
        if own != NON_STATE:
            cands = [f"{town[1]} darbo rinkos mokymo centras", f"{town[1]} kvalifikacijos tobulinimo centras",
                     *cands]
        name = b.unique_name(cands, town[1], "mokymo centras")
        b.add(m=m, type_code="3510", category="training", ownership=own, name=name, town=town,
              weight=float(rng.lognormal(0, 0.6)))

    def non_formal(m, adult=False):
        own = NON_STATE if rng.random() < (0.4 if adult else 0.15) else MUNICIPAL
        town = b.town(m, 0.75)
        pool = N.NON_FORMAL_ADULT if adult else N.NON_FORMAL_CHILDREN
        cands = [f"{town[1]} {w}" for w in rng.permutation(pool)]
        cands += [f"{town[1]} {e} {w}" for e, w in zip(rng.permutation(N.EPONYMS)[:4], rng.choice(pool, 4),
                                                         strict=True)]
        name = b.unique_name(cands, town[1], pool[0])
        b.add(m=m, type_code="3530" if adult else "3520", category="non_formal", ownership=own, name=name,
              town=town, weight=float(rng.lognormal(0, 0.5)))

    def library(m):
        name = N.genitive_of_municipality(munis[m].name) + " viešoji biblioteka"
        b.names.add(name)
        b.add(m=m, type_code="3410", category="library", ownership=MUNICIPAL, name=name, town=b.places[m].seat,
              weight=float(pop[m]))

    _each(largest_remainder(targets["vet_schools"], pop), vet)
    _each(largest_remainder(targets["colleges"], pop**1.5), college)
    _each(np.ones(len(munis), dtype=np.int64), library)
    _each(largest_remainder(targets["training_providers"], pop**1.2), training)
    _each(largest_remainder(targets["non_formal_children"], pop), non_formal)
    _each(largest_remainder(targets["non_formal_adult"], pop**1.3), lambda m: non_formal(m, adult=True))

    rows = b.rows
    col = {k: np.array([r[k] for r in rows], dtype=object) for k in rows[0]}
    n = len(rows)
    ownership = col["ownership"].astype(str)
    prefixes = np.array([ENTITY_PREFIX[o] for o in ownership], dtype=np.int64)
    registered = random_days(rng, day(earliest), max(day(earliest), day_of(2015, 12, 31)), n)
    grade_min = col["grade_min"].astype(np.int64)
    grade_max = col["grade_max"].astype(np.int64)
    return Institutions(
        code=legal_entity_codes(rng, prefixes), name=col["name"], type=col["type"], category=col["category"],
        ownership=col["ownership"], municipality=col["municipality"].astype(np.int64), town=col["town"],
        address=col["address"], postal_code=col["postal_code"], founder=col["founder"],
        registered_on=registered, email=col["email"], phone=col["phone"], website=col["website"],
        grade_min=grade_min, grade_max=grade_max, weight=col["weight"].astype(float),
        classes=np.ones(n, dtype=np.int64),
    )


def day_of(y: int, m: int, d: int) -> np.datetime64:
    return day(datetime.date(y, m, d))


def _village(rng: np.random.Generator) -> tuple[str, str]:
    root = N.VILLAGE_ROOTS[rng.integers(len(N.VILLAGE_ROOTS))]
    nom, gen = N.VILLAGE_ENDINGS[rng.integers(len(N.VILLAGE_ENDINGS))]
    return root + nom, root + gen


def build_branches(rng: np.random.Generator, inst: Institutions, munis: list[Municipality], places: list[Place],
                   total: int, earliest: datetime.date) -> Branches:
    """Branches of the public libraries: city neighbourhoods, towns, then villages."""
    libraries = np.flatnonzero(inst.category == "library")
    pop = np.array([munis[inst.municipality[i]].population for i in libraries], dtype=float)
    counts = largest_remainder(total, pop**0.5)
    rows = []
    for lib, n in zip(libraries.tolist(), counts.tolist(), strict=True):
        m = int(inst.municipality[lib])
        place = places[m]
        lib_gen = str(inst.name[lib]).replace("viešoji biblioteka", "viešosios bibliotekos")
        used: set[str] = set()
        spots: list[tuple[str, str]] = [(place.seat[0], h) for h in place.neighbourhoods]
        spots += [(t[0], t[1]) for t in place.towns]
        for k in range(n):
            if k < len(spots):
                town, label = spots[k]
            else:
                label = ""
                for _ in range(50):
                    town, label = _village(rng)
                    if label not in used:
                        break
            used.add(label)
            street = STREETS[rng.integers(len(STREETS))]
            rows.append((lib, f"F{k + 1:03d}", f"{lib_gen} {label} filialas", m,
                         f"{street} {int(rng.integers(1, 80))}, {town}"))
    n = len(rows)
    opened = random_days(rng, day(earliest), max(day(earliest), day_of(2018, 12, 31)), n)
    return Branches(
        institution=np.array([r[0] for r in rows], dtype=np.int64), code=np.array([r[1] for r in rows], dtype=object),
        name=np.array([r[2] for r in rows], dtype=object), municipality=np.array([r[3] for r in rows], dtype=np.int64),
        address=np.array([r[4] for r in rows], dtype=object), opened_on=opened,
    )
