"""Pieces shared by the admission back-office pages: step buttons (each a small confirmation page, with a form when
the step asks for something, that calls one service), read-only pages, masked applicants and strict JSON fields."""

from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from edureg.core.admin_base import ReadOnlyRegisterAdmin
from edureg.core.admin_steps import BaseStepsMixin, StepForm
from edureg.core.scoping import permission_name


def masked_applicant(person) -> str:
    """An applicant in lists: the name and the masked personal code (never the full code)."""
    return f"{person} ({person.masked_code})" if person is not None else ""


# --- steps --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """A button on a change page: in which state it shows, which right it needs, what it asks and which service it
    calls (`run(obj, actor, **form data)`)."""

    name: str
    label: Any
    run: Any
    shown: Any
    form: type[StepForm] | None = None
    done: Any = ""
    explain: Any = ""
    action: str = "change"  # the scoping action the user needs on the object
    permission: str = ""  # another permission it needs, e.g. "admission.change_round"
    after: Any = None  # after(admin, obj, result) -> the URL to go to (default: the object's page)


class StepsMixin(BaseStepsMixin):
    """Step buttons on the change page (change_form_template shows `steps`), each a confirmation page."""

    steps: tuple[Step, ...] = ()
    change_form_template = "admin/admission/change_form.html"

    def may_take(self, request, obj, step: Step) -> bool:
        if step.permission and not request.user.has_perm(step.permission):
            return False
        if not request.user.has_perm(permission_name(self.model, step.action)):
            return False
        return self.model._default_manager.for_user(request.user, step.action).filter(pk=obj.pk).exists()

# --- read-only pages ------------------------------------------------------------------------------------------------

ReadOnlyAdmin = ReadOnlyRegisterAdmin


class RoundFilter(admin.SimpleListFilter):
    """The rounds the user may see, newest first (by code)."""

    title = _("round")
    parameter_name = "round"
    path = "round"

    def lookups(self, request, model_admin):
        from edureg.admission.models import Round

        rounds = Round.objects.for_user(request.user, "view").order_by("-year", "-applications_open")[:30]
        return [(str(r.pk), str(r)) for r in rounds]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(**{self.path: int(value)}) if value and value.isdigit() \
            and len(value) < 12 else queryset


def round_filter(path: str):
    """A RoundFilter on `path` (e.g. "run__round")."""
    return type(f"RoundFilter_{path}", (RoundFilter,), {"path": path, "parameter_name": path})
