"""The municipal public libraries' annual reports (data collection LIB-ANNUAL), written for the synthetic country.

    counts = build_libraries(seed=1, years=range(2021, 2026), today=None, progress=None)

Called by services.build_country inside its transaction once the registers and the admission round are written (and
by `edureg demo` for a country built before the collection existed). It loads the collection definitions
(datacollections.services.load_collections, idempotent), then for every year a period of LIB-ANNUAL with a
submission of every municipal public library (institution type 3410) of the register: the years before the last
closed, every submission approved; the last year open (due four weeks from today at the earliest), its submissions
in mixed states (engine/libraries.last_year_statuses): mostly approved, some submitted for review, a few drafts and
not started, one returned with a comment. The demo library (`demo_library`: the Vilnius city library) has not
started its report, so the demo shows filling it in.

The figures come from engine/libraries.py, driven by the municipality's population (classifier attribute
`population`) and the library's service points (1 + its branches). The collection's own rules are evaluated over
them (the safe formula language, vectorised): an error would be a bug and stops the build; a failing warning rule
gets the library's comment, as a respondent would give it on submission. Periods, submissions and values are written
with the bulk writer (COPY on PostgreSQL), each with its change record, under the audit job
"synthetic-<seed>-libraries".
"""

import datetime

import numpy as np
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from edureg.core.audit.context import audit_context
from edureg.datacollections.choices import PeriodStatus, SubmissionStatus
from edureg.datacollections.models import Collection, Period, Submission, Value
from edureg.institutions.models import Institution
from edureg.synthetic.bulk import Progress, Writer
from edureg.synthetic.engine.libraries import (
    CHECKED_NOTE,
    DECIMAL,
    EVENT_NOTES,
    NUMERIC,
    RETURN_COMMENT,
    RETURNED_USERS_FACTOR,
    SECTIONS,
    LibraryStatistics,
    draft_sections,
    last_year_statuses,
    library_statistics,
)
from edureg.synthetic.engine.tables import stream

COLLECTION = "LIB-ANNUAL"
LIBRARY_TYPE = "3410"
DEMO_MUNICIPALITY = "LT-57"  # Vilnius city (as services.DEMO_MUNICIPALITY)
# Deleted by a reset of the country (their submissions point at institutions), dependants first.
MODELS = (Value, Submission, Period)
OPEN_FOR = datetime.timedelta(days=28)  # the open period is due at least this long after the build


class LibraryDataError(Exception):
    """The database cannot take the library reports (no definition, no libraries, reports there already...)."""


class DefinitionsMissing(LibraryDataError):
    """This installation has no data-collection definitions to load (datacollections.services.load_collections)."""


def job_id_for(seed: int) -> str:
    return f"synthetic-{seed}-libraries"


def has_libraries() -> bool:
    """Whether library reports are there already."""
    return Submission.objects.filter(period__collection__code=COLLECTION).exists()


def libraries():
    """The municipal public libraries of the register, by municipality, with their open branches counted."""
    return (Institution.objects.filter(type__code=LIBRARY_TYPE).select_related("municipality")
            .annotate(branch_count=Count("branches", filter=Q(branches__closed_on__isnull=True)))
            .order_by("municipality__code", "code"))


def demo_library(municipality: str = DEMO_MUNICIPALITY) -> Institution | None:
    """The demo library officer's library: the municipal public library of Vilnius city (the first one if the
    country has none there)."""
    return libraries().filter(municipality__code=municipality).first() or libraries().first()


def _definition() -> Collection:
    """LIB-ANNUAL, loaded from the shipped definitions, checked against the fields the engine generates."""
    try:
        from edureg.datacollections.services import load_collections
    except ImportError as exc:
        raise DefinitionsMissing(_("The data collection definitions cannot be loaded "
                                 "(edureg.datacollections.services.load_collections is missing).")) from exc
    load_collections()
    collection = Collection.objects.filter(code=COLLECTION).first()
    if collection is None:
        raise LibraryDataError(_("The data collection %(code)s is not defined.") % {"code": COLLECTION})
    fields = {f.code: f for f in collection.fields.all()}
    generated = {code for _section, codes in SECTIONS for code, _kind in codes}
    missing = sorted(generated - set(fields))
    unknown = sorted(code for code, f in fields.items() if f.required and code not in generated)
    if missing or unknown:
        raise LibraryDataError(_("The form %(code)s does not match the synthetic reports: fields missing from the "
                                 "form %(missing)s, required fields not generated %(unknown)s.")
                               % {"code": COLLECTION, "missing": ", ".join(missing) or "-",
                                  "unknown": ", ".join(unknown) or "-"})
    return collection


# --- the collection's rules over the generated rows ------------------------------------------------

def rule_failures(collection: Collection, stats: LibraryStatistics) -> dict[str, tuple[str, np.ndarray]]:
    """{rule code: (severity, mask of the rows failing it)}: the collection's rules checked on each generated row as
    the form checks a report (datacollections.engine.validation.check_rules), `prev(x)` being the library's previous
    year (all approved); a rule needing a missing previous year is skipped, as the form does."""
    from edureg.datacollections.engine.validation import RuleSpec, check_rules

    rules = [RuleSpec(r.code, r.left, r.operator, r.right, r.severity) for r in collection.rules.all()]
    out = {rule.code: (rule.severity, np.zeros(len(stats), dtype=bool)) for rule in rules}
    previous: dict = {}
    for row in range(len(stats)):
        values = {code: getattr(stats, code)[row].item() for code in NUMERIC}
        if row and stats.library[row] != stats.library[row - 1]:
            previous = {}
        findings, _skipped = check_rules(rules, values, previous)
        for finding in findings:
            out[finding.rule][1][row] = True
        previous = values
    return out


# --- building ----------------------------------------------------------------------------------------

def _aware(day: datetime.date, seconds: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC) + datetime.timedelta(seconds=seconds)


def _period_dates(year: int, last: bool, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    opens, due = datetime.date(year + 1, 1, 5), datetime.date(year + 1, 2, 15)
    if last:
        due = max(due, today + OPEN_FOR)
    return opens, due


def _plan(seed: int, stats: LibraryStatistics, years: list[int], demo: int | None, n: int, today: datetime.date,
          now: datetime.datetime) -> dict[str, np.ndarray]:
    """Status, times and filled sections of each row's submission."""
    rng = stream(seed, "library submissions")
    last = years[-1]
    status = np.full(len(stats), SubmissionStatus.APPROVED.value, dtype=object)
    is_last = stats.year == last
    status[is_last] = last_year_statuses(rng, n, demo=demo)[stats.library[is_last]]
    sections = np.full(len(stats), len(SECTIONS), dtype=np.int64)
    drafts = status == SubmissionStatus.DRAFT
    sections[drafts] = draft_sections(rng, int(drafts.sum()))
    sections[status == SubmissionStatus.NOT_STARTED] = 0

    # Submitted 3 to 40 days after the period opened (never after it was due nor after now), in working hours;
    # decided 1 to 20 days later.
    submit_days = rng.integers(3, 41, len(stats))
    decide_days = rng.integers(1, 21, len(stats))
    clock = rng.integers(8 * 3600, 17 * 3600, len(stats))
    decide_clock = rng.integers(8 * 3600, 17 * 3600, len(stats))
    submitted = np.full(len(stats), None, dtype=object)
    decided = np.full(len(stats), None, dtype=object)
    for i, (year, state) in enumerate(zip(stats.year.tolist(), status.tolist(), strict=True)):
        if state in (SubmissionStatus.NOT_STARTED, SubmissionStatus.DRAFT):
            continue
        opens, due = _period_dates(year, year == last, today)
        at = min(_aware(opens + datetime.timedelta(days=int(submit_days[i])), int(clock[i])),
                 _aware(due, int(clock[i])), now - datetime.timedelta(days=2))
        submitted[i] = at
        if state in (SubmissionStatus.APPROVED, SubmissionStatus.RETURNED):
            decided[i] = min(_aware(at.date() + datetime.timedelta(days=int(decide_days[i])), int(decide_clock[i])),
                             now - datetime.timedelta(days=1))
            decided[i] = max(decided[i], at)
    return {"status": status, "sections": sections, "submitted": submitted, "decided": decided}


def build_libraries(*, seed: int = 1, years=range(2021, 2026), today: datetime.date | None = None,
                    progress: Progress | None = None) -> dict[str, int]:
    """Write the LIB-ANNUAL periods, submissions and values of every municipal public library; returns counts.
    Runs in the caller's transaction (build_country's) or its own. Raises LibraryDataError when reports exist
    already, a period of these years has submissions, there are no libraries or populations, or the form does not
    match."""
    from django.db import transaction

    say = progress or (lambda step, done, total: None)
    years = sorted(int(y) for y in years)
    if not years:
        raise LibraryDataError(_("No reporting years."))
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        say("library reports", 0, 4)
        if has_libraries():
            raise LibraryDataError(_("The database already holds library reports (%(code)s).") % {"code": COLLECTION})
        with audit_context(job_id="load-collections"):  # the definitions are no part of the synthetic data
            collection = _definition()
        return _write_all(collection, seed=seed, years=years, today=today, now=now, say=say)


def _write_all(collection: Collection, *, seed: int, years: list[int], today: datetime.date, now: datetime.datetime,
               say: Progress) -> dict[str, int]:
    """Generate, check and write the reports under the job "synthetic-<seed>-libraries"."""
    with audit_context(job_id=job_id_for(seed)):
        libs = list(libraries())
        if not libs:
            raise LibraryDataError(_("The register has no municipal public library (type %(type)s).")
                                   % {"type": LIBRARY_TYPE})
        population = np.array([int((lib.municipality.extra or {}).get("population") or 0) for lib in libs])
        if (population <= 0).any():
            names = [lib.municipality.code for lib, p in zip(libs, population.tolist(), strict=True) if p <= 0]
            raise LibraryDataError(_("These municipalities have no population in the classifier: %(codes)s.")
                                   % {"codes": ", ".join(names)})
        city = np.array([(lib.municipality.extra or {}).get("kind") == "city" for lib in libs])
        points = np.array([1 + lib.branch_count for lib in libs], dtype=np.int64)
        stats = library_statistics(stream(seed, "libraries"), population, points, years, city=city)
        demo = demo_library()
        demo_index = next((i for i, lib in enumerate(libs) if demo is not None and lib.pk == demo.pk), None)
        plan = _plan(seed, stats, years, demo_index, len(libs), today, now)
        # The returned report over-counted its registered users (what the agency's comment says).
        returned = plan["status"] == SubmissionStatus.RETURNED
        stats.registered_users[returned] = np.round(stats.registered_users[returned] * RETURNED_USERS_FACTOR)
        failures = rule_failures(collection, stats)
        broken = {code: int(mask.sum()) for code, (severity, mask) in failures.items()
                  if severity == "error" and mask.any()}
        if broken:
            raise LibraryDataError(f"The synthetic library reports break the error rules {broken}")
        say("library reports", 1, 4)

        writer = Writer(job_time=now, progress=say)
        periods = _write_periods(writer, collection, years, today)
        say("library reports", 2, 4)
        counts = {"library periods": len(periods)}
        submission_ids = _write_submissions(writer, counts, stats, plan, libs, periods, failures)
        say("library reports", 3, 4)
        _write_values(writer, counts, collection, stats, plan, submission_ids)
        say("library reports", 4, 4)
    return counts


def _write_periods(writer: Writer, collection: Collection, years: list[int], today: datetime.date) -> dict:
    """{year: (period id, str)}: new periods; an empty one of a year (no submissions) is brought up to date."""
    existing = {p.year: p for p in Period.objects.filter(collection=collection, year__in=years)}
    taken = [year for year, period in existing.items() if period.submissions.exists()]
    if taken:
        raise LibraryDataError(_("The %(code)s periods of %(years)s have submissions already.")
                               % {"code": COLLECTION, "years": ", ".join(map(str, sorted(taken)))})
    out = {}
    new = []
    for year in years:
        opens, due = _period_dates(year, year == years[-1], today)
        status = PeriodStatus.OPEN if year == years[-1] else PeriodStatus.CLOSED
        period = existing.get(year)
        if period is not None:  # through the ORM: its change record is an update
            period.status, period.opens_on, period.due_on = status, opens, due
            period.full_clean()
            period.save()
            out[year] = (period.pk, str(period))
        else:
            new.append((year, status.value, opens, due))
    ids = writer.reserve_ids(Period, len(new))
    for (year, *_rest), pk in zip(new, ids.tolist(), strict=True):
        out[year] = (pk, f"{collection.code} {year}")
    if new:
        reprs = [f"{collection.code} {year}" for year, *_rest in new]
        writer.write("library periods", Period, {
            "id": ids, "collection_id": np.full(len(new), collection.pk, dtype=np.int64),
            "year": np.array([r[0] for r in new], dtype=np.int64),
            "status": np.array([r[1] for r in new], dtype=object),
            "opens_on": np.array([r[2] for r in new], dtype="datetime64[D]"),
            "due_on": np.array([r[3] for r in new], dtype="datetime64[D]"),
        }, repr_=lambda a, b: reprs[a:b])
    return out


def _warning_comments(failures: dict, stats: LibraryStatistics, row: int) -> dict[str, str]:
    """The respondent's comment on each warning its report fails."""
    note = EVENT_NOTES.get(str(stats.event[row]), CHECKED_NOTE)
    return {code: note for code, (severity, mask) in failures.items() if severity == "warning" and mask[row]}


def _write_submissions(writer: Writer, counts: dict, stats: LibraryStatistics, plan: dict, libs: list,
                       periods: dict, failures: dict) -> np.ndarray:
    n = len(stats)
    status = plan["status"]
    ids = writer.reserve_ids(Submission, n)
    period_ids = np.array([periods[y][0] for y in stats.year.tolist()], dtype=np.int64)
    institution_ids = np.array([libs[i].pk for i in stats.library.tolist()], dtype=np.int64)
    commented = np.isin(status, [SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED, SubmissionStatus.APPROVED])
    comments = np.empty(n, dtype=object)
    for i in range(n):
        comments[i] = _warning_comments(failures, stats, i) if commented[i] else {}
    return_comment = np.where(status == SubmissionStatus.RETURNED, RETURN_COMMENT, "").astype(object)
    updated = np.array([d or s or writer.time for d, s in zip(plan["decided"], plan["submitted"], strict=True)],
                       dtype=object)
    reprs = [f"{periods[y][1]} · {libs[i].name}"[:200] for i, y in zip(stats.library.tolist(), stats.year.tolist(),
                                                                        strict=True)]
    counts["library submissions"] = writer.write("library submissions", Submission, {
        "id": ids, "period_id": period_ids, "institution_id": institution_ids, "status": status,
        "warning_comments": comments, "return_comment": return_comment, "submitted_at": plan["submitted"],
        "submitted_by_id": np.full(n, None, dtype=object), "decided_at": plan["decided"],
        "decided_by_id": np.full(n, None, dtype=object), "updated_at": updated,
    }, repr_=lambda a, b: reprs[a:b])
    return ids


def _write_values(writer: Writer, counts: dict, collection: Collection, stats: LibraryStatistics, plan: dict,
                  submission_ids: np.ndarray) -> None:
    """One value per field of each report, as far as it is filled in (drafts: their first sections); the notes only
    where there is something to say."""
    fields = {f.code: f.pk for f in collection.fields.all()}
    rows, field_ids, numbers, texts, reprs = [], [], [], [], []
    for section_index, (_section, codes) in enumerate(SECTIONS):
        filled = np.flatnonzero(plan["sections"] > section_index)
        for code, kind in codes:
            if kind == "text":
                column = stats.comments[filled]
                keep = filled[column != ""]
                rows.append(keep)
                field_ids.append(np.full(len(keep), fields[code], dtype=np.int64))
                numbers.append(np.full(len(keep), None, dtype=object))
                texts.append(stats.comments[keep])
                reprs.append(np.array([f"{code}={t}" for t in stats.comments[keep].tolist()], dtype=object))
                continue
            column = getattr(stats, code)[filled]
            rows.append(filled)
            field_ids.append(np.full(len(filled), fields[code], dtype=np.int64))
            numbers.append(column.astype(float) if code in DECIMAL else column.astype(np.int64))
            texts.append(np.full(len(filled), "", dtype=object))
            reprs.append(np.array([f"{code}={float(x):.4f}" for x in column.tolist()], dtype=object))
    order = np.concatenate(rows)
    # By submission, then by the form's order: as a respondent's values are listed.
    position = np.argsort(order, kind="stable")
    number = np.empty(len(order), dtype=object)
    number[:] = [x for part in numbers for x in (part.tolist())]
    value_reprs = np.concatenate(reprs)[position]
    m = len(order)
    counts["library values"] = writer.write("library values", Value, {
        "id": writer.reserve_ids(Value, m), "submission_id": submission_ids[order[position]],
        "field_id": np.concatenate(field_ids)[position], "number": number[position],
        "text": np.concatenate(texts)[position],
    }, repr_=lambda a, b: value_reprs[a:b].tolist())
