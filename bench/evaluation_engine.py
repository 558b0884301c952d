"""Benchmark: the evaluation engines alone (no database) — aggregating the experts' sheets and a call's ranking
and selection within its budget.

    .venv/bin/python bench/evaluation_engine.py [--applications 100000] [--seed 1]

Builds synthetic score sheets for a procedure of 6 criteria on the 0-4 scale (two experts each, a third for one in
ten), aggregates them, then ranks the applications with three tie rules and selects them within a budget of a
third of what was asked, once per last-fit rule. Prints wall times; the same seed gives the same selections.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from edureg.evaluation.engine.aggregation import CriterionSpec, ProcedureSpec, aggregate
from edureg.evaluation.engine.ranking import Entry, rank, select

CODES = ("relevance", "aims", "content", "staff", "resources", "reach")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    spec = ProcedureSpec(0, 4, tuple(CriterionSpec(c, Decimal(2 if i < 3 else 1), c == "staff",
                                                   Decimal(2) if c == "staff" else None)
                                     for i, c in enumerate(CODES)),
                         aggregation="mean", threshold=Decimal(60), disagreement_points=Decimal(25))
    sheets = []
    for _ in range(args.applications):
        experts = 3 if rng.random() < 0.1 else 2
        sheets.append([{c: rng.randint(1, 4) for c in CODES} for _ in range(experts)])
    started = time.perf_counter()
    results = [aggregate(spec, s) for s in sheets]
    aggregated = time.perf_counter() - started
    entries = [Entry(key=i, total=r.total, mandatory_passed=r.mandatory_passed,
                     requested=Decimal(rng.randrange(1_000, 20_001, 100)), criteria=r.per_criterion,
                     submitted_at=float(rng.randrange(1_000_000)), spread=r.spread, number=f"VERT-{i:07d}")
               for i, r in enumerate(results)]
    budget = sum((e.requested for e in entries), Decimal(0)) / 3
    started = time.perf_counter()
    ranked = rank(entries, ["criterion:relevance", "lower_amount", "more_agreement"])
    ranked_s = time.perf_counter() - started
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"{args.applications:,} applications, seed {args.seed}")
    print(f"aggregate (2-3 sheets × 6 criteria each): {aggregated:.2f} s "
          f"({aggregated / args.applications * 1e6:.0f} µs per application)")
    print(f"rank (3 tie rules): {ranked_s:.2f} s")
    for rule in ("partial", "skip", "stop"):
        started = time.perf_counter()
        chosen = select(ranked, budget=budget, min_score=Decimal(50), max_per_application=Decimal(15_000),
                        last_fit_rule=rule)
        took = time.perf_counter() - started
        granted = sum((s.granted for s in chosen), Decimal(0))
        funded = sum(1 for s in chosen if s.granted > 0)
        assert granted <= budget
        print(f"select {rule:7s}: {took:.2f} s, {funded:,} funded, {granted:,.2f} of {budget:,.2f} EUR")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
