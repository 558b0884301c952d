"""The allocation engine side by side with a pure-Python heap version and the `matching` package.

    .venv/bin/python bench/admission_compare.py [--sizes 10000 30000] [--max-prefs 10] [--seed 2026]

For each size, one instance from bench/admission_engine.py's generator (applicants / 50 offers, up to 10
preferences, log-normal popularity, tied scores, distinct lotteries) is solved by
- ours: `edureg.admission.engine.allocation.allocate` (numba; compiled before timing; best of 20),
- reference: `edureg.admission.engine.reference.allocate_reference` (pure Python, heapq),
- matching: `matching.games.HospitalResident(...).solve(optimal="resident")` (matching 1.4), the hospitals'
  preference lists built from the same score/lottery order. Offers without places and applicants without
  preferences are left out of its game (it cannot take them; they change nothing). Building the game
  (it deep-copies the players: a raised recursion limit and a large thread stack) is timed apart from solve().
The assignments of the three must be identical (the script fails otherwise). Ratios are against ours.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import threading
import time
import warnings

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from admission_engine import generate  # noqa: E402

from edureg.admission.engine.allocation import allocate, build_instance  # noqa: E402
from edureg.admission.engine.reference import allocate_reference  # noqa: E402


def best_of(function, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return min(times), value


def matching_game(instance):
    """Dictionaries for HospitalResident.create_from_dictionaries, hospitals ranking by score then lottery."""
    capacity, ptr, offers, scores, lottery = (instance.capacity, instance.pref_ptr, instance.pref_offer,
                                              instance.pref_score, instance.lottery)
    residents = {}
    for a in range(instance.n_applicants):
        listed = [int(o) for o in offers[ptr[a]:ptr[a + 1]] if capacity[o] > 0]
        if listed:
            residents[a] = listed
    pair_applicant = instance.pair_applicant()
    keep = (capacity[offers] > 0)
    # Sort pairs by offer, then score columns descending, then lottery ascending.
    columns = [lottery[pair_applicant]] + [-scores[:, j] for j in range(scores.shape[1] - 1, -1, -1)] + [offers]
    order = np.lexsort(columns)
    order = order[keep[order]]
    hospitals: dict[int, list[int]] = {}
    for p in order.tolist():
        hospitals.setdefault(int(offers[p]), []).append(int(pair_applicant[p]))
    return residents, hospitals, {o: int(capacity[o]) for o in hospitals}


def run_matching(instance):
    from matching.games import HospitalResident

    residents, hospitals, capacities = matching_game(instance)
    out: dict = {}

    def work():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            game = HospitalResident.create_from_dictionaries(residents, hospitals, capacities)
            out["build"] = time.perf_counter() - start
            start = time.perf_counter()
            solved = game.solve(optimal="resident")
            out["solve"] = time.perf_counter() - start
        assigned = np.full(instance.n_applicants, -1, dtype=np.int64)
        for hospital, matched in solved.items():
            for resident in matched:
                assigned[resident.name] = hospital.name
        out["assigned"] = assigned

    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1 << 30)
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    if "assigned" not in out:
        raise RuntimeError("matching failed")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000])
    parser.add_argument("--max-prefs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    allocate(build_instance([1], [0, 1], [0], [[1.0]], [0.5]))  # compile (or load the cached machine code)
    rows = []
    for n in args.sizes:
        n_offers = max(1, n // 50)
        instance = build_instance(*generate(n, n_offers, args.max_prefs, seed=args.seed))
        ours_time, ours = best_of(lambda instance=instance: allocate(instance), 20)
        reference_time, reference = best_of(lambda instance=instance: allocate_reference(instance), 1)
        matched = run_matching(instance)
        identical_reference = np.array_equal(ours.assigned_offer, reference.assigned_offer)
        identical_matching = np.array_equal(ours.assigned_offer, matched["assigned"])
        rows.append((n, n_offers, instance.n_pairs, int((ours.assigned_offer >= 0).sum()), ours_time, reference_time,
                     matched["build"], matched["solve"], identical_reference, identical_matching))
        print(f"{n:,} applicants, {n_offers} offers, {instance.n_pairs:,} preferences: ours {ours_time * 1000:.2f} ms, "
              f"reference {reference_time:.3f} s, matching build {matched['build']:.2f} s + solve "
              f"{matched['solve']:.2f} s; identical: reference {identical_reference}, matching {identical_matching}",
              flush=True)

    print()
    print("| applicants | offers | preferences | invited | ours | pure-Python reference | matching: solve() "
          "| matching: build game | reference ÷ ours | matching solve ÷ ours | identical assignments |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for n, m, pairs, invited, ours_t, ref_t, build_t, solve_t, same_ref, same_matching in rows:
        print(f"| {n:,} | {m:,} | {pairs:,} | {invited:,} | {ours_t * 1000:.2f} ms | {ref_t:.3f} s | {solve_t:.2f} s "
              f"| {build_t:.2f} s | {ref_t / ours_t:,.0f}× | {solve_t / ours_t:,.0f}× "
              f"| {'yes' if same_ref and same_matching else 'NO'} |")
    print()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"numpy {np.__version__}, numba {__import__('numba').__version__}, "
          f"matching {__import__('matching').__version__}")
    assert all(row[8] and row[9] for row in rows), "assignments differ"


if __name__ == "__main__":
    main()
