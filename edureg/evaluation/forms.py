"""Forms of the evaluation pages. They check only the shape of the input (required, a number, a date); the services
check everything else (who may act, from which status, the scale, the budget) and their errors are put back on the
fields named here (`add_service_error`)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.models import ClassifierItem
from edureg.evaluation.choices import Outcome
from edureg.evaluation.services.common import MAX_TEXT, today
from edureg.institutions.choices import InstitutionStatus
from edureg.institutions.models import Institution
from edureg.pages.forms import GovukFormMixin

MAX_ID = 2**31 - 1

JUSTIFICATION = "-justification"


def textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "govuk-textarea", "rows": rows})


def text_field(label, *, required: bool = True, help_text="", rows: int = 4) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=MAX_TEXT, help_text=help_text,
                           widget=textarea(rows))


def radios() -> forms.RadioSelect:
    return forms.RadioSelect(attrs={"class": "govuk-radios__input"})


class ServiceErrorsMixin:
    def add_service_error(self, error: ValidationError) -> None:
        """A service's ValidationError under the field it names when the form has it, else at the top."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for name, messages in error.message_dict.items():
            target = name if name in self.fields and not self.fields[name].widget.is_hidden else None
            if target is None and name + JUSTIFICATION in self.fields:
                target = name + JUSTIFICATION
            for message in messages:
                self.add_error(target, message)


class Form(ServiceErrorsMixin, GovukFormMixin, forms.Form):
    """The design system's classes, and aria-describedby pointing at the hint and error ids of
    components/field.html and radios.html."""


class StepForm(Form):
    """A step without input (start the eligibility check, accept, confirm no conflict)."""


class CorrectionsForm(Form):
    request = text_field(_("What should the provider correct?"),
                         help_text=_("The provider sees this text and resubmits after correcting."))


class IneligibleForm(Form):
    reason = text_field(_("Why is the application not eligible?"))


class AssignForm(Form):
    expert = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    due_on = forms.DateField(label=_("Scores due on (optional)"), required=False,
                             widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10",
                                                           "type": "date"}))


class WithdrawAssignmentForm(Form):
    assignment = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    reason = text_field(_("Why is the expert withdrawn?"), rows=2)


class DecideForm(Form):
    outcome = forms.ChoiceField(label=_("Outcome"), widget=radios(),
                                help_text=_("The outcome by the decision rule is selected. Another outcome needs "
                                            "a reason and may not be more favourable than the rule's."))
    conditions = text_field(_("Conditions"), required=False,
                            help_text=_("Required for registration with conditions: what the provider must do."))
    reason = text_field(_("Reasons"), required=False)

    def __init__(self, *args, procedure, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(Outcome.ACCREDITED.value, Outcome.ACCREDITED.label)]
        if procedure.conditions_threshold is not None:
            choices.append((Outcome.CONDITIONS.value, Outcome.CONDITIONS.label))
        choices.append((Outcome.REJECTED.value, Outcome.REJECTED.label))
        self.fields["outcome"].choices = choices


class ResolveAppealForm(Form):
    appeal = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    uphold = forms.ChoiceField(label=_("Resolution"), widget=radios(), choices=[
        ("yes", _("Uphold: evaluate the application again in a new round")),
        ("no", _("Dismiss: the decision stays in force"))])
    resolution = text_field(_("Reasons for the resolution"))


class AppealForm(Form):
    grounds = text_field(_("Grounds of the appeal"),
                         help_text=_("What in the decision or the evaluation do you contest, and why?"))


class WithdrawForm(Form):
    reason = text_field(_("Reason (optional)"), required=False, rows=2)


class ResubmitForm(Form):
    note = text_field(_("What did you correct?"), required=False, rows=3)
    requested_amount = forms.DecimalField(label=_("Requested amount (EUR)"), required=False, min_value=0,
                                          max_digits=12, decimal_places=2, localize=True,
                                          widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10",
                                                                        "inputmode": "decimal"}))

    def __init__(self, *args, with_amount: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_amount:
            del self.fields["requested_amount"]


class ConflictForm(Form):
    note = text_field(_("Describe the conflict of interest"),
                      help_text=_("For example: you worked for the provider, or you advised on this programme."),
                      rows=3)


class ScoresForm(Form):
    """A score (radios on the procedure's scale) and a justification per criterion, and an overall comment."""

    comment = text_field(_("Overall comment (optional)"), required=False, rows=3)

    def __init__(self, *args, criteria, scale_min: int, scale_max: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        choices = [(str(value), str(value)) for value in range(scale_min, scale_max + 1)]
        for criterion in self.criteria:
            name = {"criterion": criterion.name}
            self.fields[criterion.code] = forms.ChoiceField(
                label=_("Score for “%(criterion)s”") % name, choices=choices, required=False, widget=radios(),
                help_text=_("From %(low)s (lowest) to %(high)s (highest).") % {"low": scale_min, "high": scale_max})
            self.fields[criterion.code + JUSTIFICATION] = text_field(
                _("Justification for “%(criterion)s”") % name if criterion.justification_required
                else _("Justification for “%(criterion)s” (optional)") % name, required=False, rows=3)

    @staticmethod
    def initial_for(assignment) -> dict:
        initial = {"comment": assignment.comment}
        for score in assignment.scores.select_related("criterion"):
            value = score.value
            initial[score.criterion.code] = str(int(value)) if value == value.to_integral_value() else str(value)
            initial[score.criterion.code + JUSTIFICATION] = score.justification
        return initial

    def scores(self) -> dict:
        return {c.code: {"value": self.cleaned_data.get(c.code) or None,
                         "justification": self.cleaned_data.get(c.code + JUSTIFICATION, "")}
                for c in self.criteria}

    def rows(self) -> list[dict]:
        return [{"criterion": c, "score": self[c.code], "justification": self[c.code + JUSTIFICATION]}
                for c in self.criteria]


class ApplyForm(Form):
    programme_version = forms.ChoiceField(label=_("Programme"), help_text=_(
        "A registered programme of your institution of a kind this call funds."))
    requested_amount = forms.DecimalField(label=_("Requested amount (EUR)"), min_value=0, max_digits=12,
                                          decimal_places=2, localize=True,
                                          widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10",
                                                                        "inputmode": "decimal"}))
    note = text_field(_("Note for the agency (optional)"), required=False, rows=3)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = {str(v.pk): v for v in versions}
        self.fields["programme_version"].choices = [("", _("Choose a programme"))] + [
            (str(v.pk), f"{v.name} ({v.programme.provider.name})") for v in versions]
        self.fields["programme_version"].widget.attrs["class"] = "govuk-select"

    def version(self):
        return self.versions[self.cleaned_data["programme_version"]]


class ReadinessForm(Form):
    """Ask for a readiness evaluation: the procedure (the active readiness procedures), the institution (one of the
    officer's institutions; the coordinator names any institution in operation by its code), what readiness is asked
    for, an optional ISCED-F field and a note. The service checks the rest (who, the procedure, duplicates)."""

    procedure = forms.ChoiceField(label=_("Evaluation"), widget=radios(), error_messages={
        "required": _("Choose the evaluation you ask for."),
        "invalid_choice": _("Choose one of the readiness evaluations listed.")})
    institution = forms.ChoiceField(label=_("Institution"), widget=radios(), error_messages={
        "required": _("Choose the institution that asks for the evaluation."),
        "invalid_choice": _("Choose one of your institutions.")})
    title = forms.CharField(
        label=_("What should the institution be found ready for?"), max_length=255,
        help_text=_("The programme or qualification, e.g. “Welder (P43071501)” or “assessment of acquired "
                    "competences of a cook”."),
        error_messages={"required": _("Say what the institution wants to be found ready for.")},
        widget=forms.TextInput(attrs={"class": "govuk-input"}))
    isced_f = forms.CharField(
        label=_("Field of education (ISCED-F code, optional)"), required=False, max_length=40,
        help_text=_("For example 0715 (mechanics and metal trades). It helps to find experts of the field."),
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5", "spellcheck": "false"}))
    note = text_field(_("Note for the agency (optional)"), required=False, rows=3)

    def __init__(self, *args, procedures, institutions=None, **kwargs):
        """`institutions`: the officer's institutions to choose from; None = any institution by its code."""
        super().__init__(*args, **kwargs)
        self.procedures = {p.code: p for p in procedures}
        self.fields["procedure"].choices = [(p.code, p.name) for p in procedures]
        if len(procedures) == 1:
            self.fields["procedure"].initial = procedures[0].code
        if institutions is None:
            self.fields["institution"] = forms.CharField(
                label=_("Institution's legal-entity code"), max_length=9,
                help_text=_("The 9-digit code from the institution register."),
                error_messages={"required": _("Enter the legal-entity code of the institution.")},
                widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "numeric",
                                              "spellcheck": "false"}))
            self.institutions = None
        else:
            self.institutions = {str(i.pk): i for i in institutions}
            self.fields["institution"].choices = [(str(i.pk), i.name) for i in institutions]
            if len(institutions) == 1:
                self.fields["institution"].initial = str(institutions[0].pk)

    def clean_institution(self):
        value = self.cleaned_data["institution"].strip()
        if self.institutions is not None:
            return self.institutions[value]
        found = Institution.objects.exclude(status=InstitutionStatus.LIQUIDATED).filter(code=value).first()
        if found is None:
            raise ValidationError(_("No institution in operation has the legal-entity code %(code)s. Check the code "
                                    "in the institution register.") % {"code": value})
        return found

    def clean_isced_f(self):
        code = self.cleaned_data["isced_f"].strip()
        if not code:
            return None
        items = ClassifierItem.objects.of("isced_f").filter(code=code)
        found = items.valid_on(today()).first() or items.order_by("-valid_from").first()
        if found is None:
            raise ValidationError(_("%(code)s is not a field code of ISCED-F. Give a code such as 0715, or leave "
                                    "the field empty.") % {"code": code})
        return found

    def procedure_object(self):
        return self.procedures[self.cleaned_data["procedure"]]

    def procedure_rows(self) -> list[dict]:
        """Each procedure's radio with the procedure (its description goes under the radio as a hint)."""
        return [{"choice": choice, "procedure": self.procedures[choice.data["value"]]} for choice in self["procedure"]]
