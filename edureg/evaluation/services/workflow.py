"""The application workflow (see docs/evaluation.md):

submitted → eligibility → (returned ↔ resubmitted) → under_evaluation → scored → decided → (appealed → a new
round under evaluation → scored → decided). Each step is a function here that checks who may take it and from
which status, runs in one transaction on the locked application, and leaves an Event (and change records).
"""

from django.utils.translation import gettext as _  # noqa: F401

from edureg.core.services import acting
from edureg.evaluation.choices import ApplicationStatus, EventAction, Purpose
from edureg.evaluation.models import Application, Procedure
from edureg.evaluation.services.common import next_application_number, record, set_status, user_or_none

PROGRAMME_PURPOSES = (Purpose.ACCREDITATION, Purpose.REGISTRATION)


def procedure_for_kind(kind) -> Procedure | None:
    """The active accreditation or registration procedure for a programme kind, if any."""
    return (Procedure.objects.filter(active=True, purpose__in=PROGRAMME_PURPOSES, kinds=kind)
            .order_by("code").first())


def receive_version(version, *, actor) -> Application | None:
    """A programme version was submitted (programmes.signals.version_submitted): resume its application returned
    for corrections, or open one under the procedure for its kind. Kinds without a procedure are decided by the
    registrar directly (None)."""
    with acting(actor):
        returned = (Application.objects.select_for_update()
                    .filter(programme_version=version, call__isnull=True, status=ApplicationStatus.RETURNED).first())
        if returned is not None:
            before = returned.status
            set_status(returned, ApplicationStatus.SUBMITTED, due_in_days=returned.procedure.eligibility_days)
            returned.save()
            record(returned, EventAction.RESUBMITTED, actor=actor, from_status=before)
            return returned
        procedure = procedure_for_kind(version.programme.kind)
        if procedure is None:
            return None
        application = Application(
            number=next_application_number(), procedure=procedure, institution=version.programme.provider,
            programme_version=version, title=version.name_lt[:255], isced_f=version.isced_f,
            submitted_by=user_or_none(actor))
        set_status(application, ApplicationStatus.SUBMITTED, due_in_days=procedure.eligibility_days)
        application.save()
        record(application, EventAction.SUBMITTED, actor=actor)
        return application
