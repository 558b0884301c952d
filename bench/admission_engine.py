"""Speed of the admission allocation engine: 1,000,000 applicants, up to 10 preferences, 20,000 offers.

    .venv/bin/python bench/admission_engine.py [--applicants 1000000] [--offers 20000] [--max-prefs 10]
                                              [--full-lists] [--seed 2026] [--runs 3] [--no-reorder]

Generates a seeded synthetic instance (numpy): offer popularity is log-normal (a few offers draw many
applicants, most draw few), list lengths uniform in 1..max-prefs (or all max-prefs with --full-lists),
capacities 10..80 with 1 % closed offers (capacity 0), scores from integer grades weighted by one of 40
formulas and rounded to 0.01 (many ties) plus a 0/1 priority column, distinct lotteries.

The allocation runs in a child process pinned to one CPU (sched_setaffinity, NUMBA_NUM_THREADS=1) that loads
the instance from disk, compiles the engine into a fresh numba cache directory (the compile time is reported
separately), then times `allocate()` alone: wall clock and CPU time of the process (on a shared machine
the wall clock includes time the core spent on other processes). Memory is the child's peak resident set
(VmHWM): the interpreter, numpy and numba, the instance arrays and the engine's working arrays; the resident
set just before the first timed allocation is printed too, so the engine's own share is visible. The parent checks
the result: capacities respected and no blocking pair (vectorised stability check), and that applicants
listed in another order give the same invitations.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

N_FORMULAS = 40
N_SUBJECTS = 4


def generate(n_applicants: int, n_offers: int, max_prefs: int = 10, *, seed: int = 2026, full_lists: bool = False):
    """Return the arrays (capacity, pref_ptr, pref_offer, pref_score, lottery) of a synthetic round."""
    rng = np.random.default_rng(seed)
    popularity = rng.lognormal(0.0, 1.0, n_offers)
    capacity = rng.integers(10, 81, n_offers, dtype=np.int64)
    capacity[rng.random(n_offers) < 0.01] = 0
    if full_lists:
        lengths = np.full(n_applicants, max_prefs, dtype=np.int64)
    else:
        lengths = rng.integers(1, max_prefs + 1, n_applicants, dtype=np.int64)
    lengths = np.minimum(lengths, n_offers)

    # Draw offers with replacement by popularity, drop repeats within a row, keep the first `length` distinct.
    draws = max_prefs + 4
    cdf = np.cumsum(popularity)
    cdf /= cdf[-1]
    chosen = np.searchsorted(cdf, rng.random((n_applicants, draws)), side="right").astype(np.int64)
    np.minimum(chosen, n_offers - 1, out=chosen)
    order = np.argsort(chosen, axis=1, kind="stable")
    ordered = np.take_along_axis(chosen, order, axis=1)
    repeat = np.zeros_like(chosen, dtype=bool)
    np.put_along_axis(repeat, order[:, 1:], ordered[:, 1:] == ordered[:, :-1], axis=1)
    keep = ~repeat
    keep &= np.cumsum(keep, axis=1) <= lengths[:, None]
    lengths = keep.sum(axis=1)
    pref_offer = chosen[keep]  # row-major: each applicant's preferences in draw order
    pref_ptr = np.zeros(n_applicants + 1, dtype=np.int64)
    np.cumsum(lengths, out=pref_ptr[1:])

    # Scores: integer grades 4..10 weighted by the offer's formula, rounded to 0.01; a 0/1 priority column.
    grades = rng.integers(4, 11, (n_applicants, N_SUBJECTS)).astype(np.float64)
    weights = rng.choice([0.0, 0.1, 0.2, 0.3, 0.4, 0.5], size=(N_FORMULAS, N_SUBJECTS))
    weights[:, 0] = 0.4
    formula = rng.integers(0, N_FORMULAS, n_offers)
    priority = (rng.random(n_applicants) < 0.1).astype(np.float64)
    pair_applicant = np.repeat(np.arange(n_applicants), lengths)
    pref_score = np.empty((pref_offer.shape[0], 2), dtype=np.float64)
    pref_score[:, 0] = np.round(np.einsum("ij,ij->i", grades[pair_applicant], weights[formula[pref_offer]]), 2)
    pref_score[:, 1] = priority[pair_applicant]
    del pair_applicant
    lottery = (rng.permutation(n_applicants) + 0.5) / n_applicants
    return capacity, pref_ptr, pref_offer, pref_score, lottery


def reorder_applicants(arrays, seed: int = 7):
    """The same round with the applicants listed in another order; returns (arrays, permutation)."""
    capacity, pref_ptr, pref_offer, pref_score, lottery = arrays
    n = pref_ptr.shape[0] - 1
    perm = np.random.default_rng(seed).permutation(n)  # new applicant i is old applicant perm[i]
    lengths = np.diff(pref_ptr)[perm]
    new_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_ptr[1:])
    pair_index = np.repeat(pref_ptr[:-1][perm] - new_ptr[:-1], lengths) + np.arange(new_ptr[-1])
    return (capacity, new_ptr, pref_offer[pair_index], pref_score[pair_index], lottery[perm]), perm, pair_index


def blocking_pairs(arrays, assigned_pair, admitted, last_pair) -> int:
    """Count pairs (a, o) where a prefers o to their invitation and o has room or holds someone ranked below a."""
    capacity, pref_ptr, pref_offer, pref_score, lottery = arrays
    n = pref_ptr.shape[0] - 1
    pair_applicant = np.repeat(np.arange(n), np.diff(pref_ptr))
    bound = np.where(assigned_pair >= 0, assigned_pair, pref_ptr[1:])  # pairs before this are preferred
    preferred = np.arange(pref_offer.shape[0]) < bound[pair_applicant]
    p = np.nonzero(preferred)[0]
    o = pref_offer[p]
    room = admitted[o] < capacity[o]
    q = last_pair[o]
    qq = np.maximum(q, 0)
    better = np.zeros(p.shape[0], dtype=bool)
    undecided = np.ones(p.shape[0], dtype=bool)
    for j in range(pref_score.shape[1]):
        sp, sq = pref_score[p, j], pref_score[qq, j]
        better |= undecided & (sp > sq)
        undecided &= sp == sq
    better |= undecided & (lottery[pair_applicant[p]] < lottery[pair_applicant[qq]])
    better &= q >= 0
    return int(np.count_nonzero(room | better))


def _peak_rss_mib() -> float:
    """Peak resident set of this process in MiB (VmHWM: unlike ru_maxrss it starts afresh at exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: str, runs: int) -> None:
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    start = time.perf_counter()
    from edureg.admission.engine.allocation import allocate, build_instance

    import_seconds = time.perf_counter() - start
    with np.load(path) as data:
        arrays = [data[name] for name in ("capacity", "pref_ptr", "pref_offer", "pref_score", "lottery")]
    start = time.perf_counter()
    instance = build_instance(*arrays)
    build_seconds = time.perf_counter() - start
    del arrays
    tiny = build_instance([1], [0, 1, 2], [0, 0], [[1.0], [2.0]], [0.1, 0.2])
    start = time.perf_counter()
    allocate(tiny)
    compile_seconds = time.perf_counter() - start
    rss_before = _peak_rss_mib()
    times, cpu_times = [], []
    for _ in range(runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        result = allocate(instance)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    rss_peak = _peak_rss_mib()
    np.savez(path + ".out.npz", assigned_pair=result.assigned_pair, admitted=result.admitted,
             last_pair=result.last_pair)
    print(json.dumps({
        "import_seconds": import_seconds, "build_seconds": build_seconds, "compile_seconds": compile_seconds,
        "times": times, "cpu_times": cpu_times, "load": os.getloadavg()[0],
        "rss_before_mib": rss_before, "rss_peak_mib": rss_peak,
        "cpus": sorted(os.sched_getaffinity(0)),
    }))


def run_child(path: str, runs: int, cache_dir: str) -> dict:
    env = dict(os.environ, NUMBA_NUM_THREADS="1", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1", NUMBA_CACHE_DIR=cache_dir)
    output = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", path, "--runs", str(runs)],
                            env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=1_000_000)
    parser.add_argument("--offers", type=int, default=20_000)
    parser.add_argument("--max-prefs", type=int, default=10)
    parser.add_argument("--full-lists", action="store_true", help="every applicant lists max-prefs offers")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-reorder", action="store_true", help="skip the run with applicants in another order")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.runs)
        return

    start = time.perf_counter()
    arrays = generate(args.applicants, args.offers, args.max_prefs, seed=args.seed, full_lists=args.full_lists)
    generate_seconds = time.perf_counter() - start
    capacity, pref_ptr, pref_offer, pref_score, lottery = arrays
    n_pairs = pref_offer.shape[0]
    demand = np.bincount(pref_offer[pref_ptr[:-1][np.diff(pref_ptr) > 0]], minlength=args.offers)
    print(f"instance: {args.applicants:,} applicants, {args.offers:,} offers, {n_pairs:,} preferences "
          f"(mean {n_pairs / args.applicants:.2f} per applicant), {int(capacity.sum()):,} places, "
          f"{np.unique(pref_score[:, 0]).shape[0]:,} distinct scores; generated in {generate_seconds:.1f} s")
    print(f"  first-preference demand per offer: median {np.median(demand):.0f}, max {demand.max():,}; "
          f"offers with more first preferences than places: {int(np.count_nonzero(demand > capacity)):,}")
    nbytes = sum(a.nbytes for a in arrays)
    print(f"  instance arrays: {nbytes / 2**20:.0f} MiB")

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "instance.npz")
        np.savez(path, capacity=capacity, pref_ptr=pref_ptr, pref_offer=pref_offer, pref_score=pref_score,
                 lottery=lottery)
        report = run_child(path, args.runs, os.path.join(tmp, "numba-cache"))
        with np.load(path + ".out.npz") as out:
            assigned_pair, admitted, last_pair = out["assigned_pair"], out["admitted"], out["last_pair"]
        warm = run_child(path, 1, os.path.join(tmp, "numba-cache")) if args.runs else None

        print(f"engine (one core, CPU {report['cpus']}):")
        times = report["times"]
        cpu = report["cpu_times"]
        print(f"  allocate(): wall clock best {min(times):.3f} s, median {float(np.median(times)):.3f} s over "
              f"{len(times)} runs ({', '.join(f'{t:.3f}' for t in times)}); CPU time best {min(cpu):.3f} s, median "
              f"{float(np.median(cpu)):.3f} s; load average {report['load']:.1f} on {os.cpu_count()} CPUs")
        print(f"  JIT compile (cold cache) {report['compile_seconds']:.2f} s; "
              f"loading the cached machine code {warm['compile_seconds']:.2f} s; "
              f"import {report['import_seconds']:.2f} s; build_instance() checks {warm['build_seconds']:.2f} s")
        print(f"  peak resident set {report['rss_peak_mib']:.0f} MiB "
              f"(before the first allocation, with the instance loaded: {report['rss_before_mib']:.0f} MiB)")

        invited = int(np.count_nonzero(assigned_pair >= 0))
        first = int(np.count_nonzero((assigned_pair >= 0) & (assigned_pair == pref_ptr[:-1])))
        full = int(np.count_nonzero((admitted == capacity) & (capacity > 0)))
        print(f"result: {invited:,} invited ({first:,} to their first preference), {full:,} offers full")
        assert np.all(admitted <= capacity), "capacity exceeded"
        blocking = blocking_pairs(arrays, assigned_pair, admitted, last_pair)
        print(f"  blocking pairs: {blocking}")
        assert blocking == 0

        if not args.no_reorder:
            shuffled, perm, pair_index = reorder_applicants(arrays)
            np.savez(path, capacity=shuffled[0], pref_ptr=shuffled[1], pref_offer=shuffled[2],
                     pref_score=shuffled[3], lottery=shuffled[4])
            run_child(path, 1, os.path.join(tmp, "numba-cache"))
            with np.load(path + ".out.npz") as out:
                again = out["assigned_pair"]
            offer_again = np.where(again >= 0, pref_offer[pair_index[np.maximum(again, 0)]], -1)
            offer_first = np.where(assigned_pair >= 0, pref_offer[np.maximum(assigned_pair, 0)], -1)
            same_offer = np.array_equal(offer_again, offer_first[perm])
            print(f"  applicants listed in another order: identical invitations: {same_offer}")
            assert same_offer

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"numpy {np.__version__}, numba {__import__('numba').__version__}; "
          f"parent peak RSS {_peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
