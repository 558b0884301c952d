"""Offerings: a registered programme offered by an institution at a place and year, with places."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from edureg.core.services import acting, delete_instance, ensure_in_scope
from edureg.programmes.choices import VersionStatus
from edureg.programmes.models import Offering

OFFERING_FIELDS = {"programme", "institution", "branch", "municipality", "year", "start_date", "form", "language",
                   "state_funded_places", "paid_places", "note"}


def _validate(offering: Offering) -> None:
    """The rules across rows; the field rules come from full_clean. Errors name the field."""
    errors: dict[str, str] = {}
    programme = offering.programme
    if programme.status == VersionStatus.SUSPENDED:
        errors["programme"] = _("The programme is suspended and cannot be offered.")
    elif programme.status == VersionStatus.DEREGISTERED:
        errors["programme"] = _("The programme is deregistered and cannot be offered.")
    elif programme.status != VersionStatus.REGISTERED or programme.current_version_id is None:
        errors["programme"] = _("Only a registered programme can be offered.")
    institution_id = offering.institution_id
    if institution_id and institution_id != programme.provider_id \
            and not programme.co_providers.filter(pk=institution_id).exists():
        errors["institution"] = _("The institution is neither the programme's provider nor a co-provider.")
    if offering.branch_id and offering.branch.institution_id != institution_id:
        errors["branch"] = _("The branch belongs to another institution.")
    version = programme.current_version
    if version is not None and version.forms and offering.form not in version.forms:
        errors["form"] = _("The programme is not taught in this form (it allows: %(forms)s).") % {
            "forms": ", ".join(version.forms)}
    if not (offering.state_funded_places or 0) and not (offering.paid_places or 0):
        errors["state_funded_places"] = _("Offer at least one place, state-funded or paid.")
    duplicate = Offering.objects.filter(programme=programme, institution_id=institution_id,
                                        branch_id=offering.branch_id, year=offering.year, form=offering.form,
                                        language_id=offering.language_id).exclude(pk=offering.pk)
    if "programme" not in errors and duplicate.exists():
        errors["year"] = _("The institution already offers this programme in this year, form and language.")
    if errors:
        raise ValidationError(errors)


def _fill_defaults(offering: Offering) -> None:
    if not offering.municipality_id:
        place = offering.branch if offering.branch_id else (offering.institution if offering.institution_id else None)
        if place is not None:
            offering.municipality_id = place.municipality_id
    version = offering.programme.current_version
    if not offering.language_id and version is not None and version.language_id:
        offering.language_id = version.language_id
    if offering.start_date is None and offering.year:
        offering.start_date = datetime.date(offering.year, 9, 1)


def _save(offering: Offering, *, actor, action: str) -> Offering:
    offering.version = offering.programme.current_version
    try:
        offering.full_clean(exclude=["version"])
    except ValidationError as exc:
        errors = exc.message_dict
        try:
            _validate(offering)
        except ValidationError as more:
            for name, messages in more.message_dict.items():
                errors.setdefault(name, messages)
        raise ValidationError(errors) from None
    _validate(offering)
    offering.save()
    ensure_in_scope(offering, actor=actor, action=action)
    return offering


def _reject_unknown(fields: dict) -> None:
    unknown = sorted(set(fields) - OFFERING_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})


def create_offering(*, actor, **fields) -> Offering:
    _reject_unknown(fields)
    if fields.get("programme") is None:
        raise ValidationError({"programme": _("Choose the programme.")})
    with acting(actor):
        offering = Offering(**fields)
        _fill_defaults(offering)
        return _save(offering, actor=actor, action="add")


def update_offering(offering: Offering, *, actor, **changes) -> Offering:
    _reject_unknown(changes)
    if "programme" in changes and changes["programme"] != offering.programme:
        raise ValidationError({"programme": _("An offering's programme cannot change; add a new offering.")})
    with acting(actor):
        ensure_in_scope(offering, actor=actor, action="change")
        for name, value in changes.items():
            setattr(offering, name, value)
        if changes.get("municipality", True) is None or ("branch" in changes and "municipality" not in changes):
            offering.municipality_id = None
        _fill_defaults(offering)
        return _save(offering, actor=actor, action="change")


def delete_offering(offering: Offering, *, actor) -> None:
    delete_instance(offering, actor=actor)
