"""Spreadsheet import and export (CSV and XLSX) keyed on natural codes; see docs/imports.md.

reading  decoding, delimiter sniffing, XLSX, the size limit
columns  headers (Lithuanian and English), value parsers
engine   the Importer base class and the run: validate in bulk, write all or nothing (or skip bad rows)
report   the row-error and report model
export   CSV (`;`, UTF-8 BOM) and XLSX of a user's scoped queryset
registry importers by name; jobs/tasks: background runs; admin: the ModelAdmin mixin
"""
