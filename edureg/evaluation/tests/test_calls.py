"""Funding calls through the services: each step for each role, bad input changing nothing, budget overruns, and the
rule for the last application that does not fit, end to end."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from edureg.accounts.tests.factories import MembershipFactory
from edureg.evaluation.models import Application, Assignment, Call, Decision, Event, Score
from edureg.evaluation.services import calls
from edureg.evaluation.tests.factories import AssignmentFactory, CallFactory, ExpertFactory, procedure
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.persons.tests.factories import PersonFactory
from edureg.programmes.tests.factories import ProgrammeVersionFactory, registered_version

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def institution():
    return InstitutionFactory()


@pytest.fixture
def users(institution):
    person = PersonFactory()
    ExpertFactory(person=person)
    return {
        "coordinator": MembershipFactory(role="agency_admin").user,
        "provider": MembershipFactory(role="institution_officer", institution=institution).user,
        "other_provider": MembershipFactory(role="institution_officer", institution=InstitutionFactory()).user,
        "expert": MembershipFactory(role="expert", person=person).user,
        "municipality": MembershipFactory(role="municipality_officer", municipality=institution.municipality).user,
        "anonymous": AnonymousUser(),
    }


NOT_COORDINATORS = ("provider", "expert", "municipality", "anonymous")


def nfae_version(institution, kind="nonformal_adult"):
    return registered_version(programme__provider=institution, programme__kind__code=kind)


def error_fields(excinfo):
    return set(excinfo.value.message_dict)


def messages(excinfo):
    return " ".join(m for ms in excinfo.value.message_dict.values() for m in ms)


# --- settings and opening ---------------------------------------------------------------------------------------


def test_check_call_names_each_bad_setting():
    call = CallFactory(tie_rules=["criterion:price", "luck", "lower_amount"])
    with pytest.raises(ValidationError) as excinfo:
        calls.check_call(call)
    assert error_fields(excinfo) == {"tie_rules"}
    assert "criterion:price" in messages(excinfo) and "relevance" in messages(excinfo)
    assert "Unknown tie rule luck" in messages(excinfo)
    unsaved = Call(procedure=procedure("cpd-accreditation"), budget=D("1000"), max_per_application=D("2000"),
                   tie_rules=[], opens_on=datetime.date(2026, 3, 1), closes_on=datetime.date(2026, 2, 1))
    with pytest.raises(ValidationError) as excinfo:
        calls.check_call(unsaved)
    assert error_fields(excinfo) == {"procedure", "max_per_application", "closes_on"}
    calls.check_call(CallFactory())


@pytest.mark.parametrize("role", NOT_COORDINATORS)
def test_only_the_coordinator_opens_and_closes(users, role):
    draft = CallFactory(status="draft")
    with pytest.raises(PermissionDenied):
        calls.open_call(draft, actor=users[role])
    open_ = CallFactory()
    with pytest.raises(PermissionDenied):
        calls.close_call(open_, actor=users[role])
    assert Call.objects.get(pk=draft.pk).status == "draft" and Call.objects.get(pk=open_.pk).status == "open"


def test_coordinator_opens_and_closes(users):
    call = CallFactory(status="draft")
    assert calls.open_call(call, actor=users["coordinator"]).status == "open"
    with pytest.raises(ValidationError) as excinfo:
        calls.open_call(call, actor=users["coordinator"])
    assert "The call is open for applications; this step needs it to be being prepared" in messages(excinfo)
    assert calls.close_call(call, actor=users["coordinator"]).status == "closed"
    with pytest.raises(ValidationError):
        calls.close_call(call, actor=users["coordinator"])


def test_open_refuses_bad_settings_and_no_kinds(users):
    call = CallFactory(status="draft", tie_rules=["criterion:price"])
    with pytest.raises(ValidationError) as excinfo:
        calls.open_call(call, actor=users["coordinator"])
    assert error_fields(excinfo) == {"tie_rules"}
    call = CallFactory(status="draft", kinds=[])
    with pytest.raises(ValidationError) as excinfo:
        calls.open_call(call, actor=users["coordinator"])
    assert error_fields(excinfo) == {"kinds"}
    accreditation = CallFactory(status="draft", procedure=procedure("cpd-accreditation"))
    with pytest.raises(ValidationError) as excinfo:
        calls.open_call(accreditation, actor=users["coordinator"])
    assert error_fields(excinfo) == {"procedure"}
    assert set(Call.objects.values_list("status", flat=True)) == {"draft"}


# --- applying -----------------------------------------------------------------------------------------------------


def test_provider_applies(users, institution):
    call = CallFactory()
    version = nfae_version(institution)
    application = calls.apply_to_call(call, actor=users["provider"], programme_version=version,
                                      requested_amount="12500.50", note="  Vasaros kursai  ")
    assert (application.status, application.call, application.institution, application.procedure) == (
        "submitted", call, institution, call.procedure)
    assert application.requested_amount == D("12500.50") and application.provider_note == "Vasaros kursai"
    assert application.title == version.name_lt and application.isced_f == version.isced_f
    assert application.number.startswith(f"VERT-{timezone.localdate().year}-")
    assert application.due_on == timezone.localdate() + datetime.timedelta(days=call.procedure.eligibility_days)
    event = Event.objects.get(application=application)
    assert (event.action, event.to_status, event.user) == ("submitted", "submitted", users["provider"])


@pytest.mark.parametrize("role", ["coordinator", "other_provider", "expert", "municipality", "anonymous"])
def test_only_the_providers_officers_apply(users, institution, role):
    with pytest.raises(PermissionDenied):
        calls.apply_to_call(CallFactory(), actor=users[role], programme_version=nfae_version(institution),
                            requested_amount=D("1000"))
    assert not Application.objects.exists()


@pytest.mark.parametrize(("amount", "needle"), [
    (D("150000"), "exceeds the call's budget of 100000.00 EUR"),
    (D("20000.01"), "exceeds the call's maximum of 20000.00 EUR per application"),
    (D("0"), "must be above 0 EUR"),
    (D("-5"), "must be above 0 EUR"),
    ("abc", "Enter the requested amount"),
    (None, "Enter the requested amount"),
    (D("100.005"), "at most two decimals"),
])
def test_bad_requested_amount(users, institution, amount, needle):
    with pytest.raises(ValidationError) as excinfo:
        calls.apply_to_call(CallFactory(), actor=users["provider"], programme_version=nfae_version(institution),
                            requested_amount=amount)
    assert error_fields(excinfo) == {"requested_amount"} and needle in messages(excinfo)
    assert not Application.objects.exists() and not Event.objects.exists()


def test_apply_refusals(users, institution):
    provider = users["provider"]
    today = timezone.localdate()
    for call in (CallFactory(status="draft"), CallFactory(status="closed")):
        with pytest.raises(ValidationError) as excinfo:
            calls.apply_to_call(call, actor=provider, programme_version=nfae_version(institution),
                                requested_amount=D("1000"))
        assert error_fields(excinfo) == {"status"}
    late = CallFactory(opens_on=today - datetime.timedelta(days=30), closes_on=today - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as excinfo:
        calls.apply_to_call(late, actor=provider, programme_version=nfae_version(institution),
                            requested_amount=D("1000"))
    assert "The call takes applications from" in messages(excinfo)
    call = CallFactory()
    draft = ProgrammeVersionFactory(programme__provider=institution, programme__kind__code="nonformal_adult")
    with pytest.raises(ValidationError) as excinfo:
        calls.apply_to_call(call, actor=provider, programme_version=draft, requested_amount=D("1000"))
    assert error_fields(excinfo) == {"programme_version"} and "Only a registered programme version" in messages(
        excinfo)
    with pytest.raises(ValidationError) as excinfo:
        calls.apply_to_call(call, actor=provider, programme_version=nfae_version(institution, "cpd"),
                            requested_amount=D("1000"))
    assert error_fields(excinfo) == {"programme_version"} and "may not apply to this call" in messages(excinfo)
    assert not Application.objects.exists()
    version = nfae_version(institution)
    first = calls.apply_to_call(call, actor=provider, programme_version=version, requested_amount=D("1000"))
    with pytest.raises(ValidationError) as excinfo:
        calls.apply_to_call(call, actor=provider, programme_version=version, requested_amount=D("2000"))
    assert f"already applied to the call (application {first.number})" in messages(excinfo)
    assert Application.objects.count() == 1


def test_update_request(users, institution):
    application = calls.apply_to_call(CallFactory(), actor=users["provider"],
                                      programme_version=nfae_version(institution), requested_amount=D("1000"))
    for role in ("coordinator", "other_provider", "expert", "municipality", "anonymous"):
        with pytest.raises(PermissionDenied):
            calls.update_request(application, actor=users[role], requested_amount=D("2000"))
    with pytest.raises(ValidationError) as excinfo:
        calls.update_request(application, actor=users["provider"], requested_amount=D("25000"))
    assert "per application" in messages(excinfo)
    calls.update_request(application, actor=users["provider"], requested_amount="1500", note="Daugiau grupių")
    application.refresh_from_db()
    assert (application.requested_amount, application.provider_note) == (D("1500"), "Daugiau grupių")
    Application.objects.filter(pk=application.pk).update(status="returned")
    calls.update_request(application, actor=users["provider"], requested_amount=D("1800"))
    Application.objects.filter(pk=application.pk).update(status="under_evaluation")
    with pytest.raises(ValidationError) as excinfo:
        calls.update_request(application, actor=users["provider"], requested_amount=D("1900"))
    assert error_fields(excinfo) == {"status"}
    application.refresh_from_db()
    assert application.requested_amount == D("1800")


# --- ranking and publishing -------------------------------------------------------------------------------------


def competition(users, institution, rows, **call_fields):
    """An open call with one application per row (requested, total, mandatory passed), closed and scored."""
    call = CallFactory(**call_fields)
    apps = [calls.apply_to_call(call, actor=users["provider"], programme_version=nfae_version(institution),
                                requested_amount=D(requested)) for requested, _total, _passed in rows]
    calls.close_call(call, actor=users["coordinator"])
    for app, (_requested, total, passed) in zip(apps, rows, strict=True):
        Application.objects.filter(pk=app.pk).update(status="scored", total=D(total), mandatory_passed=passed)
    call.refresh_from_db()
    return call, apps


def results(call):
    return [(a.rank, a.selection, a.granted_amount) for a in Application.objects.filter(call=call).order_by("id")]


ROWS = [("15000", "90", True), ("12000", "85", True), ("10000", "80", True), ("3000", "75", True),
        ("5000", "45", True), ("5000", "95", False)]


@pytest.mark.parametrize(("rule", "expected"), [
    ("partial", [(1, "funded", D("15000")), (2, "funded", D("12000")), (3, "partially_funded", D("3000")),
                 (4, "not_funded", D("0"))]),
    ("skip", [(1, "funded", D("15000")), (2, "funded", D("12000")), (3, "not_funded", D("0")),
              (4, "funded", D("3000"))]),
    ("stop", [(1, "funded", D("15000")), (2, "funded", D("12000")), (3, "not_funded", D("0")),
              (4, "not_funded", D("0"))]),
])
def test_last_fit_rules_end_to_end(users, institution, rule, expected):
    call, apps = competition(users, institution, ROWS, budget=D("30000"), last_fit_rule=rule)
    ranked = calls.rank_call(call, actor=users["coordinator"])
    assert results(call) == expected + [(None, "below_minimum", D("0")), (None, "mandatory_failed", D("0"))]
    assert [a.pk for a in ranked] == [apps[i].pk for i in (0, 1, 2, 3, 5, 4)]
    assert Event.objects.filter(action="ranked").count() == 6
    calls.publish_call(call, actor=users["coordinator"])
    call.refresh_from_db()
    assert call.status == "published" and call.published_at is not None
    decisions = {d.application_id: d for d in Decision.objects.filter(application__call=call)}
    assert len(decisions) == 6 and all(d.current and d.published_at for d in decisions.values())
    outcomes = [decisions[a.pk].outcome for a in apps]
    assert outcomes == [sel for _rank, sel, _granted in expected] + ["not_funded", "not_funded"]
    assert sum(d.granted_amount for d in decisions.values()) <= call.budget
    assert decisions[apps[4].pk].reason.startswith("The total of 45.00 points is below the call's minimum score")
    assert decisions[apps[0].pk].summary["criteria"][0]["code"] == "relevance"
    assert set(Application.objects.filter(call=call).values_list("status", flat=True)) == {"decided"}
    assert Event.objects.filter(action="decided").count() == 6


@pytest.mark.parametrize("role", NOT_COORDINATORS)
def test_only_the_coordinator_ranks_and_publishes(users, institution, role):
    call, _apps = competition(users, institution, ROWS[:2])
    with pytest.raises(PermissionDenied):
        calls.rank_call(call, actor=users[role])
    calls.rank_call(call, actor=users["coordinator"])
    with pytest.raises(PermissionDenied):
        calls.publish_call(call, actor=users[role])
    assert Call.objects.get(pk=call.pk).status == "closed" and not Decision.objects.exists()


def test_rank_refuses_an_open_call_and_unfinished_applications(users, institution):
    call, apps = competition(users, institution, ROWS[:3])
    Application.objects.filter(pk__in=[apps[0].pk, apps[1].pk]).update(status="under_evaluation")
    with pytest.raises(ValidationError) as excinfo:
        calls.rank_call(call, actor=users["coordinator"])
    assert "2 application(s) of the call are still being checked or evaluated" in messages(excinfo)
    assert results(call) == [(None, "", None)] * 3 and Call.objects.get(pk=call.pk).ranked_at is None
    with pytest.raises(ValidationError) as excinfo:
        calls.rank_call(CallFactory(), actor=users["coordinator"])
    assert "The call is open for applications" in messages(excinfo)


def test_ineligible_applications_are_left_out_and_their_decision_published(users, institution):
    from edureg.evaluation.services.workflow import declare_ineligible

    call, apps = competition(users, institution, ROWS[:2])
    Application.objects.filter(pk=apps[1].pk).update(status="eligibility", total=None, mandatory_passed=None)
    declare_ineligible(apps[1], actor=users["coordinator"], reason="Programa neatitinka kvietimo sąlygų.")
    calls.rank_call(call, actor=users["coordinator"])
    assert results(call) == [(1, "funded", D("15000")), (None, "ineligible", None)]
    calls.publish_call(call, actor=users["coordinator"])
    ineligible = Decision.objects.get(application=apps[1])
    assert ineligible.outcome == "not_funded" and ineligible.published_at is not None
    assert [a.pk for a in calls.call_results(call)] == [apps[0].pk, apps[1].pk]


def test_publish_refuses_unranked_overrun_and_changes(users, institution):
    coordinator = users["coordinator"]
    call, apps = competition(users, institution, ROWS[:3], budget=D("30000"))
    with pytest.raises(ValidationError) as excinfo:
        calls.publish_call(call, actor=coordinator)
    assert "Rank the call before publishing" in messages(excinfo)
    calls.rank_call(call, actor=coordinator)
    # A budget overrun (the budget was cut after the ranking): a clear "budget" error, nothing changed.
    Call.objects.filter(pk=call.pk).update(budget=D("25000"), max_per_application=D("20000"))
    with pytest.raises(ValidationError) as excinfo:
        calls.publish_call(call, actor=coordinator)
    assert error_fields(excinfo) == {"budget"}
    assert "The grants add up to 30000.00 EUR, more than the budget of 25000.00 EUR" in messages(excinfo)
    assert not Decision.objects.exists() and Call.objects.get(pk=call.pk).status == "closed"
    # Ranked again within the new budget, then a total changes: rank again first.
    calls.rank_call(call, actor=coordinator)
    assert sum(a.granted_amount for a in Application.objects.filter(call=call)) == D("25000")
    Application.objects.filter(pk=apps[2].pk).update(total=D("99"))
    with pytest.raises(ValidationError) as excinfo:
        calls.publish_call(call, actor=coordinator)
    assert "changed since the ranking" in messages(excinfo)
    assert not Decision.objects.exists()
    calls.rank_call(call, actor=coordinator)
    calls.publish_call(call, actor=coordinator)
    with pytest.raises(ValidationError):
        calls.rank_call(call, actor=coordinator)
    with pytest.raises(ValidationError):
        calls.publish_call(call, actor=coordinator)
    assert Decision.objects.count() == 3


def scored_by_experts(app, relevance):
    """A submitted expert sheet on the application (relevance as given, content 2, staff 3)."""
    assignment = AssignmentFactory(application=app, status="submitted", total=D("60"))
    for criterion in app.procedure.criteria.all():
        value = {"relevance": relevance, "content": 2, "staff": 3}[criterion.code]
        Score.objects.create(assignment=assignment, criterion=criterion, value=D(value), justification="Gerai.")


def test_criterion_tie_rule_uses_the_experts_aggregated_scores(users, institution):
    call, apps = competition(users, institution, [("5000", "70", True), ("4000", "70", True)],
                             budget=D("5000"), max_per_application=D("5000"),
                             tie_rules=["criterion:relevance", "lower_amount"], last_fit_rule="stop")
    scored_by_experts(apps[0], 2)
    scored_by_experts(apps[1], 4)
    calls.rank_call(call, actor=users["coordinator"])
    assert results(call) == [(2, "not_funded", D("0")), (1, "funded", D("4000"))]
    Call.objects.filter(pk=call.pk).update(tie_rules=["earlier_submission"])
    calls.rank_call(call, actor=users["coordinator"])
    assert results(call) == [(1, "funded", D("5000")), (2, "not_funded", D("0"))]
    assert Assignment.objects.count() == 2
