"""Applications: an applicant's education, grades, additional components, priority criteria and ranked preferences.

An applicant keeps their own application (the person of their membership); the admission organiser (the agency)
may enter one for anyone, which marks it `entered_by_officer`. One application per round and person. Every change
is refused unless the round accepts applications: `status == open` and today is on or before the application
deadline. Each function runs in one transaction; every created, changed or removed grade and preference leaves its
change record (new rows are inserted together, with `record_bulk`).
"""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from edureg.admission.choices import ApplicationStatus, RoundStatus
from edureg.admission.models import Application, Grade, Offer, Preference, Round, ScoringFormula
from edureg.classifiers.models import ClassifierItem
from edureg.core.audit.registry import record_bulk
from edureg.core.scoping import scope_for
from edureg.core.services import acting, ensure_in_scope
from edureg.programmes.choices import Funding

__all__ = [
    "accepts_changes", "create_application", "formula_codes", "set_grades", "set_preferences", "submit_application",
    "update_application", "withdraw_application",
]

APPLICATION_FIELDS = ("education", "prior_qualifications", "grade_scale", "extras", "priorities")
MAX_EXTRA = Decimal("1000")


def _today() -> datetime.date:
    return timezone.localdate()


def _fail(field: str, message: str):
    raise ValidationError({field: [message]})


# Reads shared with the pages and the import ---------------------------------------------------------------------


def accepts_changes(round_: Round, today: datetime.date | None = None) -> bool:
    """Whether applications of the round may be started or changed now."""
    today = today or _today()
    return round_.status == RoundStatus.OPEN and today <= round_.application_deadline


def formula_codes(round_: Round) -> dict:
    """The codes the round's formulas use, in the order they first appear: {"subjects": [...], "extras": {code:
    max or None}, "priorities": [...]} (what an application's grades, extras and priorities may name)."""
    subjects: list[str] = []
    extras: dict[str, float | None] = {}
    priorities: list[str] = []
    formulas = round_.formulas.order_by("code") if round_.pk else ScoringFormula.objects.none()
    for formula in formulas:
        for component in formula.components if isinstance(formula.components, list) else ():
            if not isinstance(component, dict):
                continue
            code = component.get("code")
            if component.get("type") == "subject" and code not in subjects:
                subjects.append(code)
            elif component.get("type") == "extra" and code not in extras:
                extras[code] = component.get("max")
            elif component.get("type") == "extra" and component.get("max") is not None:
                previous = extras[code]
                extras[code] = component["max"] if previous is None else max(previous, component["max"])
        for code in formula.priorities if isinstance(formula.priorities, list) else ():
            if code not in priorities:
                priorities.append(code)
    return {"subjects": subjects, "extras": extras, "priorities": priorities}


# Checks ----------------------------------------------------------------------------------------------------------


def _ensure_open(round_: Round) -> None:
    if round_.status != RoundStatus.OPEN:
        _fail("round", _("The round \"%(round)s\" is not accepting applications (it is: %(status)s).") % {
            "round": round_.name, "status": round_.get_status_display()})
    if _today() > round_.application_deadline:
        _fail("round", _("The application deadline of the round \"%(round)s\" was %(date)s; applications can no "
                         "longer be started or changed.") % {
            "round": round_.name, "date": date_format(round_.application_deadline, "DATE_FORMAT")})


def _ensure_may_change(application: Application, *, actor) -> None:
    ensure_in_scope(application, actor=actor, action="change")
    _ensure_open(application.round)


def _clean_extras(round_: Round, extras) -> dict:
    if extras is None:
        return {}
    if not isinstance(extras, Mapping):
        _fail("extras", _("The additional components must be given as codes with values."))
    known = formula_codes(round_)["extras"]
    errors: list[str] = []
    cleaned: dict[str, float] = {}
    for code, raw in extras.items():
        if code not in known:
            errors.append(_("\"%(code)s\" is not an additional component of this round's formulas (they use: "
                            "%(codes)s).") % {"code": code, "codes": ", ".join(known) or "—"})
            continue
        if raw is None or raw == "":
            continue
        try:
            value = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            errors.append(_("%(code)s: \"%(value)s\" is not a number.") % {"code": code, "value": raw})
        elif value < 0:
            errors.append(_("%(code)s: the value cannot be negative.") % {"code": code})
        elif value > MAX_EXTRA:
            errors.append(_("%(code)s: the value cannot be above %(max)s.") % {"code": code, "max": MAX_EXTRA})
        else:
            cleaned[code] = float(value)
    if errors:
        raise ValidationError({"extras": errors})
    return cleaned


def _clean_priorities(round_: Round, priorities) -> list[str]:
    if priorities is None:
        return []
    if isinstance(priorities, str) or not isinstance(priorities, Iterable):
        _fail("priorities", _("The priority criteria must be given as a list of codes."))
    known = formula_codes(round_)["priorities"]
    chosen = list(dict.fromkeys(priorities))
    unknown = [code for code in chosen if code not in known]
    if unknown:
        _fail("priorities", _("Not a priority criterion of this round's formulas: %(codes)s (they use: %(known)s).")
              % {"codes": ", ".join(map(str, unknown)), "known": ", ".join(known) or "—"})
    return [code for code in known if code in chosen]  # the formulas' order


def _ensure_may_apply_for(actor, person) -> None:
    """The applicant for themself (the person of their membership), the organiser for anyone; the system (None)
    too."""
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm("admission.add_application"):
        raise PermissionDenied(_("You may not start applications."))
    scope = scope_for(actor)
    if not scope.national and person.pk not in scope.person_ids:
        raise PermissionDenied(_("You may start an application only for yourself."))


def _is_officer_for(actor, person) -> bool:
    """An authenticated user entering an application of a person other than their own."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return person.pk not in scope_for(actor).person_ids


# Applications ----------------------------------------------------------------------------------------------------


def create_application(round_: Round, *, person, actor, education: str = "basic", prior_qualifications: str = "none",
                       grade_scale: int = 10, extras: Mapping | None = None,
                       priorities: Iterable[str] | None = None) -> Application:
    """Start `person`'s application in the round: by the applicant themself, or by the organiser on their behalf
    (then `entered_by_officer`)."""
    _ensure_open(round_)
    with acting(actor):
        application = Application(round=round_, person=person, education=education,
                                  prior_qualifications=prior_qualifications, grade_scale=grade_scale,
                                  status=ApplicationStatus.DRAFT)
        _ensure_may_apply_for(actor, person)
        existing = Application.objects.filter(round=round_, person=person).first()
        if existing is not None:
            _fail("person", _("%(person)s already has an application in this round (%(number)s).") % {
                "person": person, "number": existing.number})
        application.extras = _clean_extras(round_, extras)
        application.priorities = _clean_priorities(round_, priorities)
        application.entered_by_officer = _is_officer_for(actor, person)
        application.full_clean(validate_unique=False, validate_constraints=False)
        application.save()
        ensure_in_scope(application, actor=actor, action="add")
    return application


def update_application(application: Application, changes: Mapping, *, actor) -> Application:
    """Change the application's education, vocational qualifications held, grade scale, additional components or
    priority criteria (the keys of `changes`)."""
    unknown = sorted(set(changes) - set(APPLICATION_FIELDS))
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
    with acting(actor):
        _ensure_may_change(application, actor=actor)
        round_ = application.round
        changes = dict(changes)
        if "extras" in changes:
            changes["extras"] = _clean_extras(round_, changes["extras"])
        if "priorities" in changes:
            changes["priorities"] = _clean_priorities(round_, changes["priorities"])
        scale = changes.get("grade_scale")
        if scale is not None and int(scale) < application.grade_scale:
            above = sorted(application.grades.filter(value__gt=int(scale)).values_list("subject__code", flat=True))
            if above:
                _fail("grade_scale", _("Some grades are above %(scale)s (%(subjects)s): change them before choosing "
                                       "the %(scale)s-point scale.") % {"scale": scale, "subjects": ", ".join(above)})
        for name, value in changes.items():
            setattr(application, name, value)
        application.full_clean(validate_unique=False, validate_constraints=False)
        application.save()
    return application


def submit_application(application: Application, *, actor) -> Application:
    """Submit (or submit again after withdrawing): the application takes part in the allocation. It may still be
    changed until the deadline."""
    with acting(actor):
        _ensure_may_change(application, actor=actor)
        if application.status == ApplicationStatus.SUBMITTED:
            _fail("status", _("The application is already submitted."))
        if not application.preferences.exists():
            _fail("preferences", _("List at least one preference before submitting the application."))
        application.status = ApplicationStatus.SUBMITTED
        application.submitted_at = timezone.now()
        application.save()
    return application


def withdraw_application(application: Application, *, actor) -> Application:
    """Withdraw: the application takes no part in the allocation (it may be submitted again until the deadline)."""
    with acting(actor):
        _ensure_may_change(application, actor=actor)
        if application.status == ApplicationStatus.WITHDRAWN:
            _fail("status", _("The application is already withdrawn."))
        application.status = ApplicationStatus.WITHDRAWN
        application.save()
    return application


# Grades ----------------------------------------------------------------------------------------------------------


def _subjects_by_code(codes: Iterable[str]) -> dict[str, ClassifierItem]:
    """The current items of the classifier "subject" with these codes."""
    found: dict[str, ClassifierItem] = {}
    for subject in (ClassifierItem.objects.of("subject").current().filter(code__in=set(codes))
                    .order_by("code", "valid_from")):
        found[subject.code] = subject  # the newest version wins
    return found


def _grade_value(code: str, raw, scale: int, name: str) -> tuple[Decimal | None, str | None]:
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        return None, _("%(subject)s: \"%(value)s\" is not a number.") % {"subject": name, "value": raw}
    if not value.is_finite():
        return None, _("%(subject)s: \"%(value)s\" is not a number.") % {"subject": name, "value": raw}
    if not 1 <= value <= scale:
        return None, _("%(subject)s: the grade %(value)s is not between 1 and %(scale)s (the application's "
                       "scale).") % {"subject": name, "value": value, "scale": scale}
    if value != value.quantize(Decimal("0.01")):
        return None, _("%(subject)s: at most two decimal places (%(value)s).") % {"subject": name, "value": value}
    return value.quantize(Decimal("0.01")), None


def set_grades(application: Application, grades: Mapping[str, Decimal], *, actor) -> Application:
    """Replace the application's grades with `grades` ({subject code: grade on the application's scale}); a subject
    left out is removed. Codes are those of the classifier "subject"."""
    if not isinstance(grades, Mapping):
        _fail("grades", _("The grades must be given as subject codes with grades."))
    with acting(actor):
        _ensure_may_change(application, actor=actor)
        wanted = {str(code).strip(): raw for code, raw in grades.items() if raw is not None and raw != ""}
        subjects = _subjects_by_code(wanted)
        errors: list[str] = []
        values: dict[str, Decimal] = {}
        for code, raw in wanted.items():
            subject = subjects.get(code)
            if subject is None:
                errors.append(_("\"%(code)s\" is not a subject code (classifier \"subject\").") % {"code": code})
                continue
            value, error = _grade_value(code, raw, application.grade_scale, f"{subject.name} ({code})")
            if error:
                errors.append(error)
            else:
                values[code] = value
        if errors:
            raise ValidationError({"grades": errors})
        existing = {g.subject.code: g for g in application.grades.select_related("subject").order_by()}
        for code, grade in existing.items():
            if code not in values:
                grade.delete()
        new = []
        for code, value in values.items():
            grade = existing.get(code)
            if grade is not None and grade.value == value:
                continue
            if grade is None:
                grade = Grade(application=application, subject=subjects[code], value=value)
                new.append(grade)
            else:
                grade.value = value
            # The application and the subject were checked above: no query per row for them.
            grade.full_clean(exclude=["application", "subject"], validate_unique=False, validate_constraints=False)
            if grade.pk is not None:
                grade.save()
        _create_all(Grade, new)
    return application


def _create_all(model, instances: list) -> None:
    """New rows in one insert, with their change records (one per row, as saving each would write)."""
    if instances:
        model.objects.bulk_create(instances)
        record_bulk(instances, "create")


# Preferences -----------------------------------------------------------------------------------------------------


def _offer_label(offer: Offer) -> str:
    offering = offer.offering
    return f"{offer.code} {offering.programme.name}, {offering.institution}"


def set_preferences(application: Application, offers: list[Offer], *, actor) -> Application:
    """Replace the ranked list of preferences (first = most wanted). Refused: more offers than the round allows,
    offers of another round, the same offer twice, paid places in a state-funded-only round, and an offer the
    applicant is not eligible for (the message names the preference and the reason)."""
    from edureg.admission import facts

    with acting(actor):
        _ensure_may_change(application, actor=actor)
        round_ = application.round
        offers = list(offers)
        if len(offers) > round_.max_preferences:
            _fail("preferences", _("At most %(n)d preferences may be listed in this round (%(m)d were given).") % {
                "n": round_.max_preferences, "m": len(offers)})
        if not offers and application.status == ApplicationStatus.SUBMITTED:
            _fail("preferences", _("A submitted application needs at least one preference; withdraw the "
                                   "application instead of removing them all."))
        loaded = {o.pk: o for o in Offer.objects.filter(pk__in=[o.pk for o in offers]).select_related(
            "round", "formula", "offering__programme__kind", "offering__version", "offering__institution")}
        checks = facts.check_offers(application, [o for o in loaded.values() if o.round_id == round_.pk])
        errors: list[str] = []
        seen: dict[int, int] = {}
        for number, given in enumerate(offers, start=1):
            offer = loaded.get(given.pk)
            if offer is None:
                errors.append(_("Preference %(n)d: no such offer.") % {"n": number})
                continue
            values = {"n": number, "offer": _offer_label(offer)}
            if offer.round_id != round_.pk:
                errors.append(_("Preference %(n)d (%(offer)s): the offer belongs to another round.") % values)
                continue
            if offer.pk in seen:
                errors.append(_("Preference %(n)d (%(offer)s): the offer is already preference %(first)d.") % {
                    **values, "first": seen[offer.pk]})
                continue
            seen[offer.pk] = number
            if round_.state_funded_only and offer.funding == Funding.PAID:
                errors.append(_("Preference %(n)d (%(offer)s): this round offers state-funded places only, and "
                                "this is a paid place.") % values)
                continue
            reasons, _score = checks[offer.pk]
            for reason in reasons:
                errors.append(_("Preference %(n)d (%(offer)s): you are not eligible: %(reason)s") % {
                    **values, "reason": reason})
        if errors:
            raise ValidationError({"preferences": errors})
        wanted = {rank: loaded[o.pk] for rank, o in enumerate(offers, start=1)}
        # Rows whose offer and rank stay are kept; the others are removed and written again (no clash with the
        # unique rank and offer while reordering).
        current = list(application.preferences.all())
        for preference in current:
            if wanted.get(preference.rank) is None or wanted[preference.rank].pk != preference.offer_id:
                preference.delete()
        kept = {p.rank for p in current if wanted.get(p.rank) is not None and wanted[p.rank].pk == p.offer_id}
        new = []
        for rank, offer in wanted.items():
            if rank not in kept:
                preference = Preference(application=application, rank=rank, offer=offer)
                preference.full_clean(exclude=["application", "offer"], validate_unique=False,
                                      validate_constraints=False)
                new.append(preference)
        _create_all(Preference, new)
    return application
