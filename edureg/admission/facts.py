"""The Django side of the admission rules: turns rounds, formulas, offers and applications into the pure engines'
values (`engine.eligibility`, `engine.scoring`), checks an application's preferences, and words the engines'
reasons and problems for people (gettext, English source; the Lithuanian catalogue has the translations).

Used by the services (an ineligible preference is refused), the applicant's pages (eligibility and score per
preference or per listed offer), the allocation run (facts for every application) and the models' clean()."""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from edureg.admission.engine import eligibility, scoring
from edureg.admission.engine.eligibility import ApplicantFacts, OfferFacts, Reason, Rules, RulesError
from edureg.admission.engine.scoring import Formula, FormulaError, Problem, ScoreInput
from edureg.admission.models import Application, Offer, Round, ScoringFormula

SUBJECT_LIST = "subject"

# --- configuration -------------------------------------------------------------------------------------------------


def rules_for(round: Round) -> Rules:
    """The round's eligibility rules (raises RulesError when the stored configuration is not valid)."""
    return eligibility.parse_rules(
        min_age=round.min_age, min_age_without_general_education=round.min_age_without_general_education,
        entry_levels=round.entry_levels, funding_rules=round.funding_rules, state_funded_only=round.state_funded_only,
        entry_levels_with_general_education=round.entry_levels_with_general_education)


def subject_codes() -> set[str] | None:
    """Codes of the classifier list "subject" (every version), or None when the list has no items (not loaded):
    subject components are then not checked against it."""
    from edureg.classifiers.models import ClassifierItem

    codes = set(ClassifierItem.objects.filter(code_list__code=SUBJECT_LIST).values_list("code", flat=True))
    return codes or None


_QUERY = object()


def formula_for(formula: ScoringFormula, *, subjects: Collection[str] | None | object = _QUERY) -> Formula:
    """The formula as the scoring engine's value. Subject codes are checked against the classifier list "subject"
    (one query; pass `subjects` to reuse a set, or None not to check). Raises FormulaError."""
    if subjects is _QUERY:
        subjects = subject_codes()
    return scoring.parse_formula(formula.components, formula.priorities, subjects=subjects)  # type: ignore[arg-type]


# --- facts ---------------------------------------------------------------------------------------------------------

_OFFER_FIELDS = ("pk", "offering__version__ltks_level", "offering__version__with_general_education",
                 "offering__programme__kind__code", "funding")


def offer_facts(offers) -> dict[int, OfferFacts]:
    """Eligibility facts of offers by offer id, in one query: a queryset (e.g. `round.offers.all()`), or an iterable
    of offers or offer ids."""
    if isinstance(offers, QuerySet):
        queryset = offers
    else:
        ids = [o if isinstance(o, int) else o.pk for o in offers]
        queryset = Offer.objects.filter(pk__in=ids)
    return {pk: OfferFacts(ltks_level=level, with_general_education=with_ge, programme_kind=kind, funding=funding)
            for pk, level, with_ge, kind, funding in queryset.order_by().values_list(*_OFFER_FIELDS)}


def _facts_of(offer: Offer) -> OfferFacts:
    """Facts of an offer loaded with its offering's version and programme kind (no query then)."""
    offering = offer.offering
    return OfferFacts(ltks_level=offering.version.ltks_level,
                      with_general_education=offering.version.with_general_education,
                      programme_kind=offering.programme.kind.code, funding=offer.funding)


def applicant_facts(application: Application, *, age_on=None) -> ApplicantFacts:
    """The applicant's age in full years on `age_on` (default: the round's "age counted on" date), education and
    vocational qualifications held."""
    day = age_on or application.round.age_on
    return ApplicantFacts(age=eligibility.age_in_years(application.person.birth_date, day),
                          education=application.education, prior_qualifications=application.prior_qualifications)


def _number(value) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float | Decimal):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "."))
        except ValueError:
            return None
    return None


def score_input(application: Application, grades: Mapping[str, Decimal | float] | None = None) -> ScoreInput:
    """The applicant's grades (subject code → grade; read in one query unless given), scale, additional components
    and priority criteria met, as the scoring engine's input."""
    if grades is None:
        grades = dict(application.grades.order_by().values_list("subject__code", "value"))
    extras = {}
    for code, value in (application.extras or {}).items():
        number = _number(value)
        if number is not None:
            extras[str(code)] = number
    return ScoreInput(grades={code: float(value) for code, value in grades.items() if value is not None},
                      scale=int(application.grade_scale), extras=extras,
                      priorities=frozenset(p for p in (application.priorities or []) if isinstance(p, str)))


# --- words ---------------------------------------------------------------------------------------------------------

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII"}


def ltks(level) -> str:
    """An LTKS level as written in Lithuania (Roman numerals: IV)."""
    return ROMAN.get(level, str(level))


EDUCATION_PHRASES = {
    "none": _("no completed education"),
    "basic": _("basic education"),
    "secondary": _("secondary education"),
}

_FUNDING_REASONS = {
    ("none", "state"): _("The state-funded places of this programme are not open to applicants without a "
                         "vocational qualification in this round."),
    ("none", "paid"): _("The paid places of this programme are not open to applicants without a vocational "
                        "qualification in this round."),
    ("one_state", "state"): _("You already hold a vocational qualification acquired with state funding, so the "
                              "state-funded places of this programme are not open to you."),
    ("one_state", "paid"): _("You already hold a vocational qualification acquired with state funding, so the "
                             "paid places of this programme are not open to you."),
    ("two_or_more", "state"): _("You already hold two or more vocational qualifications acquired with state "
                                "funding, so the state-funded places of this programme are not open to you."),
    ("two_or_more", "paid"): _("You already hold two or more vocational qualifications acquired with state "
                               "funding, so the paid places of this programme are not open to you."),
}
_FUNDING_ALTERNATIVES = {
    "state": _("You can apply for its state-funded places instead."),
    "paid": _("You can apply for its paid places instead."),
}

REASONS = {
    "too_young": _("Too young: the minimum age is %(min_age)s (you will be %(age)s)."),
    "too_young_without_general_education": _(
        "Programmes without general education are open from the age of %(min_age)s (you will be %(age)s). "
        "Before that, you can choose a programme combined with general education."),
    "entry_education": _("This programme (LTKS level %(level)s) is for applicants with %(needed)s; your education "
                         "allows LTKS level %(max_level)s at most."),
    "entry_education.none": _("This programme (LTKS level %(level)s) is not open to new entrants in this round; "
                              "your education allows LTKS level %(max_level)s at most."),
    "state_funded_only": _("This round offers state-funded places only; paid places cannot be chosen."),
}


def reason_text(reason: Reason) -> str:
    """A reason of `eligibility.check` in words, in the active language."""
    params = dict(reason.params)
    if reason.code == "funding":
        text = str(_FUNDING_REASONS.get((params.get("prior_qualifications"), params.get("funding")),
                                        _("These places are not open to you.")))
        alternative = params.get("alternative")
        if alternative in _FUNDING_ALTERNATIVES:
            text = f"{text} {_FUNDING_ALTERNATIVES[alternative]}"
        return text
    if reason.code == "entry_education":
        params["level"], params["max_level"] = ltks(params.get("level")), ltks(params.get("max_level"))
        needed = params.get("needed")
        if needed is None:
            return str(REASONS["entry_education.none"]) % params
        params["needed"] = EDUCATION_PHRASES.get(needed, needed)
        return str(REASONS["entry_education"]) % params
    template = REASONS.get(reason.code)
    if template is None:
        return str(_("Not eligible (%(code)s).")) % {"code": reason.code}
    return str(template) % params


PROBLEMS = {
    "components.not_list": _('The components must be a list such as [{"type": "subject", "code": "LT", '
                             '"weight": 0.4}].'),
    "components.empty": _("Give at least one component."),
    "not_object": _("Component %(number)s: give an object with a type, a code and a weight."),
    "type": _('Component %(number)s: the type must be "subject" (a grade) or "extra" (an additional component).'),
    "unknown_key": _('Component %(number)s: unknown key "%(key)s"; a component has a type, a code, a weight and, '
                     'for an extra, a max.'),
    "max_on_subject": _('Component %(number)s: only an extra can have a "max"; grades are at most 10.'),
    "code": _("Component %(number)s: give a code."),
    "code_format": _("Component %(number)s: the code must not begin or end with a space and may have at most "
                     "%(max_length)s characters."),
    "unknown_subject": _('Component %(number)s: "%(code)s" is not a code of the subject classifier.'),
    "weight_missing": _("Component %(number)s: give a weight."),
    "weight": _("Component %(number)s: the weight must be a number above 0 and at most %(maximum)s."),
    "max": _("Component %(number)s: the max must be a number, 0 or more."),
    "duplicate.subject": _('Component %(number)s: the subject "%(code)s" is already component %(first)s.'),
    "duplicate.extra": _('Component %(number)s: the extra "%(code)s" is already component %(first)s.'),
    "priorities.not_list": _('The priority criteria must be a list of codes such as ["orphan", "disability"].'),
    "priority": _("Priority criterion %(number)s: use a code of lower-case letters, digits, - and _ "
                  "(at most 40 characters)."),
    "priority_duplicate": _('Priority criterion %(number)s: "%(value)s" is already criterion %(first)s.'),
}


def formula_problem_text(problem: Problem) -> str:
    """A problem of `scoring.parse_formula` in words, naming the component or criterion by its number."""
    key = problem.code
    if key in ("not_list", "empty"):
        key = f"{problem.field}.{key}"
    elif key == "duplicate":
        key = f"duplicate.{problem.params.get('type')}"
    template = PROBLEMS.get(key)
    if template is None:
        return f"{problem.path}: {problem.code}"
    return str(template) % problem.params


def formula_errors(error: FormulaError) -> dict[str, list[str]]:
    """FormulaError → {"components": [...], "priorities": [...]} for a ValidationError."""
    errors: dict[str, list[str]] = {}
    for problem in error.problems:
        errors.setdefault(problem.field, []).append(formula_problem_text(problem))
    return errors


RULES_ERRORS = {
    "not_integer": _("Give a whole number."),
    "age_range": _("The age must be from %(minimum)s to %(maximum)s."),
    "below_min_age": _("This cannot be lower than the minimum age."),
    "entry_levels.not_object": _('Give the highest LTKS level for each education, e.g. {"none": 2, "basic": 3, '
                                 '"secondary": 4}.'),
    "entry_levels_with_general_education.not_object": _(
        'Give the highest LTKS level for each education, e.g. {"none": 2, "basic": 4, "secondary": 4}.'),
    "funding_rules.not_object": _('Give the places open for each group, e.g. {"none": ["*:*"], "one_state": '
                                  '["continuing_vet:state", "*:paid"], "two_or_more": ["*:paid"]}.'),
    "keys": _("The keys must be exactly %(keys)s (missing: %(missing)s; unknown: %(unknown)s)."),
    "level": _('The level for "%(education)s" must be a whole number from %(minimum)s to %(maximum)s.'),
    "decreasing": _('A higher education cannot allow a lower level: "%(higher)s" allows %(higher_level)s, '
                    '"%(lower)s" allows %(lower_level)s.'),
    "not_list": _('The places for "%(group)s" must be a list of patterns such as "*:paid".'),
    "pattern": _('"%(pattern)s" (for "%(group)s") is not a pattern "programme kind:funding" such as '
                 '"continuing_vet:state" or "*:paid" (funding: state, paid or *).'),
    "not_boolean": _("Give true or false."),
}


def rules_error_text(error: RulesError) -> str:
    """A RulesError in words (for the field `error.field`)."""
    template = RULES_ERRORS.get(f"{error.field}.{error.code}") or RULES_ERRORS.get(error.code)
    if template is None:
        return f"{error.field}: {error.code}"
    params = {k: ", ".join(map(str, v)) or "—" if isinstance(v, list | tuple) else v
              for k, v in error.params.items()}
    return str(template) % params


# --- checks --------------------------------------------------------------------------------------------------------


@dataclass
class PreferenceCheck:
    """One preference of an application: eligible or not (reasons in words, and as the engine's Reasons in
    `raw_reasons`), the competitive score at its offer and the score's parts (see scoring.score_parts)."""

    preference: object
    eligible: bool
    reasons: list[str]
    score: tuple[float, ...]
    parts: list[dict]
    raw_reasons: list[Reason] = field(default_factory=list)


_OFFER_RELATED = ("formula", "offering__version", "offering__programme__kind", "offering__institution")


def _parsed(formula: ScoringFormula, cache: dict[int, Formula]) -> Formula:
    # Formulas were checked (with the subject list) when saved; here they are only parsed.
    if formula.pk not in cache:
        cache[formula.pk] = scoring.parse_formula(formula.components, formula.priorities)
    return cache[formula.pk]


def check_preferences(application: Application) -> list[PreferenceCheck]:
    """Every preference of the application, in rank order, checked and scored. Two queries (preferences with their
    offers, offerings and formulas; grades) besides the application's round and person when not loaded."""
    preferences = list(application.preferences.select_related(*(f"offer__{r}" for r in _OFFER_RELATED))
                       .order_by("rank"))
    if not preferences:
        return []
    rules = rules_for(application.round)
    applicant = applicant_facts(application)
    scores = score_input(application)
    formulas: dict[int, Formula] = {}
    checks = []
    for preference in preferences:
        offer = preference.offer
        reasons = eligibility.check(rules, applicant, _facts_of(offer))
        formula = _parsed(offer.formula, formulas)
        checks.append(PreferenceCheck(
            preference=preference, eligible=not reasons, reasons=[reason_text(r) for r in reasons],
            score=scoring.score(formula, scores), parts=scoring.score_parts(formula, scores), raw_reasons=reasons))
    return checks


def check_offers(application: Application, offers: Iterable) -> dict[int, tuple[list[str], tuple[float, ...]]]:
    """For pages listing offers: offer id → (reasons the applicant may not take it, in words; their score there).
    `offers`: a queryset of offers, or offers or offer ids. Two queries whatever the number of offers (offers with
    offerings and formulas; grades)."""
    if isinstance(offers, QuerySet):
        loaded = offers.select_related(*_OFFER_RELATED)
    else:
        loaded = Offer.objects.filter(pk__in=[o if isinstance(o, int) else o.pk for o in offers]) \
            .select_related(*_OFFER_RELATED)
    rules = rules_for(application.round)
    applicant = applicant_facts(application)
    scores = score_input(application)
    formulas: dict[int, Formula] = {}
    result = {}
    for offer in loaded:
        reasons = eligibility.check(rules, applicant, _facts_of(offer))
        result[offer.pk] = ([reason_text(r) for r in reasons], scoring.score(_parsed(offer.formula, formulas), scores))
    return result


def check_offer(application: Application, offer: Offer) -> tuple[list[str], tuple[float, ...]]:
    """Reasons (in words; [] = eligible) and the applicant's score for one offer."""
    return check_offers(application, [offer])[offer.pk]
