"""Exports of a user's scoped queryset with the import columns, so that an export can be edited and imported
again: CSV with `;` and a UTF-8 BOM (what Excel in Lithuania opens directly) and XLSX."""

import csv
import datetime
import io
from collections.abc import Iterator
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from edureg.core.imports.engine import Importer

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")  # the Lithuanian decimal comma
    return str(value)


def _xlsx_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return float(value)
    return value


def _log_export(importer: Importer, user) -> None:
    """An export with full personal codes is a read of personal data: one access-log entry per export."""
    from django.contrib.contenttypes.models import ContentType

    from edureg.core.audit.context import current
    from edureg.core.models import ReadAccess

    ctx = current()
    ReadAccess.objects.create(
        user=user if user.is_authenticated else None, user_name=user.get_username(), request_id=ctx.request_id,
        source="export", content_type=ContentType.objects.get_for_model(importer.model), object_id="export",
        object_repr=str(_("export of %(what)s with personal codes") % {
            "what": importer.model._meta.verbose_name_plural})[:200])


def export_table(importer: Importer, user, queryset=None) -> tuple[list[str], Iterator[list]]:
    """Headers (in the active language) and the rows of the records this user may see."""
    scoped = importer.export_queryset(user)
    if queryset is not None:
        scoped = scoped.filter(pk__in=queryset.values("pk"))
    show_codes = importer.show_codes(user)
    if show_codes:
        _log_export(importer, user)
    columns = list(importer.columns)

    def rows():
        iterable = scoped.iterator(chunk_size=2000) if not scoped._prefetch_related_lookups else scoped
        for obj in iterable:
            values = importer.export_row(obj, show_codes=show_codes)
            yield [values.get(c.name) for c in columns]

    return [c.label() for c in columns], rows()


class _Echo:
    def write(self, value):
        return value


def csv_lines(importer: Importer, user, queryset=None) -> Iterator[str]:
    headers, rows = export_table(importer, user, queryset)
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(headers)
    for row in rows:
        yield writer.writerow([_csv_value(v) for v in row])


def xlsx_bytes(importer: Importer, user, queryset=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    headers, rows = export_table(importer, user, queryset)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=importer.name[:31] or "data")
    sheet.append(headers)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
            if isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _filename(importer: Importer, extension: str) -> str:
    return f"{importer.name}-{timezone.localdate().isoformat()}.{extension}"


def csv_response(importer: Importer, user, queryset=None) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(importer, user, queryset), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(importer, "csv")}"'
    return response


def xlsx_response(importer: Importer, user, queryset=None) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(importer, user, queryset), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(importer, "xlsx")}"'
    return response
