"""Evaluations, accreditation decisions and funding competitions for the demo, made through the evaluation services.

    counts = build_evaluation(seed=1)

Called by `edureg demo` once the country, its registers and the library reports are there (and nothing of this is
yet). Deterministic for the seed and the country. Every step goes through the services with actor=None (the system),
so the applications carry their events and change records like any other (audit job "synthetic-<seed>-evaluation"):

- the procedures loaded from evaluation/data/procedures.json;
- ~30 experts: pedagogues of the register (their employments give real conflicts of interest) with ISCED-F fields
  and programme kinds: CPD, library competence, non-formal adult education and VET readiness groups;
- CPD and library-competence programmes submitted by their providers (programmes' submit_version on a new draft
  version, which opens the application) and taken to every stage: submitted, eligibility check, returned for
  corrections, under evaluation with one expert scored, scored awaiting a decision, decided accredited / with
  conditions / rejected, and a rejection under appeal; a VET school's readiness evaluation, decided;
- one non-formal adult education call ranked, selected within its budget (the last fitting application partly
  funded, two applications tied on the total) and published, and one call open for applications;
- for the demo walk: the demo VET school (services.DEMO_USERS "demo_vet_school") has a CPD programme draft ready to
  submit; the two demo experts (`demo_expert_person(1)` and `(2)`, users demo_expert and demo_expert_2) evaluate
  its field and never worked there; another expert of that field teaches at the school, so assigning them is
  refused.
"""

import datetime
import time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edureg.classifiers.models import ClassifierItem
from edureg.core.audit.context import audit_context
from edureg.evaluation.engine.aggregation import aggregate, points
from edureg.evaluation.models import (
    Appeal,
    Application,
    Assignment,
    Call,
    Decision,
    Event,
    Expert,
    ExpertTie,
    Procedure,
    Score,
)
from edureg.pedagogues.models import Employment
from edureg.persons.models import Person
from edureg.programmes.models import Programme, ProgrammeKind
from edureg.synthetic.bulk import Progress
from edureg.synthetic.engine.evaluation import JUSTIFICATIONS, justified, level_of, sheets_for, target_for
from edureg.synthetic.engine.tables import stream

# Deleted by a reset of the country (they point at persons, institutions and programme versions), dependants first.
MODELS = (Event, Appeal, Decision, Score, Assignment, Application, Call, ExpertTie, Expert)
THROUGH = (Expert.expertise.through, Expert.kinds.through, Expert.procedures.through, Call.kinds.through)

DEMO_EXPERT_NOTE = "Demonstracinis ekspertas (naudotojas demo_expert)."
DEMO_EXPERT_2_NOTE = "Demonstracinis ekspertas (naudotojas demo_expert_2)."
DEMO_FIELD = "0114"  # teacher training: the field of the demo VET school's CPD draft
CPD_FIELDS = ("0114", "0111", "0413")
LIBRARY_FIELDS = ("0322",)
ADULT_FIELDS = ("0231", "0611", "0412", "0031", "0232", "0211")
# (group, programme kinds, fields, how many experts)
GROUPS = (
    ("cpd", ("cpd",), CPD_FIELDS, 12),
    ("library", ("library_competence",), LIBRARY_FIELDS, 5),
    ("adult", ("nonformal_adult",), ADULT_FIELDS, 8),
    ("vet", ("initial_vet", "continuing_vet"), (), 5),
)
# The programme applications: (kind, stage). Stages: see _advance.
PLAN = (
    ("cpd", "submitted"), ("library_competence", "submitted"), ("cpd", "eligibility"), ("cpd", "returned"),
    ("cpd", "one_scored"), ("library_competence", "under_evaluation"), ("cpd", "scored"),
    ("cpd", "accredited"), ("library_competence", "accredited"), ("cpd", "conditions"), ("cpd", "rejected"),
    ("cpd", "appealed"),
)
# Where the demo expert is one of the two experts (the second, so "one_scored" leaves them a sheet to fill in).
DEMO_EXPERT_STAGES = ("one_scored", "scored", "accredited")
# The finished call: requested amounts and target totals (two equal totals: the smaller request ranks first).
# A country with few programmes takes the first ones (at least four: two funded, one in part, one below the minimum).
CALL_REQUESTS = (("12000", "88"), ("15000", "82"), ("8000", "46"), ("9000", "76"), ("11000", "76"), ("14000", "70"),
                 ("10000", "64"))
CALL_MAX = Decimal("15000")
MIN_SCORE = Decimal("50")


class EvaluationDataError(Exception):
    """The database cannot take the demo evaluations (no services, no procedures, nothing to evaluate...)."""


def job_id_for(seed: int) -> str:
    return f"synthetic-{seed}-evaluation"


def has_evaluation() -> bool:
    return Application.objects.exists() or Expert.objects.exists()


def demo_expert_person(number: int = 1) -> Person | None:
    """The person of the first or second demo expert (made by build_evaluation), or None."""
    note = DEMO_EXPERT_NOTE if number == 1 else DEMO_EXPERT_2_NOTE
    expert = Expert.objects.filter(note=note).select_related("person").first()
    return expert.person if expert else None


def demo_vet_school():
    from edureg.synthetic.services import _demo_scope

    try:
        return _demo_scope("vet_institution", timezone.localdate())[0]["institution"]
    except ValueError as exc:
        raise EvaluationDataError(str(exc)) from exc


# --- building ----------------------------------------------------------------------------------------

def build_evaluation(*, seed: int = 1, progress: Progress | None = None) -> dict[str, int]:
    """Build the demo evaluations; returns counts (and "seconds"). Raises EvaluationDataError when it cannot."""
    try:
        from edureg.evaluation.services import calls, experts, procedures, scoring, workflow  # noqa: F401
    except ImportError as exc:
        raise EvaluationDataError(_("The evaluation services are not installed (%(error)s).") % {"error": exc}) \
            from exc
    say = progress or (lambda step, done, total: None)
    started = time.perf_counter()
    with audit_context(source="command", job_id=job_id_for(seed)), transaction.atomic():
        if has_evaluation():
            raise EvaluationDataError(_("The database already holds evaluation applications or experts."))
        procedures.load_procedures(actor=None)
        builder = _Builder(seed, say)
        builder.experts()
        builder.programme_applications()
        builder.readiness()
        builder.competitions()
        builder.demo_draft()
    counts = {"experts": Expert.objects.count(), "evaluation applications": Application.objects.count(),
              "decisions": Decision.objects.count(), "calls": Call.objects.count()}
    counts["seconds"] = round(time.perf_counter() - started, 2)
    return counts


class _Builder:
    def __init__(self, seed: int, say):
        self.rng = stream(seed, "evaluation")
        self.say = say
        self.today = timezone.localdate()
        self.procedures = {p.code: p for p in Procedure.objects.all()}
        self.school = demo_vet_school()
        self.fields = {i.code: i for i in ClassifierItem.objects.of("isced_f").valid_on(self.today)}
        self.kinds = {k.code: k for k in ProgrammeKind.objects.all()}
        self.demo_expert: Expert | None = None
        self.conflicted: Expert | None = None
        self.used_programmes: set[int] = set()
        # The VET school whose readiness is evaluated (another than the demo one when there is one) and its field.
        vet = (Programme.objects.filter(kind__code="initial_vet", status="registered",
                                        current_version__isced_f__isnull=False)
               .select_related("provider", "current_version__isced_f").order_by("provider__code", "id"))
        self.ready = vet.exclude(provider=self.school).first() or vet.first()

    def procedure(self, code: str) -> Procedure:
        if code not in self.procedures:
            raise EvaluationDataError(_("The evaluation procedure %(code)s is not loaded.") % {"code": code})
        return self.procedures[code]

    # experts

    def experts(self) -> None:
        """Pedagogues in post now; the demo expert never worked at the demo VET school, one other expert of the
        same field teaches there."""
        current = Employment.objects.filter(end_date__isnull=True)
        at_school = set(Employment.objects.filter(institution=self.school).values_list("person_id", flat=True))
        in_post = sorted(set(current.values_list("person__personal_code", "person_id")))
        if not current.filter(institution=self.school).exists():
            raise EvaluationDataError(_("The country has no pedagogues (or none at the demo VET school)."))
        order = self.rng.permutation(len(in_post))
        pool = [in_post[i][1] for i in order.tolist() if in_post[i][1] not in at_school]
        teaching = set(current.filter(institution=self.school).values_list("person_id", flat=True))
        teacher = next(p for _c, p in in_post if p in teaching)
        vet_fields = [self.ready.current_version.isced_f.code] if self.ready else []
        made = 0
        for group, kinds, fields, n in GROUPS:
            fields = fields or tuple(vet_fields) or CPD_FIELDS
            for i in range(n):
                person = pool.pop(0)
                chosen = [fields[i % len(fields)]]
                if len(fields) > 1 and self.rng.random() < 0.5:
                    chosen.append(fields[(i + 1) % len(fields)])
                note = {0: DEMO_EXPERT_NOTE, 1: DEMO_EXPERT_2_NOTE}.get(i, "") if group == "cpd" else ""
                if note:
                    chosen = [DEMO_FIELD, "0111"]
                self._expert(person, kinds, chosen, made, note=note,
                             until=self.today - datetime.timedelta(days=30) if group == "cpd" and i == n - 1 else None)
                made += 1
        self.demo_expert = Expert.objects.get(note=DEMO_EXPERT_NOTE)
        self.conflicted = self._expert(teacher, ("cpd",), [DEMO_FIELD], made)
        # A tie besides employment: an adult-education expert sits on a board of a non-formal education centre.
        adult = Expert.objects.filter(kinds__code="nonformal_adult").order_by("id").first()
        centre = Programme.objects.filter(kind__code="nonformal_adult").order_by("id").values_list(
            "provider_id", flat=True).first()
        if adult and centre:
            ExpertTie.objects.create(expert=adult, institution_id=centre, relation="board",
                                     started_on=self.today - datetime.timedelta(days=700))
        self.say("experts", made + 1, made + 1)

    def _expert(self, person_id: int, kinds, fields, n: int, *, note: str = "", until=None) -> Expert:
        expert = Expert.objects.create(person_id=person_id, email=f"ekspertas{n + 1:02d}@vertinimas.example.lt",
                                       max_load=6, note=note, available_until=until)
        expert.expertise.set([self.fields[c] for c in fields if c in self.fields])
        expert.kinds.set([self.kinds[k] for k in kinds if k in self.kinds])
        return expert

    # programme applications

    def _new_draft(self, kind: str, *, exclude_provider=None):
        """A new draft version of a registered programme of the kind (not yet used), or None."""
        from edureg.programmes.services.programmes import new_version

        candidates = (Programme.objects.filter(kind__code=kind, status="registered", current_version__isnull=False)
                      .exclude(pk__in=self.used_programmes).exclude(versions__status__in=("draft", "submitted"))
                      .order_by("id"))
        if exclude_provider is not None:
            candidates = candidates.exclude(provider=exclude_provider)
        ids = list(candidates.values_list("id", flat=True)[:200])
        for i in self.rng.permutation(len(ids)).tolist():
            programme = Programme.objects.get(pk=ids[i])
            self.used_programmes.add(programme.pk)
            return new_version(programme, actor=None)
        return None

    def programme_applications(self) -> None:
        from edureg.programmes.services.lifecycle import submit_version

        for n, (kind, stage) in enumerate(PLAN, start=1):
            version = self._new_draft(kind, exclude_provider=self.school)
            if version is None:
                continue
            submit_version(version, actor=None)  # the signal opens the application
            application = Application.objects.get(programme_version=version, call__isnull=True)
            self._advance(application, stage)
            self.say("evaluations", n, len(PLAN))

    def _experts_for(self, application, count: int, *, demo: bool) -> list[Expert]:
        from edureg.evaluation.services.experts import propose_experts

        free = [p.expert for p in propose_experts(application, limit=50) if not p.blocked]
        chosen = []
        if demo and self.demo_expert in free:
            free.remove(self.demo_expert)
            chosen = [self.demo_expert]
        return (free[:count - len(chosen)] + chosen)[:count]

    def _score(self, assignment, values) -> None:
        from edureg.evaluation.services.experts import confirm_no_conflict
        from edureg.evaluation.services.scoring import save_scores, submit_scores

        spec = self._spec(assignment.application.procedure)
        confirm_no_conflict(assignment, actor=None)
        save_scores(assignment, justified(spec, values), actor=None,
                    comment=JUSTIFICATIONS[level_of(spec, points(spec, values))])
        submit_scores(assignment, actor=None)

    @staticmethod
    def _spec(procedure):
        from edureg.evaluation.services.common import procedure_spec

        return procedure_spec(procedure)

    def _evaluate(self, application, *, want: str | None, target: Decimal | None = None, scored: int = 2,
                  demo: bool = False) -> None:
        """Eligibility accepted, the experts assigned, `scored` of them submit sheets giving `want`."""
        from edureg.evaluation.services.experts import assign_expert
        from edureg.evaluation.services.workflow import accept_eligibility, start_eligibility

        start_eligibility(application, actor=None)
        accept_eligibility(application, actor=None)
        application.refresh_from_db()
        procedure = application.procedure
        spec = self._spec(procedure)
        needed = procedure.experts_per_application
        assignments = [assign_expert(application, expert, actor=None)
                       for expert in self._experts_for(application, needed, demo=demo)]
        if len(assignments) < needed:
            raise EvaluationDataError(f"not enough experts free for {application.number}")
        sheets = sheets_for(spec, target if target is not None else target_for(spec, want or "accredited"), want)
        for i, assignment in enumerate(assignments[:scored]):
            self._score(assignment, sheets[i % 2])
        application.refresh_from_db()

    def _advance(self, application, stage: str) -> None:
        from edureg.evaluation.services.workflow import decide, file_appeal, return_for_corrections, start_eligibility

        if stage == "submitted":
            return
        if stage in ("eligibility", "returned"):
            start_eligibility(application, actor=None)
            if stage == "returned":
                return_for_corrections(application, actor=None, request=(
                    "Patikslinkite programos tikslines grupes ir pridėkite lektorių gyvenimo aprašymus."))
            return
        demo = stage in DEMO_EXPERT_STAGES
        if stage in ("under_evaluation", "one_scored"):
            self._evaluate(application, want=None, scored=1 if stage == "one_scored" else 0, demo=demo)
            return
        want = {"scored": "accredited", "appealed": "rejected"}.get(stage, stage)
        self._evaluate(application, want=want, demo=demo)
        if stage == "scored":
            return
        decide(application, actor=None, conditions=(
            "Per šešis mėnesius papildyti programą praktinių užsiėmimų aprašu ir vertinimo kriterijais."
            if want == "conditions" else ""))
        if stage == "appealed":
            application.refresh_from_db()
            file_appeal(application, actor=None, grounds=(
                "Ekspertai neįvertino pridėtų praktinės dalies aprašų; prašome pakartotinio vertinimo."))

    # readiness

    def readiness(self) -> None:
        """A VET school (not the demo one) asks to be found ready to run a formal VET programme; decided."""
        from edureg.evaluation.services.workflow import apply_for_readiness, decide

        procedure = self.procedure("vet-readiness")
        found = self.ready
        if found is None:
            return
        application = apply_for_readiness(
            procedure, actor=None, institution=found.provider, isced_f=found.current_version.isced_f,
            title="Pasirengimas vykdyti pirminio profesinio mokymo programą pameistrystės forma",
            note="Įrengtos praktinio mokymo dirbtuvės; sudarytos sutartys su trimis įmonėmis.")
        self._evaluate(application, want="accredited")
        decide(application, actor=None)
        self.say("evaluations", 1, 1)

    # competitions

    def competitions(self) -> None:
        from edureg.evaluation.services.calls import apply_to_call, close_call, open_call, publish_call, rank_call

        procedure = self.procedure("nfae-competition")
        spec = self._spec(procedure)
        versions = self._call_versions(len(CALL_REQUESTS) + 2)
        if len(versions) < 4:
            raise EvaluationDataError(_("The register has fewer than four non-formal adult education programmes."))
        requests = CALL_REQUESTS[:len(versions)]
        year = self.today.year
        finished = self._call(f"nfae-{year}-1", "Neformaliojo suaugusiųjų švietimo programų konkursas",
                              "Non-formal adult education programmes call", procedure, spec, opens_ago=60, days=60,
                              requests=requests)
        open_call(finished, actor=None)
        applications = [apply_to_call(finished, actor=None, programme_version=version, requested_amount=amount,
                                      note="Programa bus vykdoma savivaldybės bendruomenėms.")
                        for version, (amount, _t) in zip(versions, requests, strict=False)]
        close_call(finished, actor=None)
        for application, (_amount, target) in zip(applications, requests, strict=True):
            self._evaluate(application, want=None, target=Decimal(target))
        rank_call(finished, actor=None)
        publish_call(finished, actor=None)
        current = self._call(f"nfae-{year}-2", "Neformaliojo suaugusiųjų švietimo programų konkursas (II etapas)",
                             "Non-formal adult education programmes call (round II)", procedure, spec, opens_ago=10,
                             days=50, budget=Decimal("80000"))
        open_call(current, actor=None)
        # Further programmes, or else the first one again (a version may apply to each call once).
        for version in versions[len(requests):] or versions[:1]:
            apply_to_call(current, actor=None, programme_version=version, requested_amount=Decimal("9500"),
                          note="Kursai senjorams bibliotekose ir bendruomenės namuose.")
        self.say("calls", 2, 2)

    def _call_versions(self, n: int):
        """Registered non-formal adult education versions; a country with fewer than four gets copies of them
        registered (a provider's new programme on the same topic)."""
        from edureg.programmes.services.lifecycle import register_version, submit_version

        programmes = list(Programme.objects.filter(kind__code="nonformal_adult", status="registered",
                                                   current_version__status="registered")
                          .select_related("current_version", "provider").order_by("id"))
        order = self.rng.permutation(len(programmes)).tolist()
        versions = [programmes[i].current_version for i in order[:n]]
        for i in range(4 - len(versions) if versions else 0):
            source = versions[i % len(versions)]
            draft = self._copy(source, source.programme.provider, f"{source.name_lt} (tęsinys {i + 1})",
                               f"{source.name_en} (follow-up {i + 1})" if source.name_en else "")
            submit_version(draft, actor=None)
            versions.append(register_version(draft, actor=None))
        return versions

    @staticmethod
    def _copy(source, provider, name_lt: str, name_en: str):
        """A new programme of the provider: a draft with the source version's fields and modules."""
        from edureg.programmes.services.programmes import copy_modules, create_programme, version_fields

        skip = {"accredited_until", "valid_from", "valid_to", "name_lt", "name_en"}
        fields = {name: getattr(source, name) for name in version_fields() - skip}
        programme = create_programme(actor=None, kind=source.programme.kind, provider=provider, name_lt=name_lt,
                                     name_en=name_en, **fields)
        draft = programme.versions.get()
        copy_modules(source, draft)
        return draft

    def _call(self, code, name_lt, name_en, procedure, spec, *, opens_ago: int, days: int, budget=None,
              requests=()) -> Call:
        """A draft call. The finished call's budget is set from the planned ranking so that the last application
        that fits is funded in part."""
        if budget is None:
            results = [(aggregate(spec, list(sheets_for(spec, Decimal(t)))), Decimal(a)) for a, t in requests]
            eligible = sorted((-r.total, a) for r, a in results if r.mandatory_passed and r.total >= MIN_SCORE)
            funded = min(4, len(eligible) - 1)
            budget = sum(a for _t, a in eligible[:funded]) + eligible[funded][1] / 2
        call = Call.objects.create(
            code=code, name_lt=name_lt, name_en=name_en, procedure=procedure, budget=budget,
            max_per_application=CALL_MAX, min_score=MIN_SCORE, opens_on=self.today - datetime.timedelta(
                days=opens_ago), closes_on=self.today - datetime.timedelta(days=opens_ago) + datetime.timedelta(
                days=days),
            tie_rules=[f"criterion:{spec.criteria[0].code}", "lower_amount", "earlier_submission"],
            last_fit_rule="partial",
            description_lt="Finansuojamos neformaliojo suaugusiųjų švietimo programos savivaldybių bendruomenėms.",
            description_en="Funding for non-formal adult education programmes for local communities.")
        call.kinds.set([self.kinds["nonformal_adult"]])
        return call

    # the demo walk

    def demo_draft(self) -> None:
        """A CPD programme draft of the demo VET school, in the demo expert's field, ready to submit: a copy of a
        registered CPD programme of that field (its fields and modules)."""
        source = (Programme.objects.filter(kind__code="cpd", status="registered",
                                           current_version__isced_f__code=DEMO_FIELD)
                  .select_related("current_version").order_by("id").first())
        if source is None:
            raise EvaluationDataError(_("The register has no CPD programme in field %(code)s.") % {"code": DEMO_FIELD})
        self._copy(source.current_version, self.school, "Profesijos mokytojų skaitmeninės kompetencijos",
                   "Digital competences of VET teachers")
