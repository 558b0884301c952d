"""Identifiers: Lithuanian personal codes and legal-entity codes, computed on whole arrays.

The rules are those of python-stdnum (`stdnum.lt.asmens`) and of
`edureg.core.validators.legal_entity_check_digit`; the tests check both against these functions.
"""

import numpy as np

_PERSONAL_W1 = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 1])
_PERSONAL_W2 = np.array([3, 4, 5, 6, 7, 8, 9, 1, 2, 3])
_ENTITY_W = np.arange(1, 9)


def _digits(numbers: np.ndarray, width: int) -> np.ndarray:
    """(n, width) array of the decimal digits of non-negative integers, most significant first."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (numbers.astype(np.int64)[:, None] // powers) % 10


def personal_codes(birth: np.ndarray, male: np.ndarray, serial: np.ndarray) -> np.ndarray:
    """11-digit personal codes for birth dates (datetime64[D]), sex (True = male) and serials 0..999."""
    birth = birth.astype("datetime64[D]")
    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    century = (years - 1800) // 100
    first = 1 + 2 * century + np.where(male, 0, 1)
    body = (((first * 100 + years % 100) * 100 + months) * 100 + days) * 1000 + serial.astype(np.int64)
    digits = _digits(body, 10)
    check = (digits * _PERSONAL_W1).sum(axis=1) % 11
    second = (digits * _PERSONAL_W2).sum(axis=1) % 11
    check = np.where(check == 10, second, check) % 10
    return np.char.mod("%011d", body * 10 + check).astype(object)


def unique_serials(rng: np.random.Generator, birth: np.ndarray, male: np.ndarray) -> np.ndarray:
    """Serials that make the codes unique: people born on the same day with the same sex get distinct ones."""
    n = len(birth)
    key = birth.astype("datetime64[D]").astype(np.int64) * 2 + male.astype(np.int64)
    order = np.lexsort((rng.random(n), key))
    sorted_key = key[order]
    starts = np.r_[0, np.flatnonzero(sorted_key[1:] != sorted_key[:-1]) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, n]))
    rank = np.arange(n) - group_start
    if n and rank.max() >= 1000:
        raise ValueError("more than 1,000 people born on one day with the same sex")
    offset = rng.integers(0, 1000, len(starts))
    step = 7  # coprime with 1000: distinct ranks give distinct serials
    serial = np.empty(n, dtype=np.int64)
    serial[order] = (np.repeat(offset, np.diff(np.r_[starts, n])) + rank * step) % 1000
    return serial


def legal_entity_check_digits(bodies: np.ndarray) -> np.ndarray:
    """Check digit of 8-digit bodies (weights 1..8, sum mod 11); -1 where the remainder is 10."""
    remainder = (_digits(bodies, 8) * _ENTITY_W).sum(axis=1) % 11
    return np.where(remainder == 10, -1, remainder)


def legal_entity_codes(rng: np.random.Generator, prefixes: np.ndarray) -> np.ndarray:
    """Distinct valid 9-digit codes, one per 2-digit prefix given (e.g. 19 for municipal schools)."""
    n = len(prefixes)
    result = np.empty(n, dtype=object)
    used: set[int] = set()
    pending = np.arange(n)
    while len(pending):
        bodies = prefixes[pending].astype(np.int64) * 1_000_000 + rng.integers(0, 1_000_000, len(pending))
        check = legal_entity_check_digits(bodies)
        still = []
        for i, body, digit in zip(pending.tolist(), bodies.tolist(), check.tolist(), strict=True):
            if digit < 0 or body in used:
                still.append(i)
                continue
            used.add(body)
            result[i] = f"{body:08d}{digit}"
        pending = np.array(still, dtype=np.int64)
    return result
