"""Reading what users upload: CSV in UTF-8 (with or without BOM) or Windows-1257, `;` or `,`, and XLSX.

The result is a `Table`: the header cells and the data rows, each with its row number as a spreadsheet
shows it (the header is row 1). Problems with the file as a whole raise `ImportFileError`.
"""

import codecs
import csv
import datetime
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DELIMITERS = (";", ",", "\t")
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "utf-16": "UTF-16", "cp1257": "Windows-1257"}


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message is for the user."""


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number, cells)
    format: str = "csv"  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""

    def describe(self) -> str:
        if self.format == "xlsx":
            return "XLSX"
        shown = {"\t": "TAB"}.get(self.delimiter, self.delimiter)
        return f"CSV, {ENCODING_NAMES.get(self.encoding, self.encoding)}, '{shown}'"


def max_upload_bytes() -> int:
    return int(getattr(settings, "EDUREG_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))


def check_size(size: int, limit: int | None = None) -> None:
    limit = max_upload_bytes() if limit is None else limit
    if size > limit:
        raise ImportFileError(_("The file is %(size)s; the largest file that can be imported is %(limit)s. "
                                "Split it into smaller files.") % {
            "size": filesizeformat(size), "limit": filesizeformat(limit)})


def read_bytes(source, limit: int | None = None) -> tuple[bytes, str]:
    """The content and the file name of a path, bytes or file-like object, refusing files over the limit."""
    if isinstance(source, bytes | bytearray):
        check_size(len(source), limit)
        return bytes(source), ""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        check_size(path.stat().st_size, limit)
        return path.read_bytes(), path.name
    size = getattr(source, "size", None)
    if size is not None:
        check_size(size, limit)
    if hasattr(source, "seek"):
        source.seek(0)
    # Read one byte past the limit so that a stream without a size is refused too.
    cap = (max_upload_bytes() if limit is None else limit) + 1
    data = source.read(cap)
    check_size(len(data), limit)
    return data, os.path.basename(getattr(source, "name", "") or "")


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding: a BOM decides; otherwise UTF-8, then Windows-1257 (Lithuanian Excel's CSV)."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise ImportFileError(_("The file starts with a %(enc)s mark but byte %(pos)d is not valid "
                                        "%(enc)s.") % {"enc": ENCODING_NAMES[encoding], "pos": exc.start + 1}) from None
    if b"\x00" in data:
        raise ImportFileError(_("The file is not a text (CSV) file nor an XLSX workbook."))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1257"), "cp1257"
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(_("The file is neither UTF-8 nor Windows-1257 text: byte 0x%(byte)02X on line "
                                "%(line)d cannot be read. Save the file as \"CSV UTF-8\" or XLSX.") % {
            "byte": data[exc.start], "line": line}) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent of `;`, `,` and TAB outside quotes (`;` on a tie)."""
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_csv(text: str, encoding: str) -> Table:
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise ImportFileError(_("The file cannot be read as CSV (line %(line)d): %(err)s") % {
            "line": reader.line_num, "err": exc}) from None
    start = next((i for i, r in enumerate(records) if not _blank(r)), None)
    if start is None:
        raise ImportFileError(_("The file is empty."))
    header = [c.strip() for c in records[start]]
    rows = [(i + 1, r) for i, r in enumerate(records[start + 1:], start=start + 1) if not _blank(r)]
    return Table(header=header, rows=rows, format="csv", encoding=encoding, delimiter=delimiter)


def _cell(value):
    """XLSX cell values as the parsers expect them: text, or a date for date cells."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time(0) else value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, datetime.date) else str(value)


def _open_workbook(data: bytes):
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ImportFileError(_("The file looks like an Excel workbook but cannot be opened. Save it again as "
                                "XLSX or CSV.")) from None


def _sheet_table(sheet) -> Table | None:
    """A worksheet as a table; None when the sheet is empty."""
    header = None
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell(v) for v in values]
        if _blank(cells):
            continue
        if header is None:
            header = [str(c).strip() for c in cells]
            while header and not header[-1]:
                header.pop()
            continue
        rows.append((number, cells))
    return None if header is None else Table(header=header, rows=rows, format="xlsx")


def read_xlsx(data: bytes) -> Table:
    workbook = _open_workbook(data)
    try:
        table = _sheet_table(workbook.worksheets[0])
    finally:
        workbook.close()
    if table is None:
        raise ImportFileError(_("The file is empty."))
    return table


def read_workbook(source, *, limit: int | None = None) -> dict[str, Table | None]:
    """Every sheet of an XLSX workbook by its title (None for an empty sheet), for imports that read
    several related tables (e.g. programmes and their modules). A CSV file is refused: it holds one table."""
    data, name = read_bytes(source, limit)
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(XLS_MAGIC) or name.lower().endswith(".xls"):
        raise ImportFileError(_("Old Excel files (.xls) cannot be imported: save the file as XLSX."))
    if not data.startswith(XLSX_MAGIC):
        raise ImportFileError(_("This import needs an XLSX workbook with several sheets; a CSV file holds only "
                                "one table."))
    workbook = _open_workbook(data)
    try:
        return {sheet.title: _sheet_table(sheet) for sheet in workbook.worksheets}
    finally:
        workbook.close()


def read_table(source, *, limit: int | None = None) -> Table:
    """Read a CSV or XLSX file (a path, bytes or an uploaded file)."""
    data, name = read_bytes(source, limit)
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(XLS_MAGIC) or name.lower().endswith(".xls"):
        raise ImportFileError(_("Old Excel files (.xls) cannot be imported: save the file as XLSX or CSV."))
    if data.startswith(XLSX_MAGIC):
        table = read_xlsx(data)
    else:
        text, encoding = decode(data)
        table = read_csv(text, encoding)
    if not table.rows:
        raise ImportFileError(_("The file has a header but no data rows."))
    return table
