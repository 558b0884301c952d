"""Helpers for import tests: files as users make them."""

import codecs
import io

from edureg.core.imports.engine import run_import
from edureg.core.imports.registry import get_importer


def csv_bytes(header, rows, *, delimiter=";", encoding="utf-8", bom=False) -> bytes:
    lines = [delimiter.join(header), *(delimiter.join("" if v is None else str(v) for v in row) for row in rows)]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def xlsx_bytes(header, rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(name: str, data: bytes, **kwargs):
    return run_import(get_importer(name), data, **kwargs)


def errors_of(report) -> list[tuple]:
    """(row, column, message) of every error, for assertions."""
    return [(e.row, e.column, e.message) for e in report.errors]
