"""Small tables built row by row (registers of hundreds or thousands of rows) turned into column arrays."""

import datetime
from dataclasses import fields

import numpy as np

from edureg.synthetic.engine.tables import NAT


def to_table(cls, rows: list[dict]):
    """A Table of `cls` from dicts with its field names. Dates (or None in a date column) become
    datetime64[D] with NaT; ints int64; floats float64 (NaN for none); anything else an object array."""
    out = {}
    for f in fields(cls):
        values = [r[f.name] for r in rows]
        sample = next((v for v in values if v is not None), None)
        if isinstance(sample, datetime.date):
            out[f.name] = np.array([NAT if v is None else np.datetime64(v, "D") for v in values],
                                   dtype="datetime64[D]")
        elif isinstance(sample, bool | np.bool_):
            out[f.name] = np.array(values, dtype=bool)
        elif isinstance(sample, int | np.integer):
            out[f.name] = np.array(values, dtype=np.int64)
        elif isinstance(sample, float | np.floating):
            out[f.name] = np.array([np.nan if v is None else v for v in values], dtype=float)
        else:
            arr = np.empty(len(values), dtype=object)
            for i, v in enumerate(values):  # one by one: lists stay list values, not a second dimension
                arr[i] = v
            out[f.name] = arr
    return cls(**out)


def add_days(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=int(days))


def random_date(rng: np.random.Generator, start: datetime.date, end: datetime.date) -> datetime.date:
    """A uniformly random day in [start, end] (start when the range is empty)."""
    span = (end - start).days
    return start if span <= 0 else add_days(start, int(rng.integers(0, span + 1)))


def genitive(name: str) -> str:
    """The genitive of a Lithuanian occupation name (its last word): 'Automobilių mechanikas' ->
    'Automobilių mechaniko', 'Šaltkalvis' -> 'Šaltkalvio', 'Baldžius' -> 'Baldžiaus', 'Dailidė' -> 'Dailidės'."""
    head, _sep, last = name.rpartition(" ")
    for ending, replacement in (("ius", "iaus"), ("ys", "io"), ("is", "io"), ("as", "o"), ("us", "aus"),
                                ("ė", "ės"), ("a", "os")):
        if last.endswith(ending):
            last = last[: -len(ending)] + replacement
            break
    return f"{head} {last}" if head else last
