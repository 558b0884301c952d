"""A respondent's report: saving answers (a draft), validating them, submitting; the agency returns it with a
comment or approves it.

Who may do what:
- the respondent, i.e. an officer of the reporting institution (the institution is in their scope and their role
  fills in values), saves answers and submits while the period is open and the report is not started, a draft or
  returned;
- the agency (who may change periods and submissions) returns a submitted report with a comment (while the period
  is open, so that it can be corrected) or approves it.
Every step runs in one transaction on the locked submission and leaves change records; a refused step changes
nothing. `actor=None` is the system (commands, the synthetic country) and is not checked.
"""

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from edureg.core.audit.registry import record_bulk
from edureg.core.scoping import scope_for
from edureg.core.services import acting, ensure_in_scope
from edureg.datacollections.choices import EDITABLE, FieldType, PeriodStatus, SubmissionStatus
from edureg.datacollections.engine import validation
from edureg.datacollections.engine.validation import FieldSpec, RuleSpec, ValidationReport
from edureg.datacollections.models import Collection, Submission, Value

__all__ = ["save_values", "validate", "submit", "return_submission", "approve", "texts", "field_specs",
           "rule_specs", "stored_values", "previous_values", "may_fill_in", "may_decide", "MAX_COMMENT"]

MAX_COMMENT = 2000


def texts() -> dict[str, str]:
    """The field checks' messages in the current language (the engine's placeholders)."""
    return {
        "not_a_number": _("%(field)s: “%(value)s” is not a number."),
        "not_whole": _("%(field)s: enter a whole number (not “%(value)s”)."),
        "too_precise": _("%(field)s: at most %(places)s decimal places (“%(value)s”)."),
        "too_large": _("%(field)s: the number is too large (“%(value)s”)."),
        "too_long": _("%(field)s: at most %(length)s characters."),
        "bad_character": _("%(field)s: the text contains a character that cannot be stored (a null character)."),
        "required": _("%(field)s: enter a value."),
        "minimum": _("%(field)s: the value cannot be below %(minimum)s (it is %(value)s)."),
        "unknown": _("“%(value)s” is not a field of this form."),
    }


def _fail(field: str, message: str):
    raise ValidationError({field: [message]})


# --- the form as the engine sees it -------------------------------------------------------------------------------

def _fields(collection: Collection) -> list:
    return list(collection.fields.select_related("section").order_by("section__order", "order", "code"))


def field_specs(fields) -> list[FieldSpec]:
    return [FieldSpec(f.code, f.name, f.type, f.required, f.minimum) for f in fields]


def rule_specs(collection: Collection) -> list[RuleSpec]:
    return [RuleSpec(r.code, r.left, r.operator, r.right, r.severity, r.message)
            for r in collection.rules.order_by("order", "code")]


def stored_values(submission: Submission) -> dict[str, Decimal | str]:
    """{field code: the stored answer} (numbers as Decimal, texts as text; empty answers left out)."""
    out: dict[str, Decimal | str] = {}
    for code, kind, number, text in submission.values.values_list("field__code", "field__type", "number", "text"):
        if kind == FieldType.TEXT:
            if text:
                out[code] = text
        elif number is not None:
            out[code] = number
    return out


def previous_values(submission: Submission) -> dict[str, Decimal]:
    """The institution's approved answers of the collection's previous year (what `prev(code)` reads); {} when
    there are none."""
    period = submission.period
    rows = Value.objects.filter(
        submission__institution_id=submission.institution_id, submission__status=SubmissionStatus.APPROVED,
        submission__period__collection_id=period.collection_id, submission__period__year=period.year - 1,
        number__isnull=False).values_list("field__code", "number")
    return dict(rows)


def validate(submission: Submission) -> ValidationReport:
    """The stored answers checked field by field and against the collection's rules (errors and warnings, with the
    fields involved and the two sides' values; rules reading an empty field or a missing last-year value skipped)."""
    collection = submission.period.collection
    return validation.validate(field_specs(_fields(collection)), rule_specs(collection), stored_values(submission),
                               previous_values(submission), texts())


# --- who may ------------------------------------------------------------------------------------------------------

def may_fill_in(user, submission: Submission) -> bool:
    """Whether the user is the respondent: an officer of the reporting institution who fills in values."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False) or not user.has_perm("datacollections.change_value"):
        return False
    return submission.institution_id in scope_for(user).institution_ids


def may_decide(user, submission: Submission | None = None) -> bool:
    """Whether the user approves and returns reports (the agency: who changes periods and submissions)."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if not (user.has_perm("datacollections.change_submission") and user.has_perm("datacollections.change_period")):
        return False
    return submission is None or Submission.objects.for_user(user, "change").filter(pk=submission.pk).exists()


def _ensure_respondent(submission: Submission, actor) -> None:
    if not may_fill_in(actor, submission):
        raise PermissionDenied(_("Only the reporting institution's officers may fill in and submit its report."))


def _ensure_reviewer(submission: Submission, actor) -> None:
    if actor is not None and not may_decide(actor):
        raise PermissionDenied(_("Only the agency approves or returns reports."))
    ensure_in_scope(submission, actor=actor, action="change")


def _locked(submission: Submission) -> Submission:
    return (Submission.objects.select_for_update(of=("self",)).select_related("period", "period__collection")
            .get(pk=submission.pk))


def _ensure_editable(locked: Submission) -> None:
    if locked.period.status != PeriodStatus.OPEN:
        _fail("status", _("The period %(period)s is not open: its reports cannot be changed or submitted.") % {
            "period": locked.period})
    if locked.status not in EDITABLE:
        _fail("status", _("The report is %(status)s: it can no longer be changed.") % {
            "status": locked.get_status_display().lower()})


def _clean_comments(collection: Collection, comments) -> dict[str, str]:
    """{rule code: comment}; only rules of the collection; blank ones kept blank (they remove a comment)."""
    if comments is None:
        return {}
    if not isinstance(comments, Mapping):
        _fail("comments", _("Give the comments as rule codes with texts."))
    codes = set(collection.rules.values_list("code", flat=True))
    errors, cleaned = [], {}
    for code, text in comments.items():
        if code not in codes:
            errors.append(_("“%(code)s” is not a rule of this form.") % {"code": code})
        elif text is not None and not isinstance(text, str):
            errors.append(_("%(code)s: the comment must be text.") % {"code": code})
        elif len(text or "") > MAX_COMMENT:
            errors.append(_("%(code)s: at most %(n)d characters.") % {"code": code, "n": MAX_COMMENT})
        elif "\x00" in (text or ""):
            errors.append(_("%(code)s: the comment contains a null character.") % {"code": code})
        else:
            cleaned[code] = (text or "").strip()
    if errors:
        raise ValidationError({"comments": errors})
    return cleaned


def _merge_comments(current: dict, new: dict) -> dict:
    merged = {**(current or {}), **new}
    return {code: text for code, text in merged.items() if text}


# --- the respondent -----------------------------------------------------------------------------------------------

def save_values(submission: Submission, values: Mapping, *, actor, comments=None) -> ValidationReport:
    """Save answers ({field code: answer}; "" or None clears one; fields not named keep theirs) and comments on
    warnings ({rule code: text}) as a draft, and return the validation of the whole report. All or nothing: an
    answer that cannot be stored (text in a number field, a fraction in a whole-number field, an unknown code)
    refuses the whole save, naming each field."""
    if not isinstance(values, Mapping):
        _fail("values", _("Give the answers as field codes with values."))
    with acting(actor):
        locked = _locked(submission)
        _ensure_respondent(locked, actor)
        _ensure_editable(locked)
        collection = locked.period.collection
        fields = _fields(collection)
        cleaned, problems = validation.clean_values(field_specs(fields), {str(k): v for k, v in values.items()},
                                                     texts())
        if problems:
            errors: dict[str, list[str]] = {}
            for problem in problems:
                errors.setdefault(problem.fields[0] if problem.fields else "values", []).append(problem.message)
            raise ValidationError(errors)
        new_comments = _clean_comments(collection, comments)
        by_code = {f.code: f for f in fields}
        existing = {v.field_id: v for v in locked.values.all()}
        new = []
        for code, value in cleaned.items():
            field = by_code[code]
            current = existing.get(field.pk)
            if value is None:
                if current is not None:
                    current.delete()
                continue
            number, text = (None, value) if field.type == FieldType.TEXT else (value, "")
            if current is None:
                new.append(Value(submission=locked, field=field, number=number, text=text))
            elif current.number != number or current.text != text:
                current.number, current.text = number, text
                current.save()
        if new:
            Value.objects.bulk_create(new)
            record_bulk(new, "create")
        locked.warning_comments = _merge_comments(locked.warning_comments, new_comments)
        if locked.status == SubmissionStatus.NOT_STARTED:
            locked.status = SubmissionStatus.DRAFT
        locked.save()
        report = validate(locked)
    submission.refresh_from_db()
    return report


def submit(submission: Submission, *, actor, comments=None) -> Submission:
    """Submit the report for the agency's review. Refused while any error remains or a warning has no comment
    (comments given here are added to those saved before); the comments of the warnings are kept with it."""
    with acting(actor):
        locked = _locked(submission)
        _ensure_respondent(locked, actor)
        _ensure_editable(locked)
        merged = _merge_comments(locked.warning_comments, _clean_comments(locked.period.collection, comments))
        report = validate(locked)
        if report.errors:
            raise ValidationError({"values": [f.message for f in report.errors]})
        missing = report.uncommented(merged)
        if missing:
            raise ValidationError({"comments": [
                _("Explain the warning “%(message)s” (%(rule)s) in a comment.") % {"message": f.message,
                                                                                     "rule": f.rule}
                for f in missing]})
        locked.warning_comments = {code: merged[code] for code in report.warning_rules()}
        locked.status = SubmissionStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save()
    submission.refresh_from_db()
    return submission


# --- the agency ---------------------------------------------------------------------------------------------------

def return_submission(submission: Submission, *, actor, comment: str) -> Submission:
    """Send a submitted report back to the respondent with a comment saying what to correct."""
    if comment is not None and not isinstance(comment, str):
        _fail("comment", _("The comment must be text."))
    comment = (comment or "").strip()
    if not comment:
        _fail("comment", _("Write what the respondent should correct."))
    if len(comment) > MAX_COMMENT or "\x00" in comment:
        _fail("comment", _("At most %(n)d characters, without null characters.") % {"n": MAX_COMMENT})
    with acting(actor):
        locked = _locked(submission)
        _ensure_reviewer(locked, actor)
        if locked.status != SubmissionStatus.SUBMITTED:
            _fail("status", _("Only a submitted report can be returned (this one is %(status)s).") % {
                "status": locked.get_status_display().lower()})
        if locked.period.status != PeriodStatus.OPEN:
            _fail("status", _("The period %(period)s is closed: a returned report could not be corrected.") % {
                "period": locked.period})
        locked.status = SubmissionStatus.RETURNED
        locked.return_comment = comment
        locked.decided_at = timezone.now()
        locked.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save()
    submission.refresh_from_db()
    return submission


def approve(submission: Submission, *, actor) -> Submission:
    """Accept a submitted report: its answers feed the indicators and are last year's values for the next period."""
    with acting(actor):
        locked = _locked(submission)
        _ensure_reviewer(locked, actor)
        if locked.status != SubmissionStatus.SUBMITTED:
            _fail("status", _("Only a submitted report can be approved (this one is %(status)s).") % {
                "status": locked.get_status_display().lower()})
        locked.status = SubmissionStatus.APPROVED
        locked.decided_at = timezone.now()
        locked.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save()
    submission.refresh_from_db()
    return submission
