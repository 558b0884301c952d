"""Catalogue search in Lithuanian and English, the same on SQLite and PostgreSQL (docs/adr/0006).

A searchable row keeps `search_text`: its names and codes folded (lower case, no diacritics, words
separated by single spaces, with a space at each end). A query is folded the same way, each word is cut
to its stem (a Lithuanian inflection ending is dropped), and a row matches when every stem begins one of
its words. So "suvirint" and "suvirintojo" find "suvirintojas", and "siuvejas" finds "siuvėjas".
"""

import re
import unicodedata
from functools import reduce
from operator import and_

from django.db.models import Q

_NON_WORD = re.compile(r"[^0-9a-z]+")

# Inflection endings of Lithuanian nouns and adjectives, folded, longest first.
_ENDINGS = sorted({
    "iams", "iems", "ioms", "iuose", "uose", "ose", "ese", "yse", "iuos", "ais", "ams", "oms", "ems", "ims",
    "ums", "ius", "ias", "ies", "iai", "iui", "iu", "io", "ia", "as", "is", "ys", "us", "ai", "ei", "ui",
    "os", "es", "a", "e", "i", "o", "u", "y",
}, key=len, reverse=True)
MIN_STEM = 4


def fold(text: str) -> str:
    """Lower case, without diacritics, punctuation turned into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _NON_WORD.sub(" ", plain).strip()


def search_document(*parts: str | None) -> str:
    """The stored `search_text` for these names and codes."""
    words = fold(" ".join(p for p in parts if p)).split()
    return f" {' '.join(words)} " if words else ""


def stem(word: str) -> str:
    """Drop one inflection ending, keeping at least MIN_STEM letters."""
    if len(word) <= MIN_STEM:
        return word
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def query_stems(query: str) -> list[str]:
    return [stem(word) for word in fold(query).split()]


def search_q(query: str, field: str = "search_text") -> Q | None:
    """A filter matching rows whose words start with every stem of `query`; None for an empty query."""
    stems = query_stems(query)
    if not stems:
        return None
    return reduce(and_, (Q(**{f"{field}__contains": f" {s}"}) for s in stems))


def search(queryset, query: str, field: str = "search_text"):
    q = search_q(query, field)
    return queryset.filter(q) if q is not None else queryset
