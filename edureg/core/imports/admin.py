"""Import and export pages for the back-office: a mixin for a register's ModelAdmin.

    class EnrolmentAdmin(ImportExportMixin, RegisterAdmin):
        importer = "learners.imports.EnrolmentImporter"

adds to the changelist an "Import" page (upload → preview of every bad row → confirm) and "Export CSV" /
"Export XLSX" links. Import needs the add or change permission on the model, export the view permission;
rows are checked against the user's scope by the importer, exports hold only `for_user(user, "view")`.
"""

import csv

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edureg.core.imports import export
from edureg.core.imports.jobs import create_job, load_job, start_job
from edureg.core.imports.reading import ImportFileError, max_upload_bytes
from edureg.core.imports.registry import get_importer

SESSION_KEY = "edureg_import_jobs"
ERRORS_SHOWN = 1000


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX)"))
    skip_bad_rows = forms.BooleanField(
        label=gettext_lazy("Skip bad rows"), required=False,
        help_text=gettext_lazy("Import the good rows and leave out the bad ones. Without this, a file with any "
                               "bad row imports nothing."))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        name = (uploaded.name or "").lower()
        if not name.endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return uploaded


class ImportExportMixin:
    """Put it before RegisterAdmin (or ModelAdmin) in the bases; set `importer` to a dotted path."""

    importer: str = ""
    change_list_template = "admin/imports/change_list.html"

    # Permissions -------------------------------------------------------------------------------------

    def has_import_permission(self, request) -> bool:
        return bool(self.importer) and (self.has_add_permission(request) or self.has_change_permission(request))

    def has_export_permission(self, request) -> bool:
        return bool(self.importer) and self.has_view_permission(request)

    def get_importer_class(self):
        return get_importer(self.importer)

    def _url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name=self._url_name("import")),
            path("import/template.xlsx", wrap(self.import_template_view), name=self._url_name("import_template")),
            path("import/<str:token>/", wrap(self.import_job_view), name=self._url_name("import_job")),
            path("import/<str:token>/errors.csv", wrap(self.import_errors_view),
                 name=self._url_name("import_errors")),
            path("export/<str:fmt>/", wrap(self.export_view), name=self._url_name("export")),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        query = request.GET.urlencode()
        suffix = f"?{query}" if query else ""
        context = {
            "has_import_permission": self.has_import_permission(request),
            "has_export_permission": self.has_export_permission(request),
            "import_url": reverse(f"admin:{self._url_name('import')}"),
            "export_csv_url": reverse(f"admin:{self._url_name('export')}", args=["csv"]) + suffix,
            "export_xlsx_url": reverse(f"admin:{self._url_name('export')}", args=["xlsx"]) + suffix,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    def _context(self, request, title: str, **extra) -> dict:
        return {**self.admin_site.each_context(request), "title": title, "opts": self.opts,
                "app_label": self.opts.app_label, "changelist_url": reverse(f"admin:{self._url_name('changelist')}"),
                "import_url": reverse(f"admin:{self._url_name('import')}"), **extra}

    # Import ------------------------------------------------------------------------------------------

    def _session_job(self, request, token: str):
        if token not in request.session.get(SESSION_KEY, []):
            raise Http404(_("No such import in this session."))
        job = load_job(token)
        if job is None or job.meta.get("user_id") != request.user.pk:
            raise Http404(_("No such import in this session."))
        if job.meta.get("importer") != self.importer:
            raise Http404(_("No such import in this session."))
        return job

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = create_job(form.cleaned_data["file"], user=request.user, importer=self.importer,
                                 skip_bad_rows=form.cleaned_data["skip_bad_rows"])
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-19:], job.token]
                start_job(job, dry_run=True)
                return redirect(reverse(f"admin:{self._url_name('import_job')}", args=[job.token]))
        importer = self.get_importer_class()
        context = self._context(
            request, _("Import %(what)s") % {"what": self.opts.verbose_name_plural}, form=form,
            columns=importer.importable_columns(), sheets=getattr(importer, "sheets", ()),
            max_bytes=max_upload_bytes(), template_url=reverse(f"admin:{self._url_name('import_template')}"))
        return TemplateResponse(request, "admin/imports/import.html", context)

    def import_template_view(self, request):
        """An empty file with the columns' headers (a workbook with every sheet for workbook imports)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        importer = self.get_importer_class()(actor=request.user)
        response = HttpResponse(importer.template_xlsx(), content_type=export.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{importer.name}-template.xlsx"'
        return response

    def import_job_view(self, request, token):
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = self._session_job(request, token)
        state = job.state
        if request.method == "POST":
            action = request.POST.get("action")
            if action == "cancel":
                job.discard()
                self.message_user(request, _("The import was cancelled; nothing was written."), messages.INFO)
                return redirect(reverse(f"admin:{self._url_name('changelist')}"))
            report = job.report
            if (action == "confirm" and state.get("phase") == "preview" and state.get("status") == "done"
                    and report is not None and report.importable):
                start_job(job, dry_run=False)
                job = load_job(token) or job
                final = job.report
                if job.state.get("status") == "done" and final is not None and final.written:
                    self.message_user(request, _("Imported: %(summary)s. Job %(job)s.") % {
                        "summary": final.summary(), "job": job.token}, messages.SUCCESS)
            return redirect(reverse(f"admin:{self._url_name('import_job')}", args=[token]))
        report = job.report
        errors = report.errors if report else []
        context = self._context(
            request, _("Import %(what)s") % {"what": self.opts.verbose_name_plural}, job=job, meta=job.meta,
            state=state, report=report, errors=errors[:ERRORS_SHOWN], more_errors=max(0, len(errors) - ERRORS_SHOWN),
            notes=report.notes[:ERRORS_SHOWN] if report else [], by_sheet=any(e.sheet for e in errors),
            running=state.get("status") in ("new", "queued", "running"),
            percent=int(100 * state.get("done", 0) / state["total"]) if state.get("total") else 0,
            errors_url=reverse(f"admin:{self._url_name('import_errors')}", args=[token]))
        return TemplateResponse(request, "admin/imports/job.html", context)

    def import_errors_view(self, request, token):
        if not self.has_import_permission(request):
            raise PermissionDenied
        report = self._session_job(request, token).report
        response = HttpResponse(content_type=export.CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="errors-{token[:8]}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        errors = report.errors if report else []
        if any(e.sheet for e in errors):  # a workbook read sheet by sheet
            writer.writerow([_("Sheet"), _("Row"), _("Column"), _("Message")])
            for error in errors:
                writer.writerow([error.sheet, error.row or "", error.column, error.message])
            return response
        writer.writerow([_("Row"), _("Column"), _("Message")])
        for error in errors:
            writer.writerow([error.row or "", error.column, error.message])
        return response

    # Export ------------------------------------------------------------------------------------------

    def _filtered_queryset(self, request):
        """The changelist's filters and search, when the export link carries them."""
        if not request.GET:
            return None
        try:
            return self.get_changelist_instance(request).get_queryset(request)
        except (IncorrectLookupParameters, KeyError, ValueError):
            return None

    def export_view(self, request, fmt):
        if not self.has_export_permission(request):
            raise PermissionDenied
        importer = self.get_importer_class()()
        queryset = self._filtered_queryset(request)
        if fmt == "csv":
            return export.csv_response(importer, request.user, queryset)
        if fmt == "xlsx":
            return export.xlsx_response(importer, request.user, queryset)
        raise Http404

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_export_permission(request):
            for name in ("export_selected_csv", "export_selected_xlsx"):
                func = getattr(type(self), name)
                actions[name] = (func, name, func.short_description)
        return actions

    def export_selected_csv(self, request, queryset):
        if not self.has_export_permission(request):
            raise PermissionDenied
        return export.csv_response(self.get_importer_class()(), request.user, queryset)

    export_selected_csv.short_description = gettext_lazy("Export selected to CSV")

    def export_selected_xlsx(self, request, queryset):
        if not self.has_export_permission(request):
            raise PermissionDenied
        return export.xlsx_response(self.get_importer_class()(), request.user, queryset)

    export_selected_xlsx.short_description = gettext_lazy("Export selected to XLSX")
