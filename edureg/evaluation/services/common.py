"""Shared pieces of the evaluation services: who may act, the event log, numbers, dates.

Roles, as the services check them (`actor=None` is the system: commands, the demo; it is not checked):
- coordinator: a national user who may change applications (the agency's evaluation coordinator);
- expert: the user's person (scope.person_ids) has an Expert record; acts on their own assignments only;
- provider: an officer of the application's institution who may change applications.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from edureg.core.scoping import scope_for
from edureg.evaluation.engine.aggregation import CriterionSpec, ProcedureSpec
from edureg.evaluation.models import Application, Decision, Event, Expert, Procedure

MAX_TEXT = 5000


def fail(field: str, message: str):
    raise ValidationError({field: [message]})


def today() -> datetime.date:
    return timezone.localdate()


def user_or_none(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def is_coordinator(user) -> bool:
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return scope_for(user).national and user.has_perm("evaluation.change_application")


def ensure_coordinator(actor) -> None:
    if not is_coordinator(actor):
        raise PermissionDenied(_("Only the agency's evaluation coordinator may do this."))


def expert_of(user) -> Expert | None:
    """The user's own expert record (through their person), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    person_ids = scope_for(user).person_ids
    if not person_ids or not user.has_perm("evaluation.change_assignment"):
        return None
    return Expert.objects.filter(person_id__in=person_ids).first()


def is_provider_of(user, application: Application) -> bool:
    """An officer of the application's institution who may change applications (or the system)."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False) or not user.has_perm("evaluation.change_application"):
        return False
    return application.institution_id in scope_for(user).institution_ids


def ensure_provider(application: Application, actor) -> None:
    if not is_provider_of(actor, application):
        raise PermissionDenied(_("Only the applicant institution's officers may do this."))


def ensure_status(application: Application, *allowed: str) -> None:
    if application.status not in allowed:
        fail("status", _("The application is %(status)s; this step needs it to be %(allowed)s.") % {
            "status": application.get_status_display().lower(),
            "allowed": _(" or ").join(_status_label(s) for s in allowed)})


def _status_label(code: str) -> str:
    from edureg.evaluation.choices import ApplicationStatus

    return str(ApplicationStatus(code).label).lower()


def clean_text(value, field: str, *, required: bool = False, message: str = "") -> str:
    """Text from a form or the API: a string, stripped, at most MAX_TEXT characters, no null characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        fail(field, _("Must be text."))
    value = value.strip()
    if required and not value:
        fail(field, message or _("This field is required."))
    if len(value) > MAX_TEXT or "\x00" in value:
        fail(field, _("At most %(n)d characters, without null characters.") % {"n": MAX_TEXT})
    return value


def locked(application: Application) -> Application:
    """The application re-read under a row lock (the step runs in the caller's transaction)."""
    return (Application.objects.select_for_update(of=("self",))
            .select_related("procedure", "call", "institution", "programme_version")
            .get(pk=application.pk))


def set_status(application: Application, status: str, *, due_in_days: int | None = None) -> None:
    application.status = status
    application.status_since = timezone.now()
    application.due_on = today() + datetime.timedelta(days=due_in_days) if due_in_days is not None else None


def record(application: Application, action: str, *, actor, from_status: str = "", note: str = "") -> Event:
    return Event.objects.create(application=application, action=action, from_status=from_status or "",
                                to_status=application.status, note=note or "", user=user_or_none(actor))


def _next_number(model, field: str, prefix: str) -> str:
    last = (model.objects.filter(**{f"{field}__startswith": prefix})
            .order_by(Length(field).desc(), f"-{field}").values_list(field, flat=True).first())
    number = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{number:05d}"


def next_application_number(year: int | None = None) -> str:
    """VERT-2026-00001: the next free number of the year."""
    return _next_number(Application, "number", f"VERT-{year or today().year}-")


def next_decision_number(year: int | None = None) -> str:
    """SPR-2026-00001."""
    return _next_number(Decision, "number", f"SPR-{year or today().year}-")


def procedure_spec(procedure: Procedure) -> ProcedureSpec:
    """The procedure as the engine sees it."""
    criteria = tuple(CriterionSpec(c.code, c.weight, c.mandatory, c.pass_mark, c.justification_required)
                     for c in procedure.criteria.order_by("order", "code"))
    return ProcedureSpec(scale_min=procedure.scale_min, scale_max=procedure.scale_max, criteria=criteria,
                         aggregation=procedure.aggregation, threshold=procedure.threshold,
                         conditions_threshold=procedure.conditions_threshold,
                         disagreement_points=procedure.disagreement_points)


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
