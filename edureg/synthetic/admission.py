"""The synthetic country's main admission round, written, run and published.

Called by services.build_country inside its transaction, once the country and its registers are written:

    build_round(country, ids, lookup, report=report, timer=timer, progress=say, seed=seed, today=today)

The round (engine/admission.py) is for the school year of the current offerings. Its configuration, offers,
applications, grades and preferences are written with the bulk writer (COPY on PostgreSQL), each row with its change
record, under the audit job "synthetic-<seed>-admission" (a unit of its own: the country's own job keeps only the
register rows). Then the round is allocated (admission.services.runs.run_round_now, which audits its results under
its own job "admission-run-<id>") and published, and contracts are recorded for about 85 % of the invitations in one
audited bulk update; the others stay invited.

The demo applicant (`demo_person`) is the first application of the latest published main round whose applicant is
invited to their second preference: the engine designs that application so (row 0 of its applicants).
"""

import datetime

import numpy as np
from django.db import connection
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from edureg.admission.choices import ApplicationStatus, InvitationStatus, RoundKind, RoundStatus
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
    ScoringFormula,
)
from edureg.admission.services.rounds import FUNDING_SUFFIX  # offer codes as offer_code gives them
from edureg.classifiers.models import ClassifierItem
from edureg.core.audit.context import audit_context
from edureg.core.audit.registry import record_bulk
from edureg.core.audit.serialize import snapshot
from edureg.core.models import ObjectChange
from edureg.programmes.choices import Funding
from edureg.programmes.models import ProgrammeKind
from edureg.synthetic.bulk import Writer
from edureg.synthetic.engine.admission import AdmissionRound, build_admission, contract_plan, round_dates
from edureg.synthetic.engine.tables import stream

# Deleted by a reset of the country (their offers point at offerings, their applications at persons), dependants
# first.
MODELS = (Invitation, OfferResult, ApplicationResult, AllocationRun, Preference, Grade, Application, Offer,
          ScoringFormula, Round)
CONTRACT_SHARE = 0.85
BATCH = 2000


def job_id_for(seed: int) -> str:
    return f"synthetic-{seed}-admission"


def counties(on: datetime.date, municipality_codes: list[str]) -> list[str]:
    """The county code of each municipality (the classifier's parent)."""
    parent = dict(ClassifierItem.objects.of("municipality").valid_on(on).values_list("code", "parent__code"))
    return [parent.get(code) or "" for code in municipality_codes]


def new_round(year: int, seed: int) -> Round:
    """The round, unsaved, with the model's default rules (min. age, entry levels, funding rules)."""
    return Round(code=f"{year}-main", name_lt=f"{year} m. pagrindinis priėmimas į profesinio mokymo programas",
                 name_en=f"{year} main admission round to VET programmes", kind=RoundKind.MAIN, year=year,
                 status=RoundStatus.CLOSED, max_preferences=3, lottery_seed=f"synthetic-{seed}-{year}",
                 **round_dates(year))


def generate(country, *, seed: int, year: int, today: datetime.date, on: datetime.date) -> AdmissionRound:
    """The engine's round over the generated country (its programmes register must be there)."""
    from edureg.admission.facts import rules_for

    formal = set(ProgrammeKind.objects.filter(formal=True).values_list("code", flat=True))
    return build_admission(stream(seed, "admission"), country, year=year,
                           counties=counties(on, [m.code for m in country.municipalities]),
                           rules=rules_for(new_round(year, seed)), formal_kinds=formal, today=today)


def _instance_columns(instances: list) -> dict[str, np.ndarray]:
    """{attname: array} of model instances (a few configuration rows)."""
    fields = instances[0]._meta.concrete_fields
    out = {}
    for f in fields:
        column = np.empty(len(instances), dtype=object)
        for i, obj in enumerate(instances):
            column[i] = getattr(obj, f.attname)
        out[f.attname] = column
    return out


def _aware(values: np.ndarray) -> np.ndarray:
    """datetime64[s] (UTC) as aware datetimes."""
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values.astype("datetime64[us]").astype(datetime.datetime).tolist()):
        out[i] = v.replace(tzinfo=datetime.UTC)
    return out


def write(writer: Writer, counts: dict, adm: AdmissionRound, ids: dict, subject_ids: dict[str, int],
          seed: int) -> Round:
    """Write the round and everything under it; returns the round."""
    round_ = new_round(adm.year, seed)
    round_.full_clean(exclude=["previous_round"])
    round_.pk = int(writer.reserve_ids(Round, 1)[0])
    columns = _instance_columns([round_])
    columns["updated_at"] = np.array([writer.time], dtype=object)
    writer.write("admission round", Round, columns, repr_=lambda a, b: [str(round_)[:200]])

    formulas = [ScoringFormula(round=round_, code=f.code, name_lt=f.name_lt, name_en=f.name_en,
                               components=[dict(c) for c in f.components], priorities=list(f.priorities))
                for f in adm.formulas]
    for formula in formulas:
        formula.full_clean(exclude=["round"])
    formula_ids = writer.reserve_ids(ScoringFormula, len(formulas))
    for formula, pk in zip(formulas, formula_ids.tolist(), strict=True):
        formula.pk = pk
    writer.write("scoring formulas", ScoringFormula, _instance_columns(formulas),
                 repr_=lambda a, b: [str(f)[:200] for f in formulas[a:b]])

    of = adm.offers
    n = len(of)
    offer_ids = writer.reserve_ids(Offer, n)
    offering_ids = ids["offerings"][of.offering]
    codes = np.array([f"{o}-{FUNDING_SUFFIX[f]}" for o, f in zip(offering_ids.tolist(), of.funding.tolist(),
                                                                   strict=True)], dtype=object)
    labels = {value: str(label) for value, label in Funding.choices}
    offer_reprs = np.array([f"{c} ({labels[f]})" for c, f in zip(codes.tolist(), of.funding.tolist(), strict=True)],
                           dtype=object)
    counts["admission offers"] = writer.write("admission offers", Offer, {
        "id": offer_ids, "round_id": np.full(n, round_.pk, dtype=np.int64), "code": codes,
        "offering_id": offering_ids, "funding": of.funding, "capacity": of.capacity,
        "formula_id": formula_ids[of.formula],
    }, repr_=lambda a, b: offer_reprs[a:b].tolist())

    ap = adm.applicants
    n = len(ap)
    application_ids = writer.reserve_ids(Application, n)
    numbers = np.array([f"P-{pk:07d} ({round_.code})" for pk in application_ids.tolist()], dtype=object)
    submitted = _aware(ap.submitted_at)
    counts["applications"] = writer.write("applications", Application, {
        "id": application_ids, "round_id": np.full(n, round_.pk, dtype=np.int64),
        "person_id": ids["persons"][ap.person], "status": np.full(n, ApplicationStatus.SUBMITTED.value, dtype=object),
        "education": ap.education, "prior_qualifications": ap.prior_qualifications, "grade_scale": ap.grade_scale,
        "extras": ap.extras, "priorities": ap.priorities, "entered_by_officer": ap.entered_by_officer,
        "submitted_at": submitted, "created_at": _aware(ap.created_at), "updated_at": submitted,
    }, repr_=lambda a, b: numbers[a:b].tolist())

    gr = adm.grades
    values = gr.value.astype(float)
    grade_reprs = np.array([f"{s}: {v:.2f}" for s, v in zip(gr.subject.tolist(), values.tolist(), strict=True)],
                           dtype=object)
    counts["grades"] = writer.write("grades", Grade, {
        "id": writer.reserve_ids(Grade, len(gr)), "application_id": application_ids[gr.applicant],
        "subject_id": np.array([subject_ids[s] for s in gr.subject.tolist()], dtype=np.int64),
        "value": values,
    }, repr_=lambda a, b: grade_reprs[a:b].tolist())

    pf = adm.preferences
    rank_text = pf.rank.astype(str).astype(object)
    counts["preferences"] = writer.write("preferences", Preference, {
        "id": writer.reserve_ids(Preference, len(pf)), "application_id": application_ids[pf.applicant],
        "rank": pf.rank, "offer_id": offer_ids[pf.offer],
    }, repr_=lambda a, b: (rank_text[a:b] + ". " + offer_reprs[pf.offer[a:b]]).tolist())
    return round_


def run_and_publish(round_: Round) -> AllocationRun:
    """Allocate the round and publish its results (the admission services, as the organiser would)."""
    from edureg.admission.services.rounds import publish_results
    from edureg.admission.services.runs import run_round_now

    run = run_round_now(round_, actor=None)
    publish_results(round_, actor=None)
    return run


def sign_contracts(run: AllocationRun, *, seed: int, round_: Round) -> int:
    """Contracts for about 85 % of the run's invitations, numbered "PMS-<year>/<invitation id>": one UPDATE per
    signing day, audited with record_bulk (a bulk_update of thousands of rows with their own values is slow); the
    rest stay invited."""
    pks = list(Invitation.objects.filter(run=run).order_by("pk").values_list("pk", flat=True))
    signed, days = contract_plan(stream(seed, "admission contracts"), len(pks), share=CONTRACT_SHARE,
                                 results_date=round_.results_date, contract_deadline=round_.contract_deadline)
    chosen = np.array(pks, dtype=np.int64)[signed]
    days = days[signed]
    rows = []
    fields = [f.name for f in Invitation._meta.concrete_fields]
    for start in range(0, len(chosen), BATCH):
        rows += list(Invitation.objects.select_related("application", "offer").order_by("pk")
                     .only(*fields, "application__id", "offer__code")  # what the snapshot and str() read
                     .filter(pk__in=chosen[start:start + BATCH].tolist()))
    befores = [snapshot(row) for row in rows]
    prefix = f"PMS-{round_.year}/"
    number = Concat(Value(prefix), Cast("pk", output_field=CharField()))
    for day in np.unique(days).astype(datetime.date).tolist():
        on_day = chosen[days == np.datetime64(day, "D")].tolist()
        for start in range(0, len(on_day), BATCH):
            Invitation.objects.filter(pk__in=on_day[start:start + BATCH]).update(
                status=InvitationStatus.SIGNED, status_date=day, contract_date=day, contract_number=number)
    day_of = dict(zip(chosen.tolist(), days.astype(datetime.date).tolist(), strict=True))
    for row in rows:  # as the UPDATEs left them
        row.status, row.status_date = InvitationStatus.SIGNED, day_of[row.pk]
        row.contract_number, row.contract_date = f"{prefix}{row.pk}", day_of[row.pk]
    record_bulk(rows, "update", befores)
    return len(rows)


def build_round(country, ids: dict, lookup: dict, *, report, timer, progress, seed: int,
                today: datetime.date | None = None) -> Round | None:
    """Generate, write, run and publish the main round of the country's offering year, and sign contracts. None
    when the country has no offers to admit to."""
    today = today or timezone.localdate()
    year = int(country.programmes.offerings.year.max()) if len(country.programmes.offerings) else None
    if year is None:
        return None
    counts = report.counts
    with audit_context(job_id=job_id_for(seed)):
        with timer.step("admission data"):
            adm = generate(country, seed=seed, year=year, today=today, on=country.as_of)
            if not len(adm.offers):
                return None
            writer = Writer(job_time=timezone.now(), progress=progress)
            round_ = write(writer, counts, adm, ids, lookup["subject"], seed)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    for model in MODELS:
                        cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        with timer.step("admission run"):
            progress("admission run", 0, 1)
            run = run_and_publish(round_)
            progress("admission run", 1, 1)
            counts["invitations"] = Invitation.objects.filter(run=run).count()
        with timer.step("contracts"):
            progress("contracts", 0, 1)
            counts["contracts"] = sign_contracts(run, seed=seed, round_=round_)
            progress("contracts", 1, 1)
    counts["admission change records"] = ObjectChange.objects.filter(
        job_id__in=[job_id_for(seed), f"admission-run-{run.pk}"]).count()
    return round_


def demo_person():
    """The demo applicant's person: the first application of the latest published main round whose applicant is
    invited to their second preference (the engine designs one so), or None."""
    result = (ApplicationResult.objects.filter(run__is_current=True, run__published_at__isnull=False,
                                               run__round__kind=RoundKind.MAIN, rank=2)
              .select_related("application__person").order_by("-run__round__year", "application_id").first())
    return result.application.person if result is not None else None
