"""Periods of a collection: prepared (draft), opened (every active respondent institution gets a "not started"
submission), closed (no more answers). And the reminders list: who has not submitted yet."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from edureg.core.audit.registry import record_bulk
from edureg.core.services import acting, apply_changes, delete_instance, ensure_in_scope, save_validated
from edureg.datacollections.choices import PeriodStatus, SubmissionStatus
from edureg.datacollections.models import Collection, Period, Submission
from edureg.institutions.choices import InstitutionStatus
from edureg.institutions.models import Institution

__all__ = ["create_period", "update_period", "delete_period", "open_period", "close_period", "respondents",
           "reminders", "Reminder", "WAITING"]

# Institutions that report: operating ones (not liquidated, not merely registered).
REPORTING = (InstitutionStatus.ACTIVE, InstitutionStatus.REORGANISING)
# Submissions the agency is still waiting for.
WAITING = (SubmissionStatus.NOT_STARTED, SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
PERIOD_FIELDS = {"collection", "year", "opens_on", "due_on"}


def _fail(field: str, message: str):
    raise ValidationError({field: [message]})


def _ensure_manager(actor) -> None:
    """Opening and closing periods is the agency's (who may change periods)."""
    if actor is not None and not actor.has_perm("datacollections.change_period"):
        raise PermissionDenied(_("You may not open or close collection periods."))


def _reject_unknown(fields: dict) -> None:
    unknown = sorted(set(fields) - PERIOD_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be set here.")] for name in unknown})


def respondents(collection: Collection):
    """The institutions that report in the collection: operating institutions of its respondent types."""
    return Institution.objects.filter(type__in=collection.respondent_types.all(), status__in=REPORTING)


def create_period(*, actor, **fields) -> Period:
    """A period being prepared (draft): nobody answers yet."""
    _reject_unknown(fields)
    return save_validated(Period(**fields, status=PeriodStatus.DRAFT), actor=actor)


def update_period(period: Period, *, actor, **changes) -> Period:
    """Change the dates; the collection and the year only while the period is being prepared."""
    _reject_unknown(changes)
    if period.status != PeriodStatus.DRAFT:
        for name in ("collection", "year"):
            if name in changes and changes[name] != getattr(period, name):
                _fail(name, _("The period is open or closed: its collection and year cannot change."))
    return apply_changes(period, dict(changes), actor=actor)


def delete_period(period: Period, *, actor) -> None:
    if period.status != PeriodStatus.DRAFT or period.submissions.exists():
        _fail("status", _("Only a period that is still being prepared (with no submissions) can be deleted."))
    delete_instance(period, actor=actor)


def open_period(collection: Collection, *, year: int, opens_on: datetime.date, due_on: datetime.date,
                actor) -> Period:
    """Open the collection's period of `year` (a draft one of that year, or a new one): every operating institution
    of the respondent types gets a "not started" submission (those that have one already keep it)."""
    _ensure_manager(actor)
    with acting(actor):
        period = Period.objects.select_for_update().filter(collection=collection, year=year).first()
        if period is not None and period.status != PeriodStatus.DRAFT:
            _fail("year", _("The period %(period)s is already %(status)s.") % {
                "period": period, "status": period.get_status_display().lower()})
        if period is None:
            period = Period(collection=collection, year=year)
        period.opens_on, period.due_on, period.status = opens_on, due_on, PeriodStatus.OPEN
        period.full_clean()
        period.save()
        ensure_in_scope(period, actor=actor, action="change")
        have = set(period.submissions.values_list("institution_id", flat=True))
        new = [Submission(period=period, institution_id=pk, status=SubmissionStatus.NOT_STARTED)
               for pk in respondents(collection).order_by("pk").values_list("pk", flat=True) if pk not in have]
        if new:
            Submission.objects.bulk_create(new, batch_size=1000)
            record_bulk(new, "create")
    return period


def close_period(period: Period, *, actor) -> Period:
    """Close an open period: respondents can no longer change or submit their answers (the agency may still
    approve what was submitted)."""
    _ensure_manager(actor)
    with acting(actor):
        locked = Period.objects.select_for_update().get(pk=period.pk)
        ensure_in_scope(locked, actor=actor, action="change")
        if locked.status != PeriodStatus.OPEN:
            _fail("status", _("Only an open period can be closed (this one is %(status)s).") % {
                "status": locked.get_status_display().lower()})
        locked.status = PeriodStatus.CLOSED
        locked.save()
    period.refresh_from_db()
    return period


@dataclass(frozen=True)
class Reminder:
    submission: Submission
    institution: Institution
    status: str
    status_label: str
    due_on: datetime.date
    overdue: bool
    email: str


def reminders(period: Period, *, user=None, today: datetime.date | None = None) -> list[Reminder]:
    """The respondents that have not submitted (not started, draft, or returned to them), with the due date and the
    institution's e-mail, by municipality and name. With `user`, only the submissions the user may see."""
    today = today or timezone.localdate()
    submissions = Submission.objects.for_user(user) if user is not None else Submission.objects.all()
    rows = (submissions.filter(period=period, status__in=WAITING)
            .select_related("institution", "institution__municipality")
            .order_by("institution__municipality__name_lt", "institution__name", "pk"))
    labels = dict(SubmissionStatus.choices)
    return [Reminder(submission=s, institution=s.institution, status=s.status, status_label=str(labels[s.status]),
                     due_on=period.due_on, overdue=today > period.due_on, email=s.institution.email)
            for s in rows]
