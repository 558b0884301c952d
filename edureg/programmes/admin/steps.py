"""Lifecycle buttons: each step a confirmation page that calls one service."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edureg.core.admin_steps import BaseStepsMixin
from edureg.programmes import services
from edureg.programmes.admin.common import IN_FORCE
from edureg.programmes.choices import VersionStatus
from edureg.programmes.forms import (
    DeregistrationForm,
    OptionalReasonForm,
    ReasonForm,
    RegistrationForm,
    SuspensionForm,
)
from edureg.programmes.models import (
    Programme,
    ProgrammeVersion,
)


@dataclass(frozen=True)
class Step:
    """A lifecycle button: who may take it, in which state, what it asks and which service it calls."""

    name: str
    label: Any
    run: Any  # run(obj, actor, **form data) -> the changed object (a version or a programme)
    shown: Any  # shown(obj) -> whether the object's state allows the step
    registrar: bool = False
    form: type[forms.Form] | None = None
    done: Any = ""
    explain: Any = ""


def _pending(programme) -> bool:
    return programme.versions.filter(status__in=(VersionStatus.DRAFT, VersionStatus.SUBMITTED)).exists()


def _requested(programme) -> bool:
    return bool(programme.deregistration_requested_on) and programme.status != VersionStatus.DEREGISTERED


NEW_VERSION = Step(
    "new-version", _("New version"), lambda p, actor: services.new_version(p, actor=actor),
    lambda p: p.status in IN_FORCE and not _pending(p),
    done=_("A new draft version was made from the version in force; change it and submit it."),
    explain=_("The version in force is copied, modules included, into a new draft. The registered version stays "
              "in force until the new one is registered."))

PROGRAMME_STEPS = (
    NEW_VERSION,
    Step("request-deregistration", _("Request deregistration"),
         lambda p, actor, **data: services.request_deregistration(p, actor=actor, **data),
         lambda p: p.status in IN_FORCE and not p.deregistration_requested_on, form=DeregistrationForm,
         done=_("Deregistration was requested; it takes effect when the register's administrator confirms it.")),
    Step("cancel-deregistration", _("Withdraw the deregistration request"),
         lambda p, actor: services.cancel_deregistration(p, actor=actor), _requested,
         done=_("The deregistration request was withdrawn.")),
    Step("suspend", _("Suspend"), lambda p, actor, **data: services.suspend_programme(p, actor=actor, **data),
         lambda p: p.status == VersionStatus.REGISTERED, registrar=True, form=SuspensionForm,
         done=_("The programme is suspended.")),
    Step("resume", _("Lift the suspension"),
         lambda p, actor, **data: services.resume_programme(p, actor=actor, **data),
         lambda p: p.status == VersionStatus.SUSPENDED, registrar=True, form=OptionalReasonForm,
         done=_("The suspension was lifted.")),
    Step("confirm-deregistration", _("Confirm deregistration"),
         lambda p, actor: services.confirm_deregistration(p, actor=actor), _requested, registrar=True,
         done=_("The programme is deregistered."),
         explain=_("The programme and its version in force are deregistered from the requested date.")),
)

VERSION_STEPS = (
    Step("submit", _("Submit"), lambda v, actor: services.submit_version(v, actor=actor),
         lambda v: v.status == VersionStatus.DRAFT,
         done=_("The version was submitted; it waits for the register's decision."),
         explain=_("The version is checked against its kind's rules; a version that breaks a rule is not "
                   "submitted. A submitted version cannot be changed.")),
    Step("register", _("Register"), lambda v, actor, **data: services.register_version(v, actor=actor, **data),
         lambda v: v.status == VersionStatus.SUBMITTED, registrar=True, form=RegistrationForm,
         done=_("The version is registered and in force.")),
    Step("return", _("Return with reason"),
         lambda v, actor, **data: services.return_version(v, actor=actor, **data),
         lambda v: v.status == VersionStatus.SUBMITTED, registrar=True, form=ReasonForm,
         done=_("The version was returned to the provider as a draft.")),
    Step("new-version", NEW_VERSION.label, lambda v, actor: services.new_version(v.programme, actor=actor),
         lambda v: v.status in IN_FORCE and v.programme.current_version_id == v.pk and not _pending(v.programme),
         done=NEW_VERSION.done, explain=NEW_VERSION.explain),
)


class StepsMixin(BaseStepsMixin):
    """Lifecycle buttons on the change page, each a small confirmation page (with a form if the step asks)."""

    steps: tuple[Step, ...] = ()

    def programme_of(self, obj) -> Programme:
        return obj

    def may_take(self, request, obj, step: Step) -> bool:
        if services.is_registrar(request.user):
            return True
        if step.registrar:
            return False
        return Programme.objects.for_user(request.user, "change").filter(pk=self.programme_of(obj).pk).exists()

    def after_step_url(self, obj, step, result) -> str:
        if isinstance(result, ProgrammeVersion):
            return reverse("admin:programmes_programmeversion_change", args=[result.pk])
        return reverse("admin:programmes_programme_change", args=[self.programme_of(obj).pk])


# --- read-only inlines on the programme page ---------------------------------------------------------------

