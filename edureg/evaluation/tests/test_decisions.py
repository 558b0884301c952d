"""Decisions: the rule's outcome and the coordinator's departures from it, numbers and validity, the programme
version following, appeals (the window, upheld and dismissed), reminders and expiry warnings. One test runs the
whole way through the experts' services."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from edureg.evaluation.choices import AppealStatus, ApplicationStatus, AssignmentStatus, Outcome, Purpose
from edureg.evaluation.models import Decision
from edureg.evaluation.services import decisions, workflow
from edureg.evaluation.services.common import add_years
from edureg.evaluation.tests.factories import (
    AppealFactory,
    ApplicationFactory,
    AssignmentFactory,
    CallFactory,
    DecisionFactory,
    ExpertFactory,
    procedure,
)
from edureg.evaluation.tests.test_workflow import people, scored, snapshot

pytestmark = pytest.mark.django_db
S = ApplicationStatus
TODAY = datetime.date.today()


def test_the_rule_decides_and_the_cpd_programme_is_accredited():
    app = scored(ApplicationFactory())  # 3, 3, 3 of 4: 75 points, the trainers' criterion passed
    coordinator = people(app.institution).coordinator
    decision = workflow.decide(app, actor=coordinator)
    app.refresh_from_db()
    assert decision.number == f"SPR-{TODAY.year}-00001"
    assert (decision.outcome, decision.total, decision.mandatory_passed) == (Outcome.ACCREDITED, Decimal("75"), True)
    assert (decision.valid_from, decision.valid_until) == (TODAY, add_years(TODAY, 3))
    assert decision.current and decision.published_at is not None and decision.decided_by == coordinator
    assert decision.summary["experts"] == 2 and decision.summary["total"] == "75.00"
    assert [c["score"] for c in decision.summary["criteria"]] == ["3.00", "3.00", "3.00"]
    version = app.programme_version
    version.refresh_from_db()
    version.programme.refresh_from_db()
    assert (version.status, version.accredited_until) == ("registered", decision.valid_until)
    assert version.programme.status == "registered" and version.programme.state_code
    assert app.status == S.DECIDED and app.events.get(action="decided").from_status == S.SCORED
    assert workflow.decide(scored(ApplicationFactory()), actor=None).number == f"SPR-{TODAY.year}-00002"


def test_a_rejection_rejects_the_version():
    app = scored(ApplicationFactory(), values=("4", "4", "1"))  # the trainers' criterion below its pass mark
    decision = workflow.decide(app, actor=None)
    assert (decision.outcome, decision.valid_until) == (Outcome.REJECTED, None)
    app.programme_version.refresh_from_db()
    assert app.programme_version.status == "rejected"


def test_registration_with_conditions():
    app = scored(ApplicationFactory(), values=("2", "2", "2"))  # 50 points: conditions from 45
    assert app.proposed_outcome == Outcome.CONDITIONS
    with pytest.raises(ValidationError) as error:
        workflow.decide(app, actor=None)
    assert error.value.message_dict == {"conditions": ["State the conditions the provider must meet."]}
    decision = workflow.decide(app, actor=None, conditions="Renew the trainers' list within a year.")
    assert (decision.outcome, decision.conditions) == (Outcome.CONDITIONS, "Renew the trainers' list within a year.")
    assert decision.valid_until == add_years(TODAY, 3)
    app.programme_version.refresh_from_db()
    assert app.programme_version.status == "registered"


def test_the_coordinator_may_decide_less_favourably_with_reasons_only():
    app = scored(ApplicationFactory(), values=("2", "2", "2"))  # the rule: conditions
    cases = [
        ({"outcome": Outcome.ACCREDITED}, "outcome"),
        ({"outcome": Outcome.FUNDED}, "outcome"),
        ({"outcome": Outcome.REJECTED}, "reason"),
        ({"outcome": Outcome.REJECTED, "reason": "x", "conditions": "y"}, "conditions"),
    ]
    before = snapshot(app)
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as error:
            workflow.decide(app, actor=None, **kwargs)
        assert list(error.value.message_dict) == [field], kwargs
        assert snapshot(app) == before
    decision = workflow.decide(app, actor=None, outcome=Outcome.REJECTED, reason="The hours are not plausible.")
    assert (decision.outcome, decision.reason) == (Outcome.REJECTED, "The hours are not plausible.")


def test_conditions_only_where_the_procedure_has_them():
    proc = procedure("library-competence-accreditation", kinds=("library_competence",), conditions_threshold=None)
    app = scored(ApplicationFactory(procedure=proc))
    with pytest.raises(ValidationError) as error:
        workflow.decide(app, actor=None, outcome=Outcome.CONDITIONS, conditions="c", reason="r")
    assert error.value.message_dict == {"outcome": ["This procedure has no registration with conditions."]}


def test_a_registration_procedure_registers_without_an_end_date():
    proc = procedure("vet-programme-evaluation", kinds=("initial_vet",), purpose=Purpose.REGISTRATION,
                     validity_years=None, conditions_threshold=None)
    decision = workflow.decide(scored(ApplicationFactory(procedure=proc)), actor=None)
    assert (decision.outcome, decision.valid_until) == (Outcome.ACCREDITED, None)
    version = decision.application.programme_version
    version.refresh_from_db()
    assert (version.status, version.accredited_until) == ("registered", None)


def test_a_call_application_is_decided_by_the_call():
    call = CallFactory()
    app = scored(ApplicationFactory(procedure=call.procedure, call=call))
    with pytest.raises(ValidationError) as error:
        workflow.decide(app, actor=None)
    assert "status" in error.value.message_dict
    assert not Decision.objects.exists()


# --- appeals ------------------------------------------------------------------------------------------------------

def test_the_appeal_window():
    app = scored(ApplicationFactory(), values=("4", "4", "1"))
    decision = workflow.decide(app, actor=None)
    provider = people(app.institution).provider
    with pytest.raises(ValidationError) as error:
        workflow.file_appeal(app, actor=provider, grounds=" ")
    assert error.value.message_dict == {"grounds": ["State the grounds of the appeal."]}
    assert decisions.appeal_deadline(decision) == TODAY + datetime.timedelta(days=30)
    Decision.objects.filter(pk=decision.pk).update(decided_at=timezone.now() - datetime.timedelta(days=31))
    before = snapshot(app)
    with pytest.raises(ValidationError) as error:
        workflow.file_appeal(app, actor=provider, grounds="The trainers' CVs were not read.")
    deadline = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert error.value.message_dict == {"status": [f"The time to appeal ended on {deadline}."]}
    assert snapshot(app) == before
    Decision.objects.filter(pk=decision.pk).update(decided_at=timezone.now() - datetime.timedelta(days=30))
    appeal = workflow.file_appeal(app, actor=provider, grounds="The trainers' CVs were not read.")
    app.refresh_from_db()
    assert (appeal.decision, appeal.status, appeal.filed_by, app.status) == (decision, AppealStatus.FILED, provider,
                                                                            S.APPEALED)


def test_no_appeal_on_a_call_here():
    call = CallFactory()
    app = ApplicationFactory(procedure=call.procedure, call=call, status=S.DECIDED)
    DecisionFactory(application=app, outcome=Outcome.NOT_FUNDED)
    with pytest.raises(ValidationError) as error:
        workflow.file_appeal(app, actor=None, grounds="We deserve it.")
    assert "status" in error.value.message_dict


def test_an_upheld_appeal_re_evaluates_and_the_new_decision_replaces_the_old():
    app = scored(ApplicationFactory(), values=("4", "4", "1"))
    first = workflow.decide(app, actor=None)
    appeal = workflow.file_appeal(app, actor=None, grounds="The trainers' CVs were not read.")
    with pytest.raises(ValidationError) as error:
        workflow.resolve_appeal(appeal, actor=None, uphold=True, resolution="")
    assert "resolution" in error.value.message_dict
    workflow.resolve_appeal(appeal, actor=people(app.institution).coordinator, uphold=True,
                            resolution="The CVs were attached; evaluate again.")
    app.refresh_from_db()
    appeal.refresh_from_db()
    assert (app.status, app.round, app.total, app.proposed_outcome) == (S.UNDER_EVALUATION, 2, None, "")
    assert appeal.status == AppealStatus.UPHELD and appeal.resolved_at is not None
    first.refresh_from_db()
    assert first.current  # in force until the new decision
    with pytest.raises(ValidationError):
        workflow.resolve_appeal(appeal, actor=None, uphold=False, resolution="Again.")
    second = workflow.decide(scored(app), actor=None)
    first.refresh_from_db()
    assert (first.current, second.current, second.round, second.outcome) == (False, True, 2, Outcome.ACCREDITED)
    assert second.summary["experts"] == 2  # only round 2's sheets
    version = app.programme_version
    version.refresh_from_db()
    assert (version.status, version.accredited_until) == ("registered", second.valid_until)


def test_a_dismissed_appeal_leaves_the_decision():
    app = scored(ApplicationFactory(), values=("4", "4", "1"))
    decision = workflow.decide(app, actor=None)
    appeal = workflow.file_appeal(app, actor=None, grounds="Unfair.")
    workflow.resolve_appeal(appeal, actor=None, uphold=False, resolution="The scores are justified.")
    app.refresh_from_db()
    appeal.refresh_from_db()
    decision.refresh_from_db()
    assert (app.status, app.round, appeal.status, decision.current) == (S.DECIDED, 1, AppealStatus.DISMISSED, True)
    assert app.events.last().action == "appeal_dismissed"


# --- the whole way through the experts' services ------------------------------------------------------------------

def test_end_to_end_through_the_experts_services():
    from edureg.evaluation.services import experts, scoring
    from edureg.persons.tests.factories import PersonFactory
    from edureg.programmes import services as programmes
    from edureg.programmes.tests.factories import make_programme

    procedure("cpd-accreditation")
    institution = ApplicationFactory().institution  # any institution with a municipality
    programme = make_programme(provider=institution, kind="cpd")
    version = programme.versions.get()
    programmes.submit_version(version, actor=None)
    app = version.evaluation_applications.get()
    coordinator = people(institution).coordinator
    workflow.start_eligibility(app, actor=coordinator)
    workflow.accept_eligibility(app, actor=coordinator)
    sheets = {"relevance": ("4", "Aktuali."), "content": ("3", "Gera."), "staff": ("3", "Patyrę lektoriai.")}
    for n in range(2):
        expert = ExpertFactory(person=PersonFactory(first_name=f"Ekspertas{n}", birth_date=datetime.date(1970, 1, 1)))
        assignment = experts.assign_expert(app, expert, actor=coordinator)
        experts.confirm_no_conflict(assignment, actor=None)
        scoring.save_scores(assignment, {k: {"value": v, "justification": j} for k, (v, j) in sheets.items()},
                            actor=None)
        scoring.submit_scores(assignment, actor=None)
    app.refresh_from_db()
    assert (app.status, app.total, app.proposed_outcome) == (S.SCORED, Decimal("85.00"), Outcome.ACCREDITED)
    decision = workflow.decide(app, actor=coordinator)
    version.refresh_from_db()
    assert (decision.outcome, version.status, version.accredited_until) == (
        Outcome.ACCREDITED, "registered", add_years(TODAY, 3))
    assert decision.summary["experts"] == 2
    assert list(app.events.values_list("action", flat=True)) == [
        "submitted", "eligibility_started", "eligible", "expert_assigned", "no_conflict", "scores_submitted",
        "expert_assigned", "no_conflict", "scores_submitted", "scored", "decided"]


# --- reminders ----------------------------------------------------------------------------------------------------

def in_force(decision: Decision) -> Decision:
    version = decision.application.programme_version
    version.status = "registered"
    version.save()
    return decision


def _due(status, days, **fields):
    app = ApplicationFactory(**fields)
    app.status, app.due_on = status, TODAY + datetime.timedelta(days=days)
    app.save()
    return app


def test_reminders():
    late = _due(S.ELIGIBILITY, -2)
    soon = _due(S.SCORED, 3)
    _due(S.UNDER_EVALUATION, 4)  # not yet
    _due(S.DECIDED, -10)  # closed stages are not reminded
    evaluating = _due(S.UNDER_EVALUATION, 10, extra_expert_needed=True)
    AssignmentFactory(application=evaluating, due_on=TODAY - datetime.timedelta(days=1))
    AssignmentFactory(application=evaluating, status=AssignmentStatus.SUBMITTED)
    appealed = _due(S.APPEALED, 5)
    AppealFactory(application=appealed, decision=DecisionFactory(application=appealed))
    expiring = in_force(DecisionFactory(valid_until=TODAY + datetime.timedelta(days=60)))
    in_force(DecisionFactory(valid_until=TODAY + datetime.timedelta(days=200)))
    found = {(r.kind, r.application.number) for r in decisions.reminders()}
    assert found == {("overdue", late.number), ("due_soon", soon.number), ("expert_overdue", evaluating.number),
                     ("extra_expert", evaluating.number), ("appeal", appealed.number),
                     ("expiring", expiring.application.number)}
    first = decisions.reminders()[0]
    assert (first.kind, first.overdue) == ("overdue", True)
    assert first.message == f"Overdue: the stage “eligibility check” was due on {late.due_on.isoformat()}."
    AssignmentFactory(application=evaluating)  # the third expert: no longer reminded
    assert "extra_expert" not in {r.kind for r in decisions.reminders()}


def test_expiring_decisions():
    within = DecisionFactory(valid_until=TODAY + datetime.timedelta(days=90))
    DecisionFactory(valid_until=TODAY + datetime.timedelta(days=91))
    DecisionFactory(valid_until=TODAY - datetime.timedelta(days=1))  # already ended
    DecisionFactory(valid_until=TODAY + datetime.timedelta(days=10), outcome=Outcome.REJECTED)
    DecisionFactory(valid_until=TODAY + datetime.timedelta(days=10), current=False)
    registered = DecisionFactory(valid_until=TODAY + datetime.timedelta(days=10))
    superseded = DecisionFactory(valid_until=TODAY + datetime.timedelta(days=10))
    for decision, status in ((within, "registered"), (registered, "registered"), (superseded, "superseded")):
        version = decision.application.programme_version
        version.status = status
        version.save()
    assert decisions.expiring_decisions() == [registered, within]
    assert decisions.expiring_decisions(on=TODAY + datetime.timedelta(days=11)) == [within]


def test_expiry_warnings_are_sent_once():
    with_address = DecisionFactory(valid_until=TODAY + datetime.timedelta(days=30))
    without = DecisionFactory(valid_until=TODAY + datetime.timedelta(days=40))
    for decision, email in ((with_address, "info@mokykla.lt"), (without, "")):
        decision.application.institution.email = email
        decision.application.institution.save()
        version = decision.application.programme_version
        version.status = "registered"
        version.save()
    assert decisions.send_expiry_warnings() == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["info@mokykla.lt"]
    assert with_address.number in message.subject and with_address.valid_until.isoformat() in message.body
    with_address.refresh_from_db()
    without.refresh_from_db()
    assert with_address.expiry_warned_on == without.expiry_warned_on == TODAY
    assert decisions.send_expiry_warnings() == 0
    assert len(mail.outbox) == 1
    assert {r.kind for r in decisions.reminders()} == {"expiring"}  # still on the coordinator's page


def test_an_appeal_against_conditions_re_dates_the_registered_versions_accreditation(monkeypatch):
    # 2, 2, 3 of 4 = 55 points: registered with conditions (45-60), so the version is registered already.
    app = scored(ApplicationFactory(), values=("2", "2", "3"))
    first = workflow.decide(app, actor=None, conditions="Add a practical module.")
    version = app.programme_version
    version.refresh_from_db()
    assert (first.outcome, version.status) == (Outcome.CONDITIONS, "registered")
    assert version.accredited_until == first.valid_until
    appeal = workflow.file_appeal(app, actor=None, grounds="The practical part is in module 3.")
    workflow.resolve_appeal(appeal, actor=None, uphold=True, resolution="Evaluate again.")
    app.refresh_from_db()
    monkeypatch.setattr(decisions, "today", lambda: TODAY + datetime.timedelta(days=40))  # decided 40 days later
    second = workflow.decide(scored(app, values=("4", "3", "3")), actor=None)
    version.refresh_from_db()
    assert second.valid_until != first.valid_until
    assert second.outcome == Outcome.ACCREDITED
    assert (version.status, version.accredited_until) == ("registered", second.valid_until)
    assert version.programme.events.order_by("-id").values_list("action", flat=True)[0] == "accreditation_changed"
