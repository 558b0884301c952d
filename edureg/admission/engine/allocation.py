"""Applicant-proposing deferred acceptance for the common admission (pure: numpy + numba, no Django).

An instance is a set of offers with capacities and, per applicant, an ordered list of preferences (pairs).
Each pair carries the applicant's score vector *at that offer* (offers may use different formulas). At an
offer, applicants are ordered by that score vector compared element by element (higher first), then by the
applicant's lottery number (lower first; lotteries are distinct, so the order is strict). The rank an
applicant gives an offer never enters that order.

The result is the applicant-optimal stable matching. It is unique for strict offer orders, so it does not
depend on the order in which applicants propose or are listed: re-running a round on the same input always
gives the same invitations.

Implementation: each applicant proposes down their list; each offer keeps the pairs it holds in a binary
heap with its worst held pair on top, so a proposal costs O(log capacity) comparisons of the proposer's score
row and lottery with the held entries (no global sort; a heap entry carries a copy of its key, so sifting
reads one compact block of memory instead of scattered score rows). A proposal displacing the worst held pair
makes the displaced applicant propose next (McVitie-Wilson order), so no queue of free applicants is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

ENGINE_VERSION = "1.0.0"

__all__ = ["ENGINE_VERSION", "Allocation", "Instance", "allocate", "build_instance"]


@dataclass(frozen=True)
class Instance:
    """An allocation problem in compressed sparse row form.

    capacity:   int64 (n_offers,), >= 0
    pref_ptr:   int64 (n_applicants + 1,): applicant a's pairs are pref_ptr[a]:pref_ptr[a + 1], first = most wanted
    pref_offer: int64 (n_pairs,): offer index of each pair
    pref_score: float64 (n_pairs, k), k >= 1: score vector per pair, shorter vectors padded with -inf
    lottery:    float64 (n_applicants,), distinct; lower wins after equal scores
    """

    capacity: np.ndarray
    pref_ptr: np.ndarray
    pref_offer: np.ndarray
    pref_score: np.ndarray
    lottery: np.ndarray

    @property
    def n_applicants(self) -> int:
        return int(self.pref_ptr.shape[0]) - 1

    @property
    def n_offers(self) -> int:
        return int(self.capacity.shape[0])

    @property
    def n_pairs(self) -> int:
        return int(self.pref_offer.shape[0])

    def pair_applicant(self) -> np.ndarray:
        """int64 (n_pairs,): the applicant of each pair."""
        return np.repeat(np.arange(self.n_applicants, dtype=np.int64), np.diff(self.pref_ptr))


@dataclass(frozen=True)
class Allocation:
    """The result of `allocate`.

    assigned_pair:  int64 (n_applicants,): pair index the applicant is invited through, -1 = none
    assigned_offer: int64 (n_applicants,): offer index or -1
    admitted:       int64 (n_offers,): number invited
    last_pair:      int64 (n_offers,): pair of the lowest-ranked invited applicant, -1 if none

    The cut-off of offer o is the key (score row, lottery) of last_pair[o] when admitted[o] == capacity[o] > 0;
    an offer that is not full has no cut-off.
    """

    assigned_pair: np.ndarray
    assigned_offer: np.ndarray
    admitted: np.ndarray
    last_pair: np.ndarray


def build_instance(capacity, pref_ptr, pref_offer, pref_score, lottery) -> Instance:
    """Coerce dtypes (int64 / float64, C order) and check shapes and invariants; raise ValueError.

    pref_score may be 1-D (one score per pair). Checks: capacities non-negative integers, pref_ptr starting at 0,
    non-decreasing and ending at n_pairs, offer indices in range, no offer twice in one applicant's list, no NaN
    score (-inf is the padding), lotteries finite and distinct.
    """
    capacity = _int_array(capacity, "capacity")
    pref_ptr = _int_array(pref_ptr, "pref_ptr")
    pref_offer = _int_array(pref_offer, "pref_offer")
    pref_score = np.ascontiguousarray(pref_score, dtype=np.float64)
    lottery = np.ascontiguousarray(lottery, dtype=np.float64)
    if pref_score.ndim == 1:
        pref_score = pref_score.reshape(-1, 1)
    if capacity.ndim != 1 or pref_ptr.ndim != 1 or pref_offer.ndim != 1 or lottery.ndim != 1:
        raise ValueError("capacity, pref_ptr, pref_offer and lottery must be one-dimensional")
    if pref_score.ndim != 2 or pref_score.shape[1] < 1:
        raise ValueError("pref_score must have shape (n_pairs, k) with k >= 1")
    n_offers, n_pairs = capacity.shape[0], pref_offer.shape[0]
    if pref_ptr.shape[0] < 1:
        raise ValueError("pref_ptr must have n_applicants + 1 entries")
    n_applicants = pref_ptr.shape[0] - 1
    if lottery.shape[0] != n_applicants:
        raise ValueError(f"lottery has {lottery.shape[0]} entries, expected {n_applicants} (one per applicant)")
    if pref_score.shape[0] != n_pairs:
        raise ValueError(f"pref_score has {pref_score.shape[0]} rows, expected {n_pairs} (one per pair)")
    if pref_ptr[0] != 0 or pref_ptr[-1] != n_pairs or np.any(np.diff(pref_ptr) < 0):
        raise ValueError("pref_ptr must start at 0, be non-decreasing and end at the number of pairs")
    if n_offers and capacity.min() < 0:
        raise ValueError("capacities must be >= 0")
    if n_pairs and (pref_offer.min() < 0 or pref_offer.max() >= n_offers):
        raise ValueError("pref_offer holds an offer index out of range")
    if np.isnan(pref_score).any():
        raise ValueError("pref_score holds NaN")
    if not np.isfinite(lottery).all():
        raise ValueError("lotteries must be finite")
    if n_applicants > 1 and np.unique(lottery).shape[0] != n_applicants:
        raise ValueError("lotteries must be distinct")
    duplicate = _first_duplicate_preference(pref_ptr, pref_offer, n_offers)
    if duplicate >= 0:
        raise ValueError(f"applicant {duplicate} lists the same offer twice")
    return Instance(capacity, pref_ptr, pref_offer, pref_score, lottery)


def allocate(instance: Instance) -> Allocation:
    """Run applicant-proposing deferred acceptance; return the applicant-optimal stable matching.

    The instance is trusted (see build_instance for the checks). Deterministic and independent of the order
    of applicants and offers in the arrays (up to the relabelling).
    """
    assigned_pair, assigned_offer, admitted, last_pair = _deferred_acceptance(
        np.ascontiguousarray(instance.capacity, dtype=np.int64),
        np.ascontiguousarray(instance.pref_ptr, dtype=np.int64),
        np.ascontiguousarray(instance.pref_offer, dtype=np.int64),
        np.ascontiguousarray(instance.pref_score, dtype=np.float64),
        np.ascontiguousarray(instance.lottery, dtype=np.float64),
    )
    return Allocation(assigned_pair, assigned_offer, admitted, last_pair)


def _int_array(values, name: str) -> np.ndarray:
    array = np.asarray(values)
    if array.size and array.dtype.kind not in "iu" and (
        array.dtype.kind == "b" or not np.array_equal(array, np.round(array))
    ):
        raise ValueError(f"{name} must hold integers")
    return np.ascontiguousarray(array, dtype=np.int64)


@njit(cache=True)
def _first_duplicate_preference(pref_ptr, pref_offer, n_offers):  # pragma: no cover - compiled
    """Index of the first applicant listing an offer twice, or -1."""
    seen = np.full(n_offers, -1, dtype=np.int64)
    for a in range(pref_ptr.shape[0] - 1):
        for p in range(pref_ptr[a], pref_ptr[a + 1]):
            o = pref_offer[p]
            if seen[o] == a:
                return a
            seen[o] = a
    return -1


@njit(cache=True, inline="always")
def _outranks(pref_score, p, lottery_p, held_score, held_lottery, h):  # pragma: no cover - compiled
    """True when pair p (lottery lottery_p) ranks above held entry h: higher score vector, then lower lottery."""
    for j in range(pref_score.shape[1]):
        sp = pref_score[p, j]
        sh = held_score[h, j]
        if sp > sh:
            return True
        if sp < sh:
            return False
    return lottery_p < held_lottery[h]


@njit(cache=True, inline="always")
def _held_outranks(held_score, held_lottery, g, h):  # pragma: no cover - compiled
    """True when held entry g ranks above held entry h."""
    for j in range(held_score.shape[1]):
        sg = held_score[g, j]
        sh = held_score[h, j]
        if sg > sh:
            return True
        if sg < sh:
            return False
    return held_lottery[g] < held_lottery[h]


@njit(cache=True, inline="always")
def _move(held_pair, held_applicant, held_score, held_lottery, to, frm):  # pragma: no cover - compiled
    held_pair[to] = held_pair[frm]
    held_applicant[to] = held_applicant[frm]
    held_lottery[to] = held_lottery[frm]
    for j in range(held_score.shape[1]):
        held_score[to, j] = held_score[frm, j]


@njit(cache=True, inline="always")
def _put(held_pair, held_applicant, held_score, held_lottery, to, p, a, lottery_a, pref_score):  # pragma: no cover
    held_pair[to] = p
    held_applicant[to] = a
    held_lottery[to] = lottery_a
    for j in range(held_score.shape[1]):
        held_score[to, j] = pref_score[p, j]


@njit(cache=True)
def _deferred_acceptance(capacity, pref_ptr, pref_offer, pref_score, lottery):  # pragma: no cover - compiled
    n_applicants = pref_ptr.shape[0] - 1
    n_offers = capacity.shape[0]
    n_pairs = pref_offer.shape[0]
    k = pref_score.shape[1]

    # One heap per offer, sized min(capacity, pairs naming the offer), laid out back to back. A heap entry
    # holds a copy of the pair's key (score row, lottery) so that sifting reads one compact block of memory.
    demand = np.zeros(n_offers, dtype=np.int64)
    for p in range(n_pairs):
        demand[pref_offer[p]] += 1
    heap_start = np.empty(n_offers + 1, dtype=np.int64)
    heap_start[0] = 0
    for o in range(n_offers):
        heap_start[o + 1] = heap_start[o] + min(capacity[o], demand[o])
    n_held = heap_start[n_offers]
    held_pair = np.empty(n_held, dtype=np.int64)
    held_applicant = np.empty(n_held, dtype=np.int64)
    held_score = np.empty((n_held, k), dtype=np.float64)
    held_lottery = np.empty(n_held, dtype=np.float64)
    size = np.zeros(n_offers, dtype=np.int64)

    next_pair = pref_ptr[:n_applicants].copy()
    assigned_pair = np.full(n_applicants, -1, dtype=np.int64)

    for first in range(n_applicants):
        a = first
        while a >= 0:
            p = next_pair[a]
            if p >= pref_ptr[a + 1]:
                break  # list exhausted: no invitation
            o = pref_offer[p]
            base = heap_start[o]
            s = size[o]
            lottery_a = lottery[a]
            if s < capacity[o]:
                # A free place: push p and sift up (worst on top: every parent ranks below its children).
                i = s
                while i > 0:
                    parent = (i - 1) >> 1
                    if _outranks(pref_score, p, lottery_a, held_score, held_lottery, base + parent):
                        break
                    _move(held_pair, held_applicant, held_score, held_lottery, base + i, base + parent)
                    i = parent
                _put(held_pair, held_applicant, held_score, held_lottery, base + i, p, a, lottery_a, pref_score)
                size[o] = s + 1
                assigned_pair[a] = p
                a = -1
            elif s > 0 and _outranks(pref_score, p, lottery_a, held_score, held_lottery, base):
                # Full, and p outranks the worst held: p replaces it (sift down); the displaced proposes next.
                displaced = held_pair[base]
                b = held_applicant[base]
                i = 0
                while True:
                    child = 2 * i + 1
                    if child >= s:
                        break
                    if child + 1 < s and _held_outranks(held_score, held_lottery, base + child, base + child + 1):
                        child += 1
                    if not _outranks(pref_score, p, lottery_a, held_score, held_lottery, base + child):
                        break
                    _move(held_pair, held_applicant, held_score, held_lottery, base + i, base + child)
                    i = child
                _put(held_pair, held_applicant, held_score, held_lottery, base + i, p, a, lottery_a, pref_score)
                assigned_pair[a] = p
                assigned_pair[b] = -1
                next_pair[b] = displaced + 1
                a = b
            else:
                next_pair[a] = p + 1  # rejected: try the next preference

    assigned_offer = np.full(n_applicants, -1, dtype=np.int64)
    for a in range(n_applicants):
        if assigned_pair[a] >= 0:
            assigned_offer[a] = pref_offer[assigned_pair[a]]
    last_pair = np.full(n_offers, -1, dtype=np.int64)
    for o in range(n_offers):
        if size[o] > 0:
            last_pair[o] = held_pair[heap_start[o]]
    return assigned_pair, assigned_offer, size, last_pair
