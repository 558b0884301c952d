"""The allocation engine on its own (no database): deferred acceptance with score-only queues.

Random instances have few distinct score values (many ties, broken by the lottery) and score vectors of
different lengths (padded with -inf). The checks below compute everything from the raw score lists and the
lotteries with plain Python comparisons, independently of the engine's arrays.
"""

import itertools
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edureg.admission.engine.allocation import ENGINE_VERSION, Allocation, Instance, allocate, build_instance
from edureg.admission.engine.reference import allocate_reference

SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


class Round:
    """A small round in plain Python: capacities, per applicant a list of (offer, score list), lotteries."""

    def __init__(self, capacity, lists, lottery):
        self.capacity = list(capacity)
        self.lists = [list(prefs) for prefs in lists]
        self.lottery = list(lottery)

    def instance(self) -> Instance:
        k = max((len(score) for prefs in self.lists for _, score in prefs), default=1)
        ptr = np.cumsum([0] + [len(prefs) for prefs in self.lists])
        offers = [o for prefs in self.lists for o, _ in prefs]
        scores = [list(score) + [-np.inf] * (k - len(score)) for prefs in self.lists for _, score in prefs]
        return build_instance(self.capacity, ptr, offers, np.array(scores, dtype=float).reshape(-1, k), self.lottery)

    def key(self, a, o):
        """Rank of applicant a at offer o: larger is better (scores as lists, then the lower lottery)."""
        for offer, score in self.lists[a]:
            if offer == o:
                return (list(score), -self.lottery[a])
        raise KeyError((a, o))

    def rank(self, a, o):
        """Position of o in a's list (0 = first); len(list) for no invitation."""
        if o is None:
            return len(self.lists[a])
        return [offer for offer, _ in self.lists[a]].index(o)

    def assignment(self, allocation: Allocation) -> list:
        return [None if o < 0 else int(o) for o in allocation.assigned_offer]


@st.composite
def rounds(draw, max_applicants=12, max_offers=6, max_capacity=3, max_len=3, values=3):
    n_offers = draw(st.integers(1, max_offers))
    capacity = draw(st.lists(st.integers(0, max_capacity), min_size=n_offers, max_size=n_offers))
    n_applicants = draw(st.integers(0, max_applicants))
    score = st.lists(st.integers(0, values - 1).map(float), min_size=1, max_size=max_len)
    lists = []
    for _ in range(n_applicants):
        offers = draw(st.permutations(range(n_offers)))
        length = draw(st.integers(0, n_offers))
        lists.append([(o, draw(score)) for o in offers[:length]])
    lottery = draw(st.permutations([i / 8 + 0.01 for i in range(n_applicants)]))
    return Round(capacity, lists, lottery)


def blocking_pairs(rnd: Round, assignment: list) -> list:
    """Pairs (a, o): a prefers o to their invitation, and o has a free place or invited someone ranked below a."""
    invited = {o: [a for a, x in enumerate(assignment) if x == o] for o in range(len(rnd.capacity))}
    found = []
    for a, prefs in enumerate(rnd.lists):
        for o, _ in prefs[: rnd.rank(a, assignment[a])]:
            if len(invited[o]) < rnd.capacity[o] or any(rnd.key(a, o) > rnd.key(b, o) for b in invited[o]):
                found.append((a, o))
    return found


def check_result(rnd: Round, allocation: Allocation) -> list:
    """Capacity, stability and the consistency of the allocation's arrays; returns the assignment."""
    assignment = rnd.assignment(allocation)
    for a, o in enumerate(assignment):
        p = int(allocation.assigned_pair[a])
        if o is None:
            assert p == -1
        else:
            assert rnd.lists[a][p - sum(len(x) for x in rnd.lists[:a])][0] == o
    for o, cap in enumerate(rnd.capacity):
        invited = [a for a, x in enumerate(assignment) if x == o]
        assert len(invited) <= cap
        assert allocation.admitted[o] == len(invited)
        last = int(allocation.last_pair[o])
        if invited:
            worst = min(invited, key=lambda a: rnd.key(a, o))
            assert last >= 0 and allocation.assigned_pair[worst] == last
        else:
            assert last == -1
    assert blocking_pairs(rnd, assignment) == []
    return assignment


def stable_matchings(rnd: Round):
    """Every stable matching, by brute force (tiny rounds only)."""
    options = [[o for o, _ in prefs] + [None] for prefs in rnd.lists]
    for assignment in itertools.product(*options):
        if any(assignment.count(o) > cap for o, cap in enumerate(rnd.capacity)):
            continue
        if not blocking_pairs(rnd, list(assignment)):
            yield list(assignment)


# --- agreement with the reference, the `matching` package and the definitions ---------------------------------


@settings(max_examples=100, **SETTINGS)
@given(rounds())
def test_stable_within_capacity_and_same_as_reference(rnd):
    allocation = allocate(rnd.instance())
    check_result(rnd, allocation)
    reference = allocate_reference(rnd.instance())
    for field in ("assigned_pair", "assigned_offer", "admitted", "last_pair"):
        assert np.array_equal(getattr(allocation, field), getattr(reference, field)), field
        assert getattr(allocation, field).dtype == np.int64


@settings(max_examples=60, **SETTINGS)
@given(rounds(max_applicants=5, max_offers=3, max_capacity=2))
def test_applicant_optimal_among_all_stable_matchings(rnd):
    assignment = rnd.assignment(allocate(rnd.instance()))
    stable = list(stable_matchings(rnd))
    assert assignment in stable
    for other in stable:
        for a in range(len(rnd.lists)):
            assert rnd.rank(a, assignment[a]) <= rnd.rank(a, other[a])


def matching_package_assignment(rnd: Round) -> list:
    """Solve with matching's HospitalResident (resident-optimal); hospitals rank by the same score/lottery order.

    The package cannot take a hospital without places or a resident without preferences: both are left out
    (a closed offer rejects everyone, so removing it from the lists changes nothing)."""
    from matching.games import HospitalResident

    open_offers = {o for o, cap in enumerate(rnd.capacity) if cap > 0}
    residents = {a: [o for o, _ in prefs if o in open_offers] for a, prefs in enumerate(rnd.lists)}
    residents = {a: prefs for a, prefs in residents.items() if prefs}
    hospitals = {o: sorted((a for a, prefs in residents.items() if o in prefs), key=lambda a: rnd.key(a, o),
                           reverse=True) for o in open_offers}
    hospitals = {o: prefs for o, prefs in hospitals.items() if prefs}
    if not residents:
        return [None] * len(rnd.lists)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            game = HospitalResident.create_from_dictionaries(
                residents, hospitals, {o: rnd.capacity[o] for o in hospitals})
            solved = game.solve(optimal="resident")
    finally:
        sys.setrecursionlimit(limit)
    assignment = [None] * len(rnd.lists)
    for hospital, matched in solved.items():
        for resident in matched:
            assignment[resident.name] = hospital.name
    return assignment


@settings(max_examples=60, **SETTINGS)
@given(rounds(max_applicants=14, max_offers=5))
def test_same_as_matching_package(rnd):
    assert rnd.assignment(allocate(rnd.instance())) == matching_package_assignment(rnd)


def test_same_as_reference_on_a_larger_round():
    """Deep heaps, long displacement chains: 3,000 applicants over 60 offers, two score columns with ties."""
    rng = np.random.default_rng(4)
    n, m = 3000, 60
    lengths = rng.integers(0, 11, n)
    ptr = np.concatenate([[0], np.cumsum(lengths)])
    popularity = rng.lognormal(0, 1, m)
    offers = np.concatenate([rng.choice(m, size=length, replace=False, p=popularity / popularity.sum())
                             for length in lengths])
    scores = np.column_stack([rng.integers(0, 20, ptr[-1]) / 2, rng.integers(0, 2, ptr[-1])])
    instance = build_instance(rng.integers(0, 60, m), ptr, offers, scores, rng.permutation(n) / n)
    ours, reference = allocate(instance), allocate_reference(instance)
    assert np.array_equal(ours.assigned_pair, reference.assigned_pair)
    assert np.array_equal(ours.last_pair, reference.last_pair)
    assert (ours.admitted == instance.capacity).sum() > m // 2  # most offers full: a real competition


# --- queues by score only: the rank an applicant gives an offer never counts -----------------------------------


@settings(max_examples=100, **SETTINGS)
@given(rounds())
def test_each_offer_invites_the_best_ranked_of_those_who_want_it(rnd):
    """At each offer, invited = the top `capacity` by score/lottery of everyone who got it or wanted it more than
    what they got. Nothing about ranks enters this description."""
    assignment = rnd.assignment(allocate(rnd.instance()))
    for o, cap in enumerate(rnd.capacity):
        wanting = [a for a, prefs in enumerate(rnd.lists)
                   if any(x == o for x, _ in prefs[: rnd.rank(a, assignment[a]) + 1])]
        best = sorted(wanting, key=lambda a: rnd.key(a, o), reverse=True)[:cap]
        assert sorted(best) == [a for a, x in enumerate(assignment) if x == o]


@settings(max_examples=80, **SETTINGS)
@given(rounds(max_applicants=8, max_offers=4), st.data())
def test_no_applicant_gains_by_reordering_their_list(rnd, data):
    """Strategy-proofness: listing the offers in another order (or fewer of them) never gets an applicant an
    offer they truly prefer. A queue that counted the rank would reward reordering."""
    if not rnd.lists:
        return
    a = data.draw(st.integers(0, len(rnd.lists) - 1))
    truthful = rnd.assignment(allocate(rnd.instance()))[a]
    reported = data.draw(st.permutations(rnd.lists[a]))
    reported = reported[: data.draw(st.integers(0, len(reported)))]
    lists = [reported if b == a else prefs for b, prefs in enumerate(rnd.lists)]
    reporting = Round(rnd.capacity, lists, rnd.lottery)
    misreport = reporting.assignment(allocate(reporting.instance()))[a]
    assert rnd.rank(a, truthful) <= rnd.rank(a, misreport)


@settings(max_examples=80, **SETTINGS)
@given(rounds(), st.data())
def test_moving_the_invited_offer_up_changes_nobody_s_result(rnd, data):
    """An applicant moving the offer they are invited to higher in their list changes nothing for anyone: the
    offers they skip now had rejected them anyway, and their place in that offer's queue is the same."""
    before = rnd.assignment(allocate(rnd.instance()))
    invited = [a for a, o in enumerate(before) if o is not None and rnd.rank(a, o) > 0]
    if not invited:
        return
    a = data.draw(st.sampled_from(invited))
    prefs = list(rnd.lists[a])
    rank = rnd.rank(a, before[a])
    entry = prefs.pop(rank)
    prefs.insert(data.draw(st.integers(0, rank - 1)), entry)
    moved = Round(rnd.capacity, [prefs if b == a else x for b, x in enumerate(rnd.lists)], rnd.lottery)
    assert moved.assignment(allocate(moved.instance())) == before


def test_rank_as_priority_would_give_a_different_result():
    """Offer 0 has one place. Applicant 0 lists [1, 0] with the better score at 0; applicant 1 lists only [0];
    applicant 2 beats applicant 0 at offer 1. Score-only queues: applicant 0 falls back to offer 0 and wins it
    on score. Putting the rank first in the queue (as a 'first preference first' rule would) gives it to
    applicant 1 instead."""
    rnd = Round([1, 1], [[(1, [5.0]), (0, [9.0])], [(0, [7.0])], [(1, [8.0])]], [0.1, 0.2, 0.3])
    assert rnd.assignment(allocate(rnd.instance())) == [0, None, 1]

    by_rank = Round(rnd.capacity, [[(o, [-float(r), *score]) for r, (o, score) in enumerate(prefs)]
                                   for prefs in rnd.lists], rnd.lottery)
    assert by_rank.assignment(allocate(by_rank.instance())) == [None, 0, 1]


# --- determinism ---------------------------------------------------------------------------------------------


@settings(max_examples=80, **SETTINGS)
@given(rounds(), st.randoms(use_true_random=False))
def test_same_result_whatever_the_order_of_applicants_and_offers(rnd, random):
    first = rnd.assignment(allocate(rnd.instance()))
    assert rnd.assignment(allocate(rnd.instance())) == first  # twice: same

    n, m = len(rnd.lists), len(rnd.capacity)
    applicants = random.sample(range(n), n)  # new position i holds old applicant applicants[i]
    offers = random.sample(range(m), m)  # new offer j is old offer offers[j]
    new_offer = {old: new for new, old in enumerate(offers)}
    shuffled = Round([rnd.capacity[o] for o in offers],
                     [[(new_offer[o], score) for o, score in rnd.lists[a]] for a in applicants],
                     [rnd.lottery[a] for a in applicants])
    again = shuffled.assignment(allocate(shuffled.instance()))
    assert [None if again[i] is None else offers[again[i]] for i in range(n)] == [first[a] for a in applicants]


# --- edge cases ---------------------------------------------------------------------------------------------


def test_closed_offers_and_empty_lists():
    rnd = Round([0, 1], [[], [(0, [9.0])], [(0, [9.0]), (1, [1.0])], []], [0.4, 0.3, 0.2, 0.1])
    allocation = allocate(rnd.instance())
    assert rnd.assignment(allocation) == [None, None, 1, None]
    assert allocation.admitted.tolist() == [0, 1]
    assert allocation.last_pair.tolist() == [-1, 2]  # pairs: 0 = applicant 1 → offer 0; 1, 2 = applicant 2


def test_empty_round():
    allocation = allocate(build_instance(np.zeros(0, int), [0], np.zeros(0, int), np.zeros((0, 1)), []))
    assert allocation.assigned_pair.shape == (0,) and allocation.admitted.shape == (0,)
    allocation = allocate(build_instance([2, 3], [0, 0, 0], [], np.zeros((0, 2)), [0.5, 0.6]))
    assert allocation.assigned_offer.tolist() == [-1, -1] and allocation.last_pair.tolist() == [-1, -1]


@pytest.mark.parametrize(("scores", "winner"), [
    ([[9.0, 0.0], [8.0, 1.0]], 0),  # the first element decides
    ([[8.0, 0.0], [8.0, 1.0]], 1),  # then the next
    ([[8.0, 1.0], [8.0, 1.0]], 0),  # all equal: the lower lottery (applicant 0 has 0.2)
    ([[8.0, -np.inf], [8.0, 0.0]], 1),  # a shorter vector equal to the start of a longer one ranks below it
    ([[-1.0, 5.0], [-2.0, 9.0]], 0),  # negative scores are fine
])
def test_order_at_an_offer(scores, winner):
    instance = build_instance([1], [0, 1, 2], [0, 0], scores, [0.2, 0.7])
    assert allocate(instance).assigned_offer.tolist() == [0 if a == winner else -1 for a in range(2)]
    swapped = build_instance([1], [0, 1, 2], [0, 0], scores[::-1], [0.7, 0.2])
    assert allocate(swapped).assigned_offer.tolist() == [0 if a == 1 - winner else -1 for a in range(2)]


def test_one_score_column_may_be_given_flat():
    instance = build_instance([1], [0, 1, 2], [0, 0], [3.0, 4.0], [0.1, 0.2])
    assert instance.pref_score.shape == (2, 1)
    assert allocate(instance).assigned_offer.tolist() == [-1, 0]


def test_arrays_are_coerced():
    instance = build_instance([1.0], (0, 1), np.array([0], dtype=np.int32), [[1]], [1])
    assert [a.dtype for a in (instance.capacity, instance.pref_ptr, instance.pref_offer)] == [np.int64] * 3
    assert instance.pref_score.dtype == np.float64 and instance.lottery.dtype == np.float64
    assert instance.pref_score.flags.c_contiguous


@pytest.mark.parametrize(("arrays", "message"), [
    (([1], [0, 1], [0], [[1.0]], [0.1, 0.2]), "lottery has 2 entries, expected 1"),
    (([1], [0, 1], [0], [[1.0], [2.0]], [0.1]), "pref_score has 2 rows, expected 1"),
    (([1], [0, 2, 1], [0, 0], [[1.0], [2.0]], [0.1, 0.2]), "pref_ptr must start at 0, be non-decreasing"),
    (([1], [1, 1], [0], [[1.0]], [0.1]), "pref_ptr must start at 0"),
    (([-1], [0, 1], [0], [[1.0]], [0.1]), "capacities must be >= 0"),
    (([1.5], [0, 1], [0], [[1.0]], [0.1]), "capacity must hold integers"),
    (([True], [0, 1], [0], [[1.0]], [0.1]), "capacity must hold integers"),
    (([1], [0, 1], [1], [[1.0]], [0.1]), "offer index out of range"),
    (([1], [0, 1], [-1], [[1.0]], [0.1]), "offer index out of range"),
    (([1], [0, 1], [0], [[np.nan]], [0.1]), "pref_score holds NaN"),
    (([1], [0, 1], [0], [[1.0]], [np.inf]), "lotteries must be finite"),
    (([1], [0, 1, 2], [0, 0], [[1.0], [1.0]], [0.1, 0.1]), "lotteries must be distinct"),
    (([1, 1], [0, 1, 4], [0, 1, 0, 1], [[1.0]] * 4, [0.1, 0.2]), "applicant 1 lists the same offer twice"),
    (([1], [0, 1], [0], np.zeros((1, 0)), [0.1]), "pref_score must have shape (n_pairs, k) with k >= 1"),
    (([[1]], [0, 1], [0], [[1.0]], [0.1]), "must be one-dimensional"),
])
def test_build_instance_rejects_bad_arrays(arrays, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build_instance(*arrays)


def test_engine_version_is_semantic():
    major, minor, patch = ENGINE_VERSION.split(".")
    assert all(part.isdigit() for part in (major, minor, patch))


def test_engine_imports_no_django():
    code = ("import sys; import edureg.admission.engine.allocation, edureg.admission.engine.roundfile, "
            "edureg.admission.engine.reference; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"
