"""Shared pieces of the evaluation pages: who the user is here, status colours, running a service for a form."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from edureg.core.scoping import scope_for
from edureg.evaluation.choices import ApplicationStatus, AssignmentStatus, CallStatus
from edureg.evaluation.models import Expert
from edureg.evaluation.services.common import expert_of, is_coordinator, today

APPLICATION_COLOURS = {
    ApplicationStatus.SUBMITTED: "govuk-tag--light-blue",
    ApplicationStatus.ELIGIBILITY: "govuk-tag--blue",
    ApplicationStatus.RETURNED: "govuk-tag--orange",
    ApplicationStatus.UNDER_EVALUATION: "govuk-tag--purple",
    ApplicationStatus.SCORED: "govuk-tag--yellow",
    ApplicationStatus.DECIDED: "govuk-tag--green",
    ApplicationStatus.APPEALED: "govuk-tag--red",
    ApplicationStatus.WITHDRAWN: "govuk-tag--grey",
}
ASSIGNMENT_COLOURS = {
    AssignmentStatus.ASSIGNED: "govuk-tag--light-blue",
    AssignmentStatus.SUBMITTED: "govuk-tag--green",
    AssignmentStatus.CONFLICT: "govuk-tag--red",
    AssignmentStatus.WITHDRAWN: "govuk-tag--grey",
}
CALL_COLOURS = {
    CallStatus.DRAFT: "govuk-tag--grey",
    CallStatus.OPEN: "govuk-tag--green",
    CallStatus.CLOSED: "govuk-tag--yellow",
    CallStatus.PUBLISHED: "govuk-tag--blue",
}


@dataclass
class Roles:
    """What the signed-in user is on the evaluation pages (one person may be several)."""

    coordinator: bool = False
    expert: Expert | None = None
    provider_of: frozenset = field(default_factory=frozenset)  # institution ids whose applications they change
    institution_ids: frozenset = field(default_factory=frozenset)  # institutions whose applications they read
    municipality_codes: frozenset = field(default_factory=frozenset)

    def provider(self, application) -> bool:
        return application.institution_id in self.provider_of

    def reads_as_institution(self, application) -> bool:
        """The provider's officers and the municipality of the application's institution (not the experts)."""
        if self.coordinator or application.institution_id in self.institution_ids:
            return True
        municipality = application.institution.municipality
        return municipality is not None and municipality.code in self.municipality_codes


def roles_of(user) -> Roles:
    if not user.is_authenticated:
        return Roles()
    cached = getattr(user, "_evaluation_roles", None)
    if cached is not None:
        return cached
    scope = scope_for(user)
    reads = user.has_perm("evaluation.view_application")
    roles = Roles(
        coordinator=is_coordinator(user),
        expert=expert_of(user),
        provider_of=frozenset(scope.institution_ids) if user.has_perm("evaluation.change_application") else
        frozenset(),
        institution_ids=frozenset(scope.institution_ids) if reads else frozenset(),
        municipality_codes=frozenset(scope.municipality_codes) if reads else frozenset(),
    )
    user._evaluation_roles = roles
    return roles


def overdue(due_on) -> bool:
    return due_on is not None and due_on < today()


def run(form, call) -> bool:
    """Call the service when the form is valid; its ValidationError goes onto the form (nothing is changed: the
    service runs in one transaction). PermissionDenied propagates (403)."""
    if not form.is_valid():
        return False
    try:
        with transaction.atomic():
            call(form.cleaned_data)
    except ValidationError as error:
        form.add_service_error(error)
        return False
    return True
