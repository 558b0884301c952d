"""The documented JSON format of an admission round, so that anyone can re-run an allocation.

Input::

    {"offers": [{"id": "OF-1", "capacity": 25}, ...],
     "applicants": [{"id": "AP-1", "lottery": 0.42,
                     "preferences": [{"offer": "OF-1", "score": [8.6, 1]}, ...]}, ...]}

Preferences are in the applicant's order (first = most wanted). At an offer, applicants are ordered by
`score` compared element by element (higher first; a shorter vector that equals the start of a longer one
ranks below it), then by `lottery` (lower first; lotteries are distinct). Other keys are ignored.

Output::

    {"assignments": {"AP-1": "OF-1", "AP-2": null, ...},
     "cutoffs": {"OF-1": {"score": [...], "lottery": ...} or null, ...}}

The cut-off of an offer is the key of its last (lowest-ranked) invited applicant, with the score as given in
the input; it is null when the offer is not full (fewer invited than places, or no places). Keys keep the
input's order.

Every malformed input raises RoundFileError naming the item: 'applicant "AP-7", preference 2: unknown offer
"OF-9"'. Positions (offer 3, applicant 5, preference 2, score[1]) count from 1, as a reader counts them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
from dataclasses import dataclass

import numpy as np

from .allocation import Allocation, Instance, allocate, build_instance

__all__ = ["RoundFile", "RoundFileError", "allocate_file", "canonical_hash", "dump", "load", "parse", "result"]


class RoundFileError(ValueError):
    """Malformed round file; str() names the item."""


_MISSING = object()


@dataclass(frozen=True)
class RoundFile:
    instance: Instance
    applicant_ids: list[str]
    offer_ids: list[str]
    score_len: np.ndarray  # int64 (n_pairs,): length of each pair's score vector as given


def parse(data: dict) -> RoundFile:
    """Validate a round given as parsed JSON and build the engine's instance."""
    if not isinstance(data, dict):
        raise RoundFileError('round file: expected a JSON object with "offers" and "applicants"')
    offers = _list(data, "offers", "round file")
    applicants = _list(data, "applicants", "round file")

    offer_ids: list[str] = []
    offer_index: dict[str, int] = {}
    capacity = np.empty(len(offers), dtype=np.int64)
    for i, offer in enumerate(offers):
        if not isinstance(offer, dict):
            raise RoundFileError(f"offer {i + 1}: expected an object")
        offer_id = _id(offer, f"offer {i + 1}")
        if offer_id in offer_index:
            raise RoundFileError(
                f"offer {_quote(offer_id)}: duplicate id (offers {offer_index[offer_id] + 1} and {i + 1})"
            )
        value = offer.get("capacity", _MISSING)
        if type(value) is not int or value < 0:
            if value is _MISSING:
                raise RoundFileError(f'offer {_quote(offer_id)}: missing "capacity"')
            raise RoundFileError(
                f"offer {_quote(offer_id)}: capacity must be a non-negative integer, got {_show(value)}"
            )
        offer_index[offer_id] = i
        offer_ids.append(offer_id)
        capacity[i] = value

    applicant_ids: list[str] = []
    applicant_index: dict[str, int] = {}
    lottery_owner: dict[float, str] = {}
    lottery: list[float] = []
    pref_ptr: list[int] = [0]
    pref_offer: list[int] = []
    scores: list[list[float]] = []
    for i, applicant in enumerate(applicants):
        if not isinstance(applicant, dict):
            raise RoundFileError(f"applicant {i + 1}: expected an object")
        applicant_id = _id(applicant, f"applicant {i + 1}")
        if applicant_id in applicant_index:
            raise RoundFileError(f"applicant {_quote(applicant_id)}: duplicate id "
                                 f"(applicants {applicant_index[applicant_id] + 1} and {i + 1})")
        if "lottery" not in applicant:
            raise RoundFileError(f'applicant {_quote(applicant_id)}: missing "lottery"')
        draw = _number(applicant["lottery"], lambda a=applicant_id: f"applicant {_quote(a)}: lottery")
        if draw in lottery_owner:
            raise RoundFileError(
                f"applicant {_quote(applicant_id)}: lottery {_show(applicant['lottery'])} is the same as applicant "
                f"{_quote(lottery_owner[draw])}'s"
            )
        preferences = applicant.get("preferences")
        if type(preferences) is not list:
            preferences = _list(applicant, "preferences", f"applicant {_quote(applicant_id)}")
        first = len(pref_offer)
        listed: set[int] = set()
        for j, preference in enumerate(preferences):
            offer_id = preference.get("offer", _MISSING) if isinstance(preference, dict) else _MISSING
            o = offer_index.get(offer_id, -1) if type(offer_id) is str else -1
            score = preference.get("score", _MISSING) if o >= 0 else _MISSING
            if o < 0 or type(score) is not list or not score or o in listed:
                _preference_error(applicant_id, j, preference, offer_index, pref_offer[first:])
            listed.add(o)
            values = []
            for n, value in enumerate(score):
                if type(value) is float and math.isfinite(value):
                    values.append(value)
                else:
                    values.append(_number(value, lambda a=applicant_id, n=n, j=j: (
                        f"applicant {_quote(a)}, preference {j + 1}: score[{n + 1}]")))
            scores.append(values)
            pref_offer.append(o)
        applicant_index[applicant_id] = i
        lottery_owner[draw] = applicant_id
        applicant_ids.append(applicant_id)
        lottery.append(draw)
        pref_ptr.append(len(pref_offer))

    score_len = np.fromiter((len(s) for s in scores), dtype=np.int64, count=len(scores))
    k = int(score_len.max()) if len(scores) else 1
    if len(scores) and score_len.min() == k:
        pref_score = np.array(scores, dtype=np.float64).reshape(len(scores), k)
    else:
        pref_score = np.full((len(scores), k), -np.inf, dtype=np.float64)
        for p, score in enumerate(scores):
            pref_score[p, : len(score)] = score
    instance = build_instance(capacity, pref_ptr, np.asarray(pref_offer, dtype=np.int64), pref_score, lottery)
    return RoundFile(instance, applicant_ids, offer_ids, score_len)


def _preference_error(applicant_id: str, j: int, preference, offer_index: dict, listed: list[int]):
    """Raise the error for a preference that failed the fast checks."""
    at = f"applicant {_quote(applicant_id)}, preference {j + 1}"
    if not isinstance(preference, dict):
        raise RoundFileError(f"{at}: expected an object")
    if "offer" not in preference:
        raise RoundFileError(f'{at}: missing "offer"')
    offer_id = preference["offer"]
    if not isinstance(offer_id, str):
        raise RoundFileError(f"{at}: offer must be a string, got {_show(offer_id)}")
    if offer_id not in offer_index:
        raise RoundFileError(f"{at}: unknown offer {_quote(offer_id)}")
    o = offer_index[offer_id]
    if o in listed:
        raise RoundFileError(f"{at}: offer {_quote(offer_id)} is already preference {listed.index(o) + 1}")
    if "score" not in preference:
        raise RoundFileError(f'{at}: missing "score"')
    score = preference["score"]
    if not isinstance(score, list):
        raise RoundFileError(f"{at}: score must be a list of numbers, got {_show(score)}")
    raise RoundFileError(f"{at}: score must not be empty")


def load(path) -> RoundFile:
    """Read and parse a round file; RoundFileError for an unreadable file or bad JSON."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        raise RoundFileError(f"{os.fspath(path)}: cannot read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise RoundFileError(f"{os.fspath(path)}: not UTF-8 text: {error.reason}") from error
    except json.JSONDecodeError as error:
        raise RoundFileError(
            f"{os.fspath(path)}: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from error
    return parse(data)


def result(rf: RoundFile, allocation: Allocation) -> dict:
    """The published result: assignments per applicant and cut-offs per offer, in the input's order."""
    instance = rf.instance
    assignments = {
        applicant_id: (rf.offer_ids[o] if o >= 0 else None)
        for applicant_id, o in zip(rf.applicant_ids, allocation.assigned_offer.tolist(), strict=True)
    }
    pair_applicant = instance.pair_applicant()
    capacity = instance.capacity.tolist()
    admitted = allocation.admitted.tolist()
    cutoffs: dict[str, dict | None] = {}
    for o, (offer_id, p) in enumerate(zip(rf.offer_ids, allocation.last_pair.tolist(), strict=True)):
        if p < 0 or admitted[o] < capacity[o]:
            cutoffs[offer_id] = None
        else:
            cutoffs[offer_id] = {
                "score": instance.pref_score[p, : rf.score_len[p]].tolist(),
                "lottery": float(instance.lottery[pair_applicant[p]]),
            }
    return {"assignments": assignments, "cutoffs": cutoffs}


def dump(data: dict, path) -> None:
    """Write a round or a result as JSON (UTF-8, indent=1, keys in their order, final newline)."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, ensure_ascii=False, allow_nan=False)
        handle.write("\n")


def allocate_file(input_path, output_path) -> dict:
    """Load a round file, allocate, write the result to output_path and return it."""
    rf = load(input_path)
    data = result(rf, allocate(rf.instance))
    try:
        dump(data, output_path)
    except OSError as error:
        raise RoundFileError(f"{os.fspath(output_path)}: cannot write: {error.strerror or error}") from error
    return data


def canonical_hash(data: dict) -> str:
    """SHA-256 (hex) of the canonical JSON of data: sorted keys, no spaces, UTF-8."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _list(container: dict, key: str, where: str) -> list:
    if key not in container:
        raise RoundFileError(f'{where}: missing "{key}"')
    value = container[key]
    if not isinstance(value, list):
        raise RoundFileError(f'{where}: "{key}" must be a list, got {_show(value)}')
    return value


def _id(item: dict, where: str) -> str:
    if "id" not in item:
        raise RoundFileError(f'{where}: missing "id"')
    value = item["id"]
    if not isinstance(value, str) or not value:
        raise RoundFileError(f"{where}: id must be a non-empty string, got {_show(value)}")
    return value


def _number(value, where) -> float:
    """A finite JSON number (int or float, not a boolean) as float; where() names it in the error."""
    number = math.nan
    if type(value) is float:
        number = value
    elif type(value) is int:
        with contextlib.suppress(OverflowError):
            number = float(value)
    if not math.isfinite(number):
        raise RoundFileError(f"{where()} must be a finite number, got {_show(value)}")
    return number


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _show(value) -> str:
    """A short JSON-like rendering of a bad value for messages."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
        return "a number too large"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."
