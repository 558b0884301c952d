"""Data-collection pages: the respondent's list of its reports, the report's web form (answers with units and help;
errors and warnings shown at once after saving, a comment box per warning; save as draft or submit), its XLSX
template and upload; the agency's page of a period (every respondent's status, approve or return with a comment,
the reminders list with a CSV download).

Thin: reads go through the querysets' for_user(), writes through edureg.datacollections.services; the services
decide who may fill in (the reporting institution's officers) and who may decide (the agency)."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from edureg.core.scoping import scope_for
from edureg.datacollections import services
from edureg.datacollections.choices import EDITABLE, FieldType, PeriodStatus, Severity, SubmissionStatus
from edureg.datacollections.engine.validation import SYMBOLS
from edureg.datacollections.forms import ANSWER, COMMENT, ReportForm, ReturnForm, UploadForm, number_text
from edureg.datacollections.models import Period, Submission

STATUS_COLOURS = {
    SubmissionStatus.NOT_STARTED: "govuk-tag--grey",
    SubmissionStatus.DRAFT: "govuk-tag--light-blue",
    SubmissionStatus.SUBMITTED: "govuk-tag--yellow",
    SubmissionStatus.RETURNED: "govuk-tag--red",
    SubmissionStatus.APPROVED: "govuk-tag--green",
}


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def _submission(request, pk: int) -> Submission:
    return get_object_or_404(Submission.objects.for_user(request.user).select_related(
        "period__collection", "institution", "institution__municipality"), pk=pk)


def _status_rows(submissions) -> list[dict]:
    return [{"submission": s, "colour": STATUS_COLOURS.get(s.status, "")} for s in submissions]


# --- the list ---------------------------------------------------------------------------------------------------

@login_required
def index(request):
    """The user's reports (an institution officer's) and the periods the user follows (the agency's, a
    municipality's)."""
    user = request.user
    scope = scope_for(user)
    visible = Submission.objects.for_user(user)
    own = (visible.filter(institution_id__in=scope.institution_ids)
           .select_related("period__collection", "institution")
           .order_by("-period__year", "period__collection__code", "institution__name"))
    periods = []
    if scope.national or scope.municipality_codes:
        counts = {row.pop("period"): row for row in visible.values("period").annotate(
            total=Count("pk"), waiting=Count("pk", filter=Q(status__in=services.periods.WAITING)),
            submitted=Count("pk", filter=Q(status=SubmissionStatus.SUBMITTED)),
            approved=Count("pk", filter=Q(status=SubmissionStatus.APPROVED)))}
        for period in (Period.objects.for_user(user).exclude(status=PeriodStatus.DRAFT)
                       .select_related("collection").order_by("-year", "collection__code")):
            periods.append({"period": period, **counts.get(period.pk, {"total": 0, "waiting": 0, "submitted": 0,
                                                                        "approved": 0})})
    return render(request, "datacollections/index.html", {
        "own": _status_rows(own), "periods": periods, "follows": bool(scope.national or scope.municipality_codes)})


# --- the report ---------------------------------------------------------------------------------------------------

def _finding_row(finding, comments: dict) -> dict:
    return {"finding": finding, "symbol": SYMBOLS.get(finding.operator, ""),
            "left": number_text(finding.left) if finding.left is not None else "",
            "right": number_text(finding.right) if finding.right is not None else "",
            "comment": comments.get(finding.rule, ""), "input": COMMENT + finding.rule}


def _context(request, submission: Submission, form: ReportForm | None = None, upload_form=None,
             return_form=None, upload_errors=None) -> dict:
    user = request.user
    period = submission.period
    collection = period.collection
    fields = list(collection.fields.select_related("section").order_by("section__order", "order", "code"))
    values = services.stored_values(submission)
    comments = submission.warning_comments or {}
    started = submission.status != SubmissionStatus.NOT_STARTED
    report = services.validate(submission) if started else None
    editable = (services.may_fill_in(user, submission) and submission.status in EDITABLE
                and period.status == PeriodStatus.OPEN)
    deciding = (services.may_decide(user, submission) and submission.status == SubmissionStatus.SUBMITTED)
    warning_rules = list(collection.rules.filter(severity=Severity.WARNING).order_by("order", "code"))
    if form is None and editable:
        form = ReportForm(initial=ReportForm.initial_for(fields, values, comments), fields=fields,
                          rules=warning_rules)
    bound_errors = form is not None and form.is_bound and bool(form.errors)
    sections = []
    for section in collection.sections.order_by("order", "code"):
        rows = []
        for field in (f for f in fields if f.section_id == section.pk):
            value = values.get(field.code)
            findings = report.for_field(field.code) if report is not None and not bound_errors else []
            rows.append({
                "field": field,
                "input": form[ANSWER + field.code] if form is not None else None,
                "shown": (value if field.type == FieldType.TEXT else number_text(value)) if value is not None
                else "",
                "errors": [f.message for f in findings if f.severity == Severity.ERROR],
                "warnings": [f.message for f in findings if f.severity == Severity.WARNING],
            })
        sections.append({"section": section, "rows": rows})
    first_field = {code: ANSWER + code for code in (f.code for f in fields)}
    errors = []
    if report is not None and not bound_errors:
        errors = [{"message": f.message, "anchor": first_field.get(f.fields[0], "") if f.fields else ""}
                  for f in report.errors]
    warnings = [_finding_row(f, comments) for f in report.warnings] if report is not None else []
    for row in warnings:
        row["box"] = form[row["input"]] if form is not None and row["input"] in form.fields else None
    return {
        "submission": submission, "period": period, "collection": collection, "sections": sections,
        "report": report, "errors": errors, "warnings": warnings, "form": form, "editable": editable,
        "deciding": deciding, "colour": STATUS_COLOURS.get(submission.status, ""),
        "upload_form": upload_form or (UploadForm() if editable else None), "upload_errors": upload_errors or [],
        "return_form": return_form or (ReturnForm() if deciding else None),
        "skipped": report.skipped if report is not None else [],
    }


@login_required
def submission_page(request, pk):
    submission = _submission(request, pk)
    if request.method == "POST":
        return _post(request, submission)
    return render(request, "datacollections/submission.html", _context(request, submission))


def _summary(report) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    if not errors and not warnings:
        return _("No errors or warnings were found.")
    return _("%(errors)s and %(warnings)s: see them below.") % {
        "errors": ngettext("%(n)d error", "%(n)d errors", errors) % {"n": errors},
        "warnings": ngettext("%(n)d warning", "%(n)d warnings", warnings) % {"n": warnings}}


def _post(request, submission: Submission):
    if not request.user.is_authenticated:
        raise PermissionDenied
    action = request.POST.get("action", "")
    here = reverse("collections:submission", args=[submission.pk])
    if action in ("approve", "return"):
        return _decide(request, submission, action, here)
    if action not in ("save", "submit"):
        raise Http404
    collection = submission.period.collection
    fields = list(collection.fields.select_related("section").order_by("section__order", "order", "code"))
    rules = list(collection.rules.filter(severity=Severity.WARNING).order_by("order", "code"))
    form = ReportForm(request.POST, fields=fields, rules=rules)
    if form.is_valid():
        try:
            report = services.save_values(submission, form.answers(), actor=request.user, comments=form.comments())
        except ValidationError as error:
            form.add_service_errors(error)
        except PermissionDenied as error:
            messages.error(request, str(error) or _("You may not change this report."))
            return redirect(here)
        else:
            if action == "save":
                messages.success(request, _("Your answers are saved as a draft. %(summary)s") % {
                    "summary": _summary(report)})
                return redirect(here)
            try:
                services.submit(submission, actor=request.user, comments=form.comments())
            except ValidationError as error:
                messages.error(request, _("Your answers are saved as a draft, but the report cannot be submitted "
                                          "yet: %(reasons)s") % {"reasons": " ".join(error.messages)})
                return redirect(here)
            except PermissionDenied as error:
                messages.error(request, str(error))
                return redirect(here)
            messages.success(request, _("The report is submitted. The agency will review it."))
            return redirect(here)
    return render(request, "datacollections/submission.html", _context(request, submission, form=form),
                  status=200)


def _decide(request, submission: Submission, action: str, here: str):
    back = _safe_next(request, here)
    form = None
    try:
        if action == "approve":
            services.approve(submission, actor=request.user)
            messages.success(request, _("The report of %(institution)s is approved.") % {
                "institution": submission.institution})
            return redirect(back)
        form = ReturnForm(request.POST)
        if form.is_valid():
            services.return_submission(submission, actor=request.user, comment=form.cleaned_data["comment"])
            messages.success(request, _("The report of %(institution)s is returned with your comment.") % {
                "institution": submission.institution})
            return redirect(back)
    except ValidationError as error:
        if form is not None and hasattr(error, "error_dict") and "comment" in error.message_dict:
            for message in error.message_dict["comment"]:
                form.add_error("comment", message)
        else:
            messages.error(request, " ".join(error.messages))
            return redirect(back)
    if back != here:
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect(back)
    return render(request, "datacollections/submission.html", _context(request, submission, return_form=form))


@require_GET
def template_download(request, pk):
    """The report's XLSX template with its answers filled in."""
    submission = _submission(request, pk)
    data = services.template_xlsx(submission.period, submission)
    return _xlsx(data, services.template_name(submission.period, submission))


@require_GET
def period_template(request, pk):
    """The period's blank XLSX template."""
    period = get_object_or_404(Period.objects.for_user(request.user).select_related("collection"), pk=pk)
    if period.status == PeriodStatus.DRAFT:
        raise Http404
    return _xlsx(services.template_xlsx(period), services.template_name(period))


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@login_required
def upload(request, pk):
    submission = _submission(request, pk)
    here = reverse("collections:submission", args=[submission.pk])
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "datacollections/submission.html", _context(request, submission, upload_form=form),
                      status=200)
    try:
        report = services.import_xlsx(submission, form.cleaned_data["file"], actor=request.user)
    except ValidationError as error:
        return render(request, "datacollections/submission.html",
                      _context(request, submission, upload_errors=error.messages), status=200)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(here)
    messages.success(request, _("The template's answers are saved as a draft. %(summary)s") % {
        "summary": _summary(report)})
    return redirect(here)


# --- the agency's page of a period --------------------------------------------------------------------------------

def _period(request, pk) -> Period:
    if not request.user.has_perm("datacollections.view_submission"):
        raise PermissionDenied
    return get_object_or_404(Period.objects.for_user(request.user).select_related("collection"), pk=pk)


@login_required
def period_page(request, pk):
    period = _period(request, pk)
    submissions = (Submission.objects.for_user(request.user).filter(period=period)
                   .select_related("institution", "institution__municipality")
                   .order_by("institution__municipality__name_lt", "institution__name", "pk"))
    counts = dict(submissions.values_list("status").annotate(n=Count("pk")).order_by())
    wanted = request.GET.get("status", "")
    if wanted and wanted not in SubmissionStatus.values:
        raise Http404
    shown = submissions.filter(status=wanted) if wanted else submissions
    deciding = services.may_decide(request.user)
    rows = _status_rows(shown)
    for row in rows:
        row["decide"] = deciding and row["submission"].status == SubmissionStatus.SUBMITTED
    statuses = [{"value": value, "label": label, "count": counts.get(value, 0),
                 "colour": STATUS_COLOURS.get(value, "")} for value, label in SubmissionStatus.choices]
    return render(request, "datacollections/period.html", {
        "period": period, "collection": period.collection, "rows": rows, "statuses": statuses, "wanted": wanted,
        "total": sum(counts.values()), "reminders": services.reminders(period, user=request.user),
        "deciding": deciding, "here": request.get_full_path()})


@login_required
def reminders_csv(request, pk):
    period = _period(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="reminders-{period.collection.code}-{period.year}'
                                       f'.csv"')
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Institution"), _("Institution code"), _("Municipality"), _("Status"), _("Due on"),
                     _("Overdue"), _("E-mail")])
    for reminder in services.reminders(period, user=request.user):
        institution = reminder.institution
        writer.writerow([institution.name, institution.code,
                         institution.municipality.name if institution.municipality_id else "",
                         reminder.status_label, date_format(reminder.due_on, "Y-m-d"),
                         _("yes") if reminder.overdue else _("no"), reminder.email])
    return response
