"""Speed of the indicator engine (compute_catalogue: roll-ups, formulas, disclosure control) on a synthetic frame.

    .venv/bin/python bench/indicators_engine.py [--rows 300000] [--specs 30] [--seed 2026] [--cold]

A seeded synthetic fact frame: `rows` fine-grained groups over 5 years and 8 dimensions (10 counties, 60
municipalities nested in them, 20 institution types, 3 ownerships, 2 sexes, 10 age groups, 8 ISCED levels, 40
educations), 10 measures (Poisson counts, skewed so that many cells are small and some are zero), plus a small
population frame by municipality that 3 of the indicators divide by (alignment of two frames). `specs`
indicators: counts and shares (factor 100, 1 or 2 decimals) over 3-6 of the dimensions, crossed 2 (every fifth
3) at a time, sensitive numerator/denominator/both/none in turn, threshold 5.

Reports the wall and CPU time of compute_catalogue for all indicators, per-indicator times, observation and suppression
counts. The first indicator pays the frame's encoding; later ones reuse the cached groups and sums of the breakdowns
and measures they share. --cold also times each indicator on a fresh copy of the frame (no cache): the cost of an
indicator alone.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from edureg.indicators.engine.cube import Frame, IndicatorSpec, compute_catalogue  # noqa: E402

YEARS = (2021, 2022, 2023, 2024, 2025)
DIMS = ("county", "municipality", "institution_type", "ownership", "sex", "age_group", "isced_level", "education")


def generate(rows: int, seed: int) -> tuple[dict[str, Frame], dict[str, str], dict[str, str]]:
    rng = np.random.default_rng(seed)
    municipalities = np.array([f"LT-{i:02d}" for i in range(1, 61)], dtype=object)
    county_of = np.array([f"LT-C{i % 10}" for i in range(60)], dtype=object)
    sizes = {"institution_type": 20, "ownership": 3, "sex": 2, "age_group": 10, "isced_level": 8, "education": 40}
    # Skewed draws: a few municipalities and educations hold most rows.
    muni = rng.choice(60, rows, p=_skewed(rng, 60))
    dims = {"municipality": municipalities[muni], "county": county_of[muni]}
    for name, size in sizes.items():
        codes = np.array([f"{name[:3]}{i}" for i in range(size)], dtype=object)
        dims[name] = codes[rng.choice(size, rows, p=_skewed(rng, size))]
    values = {f"m{i}": rng.poisson(rng.uniform(0.3, 6.0), rows).astype(float) for i in range(10)}
    facts = Frame(year=rng.choice(np.array(YEARS), rows), dims=dims, values=values)
    population = Frame(
        year=np.repeat(np.array(YEARS), 60),
        dims={"municipality": np.tile(municipalities, len(YEARS)), "county": np.tile(county_of, len(YEARS))},
        values={"population": np.tile(rng.integers(3000, 500000, 60).astype(float), len(YEARS))})
    source = {f"m{i}": "facts" for i in range(10)} | {"population": "population"}
    parents = {"municipality": dict(zip(municipalities.tolist(), county_of.tolist(), strict=True))}
    return {"facts": facts, "population": population}, source, parents


def _skewed(rng, n):
    weights = rng.lognormal(0.0, 1.0, n)
    return weights / weights.sum()


def specs(count: int, seed: int) -> list[IndicatorSpec]:
    rng = np.random.default_rng(seed + 1)
    sensitive = ("both", "numerator", "denominator", "none")
    result = []
    for i in range(count):
        if i % 10 == 9:  # per resident: municipality-level dimensions only, two frames
            dims = ("county", "municipality")
            num, den, factor = f"m{i % 10}", "population", 1000.0
        else:
            k = int(rng.integers(3, 7))
            dims = tuple(DIMS[j] for j in sorted(rng.choice(len(DIMS), k, replace=False)))
            a, b = (int(x) for x in rng.choice(10, 2, replace=False))
            num, den, factor = (f"m{a}", "", 1.0) if i % 3 == 0 else (f"m{a}", f"m{a} + m{b}", 100.0)
        result.append(IndicatorSpec(code=f"ind{i:02d}", numerator=num, denominator=den, factor=factor,
                                    decimals=1 + i % 2, dimensions=dims, max_cross=3 if i % 5 == 4 else 2,
                                    sensitive=sensitive[i % 4], threshold=5))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000)
    parser.add_argument("--specs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--cold", action="store_true", help="also time each indicator alone on an uncached frame")
    args = parser.parse_args()

    started = time.perf_counter()
    frames, source, parents = generate(args.rows, args.seed)
    catalogue = specs(args.specs, args.seed)
    print(f"generated {args.rows:,} rows × {len(DIMS)} dims × 10 measures in {time.perf_counter() - started:.2f} s")
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs, {platform.processor() or platform.platform()}")

    started, cpu = time.perf_counter(), time.process_time()
    result = compute_catalogue(catalogue, frames, source, parents=parents)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu

    print(f"\ncompute_catalogue: {len(catalogue)} indicators in {total:.2f} s wall, {cpu:.2f} s CPU "
          f"(load average {os.getloadavg()[0]:.1f})\n")
    print(f"{'code':7} {'dims':>4} {'cross':>5} {'sensitive':11} {'rows':>9} {'suppr.':>7} {'second.':>7} "
          f"{'s':>7}" + (f" {'cold s':>7}" if args.cold else ""))
    rows_total = 0
    for spec in catalogue:
        obs, seconds = result[spec.code]
        rows_total += len(obs)
        line = (f"{spec.code:7} {len(spec.dimensions):>4} {spec.max_cross:>5} {spec.sensitive:11} {len(obs):>9,} "
                f"{int((obs.flag == 'suppressed').sum()):>7,} {int((obs.flag == 'secondary').sum()):>7,} "
                f"{seconds:>7.3f}")
        if args.cold:
            fresh, _, _ = generate(args.rows, args.seed)
            begun = time.perf_counter()
            compute_catalogue([spec], fresh, source, parents=parents)
            line += f" {time.perf_counter() - begun:>7.3f}"
        print(line)
    print(f"\n{rows_total:,} observations; total {total:.2f} s wall, {cpu:.2f} s CPU")


if __name__ == "__main__":
    main()
