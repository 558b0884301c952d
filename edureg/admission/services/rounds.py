"""Rounds and their configuration: the round itself (rules and deadlines), scoring formulas, offers, and the
round's steps that are not the allocation itself: open, close applications, publish results, open the next round.

Every function is one audited transaction (`edureg.core.services.acting`) and raises ValidationError naming the
field. A round's configuration changes only while it is being configured or accepting applications; once
applications are closed its rules, deadlines, formulas and offers are what the allocation and its re-runs use, and
only its names and note may still change.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from edureg.admission.choices import KIND_DEFAULTS, InvitationStatus, RoundKind, RoundStatus, RunStatus
from edureg.admission.models import AllocationRun, Invitation, Offer, Preference, Round, ScoringFormula
from edureg.core.audit.registry import record_bulk
from edureg.core.services import acting, delete_instance, ensure_in_scope
from edureg.programmes.choices import Funding, VersionStatus
from edureg.programmes.models import Offering

# What a round's configuration may hold; status moves only through the steps below.
ROUND_FIELDS = {f.name for f in Round._meta.concrete_fields} - {"id", "status", "updated_at"}
# Once applications are closed, only these may change.
ALWAYS_EDITABLE = {"name_lt", "name_en", "note"}
FORMULA_FIELDS = {"round", "code", "name_lt", "name_en", "components", "priorities", "note"}
OFFER_FIELDS = {"round", "code", "offering", "funding", "capacity", "formula"}
CONFIGURABLE = (RoundStatus.DRAFT, RoundStatus.OPEN)
NEXT_KINDS = (RoundKind.ADDITIONAL, RoundKind.WINTER)
FUNDING_SUFFIX = {Funding.STATE: "S", Funding.PAID: "P"}


def _fail(field: str, message: str):
    raise ValidationError({field: [message]})


def _reject_unknown(fields: dict, allowed: set[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError({name: [_("This field cannot be set here.")] for name in unknown})


def _status_text(status: str) -> str:
    return str(RoundStatus(status).label).lower()


def _ensure_status(round_: Round, allowed, message: str | None = None) -> None:
    if round_.status not in allowed:
        _fail("status", message or _("The round is %(status)s; this needs a round that is %(allowed)s.") % {
            "status": _status_text(round_.status),
            "allowed": _(" or ").join(_status_text(s) for s in allowed)})


def _ensure_configurable(round_: Round, field: str = "round") -> None:
    """Formulas and offers change only while the round is being configured or accepting applications."""
    if round_.status not in CONFIGURABLE:
        _fail(field, _("The round's applications are closed (it is %(status)s): its configuration is what the "
                       "allocation uses and cannot change.") % {"status": _status_text(round_.status)})


def _save(instance, *, actor, action: str, exclude=None):
    instance.full_clean(exclude=exclude)
    instance.save()
    ensure_in_scope(instance, actor=actor, action=action)
    return instance


def _round_of(subject, fields: dict) -> Round:
    round_ = subject if subject is not None else fields.get("round")
    if round_ is None:
        _fail("round", _("Choose the round."))
    fields["round"] = round_
    return round_


# --- rounds -------------------------------------------------------------------------------------------------

def create_round(*, actor, **fields) -> Round:
    """A new round, being configured (draft). The number of preferences and whether only state-funded places are
    offered default to the kind's (main: 3, additional: 2, winter: 2 and state-funded only)."""
    _reject_unknown(fields, ROUND_FIELDS)
    kind = fields.get("kind") or RoundKind.MAIN
    if kind not in RoundKind.values:
        _fail("kind", _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(RoundKind.values)})
    for name, value in KIND_DEFAULTS[RoundKind(kind)].items():
        if fields.get(name) is None:
            fields[name] = value
    fields["kind"] = kind
    with acting(actor):
        round_ = Round(**fields)
        round_.status = RoundStatus.DRAFT
        return _save(round_, actor=actor, action="add")


def update_round(round_: Round, *, actor, **changes) -> Round:
    """Change a round being configured or accepting applications. Once applications are closed the rules and
    deadlines are locked; the names and the note may still change."""
    _reject_unknown(changes, ROUND_FIELDS)
    changed = {name: value for name, value in changes.items() if getattr(round_, name) != value}
    if round_.status not in CONFIGURABLE:
        locked = sorted(set(changed) - ALWAYS_EDITABLE)
        if locked:
            raise ValidationError({name: [_("The round's applications are closed: its rules and deadlines cannot "
                                            "change.")] for name in locked})
    if "code" in changed and round_.status != RoundStatus.DRAFT:
        _fail("code", _("The round's code is published; it cannot change once the round is open."))
    if "max_preferences" in changed and changed["max_preferences"] is not None:
        longest = (Preference.objects.filter(application__round=round_).values("application")
                   .annotate(n=Count("pk")).order_by("-n").values_list("n", flat=True).first())
        if longest and longest > changed["max_preferences"]:
            _fail("max_preferences", _("Some applications already list %(n)s preferences; allow at least that "
                                       "many.") % {"n": longest})
    if changed.get("state_funded_only") and round_.offers.filter(funding=Funding.PAID).exists():
        _fail("state_funded_only", _("The round has offers of paid places; delete them first."))
    with acting(actor):
        ensure_in_scope(round_, actor=actor, action="change")
        for name, value in changes.items():
            setattr(round_, name, value)
        return _save(round_, actor=actor, action="change")


def delete_round(round_: Round, *, actor) -> None:
    """Only a round still being configured is deleted (with its formulas and offers)."""
    _ensure_status(round_, (RoundStatus.DRAFT,),
                   _("Only a round that is still being configured can be deleted."))
    if round_.next_rounds.exists():
        _fail("round", _("Another round follows this one; delete that round first."))
    with acting(actor):
        ensure_in_scope(round_, actor=actor, action="delete")
        # Offers refer to formulas (protected): offers first, then the round (its formulas go with it).
        for offer in round_.offers.all():
            offer.delete()
        round_.delete()


# --- formulas -----------------------------------------------------------------------------------------------

def create_formula(round_: Round | None = None, *, actor, **fields) -> ScoringFormula:
    """A scoring formula of a round; its components and priority criteria are checked by the model's clean()
    (admission.engine.scoring), each problem naming the component."""
    _reject_unknown(fields, FORMULA_FIELDS)
    round_ = _round_of(round_, fields)
    _ensure_configurable(round_)
    with acting(actor):
        return _save(ScoringFormula(**fields), actor=actor, action="add")


def update_formula(formula: ScoringFormula, *, actor, **changes) -> ScoringFormula:
    _reject_unknown(changes, FORMULA_FIELDS)
    if "round" in changes and changes["round"] != formula.round:
        _fail("round", _("A formula stays in its round."))
    _ensure_configurable(formula.round)
    with acting(actor):
        ensure_in_scope(formula, actor=actor, action="change")
        for name, value in changes.items():
            setattr(formula, name, value)
        return _save(formula, actor=actor, action="change")


def delete_formula(formula: ScoringFormula, *, actor) -> None:
    _ensure_configurable(formula.round)
    used = formula.offers.count()
    if used:
        _fail("formula", _("%(n)s offers use this formula; give them another formula first.") % {"n": used})
    delete_instance(formula, actor=actor)


# --- offers -------------------------------------------------------------------------------------------------

def offer_code(offering: Offering, funding: str) -> str:
    """The default code of an offer: "<offering id>-S" (state-funded) or "-P" (paid)."""
    return f"{offering.pk}-{FUNDING_SUFFIX.get(funding, funding[:1].upper())}"


def _check_offer(offer: Offer) -> None:
    """The rules across rows; the field rules come from full_clean. Errors name the field."""
    errors: dict[str, list[str]] = {}
    round_ = offer.round
    offering = offer.offering if offer.offering_id else None
    if offering is not None:
        if offering.year != round_.year:
            errors["offering"] = [_("The offering is for the %(year)s school year; the round admits for "
                                    "%(round_year)s.") % {"year": offering.year, "round_year": round_.year}]
        elif offering.programme.status != VersionStatus.REGISTERED:
            errors["offering"] = [_("The offering's programme is not in force (it is %(status)s).") % {
                "status": offering.programme.get_status_display().lower()}]
    if offer.funding == Funding.PAID and round_.state_funded_only:
        errors["funding"] = [_("The round offers state-funded places only.")]
    if errors:
        raise ValidationError(errors)


def create_offer(round_: Round | None = None, *, actor, **fields) -> Offer:
    """An offering's state-funded or paid places in a round. The code defaults to "<offering id>-S" / "-P" and the
    capacity to the offering's places of that funding."""
    _reject_unknown(fields, OFFER_FIELDS)
    round_ = _round_of(round_, fields)
    _ensure_configurable(round_)
    offering, funding = fields.get("offering"), fields.get("funding")
    if offering is not None and funding in Funding.values:
        if not fields.get("code"):
            fields["code"] = offer_code(offering, funding)
        if fields.get("capacity") is None:
            fields["capacity"] = offering.places(funding)
    with acting(actor):
        offer = Offer(**fields)
        _check_offer(offer)
        return _save(offer, actor=actor, action="add")


def update_offer(offer: Offer, *, actor, **changes) -> Offer:
    _reject_unknown(changes, OFFER_FIELDS)
    if "round" in changes and changes["round"] != offer.round:
        _fail("round", _("An offer stays in its round."))
    _ensure_configurable(offer.round)
    if offer.preferences.exists():
        for name in ("offering", "funding"):
            if name in changes and changes[name] != getattr(offer, name):
                _fail(name, _("Applicants already list this offer: its offering and funding cannot change."))
    with acting(actor):
        ensure_in_scope(offer, actor=actor, action="change")
        for name, value in changes.items():
            setattr(offer, name, value)
        _check_offer(offer)
        return _save(offer, actor=actor, action="change")


def delete_offer(offer: Offer, *, actor) -> None:
    _ensure_configurable(offer.round)
    listed = offer.preferences.count()
    if listed:
        _fail("offer", _("%(n)s applications list this offer as a preference; it cannot be deleted.") % {
            "n": listed})
    delete_instance(offer, actor=actor)


def candidate_offerings(round_: Round):
    """Offerings a round can admit into: of the round's school year, of a formal programme in force."""
    return (Offering.objects.filter(year=round_.year, programme__status=VersionStatus.REGISTERED,
                                    programme__kind__formal=True)
            .select_related("programme").order_by("pk"))


def add_offers(round_: Round, *, actor, formula: ScoringFormula) -> list[Offer]:
    """One offer per offering of the round's school year (a formal programme in force) and funding with places,
    scored by `formula`; state-funded only when the round says so. Offers the round already has are skipped.
    Returns the new offers."""
    _ensure_configurable(round_)
    if formula is None or formula.round_id != round_.pk:
        _fail("formula", _("Choose a formula of this round."))
    fundings = (Funding.STATE,) if round_.state_funded_only else (Funding.STATE, Funding.PAID)
    with acting(actor):
        ensure_in_scope(round_, actor=actor, action="change")
        existing = set(round_.offers.values_list("offering_id", "funding"))
        taken = set(round_.offers.values_list("code", flat=True))
        new = []
        for offering in candidate_offerings(round_):
            for funding in fundings:
                places = offering.places(funding)
                if places <= 0 or (offering.pk, funding) in existing:
                    continue
                code = offer_code(offering, funding)
                if code in taken:
                    continue
                new.append(Offer(round=round_, code=code, offering=offering, funding=funding, capacity=places,
                                 formula=formula))
        created = Offer.objects.bulk_create(new, batch_size=1000)
        if created and created[0].pk is None:  # a database that does not return ids
            created = list(round_.offers.filter(code__in=[o.code for o in new]))
        record_bulk(created, "create")
    return created


# --- steps --------------------------------------------------------------------------------------------------

def _set_status(round_: Round, status: str) -> Round:
    round_.status = status
    round_.save()
    return round_


def open_round(round_: Round, *, actor) -> Round:
    """Being configured → accepting applications. The round must have offers, each with a formula of the round."""
    _ensure_status(round_, (RoundStatus.DRAFT,))
    if not round_.offers.exists():
        _fail("offers", _("Add offers before opening the round."))
    with acting(actor):
        ensure_in_scope(round_, actor=actor, action="change")
        round_.full_clean()
        return _set_status(round_, RoundStatus.OPEN)


def close_applications(round_: Round, *, actor) -> Round:
    """Accepting applications → applications closed: applicants can no longer change them; the round is ready
    for its allocation run."""
    _ensure_status(round_, (RoundStatus.OPEN,))
    with acting(actor):
        ensure_in_scope(round_, actor=actor, action="change")
        return _set_status(round_, RoundStatus.CLOSED)


def current_run(round_: Round) -> AllocationRun | None:
    return round_.runs.filter(is_current=True).first()


def publish_results(round_: Round, *, actor) -> Round:
    """Allocated → results published: the current run's results (per-offer results, invitations, applicants'
    explanations) become visible; the run records when."""
    _ensure_status(round_, (RoundStatus.ALLOCATED,))
    run = current_run(round_)
    if run is None or run.status != RunStatus.DONE:
        _fail("run", _("The round has no finished allocation run to publish."))
    with acting(actor):
        ensure_in_scope(round_, actor=actor, action="change")
        run.published_at = timezone.now()
        run.save()
        return _set_status(round_, RoundStatus.PUBLISHED)


def open_next_round(previous: Round, *, actor, kind: str, code: str, name_lt: str, name_en: str = "",
                    applications_open: datetime.date, application_deadline: datetime.date,
                    results_date: datetime.date, contract_deadline: datetime.date) -> Round:
    """The next round (additional or winter) with the places the previous one left: the previous round's rules
    and formulas are copied, and each of its offers with places left (after signed contracts) is offered again
    with those places (state-funded only in a winter round). The new round is being configured: check it and
    open it. The previous round's unsigned invitations must be annulled first."""
    from edureg.admission.services.contracts import places_left

    _ensure_status(previous, (RoundStatus.PUBLISHED, RoundStatus.FINISHED),
                   _("The next round starts from a round whose results are published."))
    if kind not in NEXT_KINDS:
        _fail("kind", _("The next round is an additional or a winter additional round."))
    waiting = Invitation.objects.filter(run__round=previous, run__is_current=True,
                                        status=InvitationStatus.INVITED).count()
    if waiting:
        _fail("previous_round", _("%(n)s invitations of the previous round are neither signed nor annulled; annul "
                                  "the unsigned invitations first.") % {"n": waiting})
    defaults = KIND_DEFAULTS[RoundKind(kind)]
    with acting(actor):
        ensure_in_scope(previous, actor=actor, action="view")
        new = Round(code=code, name_lt=name_lt, name_en=name_en or "", kind=kind, year=previous.year,
                    previous_round=previous, max_preferences=defaults["max_preferences"],
                    state_funded_only=defaults["state_funded_only"], applications_open=applications_open,
                    application_deadline=application_deadline, results_date=results_date,
                    contract_deadline=contract_deadline, age_on=previous.age_on, min_age=previous.min_age,
                    min_age_without_general_education=previous.min_age_without_general_education,
                    entry_levels=previous.entry_levels, funding_rules=previous.funding_rules,
                    entry_levels_with_general_education=previous.entry_levels_with_general_education,
                    status=RoundStatus.DRAFT)
        _save(new, actor=actor, action="add")
        formulas = {}
        for old in previous.formulas.order_by("code"):
            formulas[old.pk] = _save(ScoringFormula(round=new, code=old.code, name_lt=old.name_lt,
                                                    name_en=old.name_en, components=old.components,
                                                    priorities=old.priorities, note=old.note),
                                     actor=actor, action="add")
        left = places_left(previous)
        offers = []
        for old in previous.offers.order_by("code"):
            places = left.get((old.offering_id, old.funding), 0)
            if places <= 0 or (new.state_funded_only and old.funding != Funding.STATE):
                continue
            offers.append(Offer(round=new, code=old.code, offering_id=old.offering_id, funding=old.funding,
                                capacity=places, formula=formulas[old.formula_id]))
        record_bulk(Offer.objects.bulk_create(offers, batch_size=1000), "create")
    return new
