"""Columns of an import file: accepted headers (Lithuanian and English), value parsers, header mapping.

A parser takes the cell (text, or a date from an XLSX date cell) and returns the value, or raises
ValueError with a message for the user. Empty cells never reach a parser: they are None.
"""

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

_PUNCT = re.compile(r"[\s._\-/()\[\]:*#,;]+")


def normalise_header(text) -> str:
    """Case, accents, punctuation and spacing do not matter: "Pradžios data" == "pradzios_data"."""
    text = unicodedata.normalize("NFKD", str(text or "")).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _PUNCT.sub(" ", text).strip()


@dataclass(frozen=True)
class Column:
    """One column: its key (usually the model field), its Lithuanian and English headers and its parser."""

    name: str
    lt: str
    en: str
    parse: Callable[[Any], Any] | None = None
    required: bool = False  # the header must be there and every row must have a value
    aliases: tuple[str, ...] = ()
    export_only: bool = False  # written by exports for the reader; ignored by imports
    help: str = ""  # for docs/imports.md

    def headers(self) -> tuple[str, ...]:
        return (self.lt, self.en, self.name, *self.aliases)

    def label(self, language: str | None = None) -> str:
        language = (language or get_language() or "lt")[:2]
        return self.en if language == "en" else self.lt

    def convert(self, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            value = value.strip()
        return self.parse(value) if self.parse else value


def header_index(columns: Iterable[Column]) -> dict[str, Column]:
    """Normalised header → column; refuses two columns claiming the same header (a programming error)."""
    index: dict[str, Column] = {}
    for column in columns:
        for header in column.headers():
            key = normalise_header(header)
            if key in index and index[key] is not column:
                raise ValueError(f"header {header!r} names both {index[key].name} and {column.name}")
            index[key] = column
    return index


def map_header(header: list[str], columns: Iterable[Column]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Match the file's header cells to columns.

    Returns ({column name: cell index}, {column name: header as written}, [error messages]). Unknown,
    repeated and missing required columns are errors of the file as a whole.
    """
    columns = list(columns)
    index = header_index(columns)
    positions: dict[str, int] = {}
    written: dict[str, str] = {}
    errors: list[str] = []
    for i, cell in enumerate(header):
        if not cell.strip():
            errors.append(_("Column %(n)d has no header.") % {"n": i + 1})
            continue
        column = index.get(normalise_header(cell))
        if column is None:
            errors.append(_("Unknown column \"%(header)s\" (column %(n)d). Known columns: %(known)s.") % {
                "header": cell, "n": i + 1,
                "known": ", ".join(c.label() for c in columns if not c.export_only)})
            continue
        if column.name in positions:
            errors.append(_("The column \"%(header)s\" appears twice (columns %(a)d and %(b)d).") % {
                "header": cell, "a": positions[column.name] + 1, "b": i + 1})
            continue
        positions[column.name] = i
        written[column.name] = cell.strip()
    for column in columns:
        if column.required and column.name not in positions:
            errors.append(_("The required column \"%(lt)s\" (\"%(en)s\") is missing.") % {
                "lt": column.lt, "en": column.en})
    return positions, written, errors


# Parsers ---------------------------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})[-.](\d{1,2})[-.](\d{1,2})\.?(?:[ T]00:00(?::00(?:\.0+)?)?)?$")


def parse_date(value) -> datetime.date:
    """2026-09-01 or 2026.09.01 (a trailing dot and an Excel midnight time are tolerated)."""
    if isinstance(value, datetime.datetime):
        raise ValueError(_("Expected a date without a time of day, got %(v)s.") % {"v": value.isoformat(" ")})
    if isinstance(value, datetime.date):
        return value
    match = _DATE.match(str(value).strip())
    if not match:
        raise ValueError(_("\"%(v)s\" is not a date: write dates as 2026-09-01 or 2026.09.01.") % {"v": value})
    try:
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise ValueError(_("\"%(v)s\" is not a valid date.") % {"v": value}) from None


def parse_text(value) -> str:
    return str(value).strip()


def text(max_length: int) -> Callable[[Any], str]:
    def parse(value) -> str:
        value = str(value).strip()
        if len(value) > max_length:
            raise ValueError(_("At most %(n)d characters (this value has %(m)d).") % {"n": max_length, "m": len(value)})
        return value

    return parse


def parse_code(value) -> str:
    """A code: text as written (an XLSX number cell 12.0 is "12"), without surrounding spaces."""
    return str(value).strip()


def parse_int(value) -> int:
    text_value = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"[+-]?\d+(?:[.,]0+)?", text_value):
        return int(re.split(r"[.,]", text_value)[0])
    raise ValueError(_("\"%(v)s\" is not a whole number.") % {"v": value})


def parse_decimal(value) -> Decimal:
    """Either decimal separator: 0,5 or 0.5."""
    text_value = str(value).strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        result = Decimal(text_value)
    except InvalidOperation:
        raise ValueError(_("\"%(v)s\" is not a number.") % {"v": value}) from None
    if not result.is_finite():
        raise ValueError(_("\"%(v)s\" is not a number.") % {"v": value})
    return result


TRUE_WORDS = {"1", "taip", "t", "yes", "y", "true", "tiesa", "+", "x"}
FALSE_WORDS = {"0", "ne", "n", "no", "false", "netiesa", "-"}


def parse_bool(value) -> bool:
    word = normalise_header(value) or str(value).strip()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(_("\"%(v)s\" is not yes or no: write taip/ne (yes/no, 1/0).") % {"v": value})


def choice(choices, aliases: dict[str, str] | None = None) -> Callable[[Any], str]:
    """A value of a TextChoices: its code, its label in Lithuanian or English, or an alias."""
    from django.utils import translation

    known: dict[str, str] = {}

    def parse(value) -> str:
        if not known:  # built on first use, when translations are loaded
            known.update({normalise_header(k): v for k, v in (aliases or {}).items()})
            for member in choices:
                known.setdefault(normalise_header(member.value), member.value)
                for language in ("lt", "en"):
                    with translation.override(language):
                        known.setdefault(normalise_header(str(member.label)), member.value)
        wanted = normalise_header(value)
        if wanted in known:
            return known[wanted]
        raise ValueError(_("\"%(v)s\" is not one of: %(codes)s.") % {
            "v": value, "codes": ", ".join(m.value for m in choices)})

    return parse


def code_list(value) -> list[str]:
    """Several codes in one cell, separated by commas, semicolons, slashes or spaces."""
    return [c for c in re.split(r"[\s,;|/]+", str(value).strip()) if c]
