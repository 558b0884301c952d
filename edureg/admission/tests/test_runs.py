"""Allocation runs: what a run writes (results, explanations, per-offer figures, invitations), what it records, that
a failed run leaves nothing, that a re-run gives the same result, and that the exported input re-run by the CLI
reproduces the stored result exactly."""

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from edureg.admission.choices import ApplicationStatus, InvitationStatus, RoundStatus, RunStatus
from edureg.admission.engine import allocation, roundfile
from edureg.admission.engine.eligibility import Reason
from edureg.admission.facts import reason_text
from edureg.admission.models import AllocationRun, ApplicationResult, Invitation, OfferResult
from edureg.admission.services import runs
from edureg.admission.services.runs import execute_run, round_input, run_round_now, start_run
from edureg.admission.tests.factories import (
    ApplicationFactory,
    GradeFactory,
    OfferFactory,
    PreferenceFactory,
    RoundFactory,
    ScoringFormulaFactory,
    subject,
)
from edureg.core.models import ObjectChange

pytestmark = pytest.mark.django_db


def applicant(round_, offers, lt, mat, *, education="secondary", status=ApplicationStatus.SUBMITTED, **fields):
    """A submitted application with LT and MAT grades and the offers as preferences, in order."""
    application = ApplicationFactory(round=round_, education=education, status=status, **fields)
    GradeFactory(application=application, subject=subject("LT"), value=Decimal(lt))
    GradeFactory(application=application, subject=subject("MAT", "Matematika"), value=Decimal(mat))
    for rank, offer in enumerate(offers, start=1):
        PreferenceFactory(application=application, rank=rank, offer=offer)
    return application


@pytest.fixture
def scenario():
    """Offers A (2 places), B (1) and C (5); six applicants whose outcome follows from their scores
    (0.4 × LT + 0.4 × MAT): p1 8.0 [A, B], p2 7.2 [A, C], p3 6.4 [A, B, C], p4 5.6 [B, C], p5 (basic education:
    not eligible for LTKS IV) [A], p6 7.6 [B, A]."""
    round_ = RoundFactory(status=RoundStatus.CLOSED, lottery_seed="test-seed")
    formula = ScoringFormulaFactory(round=round_)
    a = OfferFactory(round=round_, code="A", capacity=2, formula=formula)
    b = OfferFactory(round=round_, code="B", capacity=1, formula=formula)
    c = OfferFactory(round=round_, code="C", capacity=5, formula=formula)
    people = {
        "p1": applicant(round_, [a, b], 10, 10),
        "p2": applicant(round_, [a, c], 9, 9),
        "p3": applicant(round_, [a, b, c], 8, 8),
        "p4": applicant(round_, [b, c], 7, 7),
        "p5": applicant(round_, [a], 10, 10, education="basic"),
        "p6": applicant(round_, [b, a], 10, 9),
    }
    # Not submitted: left out of the run.
    applicant(round_, [a], 10, 10, status=ApplicationStatus.DRAFT)
    applicant(round_, [a], 10, 10, status=ApplicationStatus.WITHDRAWN)
    return {"round": round_, "offers": {"A": a, "B": b, "C": c}, "people": people}


def result_of(run, application) -> ApplicationResult:
    return ApplicationResult.objects.get(run=run, application=application)


def outcomes(run) -> dict:
    return {r.application_id: (r.public_id, r.lottery, r.offer_id, r.rank, r.explanation)
            for r in ApplicationResult.objects.filter(run=run)}


def test_a_run_invites_each_applicant_to_the_highest_preference_they_can_win(scenario):
    round_, people, offers = scenario["round"], scenario["people"], scenario["offers"]
    run = run_round_now(round_, actor=None)

    assert run.status == RunStatus.DONE and run.is_current and run.error == ""
    round_.refresh_from_db()
    assert round_.status == RoundStatus.ALLOCATED
    invited = {r.application_id: (r.offer.code if r.offer else None, r.rank)
               for r in ApplicationResult.objects.filter(run=run).select_related("offer")}
    assert invited == {
        people["p1"].pk: ("A", 1), people["p2"].pk: ("A", 1), people["p3"].pk: ("C", 3),
        people["p4"].pk: ("C", 2), people["p5"].pk: (None, None), people["p6"].pk: ("B", 1),
    }
    assert {(i.application_id, i.offer.code, i.status) for i in Invitation.objects.filter(run=run)} == {
        (people["p1"].pk, "A", "invited"), (people["p2"].pk, "A", "invited"), (people["p3"].pk, "C", "invited"),
        (people["p4"].pk, "C", "invited"), (people["p6"].pk, "B", "invited")}
    assert ApplicationResult.objects.filter(run=run).count() == 6  # the draft and the withdrawn one are left out
    assert OfferResult.objects.filter(run=run).count() == 3
    assert offers["A"].pk not in {r.offer_id for r in ApplicationResult.objects.filter(run=run, rank=3)}


def test_the_explanation_shows_cutoffs_missed_preferences_not_needed_and_reasons(scenario):
    round_, people = scenario["round"], scenario["people"]
    run = run_round_now(round_, actor=None)

    p2 = result_of(run, people["p2"])
    p3 = result_of(run, people["p3"]).explanation
    assert [(e["offer"], e["rank"], e["eligible"], e["outcome"]) for e in p3] == [
        ("A", 1, True, "below_cutoff"), ("B", 2, True, "below_cutoff"), ("C", 3, True, "invited")]
    assert p3[0]["score"] == [6.4, 0.0]
    assert p3[0]["cutoff"] == {"score": [7.2, 0.0], "lottery": p2.lottery}  # A's last invited: p2
    assert p3[1]["cutoff"]["score"] == [7.6, 0.0]  # B's only place: p6
    assert p3[2]["cutoff"] is None and p3[2]["reason_codes"] == []

    p1 = result_of(run, people["p1"]).explanation
    assert [(e["offer"], e["outcome"], e["cutoff"]) for e in p1] == [("A", "invited", None), ("B", "not_needed", None)]
    p6 = result_of(run, people["p6"]).explanation
    assert [(e["offer"], e["outcome"]) for e in p6] == [("B", "invited"), ("A", "not_needed")]

    p5 = result_of(run, people["p5"])
    assert p5.offer is None and p5.rank is None
    [entry] = p5.explanation
    assert entry["outcome"] == "ineligible" and entry["eligible"] is False and entry["cutoff"] is None
    assert entry["score"] == [8.0, 0.0]  # shown, though the preference did not take part
    codes = [r["code"] for r in entry["reason_codes"]]
    assert codes == ["entry_education"]
    # Stored as codes and parameters, worded by the pages in the reader's language.
    text = reason_text(Reason(**entry["reason_codes"][0]))
    assert "IV" in text and "III" in text
    assert json.dumps(p5.explanation).isascii()  # nothing language-bound stored


def test_offer_results_count_applicants_places_invited_and_cutoffs(scenario):
    run = run_round_now(scenario["round"], actor=None)
    rows = {r.offer.code: r for r in OfferResult.objects.filter(run=run).select_related("offer")}
    p2 = result_of(run, scenario["people"]["p2"])
    p6 = result_of(run, scenario["people"]["p6"])

    a, b, c = rows["A"], rows["B"], rows["C"]
    assert (a.applicants, a.first_preference, a.eligible, a.places, a.invited) == (5, 4, 4, 2, 2)
    assert (a.lowest_score, a.cutoff_score, a.cutoff_lottery) == ([7.2, 0.0], [7.2, 0.0], p2.lottery)
    assert (b.applicants, b.first_preference, b.eligible, b.places, b.invited) == (4, 2, 4, 1, 1)
    assert (b.cutoff_score, b.cutoff_lottery) == ([7.6, 0.0], p6.lottery)
    # C has places left: no cut-off, but the lowest invited score (p4's 5.6) is published.
    assert (c.applicants, c.first_preference, c.eligible, c.places, c.invited) == (3, 0, 3, 5, 2)
    assert (c.lowest_score, c.cutoff_score, c.cutoff_lottery) == ([5.6, 0.0], None, None)


def test_a_run_records_its_input_configuration_engine_timings_and_summary(scenario):
    round_ = scenario["round"]
    run = run_round_now(round_, actor=None)

    assert run.number == 1 and run.engine_version == allocation.ENGINE_VERSION
    assert len(run.input_hash) == 64 and run.input_hash == roundfile.canonical_hash(round_input(round_))
    assert run.configuration["lottery_seed"] == "test-seed"
    assert run.configuration["offers"]["B"]["capacity"] == 1
    assert run.configuration["formulas"]["general"]["priorities"] == ["orphan"]
    assert run.configuration["round"]["entry_levels"] == {"none": 2, "basic": 3, "secondary": 4}
    assert set(run.timings) == {"load", "eligibility", "scores", "lottery", "allocate", "write",
                                "write_previous_removed", "write_change_records", "commit", "total"}
    assert all(value >= 0 for value in run.timings.values())
    assert run.summary == {
        "applications": 6, "preferences": 12, "eligible_preferences": 11, "invited": 5, "not_invited": 1,
        "invited_by_rank": {"1": 3, "2": 1, "3": 1}, "offers": 3, "places": 8, "full_offers": 2}
    assert (run.progress, run.progress_message) == (100, "Done")
    assert run.started_at <= run.finished_at


def test_lottery_numbers_are_distinct_and_public_ids_anonymous(scenario):
    run = run_round_now(scenario["round"], actor=None)
    rows = list(ApplicationResult.objects.filter(run=run))
    n = len(rows)
    assert sorted(r.lottery for r in rows) == [(k + 1) / (n + 1) for k in range(n)]
    assert sorted(r.public_id for r in rows) == [f"AP-{k:06d}" for k in range(1, n + 1)]


def test_the_lottery_seed_is_drawn_at_the_first_run_and_kept(scenario):
    round_ = scenario["round"]
    round_.lottery_seed = ""
    round_.save()
    first = run_round_now(round_, actor=None)
    round_.refresh_from_db()
    assert len(round_.lottery_seed) == 32 and first.configuration["lottery_seed"] == round_.lottery_seed
    second = run_round_now(round_, actor=None)
    assert second.configuration["lottery_seed"] == round_.lottery_seed
    assert second.input_hash == first.input_hash


def test_a_rerun_gives_the_same_result_and_replaces_the_unpublished_one(scenario):
    round_ = scenario["round"]
    first = run_round_now(round_, actor=None)
    before = outcomes(first)
    offer_rows = list(OfferResult.objects.filter(run=first).values_list(
        "offer_id", "applicants", "invited", "lowest_score", "cutoff_score", "cutoff_lottery").order_by("offer_id"))

    labels = {str(r) for r in ApplicationResult.objects.filter(run=first).select_related("offer")}
    second = run_round_now(round_, actor=None)
    first.refresh_from_db()
    deleted = ObjectChange.objects.filter(action="delete", content_type__model="applicationresult")
    assert set(deleted.values_list("object_repr", flat=True)) == labels
    assert {c.prechange_data["public_id"] for c in deleted} == {v[0] for v in before.values()}
    assert second.number == 2 and second.is_current and not first.is_current
    assert second.input_hash == first.input_hash
    assert outcomes(second) == before
    assert list(OfferResult.objects.filter(run=second).values_list(
        "offer_id", "applicants", "invited", "lowest_score", "cutoff_score", "cutoff_lottery")
        .order_by("offer_id")) == offer_rows
    # The earlier unpublished run's rows are gone (their deletion recorded), its record stays.
    assert not ApplicationResult.objects.filter(run=first).exists()
    assert not Invitation.objects.filter(run=first).exists()
    assert not OfferResult.objects.filter(run=first).exists()
    assert first.status == RunStatus.DONE and first.summary["invited"] == 5
    assert ObjectChange.objects.filter(action="delete", content_type__model="invitation").count() == 5


def test_a_different_seed_gives_other_lottery_numbers(scenario):
    round_ = scenario["round"]
    first = run_round_now(round_, actor=None)
    lotteries = {a: v[1] for a, v in outcomes(first).items()}
    round_.lottery_seed = "another-seed"
    round_.save()
    second = run_round_now(round_, actor=None)
    assert {a: v[1] for a, v in outcomes(second).items()} != lotteries
    assert second.input_hash != first.input_hash


def test_the_writes_are_recorded_in_the_audit_trail(scenario):
    run = run_round_now(scenario["round"], actor=None)
    job = f"admission-run-{run.pk}"
    created = ObjectChange.objects.filter(job_id=job, action="create")
    assert created.filter(content_type__model="applicationresult").count() == 6
    assert created.filter(content_type__model="offerresult").count() == 3
    assert created.filter(content_type__model="invitation").count() == 5
    result = ApplicationResult.objects.filter(run=run, offer__isnull=False).select_related("offer").first()
    label = created.get(content_type__model="applicationresult", object_id=str(result.pk)).object_repr
    assert label == str(result) and label.endswith(f"{result.offer.code} (State-funded)")


def fail_on_invitations(monkeypatch):
    """Make the write step fail once the results and offer results are written, before the invitations."""
    real = runs.record_bulk

    def failing(rows, action, befores=None, **kwargs):
        if action == "create" and rows and isinstance(rows[0], Invitation):
            raise RuntimeError("disk full")
        return real(rows, action, befores, **kwargs)

    monkeypatch.setattr(runs, "record_bulk", failing)


def test_a_failed_first_run_leaves_nothing(scenario, monkeypatch):
    round_ = scenario["round"]
    fail_on_invitations(monkeypatch)
    with pytest.raises(RuntimeError, match="disk full"):
        run_round_now(round_, actor=None)

    run = AllocationRun.objects.get(round=round_)
    assert run.status == RunStatus.FAILED and not run.is_current
    assert "disk full" in run.error and run.input_hash == ""
    assert "write" in run.timings and run.progress_message == "Failed"
    assert not ApplicationResult.objects.exists()
    assert not OfferResult.objects.exists()
    assert not Invitation.objects.exists()
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED


def test_a_killed_rerun_leaves_the_previous_result_untouched(scenario, monkeypatch):
    round_ = scenario["round"]
    first = run_round_now(round_, actor=None)
    before = outcomes(first)
    fail_on_invitations(monkeypatch)
    with pytest.raises(RuntimeError):
        run_round_now(round_, actor=None)

    failed = AllocationRun.objects.get(round=round_, number=2)
    first.refresh_from_db()
    assert failed.status == RunStatus.FAILED and not failed.is_current
    assert first.is_current and first.status == RunStatus.DONE
    assert outcomes(first) == before  # the deletion of its rows was rolled back
    assert Invitation.objects.filter(run=first).count() == 5
    assert not ApplicationResult.objects.filter(run=failed).exists()
    assert not OfferResult.objects.filter(run=failed).exists()
    assert not Invitation.objects.filter(run=failed).exists()
    # Failed runs do not block the next one.
    monkeypatch.undo()
    third = run_round_now(round_, actor=None)
    assert third.number == 3 and third.is_current and outcomes(third) == before


def test_export_and_the_cli_reproduce_the_stored_result_exactly(scenario, tmp_path):
    round_ = scenario["round"]
    run = run_round_now(round_, actor=None)
    source, target = tmp_path / "round.json", tmp_path / "result.json"
    call_command("admission", "export", "--round", round_.code, "--output", str(source))
    data = json.loads(source.read_text(encoding="utf-8"))
    assert roundfile.canonical_hash(data) == run.input_hash

    call_command("admission", "allocate", "--input", str(source), "--output", str(target))
    result = json.loads(target.read_text(encoding="utf-8"))
    stored = {r.public_id: r.offer.code if r.offer else None
              for r in ApplicationResult.objects.filter(run=run).select_related("offer")}
    assert result["assignments"] == stored
    cutoffs = {r.offer.code: ({"score": r.cutoff_score, "lottery": r.cutoff_lottery}
                              if r.cutoff_score is not None else None)
               for r in OfferResult.objects.filter(run=run).select_related("offer")}
    assert result["cutoffs"] == cutoffs
    assert sum(v is not None for v in cutoffs.values()) == 2


def test_the_exported_input_holds_nothing_personal(scenario):
    round_ = scenario["round"]
    run_round_now(round_, actor=None)
    data = round_input(round_)
    text = json.dumps(data)
    assert set(data) == {"offers", "applicants"}
    assert {frozenset(a) for a in data["applicants"]} == {frozenset({"id", "lottery", "preferences"})}
    for application in scenario["people"].values():
        person = application.person
        for value in (person.first_name, person.last_name, person.personal_code, application.number):
            assert value and value not in text
    # Only eligible preferences, in the applicant's order; p5 (nothing eligible) has none.
    by_id = {a["id"]: [p["offer"] for p in a["preferences"]] for a in data["applicants"]}
    p3 = result_of(round_.runs.get(), scenario["people"]["p3"])
    p5 = result_of(round_.runs.get(), scenario["people"]["p5"])
    assert by_id[p3.public_id] == ["A", "B", "C"] and by_id[p5.public_id] == []
    assert data["offers"] == [{"id": "A", "capacity": 2}, {"id": "B", "capacity": 1}, {"id": "C", "capacity": 5}]


def test_round_input_of_a_given_run_and_refusals(scenario):
    round_ = scenario["round"]
    with pytest.raises(ValidationError) as error:
        round_input(round_)
    assert "run" in error.value.message_dict
    first = run_round_now(round_, actor=None)
    assert roundfile.canonical_hash(round_input(round_, run=first)) == first.input_hash
    other = RoundFactory(status=RoundStatus.CLOSED)
    with pytest.raises(ValidationError):
        round_input(other, run=first)


def build_round(size: int):
    round_ = RoundFactory(status=RoundStatus.CLOSED, lottery_seed="size")
    formula = ScoringFormulaFactory(round=round_)
    offers = [OfferFactory(round=round_, capacity=2, formula=formula) for _ in range(3)]
    for n in range(size):
        applicant(round_, [offers[n % 3], offers[(n + 1) % 3]], 5 + n % 6, 10 - n % 5)
    return round_


def test_the_number_of_queries_does_not_grow_with_the_applications(django_assert_max_num_queries):
    run_round_now(build_round(1), actor=None)  # the first run in a process looks up content types once
    counts = []
    for size in (3, 15):
        round_ = build_round(size)
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(70):
            run = run_round_now(round_, actor=None)
        assert run.summary["applications"] == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- starting runs -------------------------------------------------------------------------------------------------


def test_start_run_queues_a_job_that_executes_the_run(scenario, world, django_capture_on_commit_callbacks):
    round_ = scenario["round"]
    organiser = world.user("agency_admin")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = start_run(round_, actor=organiser)
        assert run.status == RunStatus.QUEUED and run.number == 1 and run.started_by == organiser
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.is_current and run.progress == 100
    assert ObjectChange.objects.filter(job_id=f"admission-run-{run.pk}", user_id=organiser.pk,
                                       content_type__model="invitation").count() == 5


@pytest.mark.parametrize("status", [RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.PUBLISHED,
                                    RoundStatus.FINISHED])
def test_a_round_runs_only_once_applications_are_closed_and_until_published(status):
    round_ = RoundFactory(status=status)
    with pytest.raises(ValidationError) as error:
        start_run(round_, actor=None)
    assert "status" in error.value.message_dict
    assert not AllocationRun.objects.exists()


def test_one_run_at_a_time(scenario):
    round_ = scenario["round"]
    start_run(round_, actor=None)  # queued: the job runs on commit, which the test's transaction never reaches
    with pytest.raises(ValidationError) as error:
        start_run(round_, actor=None)
    assert "already queued or running" in error.value.message_dict["status"][0]
    with pytest.raises(ValidationError):
        run_round_now(round_, actor=None)


def test_a_run_whose_process_died_does_not_block_the_round(scenario):
    round_ = scenario["round"]
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1, minutes=1)
    dead = AllocationRun.objects.create(round=round_, number=1, status=RunStatus.RUNNING, started_at=an_hour_ago)
    run = run_round_now(round_, actor=None)
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED and "Abandoned" in dead.error
    assert run.number == 2 and run.status == RunStatus.DONE


def test_a_published_run_blocks_reruns(scenario):
    round_ = scenario["round"]
    run = run_round_now(round_, actor=None)
    run.published_at = datetime.datetime(2026, 7, 20, tzinfo=datetime.UTC)
    run.save()
    with pytest.raises(ValidationError):
        start_run(round_, actor=None)


def test_only_the_organiser_runs_a_round(scenario, world):
    for role in ("institution_officer", "municipality_officer", "applicant"):
        with pytest.raises(PermissionDenied):
            start_run(scenario["round"], actor=world.user(role))
    assert not AllocationRun.objects.exists()


def test_only_a_queued_run_is_executed(scenario):
    run = run_round_now(scenario["round"], actor=None)
    with pytest.raises(ValidationError):
        execute_run(run)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.is_current


def test_progress_is_reported_step_by_step(scenario):
    seen = []
    run_round_now(scenario["round"], actor=None, progress=lambda percent, message: seen.append((percent, message)))
    assert [p for p, _m in seen] == sorted(p for p, _m in seen)
    assert seen[0][0] < 10 and seen[-1] == (100, "Done")
    assert "Allocating places" in [m for _p, m in seen]


def test_invitations_are_dated_and_waiting_for_a_contract(scenario):
    run = run_round_now(scenario["round"], actor=None)
    assert set(Invitation.objects.filter(run=run).values_list("status", flat=True)) == {InvitationStatus.INVITED}
