"""Allocation runs: load a closed round's submitted applications, check eligibility, compute scores, draw the lottery,
allocate (engine.allocation, applicant-proposing deferred acceptance) and write the results in one transaction.

A run is recorded on its `AllocationRun` row: the SHA-256 of its anonymised input (the CLI format of
engine.roundfile), the configuration it used, the engine version, timings per step and a summary. Progress is saved
on the row as the run goes, outside the write transaction, so that a page polling the row sees it. A run that fails
leaves no result rows, is marked failed with the error, and the previous current run stays current.

The input of a run can be rebuilt from its stored rows (`round_input`): public ids, lottery numbers, the eligible
preferences with their scores, and the offers' places; nothing personal. Anyone can re-run it with
`edureg admission allocate` and get the stored result.
"""

import datetime
import functools
import hashlib
import json
import operator
import secrets
import time
from collections import defaultdict
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from edureg.admission import facts
from edureg.admission.choices import ApplicationStatus, InvitationStatus, Outcome, RoundStatus, RunStatus
from edureg.admission.engine import allocation, eligibility, roundfile, scoring
from edureg.admission.models import (
    AllocationRun,
    Application,
    ApplicationResult,
    Grade,
    Invitation,
    Offer,
    OfferResult,
    Preference,
    Round,
)
from edureg.core.audit.context import audit_context
from edureg.core.audit.registry import record_bulk
from edureg.core.audit.serialize import snapshot
from edureg.core.services import acting, ensure_in_scope

BATCH = 2000
RUNNABLE = (RoundStatus.CLOSED, RoundStatus.ALLOCATED)
ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)
STALE_RUNNING = datetime.timedelta(hours=1)  # far longer than a run takes (bench/admission_round.py)
STALE_QUEUED = datetime.timedelta(hours=12)

# Progress (%) reached when each step starts, and its message. Messages are stored in English on the run row
# (pages show them through gettext); the callback of the CLI gets them translated.
STEPS = {
    "load": (2, gettext_noop("Loading applications")),
    "eligibility": (20, gettext_noop("Checking eligibility")),
    "scores": (35, gettext_noop("Computing scores")),
    "lottery": (50, gettext_noop("Drawing the lottery")),
    "allocate": (55, gettext_noop("Allocating places")),
    "write": (65, gettext_noop("Writing results and invitations")),
}
QUEUED, DONE, FAILED = gettext_noop("Queued"), gettext_noop("Done"), gettext_noop("Failed")

Progress = Callable[[int, str], None]

__all__ = ["start_run", "execute_run", "run_round_now", "round_input"]


# ---------------------------------------------------------------------------------------------------------------
# Starting a run


def _check_runnable(round_: Round) -> None:
    if round_.status not in RUNNABLE:
        if round_.status in (RoundStatus.PUBLISHED, RoundStatus.FINISHED):
            message = _("The round's results are published; it cannot be run again.")
        else:
            message = _("Applications must be closed before the allocation is run.")
        raise ValidationError({"status": [message]})
    if round_.runs.filter(published_at__isnull=False).exists():
        raise ValidationError({"status": [_("The round's results are published; it cannot be run again.")]})


def _abandon_stale(round_: Round) -> None:
    """A run whose process died (killed, out of memory, the server restarted) stays "running" and would block the
    round: after STALE_RUNNING (or STALE_QUEUED without a worker picking it up) it is marked failed. It wrote
    nothing: its results are written in one transaction at the end."""
    now = timezone.now()
    stale = round_.runs.filter(Q(status=RunStatus.RUNNING, started_at__lt=now - STALE_RUNNING)
                               | Q(status=RunStatus.QUEUED, created_at__lt=now - STALE_QUEUED))
    for run in stale:
        run.status, run.finished_at, run.progress_message = RunStatus.FAILED, now, FAILED
        run.error = _("Abandoned: the run did not finish (its process stopped).")
        run.save(update_fields=["status", "finished_at", "progress_message", "error"])


def _new_run(round_, *, actor) -> AllocationRun:
    """Lock the round, check it may be run, draw its lottery seed if it has none and add a queued run."""
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    ensure_in_scope(locked, actor=actor, action="change")
    _check_runnable(locked)
    _abandon_stale(locked)
    if locked.runs.filter(status__in=ACTIVE).exists():
        raise ValidationError({"status": [_("A run of this round is already queued or running.")]})
    if not locked.lottery_seed:
        locked.lottery_seed = secrets.token_hex(16)
        locked.save(update_fields=["lottery_seed", "updated_at"])
    round_.lottery_seed = locked.lottery_seed
    last = locked.runs.order_by("-number").values_list("number", flat=True).first() or 0
    return AllocationRun.objects.create(
        round=locked, number=last + 1, status=RunStatus.QUEUED,
        started_by=actor if getattr(actor, "is_authenticated", False) else None, progress_message=QUEUED)


def start_run(round, *, actor) -> AllocationRun:
    """Queue an allocation run of a round whose applications are closed (admission.tasks.run_allocation runs it
    once the transaction commits)."""
    with acting(actor):
        run = _new_run(round, actor=actor)
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from edureg.admission.tasks import run_allocation

    run_allocation.enqueue(run_id)


def run_round_now(round, *, actor, progress: Progress | None = None) -> AllocationRun:
    """Start and execute a run in this process (the CLI, tests, synthetic data). Raises when the run fails (the run
    row then says failed, with the error)."""
    with acting(actor):
        run = _new_run(round, actor=actor)
    execute_run(run, progress=progress)
    round.refresh_from_db()
    return run


# ---------------------------------------------------------------------------------------------------------------
# Executing a run


class _Tracker:
    """Saves progress on the run row (outside the write transaction) and times each step."""

    def __init__(self, run: AllocationRun, callback: Progress | None):
        self.run, self.callback = run, callback
        self.timings: dict[str, float] = {}
        self.step: str | None = None
        self.started = self.step_started = time.perf_counter()

    def begin(self, step: str) -> None:
        self.end()
        self.step = step
        self.step_started = time.perf_counter()
        self.save(*STEPS[step])

    def end(self) -> None:
        if self.step is not None:
            self.timings[self.step] = round(time.perf_counter() - self.step_started, 3)
            self.step = None

    def save(self, percent: int, message: str) -> None:
        self.run.progress, self.run.progress_message = percent, message
        self.run.save(update_fields=["progress", "progress_message"])
        self.tell(percent, message)

    def tell(self, percent: int, message: str) -> None:
        if self.callback is not None:
            self.callback(percent, _(message))

    def total(self) -> float:
        return round(time.perf_counter() - self.started, 3)


def execute_run(run: AllocationRun, *, progress: Progress | None = None) -> AllocationRun:
    """The job body: allocate the run's round and write its results. Raises after marking the run failed."""
    with audit_context(user=run.started_by, job_id=f"admission-run-{run.pk}"):
        with transaction.atomic():  # claimed once, even if the job is delivered twice
            fresh = AllocationRun.objects.select_for_update().get(pk=run.pk)
            if fresh.status != RunStatus.QUEUED:
                raise ValidationError({"status": [_("Only a queued run can be executed.")]})
            run.status, run.started_at, run.error = RunStatus.RUNNING, timezone.now(), ""
            run.save(update_fields=["status", "started_at", "error"])
        round_ = Round.objects.get(pk=run.round_id)
        tracker = _Tracker(run, progress)
        try:
            _execute(run, round_, tracker)
        except Exception as exc:
            tracker.end()
            run.status, run.finished_at, run.is_current = RunStatus.FAILED, timezone.now(), False
            run.error = f"{type(exc).__name__}: {exc}"[:10_000]
            run.timings = {**tracker.timings, "total": tracker.total()}
            run.progress_message = FAILED
            run.save(update_fields=["status", "finished_at", "is_current", "error", "timings", "progress_message"])
            tracker.tell(run.progress, FAILED)
            raise
    return run


class _Person(NamedTuple):
    birth_date: datetime.date


class _Applicant(NamedTuple):
    """What the run reads of an application: the attributes facts.applicant_facts and facts.score_input use, without
    building 100,000 model instances."""

    pk: int
    person: _Person
    education: str
    prior_qualifications: str
    grade_scale: int
    extras: dict
    priorities: list


def _load(round_: Round) -> dict:
    """Everything the run needs, in a fixed number of queries whatever the number of applications."""
    submitted = Application.objects.filter(round=round_, status=ApplicationStatus.SUBMITTED)
    applications = [
        _Applicant(pk, _Person(birth_date), education, prior, scale, extras, priorities)
        for pk, birth_date, education, prior, scale, extras, priorities in submitted.order_by("pk").values_list(
            "pk", "person__birth_date", "education", "prior_qualifications", "grade_scale", "extras", "priorities")]
    grades: dict[int, dict[str, float]] = defaultdict(dict)
    for application_id, code, value in Grade.objects.filter(
            application__round=round_, application__status=ApplicationStatus.SUBMITTED).values_list(
            "application_id", "subject__code", Cast("value", models.FloatField())).order_by():
        grades[application_id][code] = value  # grades have two decimals: exact as floats for scoring
    preferences: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for application_id, rank, offer_id in Preference.objects.filter(
            application__round=round_, application__status=ApplicationStatus.SUBMITTED).values_list(
            "application_id", "rank", "offer_id").order_by("application_id", "rank"):
        preferences[application_id].append((rank, offer_id))
    offers = list(Offer.objects.filter(round=round_).select_related("formula").order_by("code"))
    return {"applications": applications, "grades": grades, "preferences": preferences, "offers": offers,
            "offer_facts": facts.offer_facts(Offer.objects.filter(round=round_))}


def _lottery(seed: str, n: int) -> tuple[list[float], list[str]]:
    """Lottery numbers (k+1)/(n+1), distinct, for the applications in pk order, and public ids in a shuffled order
    (so that they do not reveal who applied when). Deterministic in the seed."""
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big"))
    lottery = ((rng.permutation(n) + 1) / (n + 1)).tolist()
    width = max(6, len(str(n)))
    public = [f"AP-{k + 1:0{width}d}" for k in rng.permutation(n).tolist()]
    return lottery, public


def _configuration(round_: Round, offers: list[Offer]) -> dict:
    formulas = {o.formula.code: {"components": o.formula.components, "priorities": o.formula.priorities}
                for o in offers}
    return {
        "round": {
            "code": round_.code, "kind": round_.kind, "year": round_.year, "max_preferences": round_.max_preferences,
            "state_funded_only": round_.state_funded_only, "age_on": round_.age_on.isoformat(),
            "min_age": round_.min_age, "min_age_without_general_education": round_.min_age_without_general_education,
            "entry_levels": round_.entry_levels,
            "entry_levels_with_general_education": round_.entry_levels_with_general_education,
            "funding_rules": round_.funding_rules,
        },
        "formulas": dict(sorted(formulas.items())),
        "offers": {o.code: {"capacity": o.capacity, "funding": o.funding, "offering": o.offering_id,
                            "formula": o.formula.code} for o in offers},
        "lottery_seed": round_.lottery_seed,
    }


def input_dict(offers: list[tuple[str, int]], applicants: list[tuple[str, float, list[dict]]]) -> dict:
    """The round input in the CLI format from (offer code, places) and (public id, lottery, explanation) in a fixed
    order (offers by code, applicants by public id): the same function at run time and when rebuilding it, so that
    the hashes agree. Only the eligible preferences go in, in the applicant's order."""
    return {
        "offers": [{"id": code, "capacity": int(places)} for code, places in sorted(offers)],
        "applicants": [
            {"id": public_id, "lottery": float(lottery),
             "preferences": [{"offer": entry["offer"], "score": [float(x) for x in entry["score"]]}
                             for entry in explanation if entry["eligible"]]}
            for public_id, lottery, explanation in sorted(applicants, key=lambda a: a[0])
        ],
    }


def _execute(run: AllocationRun, round_: Round, tracker: _Tracker) -> None:
    tracker.begin("load")
    data = _load(round_)
    applications, offers, preferences = data["applications"], data["offers"], data["preferences"]
    offers_by_id = {o.pk: o for o in offers}
    rules = facts.rules_for(round_)
    # Formulas were checked against the subject list when saved; here they are parsed once each.
    formulas = {}
    for offer in offers:
        if offer.formula_id not in formulas:
            formulas[offer.formula_id] = facts.formula_for(offer.formula, subjects=None)

    tracker.begin("eligibility")
    offer_facts = data["offer_facts"]
    checks: dict = {}
    reasons_of: dict[int, list[list[dict]]] = {}
    for application in applications:
        applicant = facts.applicant_facts(application, age_on=round_.age_on)
        listed = []
        for _rank, offer_id in preferences.get(application.pk, ()):
            key = (applicant, offer_id)
            found = checks.get(key)
            if found is None:
                found = checks[key] = [{"code": r.code, "params": dict(r.params)}
                                       for r in eligibility.check(rules, applicant, offer_facts[offer_id])]
            listed.append(found)
        reasons_of[application.pk] = listed

    tracker.begin("scores")
    scores_of: dict[int, dict[int, list[float]]] = {}
    for application in applications:
        applicant = facts.score_input(application, data["grades"].get(application.pk, {}))
        per_formula = {}
        for _rank, offer_id in preferences.get(application.pk, ()):
            formula_id = offers_by_id[offer_id].formula_id
            if formula_id not in per_formula:
                per_formula[formula_id] = [float(x) for x in scoring.score(formulas[formula_id], applicant)]
        scores_of[application.pk] = per_formula

    tracker.begin("lottery")
    lottery, public_ids = _lottery(round_.lottery_seed, len(applications))
    explanations: list[list[dict]] = []
    for application in applications:
        pk = application.pk
        entries = []
        for (rank, offer_id), reasons in zip(preferences.get(pk, ()), reasons_of[pk], strict=True):
            offer = offers_by_id[offer_id]
            # The reasons are stored as codes with their parameters (no language): pages word them with
            # facts.reason_text(Reason(code, params)).
            entries.append({"offer": offer.code, "rank": rank, "eligible": not reasons,
                            "reason_codes": [dict(r) for r in reasons], "score": scores_of[pk][offer.formula_id],
                            "outcome": None, "cutoff": None})
        explanations.append(entries)
    round_data = input_dict([(o.code, o.capacity) for o in offers],
                            list(zip(public_ids, lottery, explanations, strict=True)))
    input_hash = roundfile.canonical_hash(round_data)

    tracker.begin("allocate")
    parsed = roundfile.parse(round_data)
    outcome = allocation.allocate(parsed.instance)
    result = roundfile.result(parsed, outcome)
    lowest = _lowest_scores(parsed, outcome)

    tracker.begin("write")
    _write(run, round_, tracker, data=data, public_ids=public_ids, lottery=lottery, explanations=explanations,
           result=result, lowest=lowest, input_hash=input_hash)


def _lowest_scores(parsed, outcome) -> dict[str, list[float] | None]:
    """The score of the lowest-ranked invited applicant per offer (also when places were left)."""
    lowest = {}
    for o, code in enumerate(parsed.offer_ids):
        pair = int(outcome.last_pair[o])
        lowest[code] = (None if pair < 0 else
                        [float(x) for x in parsed.instance.pref_score[pair][: int(parsed.score_len[pair])]])
    return lowest


def _explain(entries: list[dict], invited_code: str | None, cutoffs: dict) -> int | None:
    """Fill in the outcome of each preference; returns the rank invited to."""
    invited_rank = None
    for entry in entries:
        if not entry["eligible"]:
            entry["outcome"] = Outcome.INELIGIBLE.value
        elif invited_rank is not None:
            entry["outcome"] = Outcome.NOT_NEEDED.value
        elif entry["offer"] == invited_code:
            entry["outcome"] = Outcome.INVITED.value
            invited_rank = entry["rank"]
        else:
            entry["outcome"] = Outcome.BELOW_CUTOFF.value
            entry["cutoff"] = cutoffs.get(entry["offer"])
    return invited_rank


def _write(run, round_, tracker, *, data, public_ids, lottery, explanations, result, lowest, input_hash) -> None:
    offers = data["offers"]
    for offer in offers:
        # The change records' labels name the offer with its funding ("123-S (State-funded)"): the translated
        # label is looked up once per offer instead of once per result (a tenth of the time for 100,000 labels).
        offer.get_funding_display = functools.partial(str, offer.get_funding_display())
    by_code = {o.code: o for o in offers}
    assignments, cutoffs = result["assignments"], result["cutoffs"]
    today = timezone.localdate()
    results, invitations = [], []
    counts = defaultdict(lambda: {"applicants": 0, "first_preference": 0, "eligible": 0})
    by_rank: dict[str, int] = defaultdict(int)
    pairs = eligible_pairs = 0
    for i, application in enumerate(data["applications"]):
        entries = explanations[i]
        code = assignments[public_ids[i]]
        rank = _explain(entries, code, cutoffs)
        for entry in entries:
            row = counts[entry["offer"]]
            row["applicants"] += 1
            row["first_preference"] += entry["rank"] == 1
            row["eligible"] += entry["eligible"]
            pairs += 1
            eligible_pairs += entry["eligible"]
        offer = by_code[code] if code is not None else None
        results.append(_row(ApplicationResult, {"offer": offer}, id=None, run_id=run.pk, application_id=application.pk,
                            public_id=public_ids[i], lottery=lottery[i], offer_id=offer.pk if offer else None,
                            rank=rank, explanation=entries))
        if offer is not None:
            by_rank[str(rank)] += 1
            invitations.append(_row(Invitation, {"offer": offer, "application": Application(pk=application.pk)},
                                    id=None, run_id=run.pk, application_id=application.pk, offer_id=offer.pk,
                                    status=InvitationStatus.INVITED, status_date=today, contract_number="",
                                    contract_date=None))
    invited_at = defaultdict(int)
    for invitation in invitations:
        invited_at[invitation.offer.code] += 1
    offer_results = []
    for offer in offers:
        cutoff = cutoffs.get(offer.code)
        row = counts[offer.code]
        offer_results.append(OfferResult(
            run=run, offer=offer, applicants=row["applicants"], first_preference=row["first_preference"],
            eligible=row["eligible"], places=offer.capacity, invited=invited_at[offer.code],
            lowest_score=lowest.get(offer.code), cutoff_score=cutoff["score"] if cutoff else None,
            cutoff_lottery=cutoff["lottery"] if cutoff else None))

    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.status not in RUNNABLE:
            raise ValidationError({"status": [_("The round changed while the run was going: it is %(status)s.")
                                              % {"status": locked.get_status_display()}]})
        began = time.perf_counter()
        _clear_unpublished(locked, keep=run, offers={o.pk: o for o in offers})
        clearing, auditing = time.perf_counter() - began, 0.0
        for model, rows in ((ApplicationResult, results), (OfferResult, offer_results), (Invitation, invitations)):
            for start in range(0, len(rows), BATCH):
                chunk = rows[start:start + BATCH]
                _insert(model, chunk)
                began = time.perf_counter()
                record_bulk(chunk, "create")
                auditing += time.perf_counter() - began
        for previous in AllocationRun.objects.filter(round=locked, is_current=True).exclude(pk=run.pk):
            previous.is_current = False
            previous.save(update_fields=["is_current"])
        if locked.status != RoundStatus.ALLOCATED:
            locked.status = RoundStatus.ALLOCATED
            locked.save(update_fields=["status", "updated_at"])
        tracker.end()
        # Parts of "write": removing the earlier unpublished runs' rows, and the new rows' change records.
        tracker.timings["write_previous_removed"] = round(clearing, 3)
        tracker.timings["write_change_records"] = round(auditing, 3)
        run.status, run.is_current, run.finished_at = RunStatus.DONE, True, timezone.now()
        run.input_hash, run.engine_version = input_hash, allocation.ENGINE_VERSION
        run.configuration = _configuration(locked, offers)
        run.timings = {**tracker.timings, "total": tracker.total()}
        run.summary = {
            "applications": len(results),
            "preferences": pairs,
            "eligible_preferences": eligible_pairs,
            "invited": len(invitations),
            "not_invited": len(results) - len(invitations),
            "invited_by_rank": dict(sorted(by_rank.items())),
            "offers": len(offers),
            "places": sum(o.capacity for o in offers),
            "full_offers": sum(1 for c in cutoffs.values() if c is not None),
        }
        run.progress, run.progress_message = 100, DONE
        run.save()
        committing = time.perf_counter()
    # Foreign keys are checked when the transaction commits (PostgreSQL: deferred constraints): timed too.
    run.timings = {**run.timings, "commit": round(time.perf_counter() - committing, 3), "total": tracker.total()}
    run.save(update_fields=["timings"])
    tracker.tell(100, DONE)


def _row(model, related: dict, **values):
    """A new instance built from all its column values in field order (Django's fast path, quicker than keyword
    arguments through the relation descriptors), with the related objects its label (str()) reads cached, so that
    the change records need no query."""
    instance = model(*(values[field.attname] for field in model._meta.concrete_fields))
    instance._state.adding = True
    for name, value in related.items():
        if value is not None:
            model._meta.get_field(name).set_cached_value(instance, value)
    return instance


def _insert(model, rows: list) -> None:
    """bulk_create, but on PostgreSQL with COPY (ids taken from the table's sequence first): several times faster
    for the tens of thousands of rows of a round, JSON explanations included."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows)
        return
    meta = model._meta
    fields = meta.concrete_fields
    encoders = [(i, f.encoder) for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    values_of = operator.attrgetter(*(f.attname for f in fields))
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [meta.db_table, meta.pk.column, len(rows)])
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row.pk = pk
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = list(values_of(row))
                for i, encoder in encoders:
                    if values[i] is not None:
                        values[i] = json.dumps(values[i], cls=encoder)
                copy.write_row(values)
    for row in rows:
        row._state.adding, row._state.db = False, connection.alias


def _clear_unpublished(round_: Round, *, keep: AllocationRun, offers: dict[int, Offer]) -> None:
    """Remove the result rows of the round's earlier unpublished runs, each deletion recorded. The rows are read
    without joins; the offers their change records' labels name are the round's, already loaded (`offers`)."""
    runs = AllocationRun.objects.filter(round=round_, published_at__isnull=True).exclude(pk=keep.pk)
    offer_field = {model: model._meta.get_field("offer") for model in (Invitation, OfferResult, ApplicationResult)}
    application_field = Invitation._meta.get_field("application")

    def record(model, rows: list) -> None:
        for row in rows:
            if row.offer_id in offers:
                offer_field[model].set_cached_value(row, offers[row.offer_id])
            if model is Invitation:
                application_field.set_cached_value(row, Application(pk=row.application_id))
        record_bulk(rows, "delete", [snapshot(row) for row in rows])

    for model in (Invitation, OfferResult, ApplicationResult):
        doomed = model.objects.filter(run__in=runs)
        rows: list = []
        for row in doomed.order_by("pk").iterator(chunk_size=BATCH):
            rows.append(row)
            if len(rows) == BATCH:
                record(model, rows)
                rows = []
        if rows:
            record(model, rows)
        doomed._raw_delete(doomed.db)  # recorded above; a plain delete() would log each row again, one by one


# ---------------------------------------------------------------------------------------------------------------
# The anonymised input of a run


def round_input(round, *, run: AllocationRun | None = None) -> dict:
    """The anonymised input of the round's current run (or of `run`) in the CLI format, rebuilt from the stored rows:
    re-running it with `edureg admission allocate` gives the stored assignments and cut-offs."""
    if run is None:
        run = AllocationRun.objects.filter(round=round, is_current=True).first()
        if run is None:
            raise ValidationError({"run": [_("The round has no current run.")]})
    elif run.round_id != round.pk:
        raise ValidationError({"run": [_("The run belongs to another round.")]})
    if run.status != RunStatus.DONE:
        raise ValidationError({"run": [_("The run has no result.")]})
    offers = list(OfferResult.objects.filter(run=run).values_list("offer__code", "places"))
    applicants = list(ApplicationResult.objects.filter(run=run).values_list("public_id", "lottery", "explanation"))
    return input_dict(offers, applicants)
