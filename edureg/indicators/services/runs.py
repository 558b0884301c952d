"""Indicator runs: compute the catalogue (or some indicators) for every year, store the observations with the run,
publish a run, delete one, compare two, and tell whether the registers changed since a run.

A run builds each fact source's frame once (one GROUP BY query per year, timed per source), hands the frames to
the engine (compute_catalogue: roll-ups, formulas, disclosure control; timed per indicator) and writes every
observation in bulk (COPY on PostgreSQL) in one transaction together with the run's final status. Progress is
saved on the run row between the steps, outside that transaction, so a page polling the row sees it. A run that
fails writes no observations and is marked failed with the error.
"""

from __future__ import annotations

import datetime
import math
import time
from collections import Counter
from collections.abc import Callable

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from edureg.core.audit.context import audit_context
from edureg.core.audit.sequencer import assign_positions
from edureg.core.models import ObjectChange
from edureg.core.services import acting, ensure_in_scope
from edureg.indicators.choices import RunStatus
from edureg.indicators.engine.cube import IndicatorSpec, Observations
from edureg.indicators.engine.dimensions import DIMENSIONS
from edureg.indicators.engine.expressions import parse
from edureg.indicators.models import Indicator, IndicatorRun, Measure, Observation
from edureg.indicators.sources import load_sources
from edureg.indicators.sources.sql import reading_session, run_memo

__all__ = ["start_run", "execute_run", "compute_now", "publish_run", "delete_run", "compare_runs", "changes_since",
           "run_sources"]

ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)
STALE_RUNNING = datetime.timedelta(hours=2)
STALE_QUEUED = datetime.timedelta(hours=12)
BATCH = 5000
COPY_CHUNK = 50_000

# Progress (%) when each phase starts; messages are stored in English (pages translate them).
SOURCES_AT, INDICATORS_AT, WRITE_AT = 2, 40, 90
QUEUED, DONE, FAILED = gettext_noop("Queued"), gettext_noop("Done"), gettext_noop("Failed")
READING = gettext_noop("Reading the registers")
COMPUTING = gettext_noop("Computing indicators")
WRITING = gettext_noop("Writing observations")

Progress = Callable[[int, str], None]


# ---------------------------------------------------------------------------------------------------------------
# Starting


def _check_actor(actor, action: str) -> None:
    """Starting and publishing runs need the "add" permission on runs, deleting the "delete" one."""
    if actor is None or actor.has_perm(f"indicators.{'delete' if action == 'delete' else 'add'}_indicatorrun"):
        return
    messages = {"start": _("You may not start indicator runs."), "publish": _("You may not publish indicator runs."),
                "delete": _("You may not delete indicator runs.")}
    raise PermissionDenied(messages[action])


def _resolve_indicators(indicators) -> list[Indicator]:
    if not indicators:
        return []
    codes = [i if isinstance(i, str) else i.code for i in indicators]
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError({"indicators": [_("Unknown indicator %(codes)s.") % {"codes": ", ".join(unknown)}]})
    return [found[c] for c in dict.fromkeys(codes)]


def _abandon_stale() -> None:
    """A run whose process died stays "running"; after STALE_RUNNING (or STALE_QUEUED without a worker) it is marked
    failed. It wrote nothing: observations are written in one transaction at the end."""
    now = timezone.now()
    stale = IndicatorRun.objects.filter(Q(status=RunStatus.RUNNING, started_at__lt=now - STALE_RUNNING)
                                        | Q(status=RunStatus.QUEUED, created_at__lt=now - STALE_QUEUED))
    for run in stale:
        run.status, run.finished_at = RunStatus.FAILED, now
        run.message = _("Abandoned: the indicator run did not finish (its process stopped).")
        run.save(update_fields=["status", "finished_at", "message"])


def _new_run(*, actor, indicators) -> IndicatorRun:
    _check_actor(actor, "start")
    chosen = _resolve_indicators(indicators)
    last = IndicatorRun.objects.select_for_update().order_by("-number").first()
    _abandon_stale()
    if IndicatorRun.objects.filter(status__in=ACTIVE).exists():
        raise ValidationError({"status": [_("A run is already queued or running; wait until it ends.")]})
    run = IndicatorRun.objects.create(
        number=(last.number if last else 0) + 1, status=RunStatus.QUEUED, message=QUEUED,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None)
    if chosen:
        run.indicators.set(chosen)
    return run


def start_run(*, actor, indicators=None) -> IndicatorRun:
    """Queue a run of the whole catalogue (or of `indicators`: instances or codes); the background job
    (tasks.compute_indicators) executes it once the transaction commits."""
    with acting(actor):
        run = _new_run(actor=actor, indicators=indicators)
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from edureg.indicators.tasks import compute_indicators

    compute_indicators.enqueue(run_id)


def compute_now(*, actor=None, indicators=None, progress: Progress | None = None) -> IndicatorRun:
    """Start and execute a run in this process (CLI, demo, benchmarks). Raises when the run fails (the run row then
    says failed, with the error)."""
    with acting(actor):
        run = _new_run(actor=actor, indicators=indicators)
    return execute_run(run, progress=progress)


# ---------------------------------------------------------------------------------------------------------------
# Executing


class _Tracker:
    """Saves progress on the run row (its own small transaction, audited) and tells the CLI's callback."""

    def __init__(self, run: IndicatorRun, callback: Progress | None):
        self.run, self.callback = run, callback
        self.started = time.perf_counter()

    def save(self, percent: int, message: str, detail: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        stored = f"{message}: {detail}" if detail else message
        if percent == self.run.progress and stored == self.run.message:
            return
        self.run.progress, self.run.message = percent, stored[:500]
        self.run.save(update_fields=["progress", "message"])
        if self.callback is not None:
            self.callback(percent, f"{_(message)}: {detail}" if detail else _(message))

    def total(self) -> float:
        return round(time.perf_counter() - self.started, 3)


def run_indicators(run: IndicatorRun) -> list[Indicator]:
    chosen = list(run.indicators.all())
    return chosen or list(Indicator.objects.all())


def _measure_names(indicator: Indicator) -> set[str]:
    names = set(parse(indicator.numerator).names)
    if indicator.denominator:
        names |= parse(indicator.denominator).names
    return names


def run_sources(indicators) -> dict[str, list[Measure]]:
    """The measures the indicators read, by source code (unknown measures raise: the catalogue is checked on save,
    so this only happens when a measure was deleted or renamed behind an indicator's back)."""
    names: set[str] = set()
    for indicator in indicators:
        names |= _measure_names(indicator)
    measures = {m.code: m for m in Measure.objects.filter(code__in=names).order_by("code")}
    missing = sorted(names - set(measures))
    if missing:
        raise ValueError(f"unknown measure {', '.join(missing)}")
    by_source: dict[str, list[Measure]] = {}
    for measure in measures.values():
        by_source.setdefault(measure.source, []).append(measure)
    return by_source


def spec_of(indicator: Indicator) -> IndicatorSpec:
    return IndicatorSpec(
        code=indicator.code, numerator=indicator.numerator, denominator=indicator.denominator or "",
        factor=float(indicator.factor), decimals=indicator.decimals, dimensions=tuple(indicator.dimensions),
        max_cross=indicator.max_cross, sensitive=indicator.sensitive, threshold=indicator.threshold)


def feed_position() -> int:
    """The newest change-feed position, after giving positions to every committed change record."""
    assign_positions()
    return ObjectChange.objects.aggregate(last=Max("seq"))["last"] or 0


def _county_of_municipality() -> dict[str, str]:
    from edureg.classifiers.models import ClassifierItem

    return dict(ClassifierItem.objects.filter(code_list__code="municipality", parent__isnull=False)
                .values_list("code", "parent__code"))


def execute_run(run: IndicatorRun, *, progress: Progress | None = None) -> IndicatorRun:
    """The job body. Raises after marking the run failed."""
    with audit_context(user=run.requested_by, job_id=f"indicator-run-{run.pk}"):
        with transaction.atomic():  # claimed once, even if the job is delivered twice
            fresh = IndicatorRun.objects.select_for_update().get(pk=run.pk)
            if fresh.status != RunStatus.QUEUED:
                raise ValidationError({"status": [_("Only a queued indicator run can be executed.")]})
            run.status, run.started_at, run.progress, run.message = RunStatus.RUNNING, timezone.now(), 0, READING
            run.save(update_fields=["status", "started_at", "progress", "message"])
        tracker = _Tracker(run, progress)
        timings: dict = {"sources": {}, "indicators": {}}
        try:
            _execute(run, tracker, timings)
        except Exception as exc:
            run.status, run.finished_at = RunStatus.FAILED, timezone.now()
            run.message = f"{type(exc).__name__}: {exc}"[:500]
            run.timings = {**timings, "total": tracker.total()}
            run.save(update_fields=["status", "finished_at", "message", "timings"])
            if progress is not None:
                progress(run.progress, _(FAILED))
            raise
    return run


def _execute(run: IndicatorRun, tracker: _Tracker, timings: dict) -> None:
    from edureg.indicators.engine.cube import compute_catalogue

    sources = load_sources()
    indicators = run_indicators(run)
    by_source = run_sources(indicators)
    unknown = sorted(set(by_source) - set(sources))
    if unknown:
        raise ValueError(f"unknown source {', '.join(unknown)}")
    run.change_position = feed_position()

    # The years: each source's own (the register years, admission round years, collection periods); a source
    # without years of its own (population) takes all of them.
    with run_memo():
        own_years = {code: sorted(set(sources[code].years())) for code in by_source
                     if getattr(sources[code], "years", None) is not None}
    years = sorted(set().union(*own_years.values())) if own_years else []
    frames, rows = {}, {}
    for number, (code, measures) in enumerate(sorted(by_source.items())):
        tracker.save(SOURCES_AT + (INDICATORS_AT - SOURCES_AT) * number // max(1, len(by_source)),
                     READING, code)
        started = time.perf_counter()
        with reading_session():
            frames[code] = sources[code].frame(measures, own_years.get(code, years))
        timings["sources"][code] = round(time.perf_counter() - started, 3)
        rows[code] = len(frames[code])

    tracker.save(INDICATORS_AT, COMPUTING)
    measure_source = {m.code: code for code, measures in by_source.items() for m in measures}
    specs = [spec_of(i) for i in indicators]
    step = max(1, len(specs) // 10)

    def told(done: int, total: int) -> None:
        if done % step == 0 or done == total:
            tracker.save(INDICATORS_AT + (WRITE_AT - INDICATORS_AT) * done // max(1, total), COMPUTING)

    results = compute_catalogue(specs, frames, measure_source, told,
                                parents={"municipality": _county_of_municipality()})
    by_code = {i.code: i for i in indicators}
    computed = []
    for code, (observations, seconds) in results.items():
        timings["indicators"][code] = round(seconds, 4)
        allowed = _indicator_years(by_code[code], measure_source, own_years, years)
        computed.append((by_code[code], _only_years(observations, allowed)))

    tracker.save(WRITE_AT, WRITING)
    started = time.perf_counter()
    flags: Counter = Counter()
    total = 0
    with transaction.atomic():
        for indicator, observations in computed:
            total += write_observations(run, indicator, observations)
            flags.update(f for f in observations.flag.tolist() if f)
        timings["write"] = round(time.perf_counter() - started, 3)
        timings["total"] = tracker.total()
        run.status, run.finished_at, run.progress, run.message = RunStatus.FINISHED, timezone.now(), 100, DONE
        run.years = years
        run.timings = timings
        run.summary = {"observations": total, "flags": dict(sorted(flags.items())), "years": years,
                       "indicators": len(computed), "frame_rows": rows}
        run.save(update_fields=["status", "finished_at", "progress", "message", "years", "timings", "summary",
                                "change_position"])
    if tracker.callback is not None:
        tracker.callback(100, _(DONE))


def _indicator_years(indicator, measure_source, own_years, years) -> list[int]:
    """The years every source of the indicator has facts for (population follows the others): a library indicator
    has no values in years without library reports, rather than zeros over the population."""
    allowed = set(years)
    for name in _measure_names(indicator):
        code = measure_source.get(name)
        if code in own_years:
            allowed &= set(own_years[code])
    return sorted(allowed)


def _only_years(obs: Observations, years: list[int]) -> Observations:
    keep = np.isin(np.asarray(obs.year, dtype=np.int64), np.asarray(years, dtype=np.int64))
    if keep.all():
        return obs
    return Observations(year=obs.year[keep], dims={d: c[keep] for d, c in obs.dims.items()},
                        value=obs.value[keep], numerator=obs.numerator[keep], denominator=obs.denominator[keep],
                        flag=obs.flag[keep], breakdown=None if obs.breakdown is None else obs.breakdown[keep])


# ---------------------------------------------------------------------------------------------------------------
# Writing observations

COLUMNS = ("run_id", "indicator_id", "year", *DIMENSIONS, "value", "numerator", "denominator", "flag")


def _columns(run, indicator, obs: Observations) -> list[np.ndarray]:
    n = len(obs)
    dims = [np.asarray(obs.dims[d], dtype=object) if d in obs.dims else np.full(n, "", dtype=object)
            for d in DIMENSIONS]
    # Sums of decimals (workloads, expenditure) pick up float noise in the roll-ups: 6 decimals are kept.
    numbers = [np.asarray(obs.value, dtype=float),
               *(np.round(np.asarray(x, dtype=float), 6) for x in (obs.numerator, obs.denominator))]
    return [np.full(n, run.pk, dtype=np.int64), np.full(n, indicator.pk, dtype=np.int64),
            np.asarray(obs.year, dtype=np.int64), *dims, *numbers, np.asarray(obs.flag, dtype=object)]


def write_observations(run, indicator, obs: Observations) -> int:
    """Insert the observations in bulk: COPY on PostgreSQL, executemany of one INSERT elsewhere."""
    n = len(obs)
    if n == 0:
        return 0
    columns = _columns(run, indicator, obs)
    if connection.vendor == "postgresql" and _copy(columns):
        return n
    table = connection.ops.quote_name(Observation._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
    python = []
    for i, column in enumerate(columns):
        values = column.tolist()
        if i in (len(columns) - 4, len(columns) - 3, len(columns) - 2):  # value, numerator, denominator
            values = [None if math.isnan(v) else v for v in values]
        elif column.dtype == object:
            values = ["" if v is None else str(v) for v in values]
        python.append(values)
    rows = list(zip(*python, strict=True))
    with connection.cursor() as cursor:
        for start in range(0, n, BATCH):
            cursor.executemany(sql, rows[start:start + BATCH])
    return n


def _copy_text(column: np.ndarray) -> list[str]:
    if column.dtype.kind in "iu":
        return column.astype(str).tolist()
    if column.dtype.kind == "f":
        text = column.astype(str)
        return np.where(np.isnan(column), "\\N", text).tolist()
    values = ["" if v is None else str(v) for v in column.tolist()]
    if any(ch in v for v in set(values) for ch in "\\\t\n\r"):
        values = [v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
                  for v in values]
    return values


def _copy(columns: list[np.ndarray]) -> bool:
    table = connection.ops.quote_name(Observation._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    with connection.cursor() as cursor:
        raw = getattr(cursor, "cursor", None)
        if not hasattr(raw, "copy"):
            return False
        texts = [_copy_text(c) for c in columns]
        with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            n = len(texts[0])
            for start in range(0, n, COPY_CHUNK):
                chunk = zip(*(t[start:start + COPY_CHUNK] for t in texts), strict=True)
                copy.write("".join("\t".join(row) + "\n" for row in chunk))
    return True


# ---------------------------------------------------------------------------------------------------------------
# Publishing, deleting


def publish_run(run: IndicatorRun, *, actor) -> IndicatorRun:
    """Make a finished run the one the public reads (the latest published run)."""
    _check_actor(actor, "publish")
    with acting(actor):
        locked = IndicatorRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.FINISHED:
            raise ValidationError({"status": [_("Only a finished run can be published.")]})
        if locked.published_at is not None and IndicatorRun.objects.published() == locked:
            raise ValidationError({"status": [_("This run is already the published one.")]})
        if locked.indicators.exists():
            # The public reads one run: publishing a run of some indicators would hide all the others.
            raise ValidationError({"indicators": [_(
                "A run of some indicators can be checked and compared, not published: the public would lose the "
                "other indicators. Compute the whole catalogue to publish.")]})
        locked.published_at = timezone.now()
        locked.published_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["published_at", "published_by"])
    run.refresh_from_db()
    return run


def delete_run(run: IndicatorRun, *, actor) -> None:
    """Delete a run with its observations. The run the public reads and a run still computing cannot be deleted."""
    _check_actor(actor, "delete")
    with acting(actor):
        locked = IndicatorRun.objects.select_for_update().get(pk=run.pk)
        ensure_in_scope(locked, actor=actor, action="delete")
        if locked.status == RunStatus.RUNNING:
            raise ValidationError({"status": [_("The run is still computing; delete it when it has ended.")]})
        if locked.published_at is not None and IndicatorRun.objects.published() == locked:
            raise ValidationError({"status": [_("The public reads this run: publish another one first.")]})
        # Observations are not recorded one by one (the run is): one DELETE instead of loading every row.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(Observation._meta.db_table)} WHERE run_id = %s",
                           [locked.pk])
        locked.delete()


# ---------------------------------------------------------------------------------------------------------------
# Comparing, staleness


def _keyed(run: IndicatorRun) -> dict[str, dict[tuple, tuple]]:
    out: dict[str, dict[tuple, tuple]] = {}
    rows = (Observation.objects.filter(run=run).order_by()
            .values_list("indicator__code", "year", *DIMENSIONS, "value", "flag"))
    for code, year, *rest in rows.iterator(chunk_size=20_000):
        out.setdefault(code, {})[(year, *rest[:len(DIMENSIONS)])] = (rest[-2], rest[-1])
    return out


def compare_runs(old: IndicatorRun, new: IndicatorRun, *, largest: int = 5) -> dict:
    """Per indicator: observations added, removed, changed (value or flag) and unchanged, and the largest value
    changes. Returns {"old": n, "new": n, "indicators": {code: {...}}, "totals": {...}}."""
    before, after = _keyed(old), _keyed(new)
    result: dict = {"old": old.number, "new": new.number, "indicators": {}}
    totals = Counter()
    for code in sorted(set(before) | set(after)):
        a, b = before.get(code, {}), after.get(code, {})
        added = b.keys() - a.keys()
        removed = a.keys() - b.keys()
        changed, unchanged, moves = 0, 0, []
        for key in a.keys() & b.keys():
            (v0, f0), (v1, f1) = a[key], b[key]
            same_value = (v0 is None and v1 is None) or (v0 is not None and v1 is not None
                                                         and math.isclose(v0, v1, rel_tol=1e-9, abs_tol=1e-9))
            if same_value and f0 == f1:
                unchanged += 1
                continue
            changed += 1
            if v0 is not None and v1 is not None:
                moves.append((abs(v1 - v0), key, v0, v1))
        moves.sort(key=lambda m: (-m[0], m[1]))
        entry = {"added": len(added), "removed": len(removed), "changed": changed, "unchanged": unchanged,
                 "largest": [{"year": key[0], "dimensions": {d: v for d, v in zip(DIMENSIONS, key[1:], strict=True)
                                                             if v},
                              "old": v0, "new": v1, "change": round(v1 - v0, 6)}
                             for _diff, key, v0, v1 in moves[:largest]]}
        result["indicators"][code] = entry
        totals.update({k: entry[k] for k in ("added", "removed", "changed", "unchanged")})
    result["totals"] = {k: totals.get(k, 0) for k in ("added", "removed", "changed", "unchanged")}
    return result


def source_models(indicators=None) -> list:
    """The models whose changes make the indicators' facts out of date."""
    from django.apps import apps

    sources = load_sources()
    codes = set(run_sources(indicators).keys()) if indicators else set(sources)
    labels = sorted({label for code in codes for label in getattr(sources.get(code), "models", ())})
    return [apps.get_model(label) for label in labels]


def changes_since(run: IndicatorRun) -> int:
    """How many changes of the run's source records were committed after the run read them (0: up to date)."""
    feed_position()
    try:
        models = source_models(run_indicators(run))
    except ValueError:
        models = source_models()
    types = ContentType.objects.get_for_models(*models).values() if models else []
    return ObjectChange.objects.filter(seq__gt=run.change_position or 0, content_type__in=list(types)).count()
