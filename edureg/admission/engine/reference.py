"""A plain pure-Python version of the allocation (heapq), for tests and the benchmark.

Same algorithm and the same result as `allocation.allocate`, written the textbook way: a stack of free
applicants; each proposes to their next preference; each offer keeps a min-heap of the applicants it holds,
keyed so that its worst held applicant is on top.
"""

from __future__ import annotations

import heapq

import numpy as np

from .allocation import Allocation, Instance


def allocate_reference(instance: Instance) -> Allocation:
    capacity = [int(c) for c in instance.capacity]
    ptr = [int(x) for x in instance.pref_ptr]
    offers = [int(o) for o in instance.pref_offer]
    lottery = [float(x) for x in instance.lottery]
    n_applicants = len(ptr) - 1
    # Key of a pair at its offer: larger ranks higher (score vector, then the lower lottery).
    keys = [
        (tuple(float(s) for s in row), -lottery[a])
        for a in range(n_applicants)
        for row in instance.pref_score[ptr[a] : ptr[a + 1]]
    ]
    held: list[list[tuple]] = [[] for _ in capacity]  # per offer: heap of (key, pair, applicant), worst on top
    next_pair = ptr[:-1]
    assigned = [-1] * n_applicants
    free = list(range(n_applicants - 1, -1, -1))
    while free:
        a = free.pop()
        while next_pair[a] < ptr[a + 1]:
            p = next_pair[a]
            o = offers[p]
            heap = held[o]
            if len(heap) < capacity[o]:
                heapq.heappush(heap, (keys[p], p, a))
                assigned[a] = p
                break
            if heap and keys[p] > heap[0][0]:
                _, q, b = heapq.heapreplace(heap, (keys[p], p, a))
                assigned[a] = p
                assigned[b] = -1
                next_pair[b] = q + 1
                free.append(b)
                break
            next_pair[a] = p + 1
    assigned_pair = np.array(assigned, dtype=np.int64)
    assigned_offer = np.array([offers[p] if p >= 0 else -1 for p in assigned], dtype=np.int64)
    admitted = np.array([len(h) for h in held], dtype=np.int64)
    last_pair = np.array([h[0][1] if h else -1 for h in held], dtype=np.int64)
    return Allocation(assigned_pair, assigned_offer, admitted, last_pair)
