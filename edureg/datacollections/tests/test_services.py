"""The services: loading the library form, periods, saving answers (all or nothing), validation with prev(),
submitting (errors block, warnings need comments), returning and approving, each transition for each role (refused
ones change nothing), closing, reminders."""

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from edureg.classifiers.tests.factories import item
from edureg.core.models import ObjectChange
from edureg.datacollections import services
from edureg.datacollections.choices import PeriodStatus, SubmissionStatus
from edureg.datacollections.models import Collection, Field, Period, Rule, Submission, Value
from edureg.datacollections.services.definitions import DATA_DIR
from edureg.datacollections.tests.conftest import GOOD, library
from edureg.datacollections.tests.factories import CollectionFactory, library_type

pytestmark = pytest.mark.django_db

CONTRACT_FIELDS = {
    "service_points": ["service_points:integer", "mobile_libraries:integer", "opening_hours_weekly:decimal"],
    "users": ["registered_users:integer", "active_users:integer", "registered_users_children:integer"],
    "visits": ["physical_visits:integer", "virtual_visits:integer"],
    "loans": ["loans:integer", "interlibrary_loans:integer"],
    "events": ["events:integer", "event_participants:integer"],
    "collection": ["collection_units:integer", "additions:integer", "withdrawals:integer"],
    "staff": ["staff_fte:decimal", "librarians_fte:decimal"],
    "expenditure": ["expenditure_total:decimal", "expenditure_acquisitions:decimal", "expenditure_staff:decimal"],
    "notes": ["comments:text"],
}
CONTRACT_RULES = {
    ("active_users", "le", "registered_users", "error"),
    ("registered_users_children", "le", "registered_users", "error"),
    ("librarians_fte", "le", "staff_fte", "error"),
    ("expenditure_acquisitions + expenditure_staff", "le", "expenditure_total", "error"),
    ("additions", "le", "collection_units", "error"),
    ("service_points", "ge", "1", "error"),
    ("event_participants", "ge", "events", "warning"),
    ("abs(registered_users - prev(registered_users))", "le", "0.5 * prev(registered_users)", "warning"),
    ("abs(physical_visits - prev(physical_visits))", "le", "0.5 * prev(physical_visits)", "warning"),
    ("abs(loans - prev(loans))", "le", "0.5 * prev(loans)", "warning"),
}


def changes() -> int:
    return ObjectChange.objects.count()


def filled(report, actor, **overrides):
    return services.save_values(report, {**GOOD, **overrides}, actor=actor)


# --- the form ---------------------------------------------------------------------------------------------------

def test_library_form_has_exactly_the_contracts_fields_and_rules(form):
    sections = {s.code: [f"{f.code}:{f.type}" for f in s.fields.order_by("order")]
                for s in form.sections.order_by("order")}
    assert sections == CONTRACT_FIELDS
    assert list(sections) == list(CONTRACT_FIELDS)  # ISO 2789 order
    assert {(r.left, r.operator, r.right, r.severity) for r in form.rules.all()} == CONTRACT_RULES
    numbers = form.fields.exclude(type="text")
    assert all(f.minimum == 0 and f.required for f in numbers)
    comments = form.fields.get(code="comments")
    assert not comments.required and comments.minimum is None
    assert list(form.respondent_types.values_list("code", flat=True)) == ["3410"]
    assert all(f.name_lt and f.name_en and f.help_lt and f.help_en for f in form.fields.all())
    assert all(r.message_lt and r.message_en for r in form.rules.all())
    assert form.fields.get(code="opening_hours_weekly").unit_en == "h"
    assert form.fields.get(code="expenditure_total").unit_en == "EUR"


def test_loading_again_changes_nothing(form):
    before = changes()
    counts = services.load_collections()
    assert counts["collections"] == 1 and counts["fields"] == 21 and counts["rules"] == 10
    assert (counts["created"], counts["updated"], counts["deleted"]) == (0, 0, 0)
    assert changes() == before


def test_loading_a_changed_file_updates_by_code(form, tmp_path):
    data = json.loads((DATA_DIR / "library_annual.json").read_text())
    data["version"] = 2
    data["sections"][-1]["fields"][0]["name_en"] = "Notes"
    data["rules"] = [r for r in data["rules"] if r["code"] != "loans_change"]
    path = tmp_path / "form.json"
    path.write_text(json.dumps(data))
    counts = services.load_collections(path)
    form.refresh_from_db()
    assert form.version == 2
    assert form.fields.get(code="comments").name_en == "Notes"
    assert not form.rules.filter(code="loans_change").exists()
    assert counts["deleted"] == 1 and counts["updated"] == 2


def test_a_field_with_answers_is_not_removed_by_loading(report, respondent, tmp_path):
    filled(report, respondent)
    data = json.loads((DATA_DIR / "library_annual.json").read_text())
    data["sections"] = [s for s in data["sections"] if s["code"] != "loans"]
    data["rules"] = [r for r in data["rules"] if "loans" not in r["left"]]
    path = tmp_path / "form.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValidationError, match="loans has answers"):
        services.load_collections(path)
    assert Field.objects.filter(code="loans").exists() and Rule.objects.filter(code="loans_change").exists()


def test_loading_without_the_institution_type_is_a_clear_error(db):
    item("institution_type", "3140", "Gimnazija")
    with pytest.raises(ValidationError, match="3410 are not in the classifier"):
        services.load_collections()
    assert not Collection.objects.exists()


def test_loading_a_broken_file(db, tmp_path):
    library_type()
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(ValidationError, match="bad.json cannot be read as JSON"):
        services.load_collections(path)
    path.write_text(json.dumps({"code": "X", "name_lt": "X", "sections": [{"code": "s", "name_lt": "S", "fields": [
        {"code": "a", "name_lt": "A"}]}], "rules": [{"code": "r", "left": "b", "operator": "le", "right": "a",
                                                      "message_lt": "m"}]}))
    with pytest.raises(ValidationError, match="Unknown field 'b'"):
        services.load_collections(path)
    assert not Collection.objects.exists()


def test_only_the_agency_loads_forms(respondent, db):
    library_type()
    with pytest.raises(PermissionDenied):
        services.load_collections(actor=respondent)


# --- periods ----------------------------------------------------------------------------------------------------

def test_opening_a_period_makes_not_started_reports_for_operating_respondents(form, libraries, agency):
    closed = library("Uždaryta biblioteka", status="liquidated")
    school = library("Gimnazija", type=item("institution_type", "3140", "Gimnazija"))
    period = services.open_period(form, year=2025, opens_on=datetime.date(2026, 1, 5),
                                  due_on=datetime.date(2026, 2, 15), actor=agency)
    assert period.status == PeriodStatus.OPEN
    reports = Submission.objects.filter(period=period)
    assert set(reports.values_list("institution_id", flat=True)) == {lib.pk for lib in libraries}
    assert set(reports.values_list("status", flat=True)) == {SubmissionStatus.NOT_STARTED}
    assert closed.pk not in reports.values_list("institution_id", flat=True)
    assert school.pk not in reports.values_list("institution_id", flat=True)
    assert ObjectChange.objects.filter(object_repr__startswith=str(period), action="create",
                                       user_name="statistician").count() >= 3  # the period and two reports
    with pytest.raises(ValidationError, match="already open"):
        services.open_period(form, year=2025, opens_on=datetime.date(2026, 1, 5),
                             due_on=datetime.date(2026, 2, 15), actor=agency)


def test_opening_a_prepared_period(form, libraries, agency):
    draft = services.create_period(collection=form, year=2024, opens_on=datetime.date(2025, 1, 5),
                                   due_on=datetime.date(2025, 2, 15), actor=agency)
    assert draft.status == PeriodStatus.DRAFT and not draft.submissions.exists()
    opened = services.open_period(form, year=2024, opens_on=draft.opens_on, due_on=draft.due_on, actor=agency)
    assert opened.pk == draft.pk and opened.submissions.count() == 2


def test_due_date_before_opening_is_refused(form, agency):
    with pytest.raises(ValidationError):
        services.open_period(form, year=2025, opens_on=datetime.date(2026, 3, 1),
                             due_on=datetime.date(2026, 2, 15), actor=agency)
    assert not Period.objects.exists()


def test_only_the_agency_opens_and_closes(form, libraries, respondent, period):
    before = changes()
    with pytest.raises(PermissionDenied):
        services.open_period(form, year=2026, opens_on=datetime.date(2027, 1, 5),
                             due_on=datetime.date(2027, 2, 15), actor=respondent)
    with pytest.raises(PermissionDenied):
        services.close_period(period, actor=respondent)
    assert changes() == before and not Period.objects.filter(year=2026).exists()


def test_closing_stops_answers_but_not_approval(report, respondent, agency, period):
    filled(report, respondent)
    services.submit(report, actor=respondent, comments={})
    services.close_period(period, actor=agency)
    other = Submission.objects.exclude(pk=report.pk).get(period=period)
    with pytest.raises(ValidationError, match="not open"):
        services.save_values(other, {"loans": "1"}, actor=None)
    with pytest.raises(ValidationError, match="closed"):
        services.return_submission(report, actor=agency, comment="Check loans.")
    services.approve(report, actor=agency)
    assert report.status == SubmissionStatus.APPROVED
    with pytest.raises(ValidationError, match="Only an open period"):
        services.close_period(period, actor=agency)


def test_reminders_list_who_has_not_submitted(report, respondent, period, libraries):
    filled(report, respondent)
    rows = services.reminders(period, today=datetime.date(2026, 3, 1))
    assert [(r.institution.pk, r.status, r.overdue) for r in rows] == [
        (libraries[1].pk, SubmissionStatus.NOT_STARTED, True), (libraries[0].pk, SubmissionStatus.DRAFT, True)]
    assert rows[1].email == "info@biblioteka.lt" and rows[0].due_on == datetime.date(2026, 2, 15)
    services.submit(report, actor=respondent)
    assert [r.institution.pk for r in services.reminders(period, today=datetime.date(2026, 2, 1))] == [
        libraries[1].pk]
    assert not services.reminders(period, today=datetime.date(2026, 2, 1))[0].overdue


# --- saving -----------------------------------------------------------------------------------------------------

def test_saving_makes_a_draft_and_reports_at_once(report, respondent):
    result = filled(report, respondent, active_users="6000")
    report.refresh_from_db()
    assert report.status == SubmissionStatus.DRAFT
    assert services.stored_values(report)["opening_hours_weekly"] == Decimal("48.5")
    assert [f.rule for f in result.errors] == ["active_le_registered"]
    [error] = result.errors
    assert (error.left, error.right, error.fields) == (6000.0, 5000.0, ("active_users", "registered_users"))
    assert error.message == "Active users cannot outnumber registered users."
    assert ObjectChange.objects.filter(user_name="librarian", action="create").count() == 20  # 20 values, no text


def test_text_in_a_number_field_refuses_the_whole_save(report, respondent):
    filled(report, respondent)
    before, stored = changes(), services.stored_values(report)
    with pytest.raises(ValidationError) as refused:
        services.save_values(report, {"loans": "a lot", "events": "7", "visits_x": "1"}, actor=respondent)
    assert refused.value.message_dict == {
        "loans": ["Loans (loans): “a lot” is not a number."],
        "visits_x": ["“visits_x” is not a field of this form."]}
    assert changes() == before and services.stored_values(report) == stored  # events not changed either


def test_fraction_in_a_whole_number_field_is_refused(report, respondent):
    with pytest.raises(ValidationError, match="enter a whole number"):
        services.save_values(report, {"loans": "12,5"}, actor=respondent)
    assert not Value.objects.exists()
    report.refresh_from_db()
    assert report.status == SubmissionStatus.NOT_STARTED


def test_required_and_minimum_checks(report, respondent):
    result = services.save_values(report, {"loans": "-5", "comments": "ok"}, actor=respondent)
    checks = {(f.check, f.fields[0]) for f in result.errors if f.check}
    assert ("minimum", "loans") in checks
    assert ("required", "registered_users") in checks and ("required", "comments") not in checks
    assert "Loans (loans): the value cannot be below 0 (it is -5)." in [f.message for f in result.errors]


def test_an_empty_answer_clears_it(report, respondent):
    filled(report, respondent)
    services.save_values(report, {"loans": "", "comments": "A new branch."}, actor=respondent)
    values = services.stored_values(report)
    assert "loans" not in values and values["comments"] == "A new branch."
    assert ObjectChange.objects.filter(action="delete", object_repr__startswith="loans=").exists()


# --- submitting -------------------------------------------------------------------------------------------------

def test_errors_block_submission(report, respondent):
    filled(report, respondent, librarians_fte="20")
    with pytest.raises(ValidationError, match="Librarians' FTE cannot exceed"):
        services.submit(report, actor=respondent)
    report.refresh_from_db()
    assert report.status == SubmissionStatus.DRAFT


def test_warnings_need_a_comment(report, respondent):
    filled(report, respondent, event_participants="50")
    with pytest.raises(ValidationError) as refused:
        services.submit(report, actor=respondent, comments={"participants_ge_events": "   "})
    assert refused.value.message_dict["comments"] == [
        "Explain the warning “Fewer event participants than events: check the figures.” (participants_ge_events) "
        "in a comment."]
    report.refresh_from_db()
    assert report.status == SubmissionStatus.DRAFT
    services.submit(report, actor=respondent, comments={"participants_ge_events": "Online events counted once."})
    assert report.status == SubmissionStatus.SUBMITTED
    assert report.warning_comments == {"participants_ge_events": "Online events counted once."}
    assert report.submitted_by == respondent and report.submitted_at is not None


def test_a_comment_saved_with_the_draft_counts(report, respondent):
    filled(report, respondent, event_participants="50")
    services.save_values(report, {}, actor=respondent, comments={"participants_ge_events": "Small village."})
    services.submit(report, actor=respondent)
    assert report.status == SubmissionStatus.SUBMITTED


def test_comments_on_unknown_rules_are_refused(report, respondent):
    with pytest.raises(ValidationError, match="“nope” is not a rule"):
        services.save_values(report, {}, actor=respondent, comments={"nope": "x"})


def test_comments_of_warnings_no_longer_raised_are_dropped_on_submit(report, respondent):
    filled(report, respondent)
    services.save_values(report, {}, actor=respondent, comments={"participants_ge_events": "old"})
    services.submit(report, actor=respondent)
    assert report.warning_comments == {}


# --- prev() -----------------------------------------------------------------------------------------------------

def _last_year(form, libraries, *, status=SubmissionStatus.APPROVED, **values):
    old = Period.objects.create(collection=form, year=2024, status=PeriodStatus.CLOSED,
                                opens_on=datetime.date(2025, 1, 5), due_on=datetime.date(2025, 2, 15))
    submission = Submission.objects.create(period=old, institution=libraries[0], status=status)
    for code, number in values.items():
        Value.objects.create(submission=submission, field=form.fields.get(code=code), number=number)
    return submission


def test_prev_compares_with_last_years_approved_report(form, libraries, report, respondent):
    _last_year(form, libraries, registered_users=3000, physical_visits=60000, loans=90000)
    result = filled(report, respondent)  # registered users 5000: +67 %
    [warning] = result.warnings
    assert warning.rule == "registered_users_change"
    assert (warning.left, warning.right) == (2000.0, 1500.0)
    assert {s.rule for s in result.skipped} == set()


def test_prev_without_an_approved_report_is_skipped(form, libraries, report, respondent):
    _last_year(form, libraries, status=SubmissionStatus.RETURNED, registered_users=3000)
    result = filled(report, respondent)
    assert result.warnings == []
    assert {s.rule for s in result.skipped} == {"registered_users_change", "physical_visits_change", "loans_change"}


# --- transitions, role by role ----------------------------------------------------------------------------------

def _state(report):
    report.refresh_from_db()
    return (report.status, report.return_comment, dict(services.stored_values(report)), changes())


def _at(report, status, respondent):
    """Bring the report to `status` as the system would."""
    if status == SubmissionStatus.NOT_STARTED:
        return report
    filled(report, respondent)
    if status == SubmissionStatus.DRAFT:
        return report
    services.submit(report, actor=respondent)
    if status == SubmissionStatus.RETURNED:
        services.return_submission(report, actor=None, comment="Check the loans.")
    elif status == SubmissionStatus.APPROVED:
        services.approve(report, actor=None)
    return report


TRANSITIONS = {
    "save": lambda r, actor: services.save_values(r, {"loans": "1000"}, actor=actor),
    "submit": lambda r, actor: services.submit(r, actor=actor),
    "return": lambda r, actor: services.return_submission(r, actor=actor, comment="Loans look low."),
    "approve": lambda r, actor: services.approve(r, actor=actor),
}
# transition -> (from status, who may) ; every other role is refused with PermissionDenied
ALLOWED = {
    "save": (SubmissionStatus.DRAFT, "respondent"),
    "submit": (SubmissionStatus.DRAFT, "respondent"),
    "return": (SubmissionStatus.SUBMITTED, "agency"),
    "approve": (SubmissionStatus.SUBMITTED, "agency"),
}
RESULT = {"save": SubmissionStatus.DRAFT, "submit": SubmissionStatus.SUBMITTED, "return": SubmissionStatus.RETURNED,
          "approve": SubmissionStatus.APPROVED}
ROLES = ("respondent", "other_respondent", "municipal", "agency", "anonymous")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("transition", list(TRANSITIONS))
def test_each_transition_for_each_role(request, report, respondent, transition, role):
    start, who = ALLOWED[transition]
    _at(report, start, respondent)
    actor = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    before = _state(report)
    if role == who:
        TRANSITIONS[transition](report, actor)
        report.refresh_from_db()
        assert report.status == RESULT[transition]
        assert changes() > before[3]
        latest = ObjectChange.objects.filter(object_id=str(report.pk), action="update").order_by("-id").first()
        assert latest.user_name == actor.username
    else:
        with pytest.raises(PermissionDenied):
            TRANSITIONS[transition](report, actor)
        assert _state(report) == before


# transition -> statuses it is refused from (with ValidationError naming the status)
REFUSED_FROM = {
    "save": (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED),
    "submit": (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED),
    "return": (SubmissionStatus.NOT_STARTED, SubmissionStatus.DRAFT, SubmissionStatus.RETURNED,
               SubmissionStatus.APPROVED),
    "approve": (SubmissionStatus.NOT_STARTED, SubmissionStatus.DRAFT, SubmissionStatus.RETURNED,
                SubmissionStatus.APPROVED),
}


@pytest.mark.parametrize(("transition", "status"), [(t, s) for t, ss in REFUSED_FROM.items() for s in ss])
def test_transitions_refused_from_the_wrong_status(request, report, respondent, transition, status):
    _at(report, status, respondent)
    actor = request.getfixturevalue("agency" if transition in ("return", "approve") else "respondent")
    before = _state(report)
    with pytest.raises(ValidationError) as refused:
        TRANSITIONS[transition](report, actor)
    assert "status" in refused.value.message_dict
    assert _state(report) == before


def test_returned_report_keeps_the_comment_and_can_be_resubmitted(report, respondent, agency):
    _at(report, SubmissionStatus.SUBMITTED, respondent)
    with pytest.raises(ValidationError, match="Write what the respondent should correct"):
        services.return_submission(report, actor=agency, comment="  ")
    services.return_submission(report, actor=agency, comment="Loans look low: check the 2025 figure.")
    assert (report.status, report.return_comment, report.decided_by) == (
        SubmissionStatus.RETURNED, "Loans look low: check the 2025 figure.", agency)
    services.save_values(report, {"loans": "95000"}, actor=respondent)
    report.refresh_from_db()
    assert report.status == SubmissionStatus.RETURNED
    services.submit(report, actor=respondent)
    services.approve(report, actor=agency)
    assert report.status == SubmissionStatus.APPROVED


def test_rule_definition_checked_when_saved(agency):
    collection = CollectionFactory()
    with pytest.raises(ValidationError, match="Unknown field"):
        services.create_rule(collection=collection, code="x", left="users", operator="le", right="nope",
                             severity="error", message_lt="m", message_en="m", actor=agency)
    with pytest.raises(ValidationError, match="prev"):
        services.create_rule(collection=collection, code="y", left="prev(users + 1)", operator="le",
                             right="users", severity="error", message_lt="m", message_en="m", actor=agency)


def test_a_field_read_by_rules_or_with_answers_keeps_its_code(form, report, respondent, agency):
    field = form.fields.get(code="loans")
    with pytest.raises(ValidationError, match="loans_change"):
        services.update_field(field, code="lending", actor=agency)
    with pytest.raises(ValidationError, match="loans_change"):
        services.delete_field(field, actor=agency)
    filled(report, respondent)
    with pytest.raises(ValidationError, match="has answers"):
        services.update_field(form.fields.get(code="events"), type="decimal", actor=agency)
