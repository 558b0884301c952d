"""The generic part of imports: reading files, headers, values. No register is involved."""

import codecs
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook

from edureg.core.imports import columns as c
from edureg.core.imports.reading import ImportFileError, check_size, decode, read_table, sniff_delimiter

HEADER = "Asmens kodas;Pradžios data;Klasė ar grupė\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class TestDecoding:
    def test_utf8_without_bom(self):
        table = read_table((HEADER + "1;2026-09-01;5ą\n").encode("utf-8"))
        assert table.header == ["Asmens kodas", "Pradžios data", "Klasė ar grupė"]
        assert table.rows == [(2, ["1", "2026-09-01", "5ą"])]
        assert table.encoding == "utf-8"

    def test_utf8_bom_is_not_part_of_the_first_header(self):
        table = read_table(codecs.BOM_UTF8 + (HEADER + "1;2;3\n").encode("utf-8"))
        assert table.header[0] == "Asmens kodas"
        assert table.encoding == "utf-8-sig"

    def test_windows_1257_is_decoded_when_utf8_fails(self):
        table = read_table((HEADER + "1;2026.09.01;Šiaulių ėė\n").encode("cp1257"))
        assert table.encoding == "cp1257"
        assert table.header[1] == "Pradžios data"
        assert table.rows[0][1][2] == "Šiaulių ėė"

    def test_utf16_with_bom(self):
        table = read_table((HEADER + "1;2;3\n").encode("utf-16"))
        assert table.header[2] == "Klasė ar grupė"

    def test_undecodable_bytes_name_the_line(self):
        # 0x81 and 0x98 are neither UTF-8 nor defined in Windows-1257.
        data = HEADER.encode("utf-8") + b"1;2;\x81\x98\n"
        with pytest.raises(ImportFileError, match=r"neither UTF-8 nor Windows-1257.*0x81.*line 2"):
            read_table(data)

    def test_bom_with_bad_bytes_after_it(self):
        with pytest.raises(ImportFileError, match="UTF-8"):
            decode(codecs.BOM_UTF8 + b"abc\xff")

    def test_binary_file_is_refused(self):
        with pytest.raises(ImportFileError, match="not a text"):
            read_table(b"abc\x00\x01\x02def")


class TestEmptyAndOddFiles:
    @pytest.mark.parametrize("data", [b"", b"   \n\r\n", codecs.BOM_UTF8 + b"\n;;\n"])
    def test_empty(self, data):
        with pytest.raises(ImportFileError, match="empty"):
            read_table(data)

    def test_header_without_rows(self):
        with pytest.raises(ImportFileError, match="no data rows"):
            read_table(HEADER.encode())

    def test_old_excel_format(self):
        with pytest.raises(ImportFileError, match=r"\.xls"):
            read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)

    def test_broken_xlsx(self):
        with pytest.raises(ImportFileError, match="cannot be opened"):
            read_table(b"PK\x03\x04 this is not a zip")

    def test_blank_rows_are_skipped_and_numbers_kept(self):
        table = read_table(b"a;b\n1;2\n;\n\n3;4\n")
        assert [n for n, _cells in table.rows] == [2, 5]


class TestDelimiters:
    def test_semicolon(self):
        assert read_table(b"a;b,c\n1;2,5\n").rows == [(2, ["1", "2,5"])]

    def test_comma(self):
        table = read_table(b'a,b\n1,"x;y"\n')
        assert table.delimiter == ","
        assert table.rows == [(2, ["1", "x;y"])]

    def test_tab(self):
        assert sniff_delimiter("a\tb\tc\n") == "\t"

    def test_quoted_delimiters_in_the_header_do_not_count(self):
        assert sniff_delimiter('"a,b,c";d\n') == ";"

    def test_single_column(self):
        assert read_table(b"a\n1\n").rows == [(2, ["1"])]

    def test_quoted_newline_in_a_cell(self):
        table = read_table(b'a;b\n1;"two\nlines"\n3;4\n')
        assert table.rows[0][1] == ["1", "two\nlines"]


class TestXlsx:
    def test_cells_become_text_or_dates(self):
        data = xlsx([["Asmens kodas", "Pradžios data", "Krūvis", None],
                     [39001010000, datetime.datetime(2026, 9, 1), 0.5, None],
                     [None, None, None, None],
                     ["49001010000", "2026.09.01", 1.0, None]])
        table = read_table(data)
        assert table.format == "xlsx"
        assert table.header == ["Asmens kodas", "Pradžios data", "Krūvis"]
        assert table.rows[0] == (2, ["39001010000", datetime.date(2026, 9, 1), "0.5", ""])
        assert table.rows[1][0] == 4
        assert table.rows[1][1][:3] == ["49001010000", "2026.09.01", "1"]

    def test_empty_workbook(self):
        with pytest.raises(ImportFileError, match="empty"):
            read_table(xlsx([]))


class TestSizeLimit:
    def test_over_the_limit(self):
        with pytest.raises(ImportFileError, match=r"largest file that can be imported is 10\sbytes"):
            check_size(11, limit=10)

    def test_the_setting_applies_to_files(self, settings, tmp_path):
        settings.EDUREG_MAX_UPLOAD_BYTES = 100
        path = tmp_path / "big.csv"
        path.write_bytes(b"a;b\n" + b"1;2\n" * 50)
        with pytest.raises(ImportFileError, match="Split it"):
            read_table(path)
        path.write_bytes(b"a;b\n1;2\n")
        assert read_table(path).rows == [(2, ["1", "2"])]

    def test_a_stream_without_size_is_cut_at_the_limit(self, settings):
        settings.EDUREG_MAX_UPLOAD_BYTES = 100
        with pytest.raises(ImportFileError):
            read_table(io.BytesIO(b"a;b\n" + b"1;2\n" * 50))


class TestHeaders:
    COLUMNS = (
        c.Column("personal_code", "Asmens kodas", "Personal code", required=True),
        c.Column("start_date", "Pradžios data", "Start date", c.parse_date),
        c.Column("email", "El. paštas", "E-mail", aliases=("Email",)),
    )

    @pytest.mark.parametrize("header", ["Asmens kodas", "ASMENS KODAS", "asmens_kodas", "Personal code",
                                        "personal_code", " Asmens  kodas* "])
    def test_spellings(self, header):
        positions, written, errors = c.map_header([header], self.COLUMNS)
        assert errors == [] and positions == {"personal_code": 0} and written["personal_code"] == header.strip()

    def test_accents_and_punctuation(self):
        positions, _written, errors = c.map_header(["asmens kodas", "pradzios data", "el pastas"], self.COLUMNS)
        assert errors == [] and positions == {"personal_code": 0, "start_date": 1, "email": 2}

    def test_unknown_column(self):
        _p, _w, errors = c.map_header(["Asmens kodas", "Batų dydis"], self.COLUMNS)
        assert len(errors) == 1 and "Batų dydis" in errors[0] and "column 2" in errors[0]

    def test_missing_required_column(self):
        _p, _w, errors = c.map_header(["Pradžios data"], self.COLUMNS)
        assert errors == ['The required column "Asmens kodas" ("Personal code") is missing.']

    def test_repeated_column(self):
        _p, _w, errors = c.map_header(["Asmens kodas", "Personal code"], self.COLUMNS)
        assert "twice" in errors[0]

    def test_empty_header_cell(self):
        _p, _w, errors = c.map_header(["Asmens kodas", ""], self.COLUMNS)
        assert errors == ["Column 2 has no header."]

    def test_two_columns_with_one_header_is_a_programming_error(self):
        with pytest.raises(ValueError, match="names both"):
            c.header_index([c.Column("a", "X", "Y"), c.Column("b", "x", "Z")])


class TestValues:
    @pytest.mark.parametrize("text", ["2026-09-01", "2026.09.01", "2026.9.1", "2026.09.01.", "2026-09-01 00:00:00"])
    def test_dates(self, text):
        assert c.parse_date(text) == datetime.date(2026, 9, 1)

    @pytest.mark.parametrize("text", ["01.09.2026", "2026/09/01", "rugsėjo 1", "20260901", "2026-09-01 10:15"])
    def test_bad_date_formats(self, text):
        with pytest.raises(ValueError, match="2026-09-01 or 2026.09.01"):
            c.parse_date(text)

    def test_impossible_date(self):
        with pytest.raises(ValueError, match="not a valid date"):
            c.parse_date("2026-02-30")

    def test_date_with_time_from_excel(self):
        with pytest.raises(ValueError, match="without a time"):
            c.parse_date(datetime.datetime(2026, 9, 1, 10, 0))

    def test_numbers(self):
        assert c.parse_decimal("0,5") == Decimal("0.5") == c.parse_decimal("0.5")
        assert c.parse_int("12") == 12 == c.parse_int("12.0")
        for bad, parser in (("1,5", c.parse_int), ("abc", c.parse_decimal), ("NaN", c.parse_decimal)):
            with pytest.raises(ValueError):
                parser(bad)

    def test_yes_no(self):
        assert [c.parse_bool(v) for v in ("Taip", "ne", "yes", "0", "1", "TRUE")] == [True, False, True, False,
                                                                                       True, True]
        with pytest.raises(ValueError, match="taip/ne"):
            c.parse_bool("galbūt")

    def test_text_length(self):
        assert c.text(3)("abc") == "abc"
        with pytest.raises(ValueError, match="At most 3"):
            c.text(3)("abcd")

    def test_empty_cells_are_none(self):
        column = c.Column("x", "X", "X", c.parse_date)
        assert column.convert("  ") is None and column.convert(None) is None and column.convert("") is None

    def test_code_list(self):
        assert c.code_list("MAT, LIT ;ANG") == ["MAT", "LIT", "ANG"]
