"""Forms of the applicant's pages (GOV.UK Frontend classes through GovukFormMixin) and the offers search."""

import re
from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from edureg.admission.choices import ApplicantEducation, GradeScale, PriorQualifications
from edureg.admission.models import Offer
from edureg.core.search import search
from edureg.pages.filters import ItemFilter, SearchForm, current_items
from edureg.pages.forms import GovukFormMixin
from edureg.programmes.choices import Funding

LEVELS = [(str(n), str(n)) for n in range(1, 9)]

# Words for the codes that formulas use for additional components and priority criteria; an unknown code is shown
# as it is written, made readable ("sports_award" → "Sports award").
CRITERION_LABELS = {
    "work_experience": _("Work experience in the field (years)"),
    "olympiad": _("Olympiad or competition prize"),
    "motivation": _("Motivation interview"),
    "entrance_test": _("Entrance test"),
    "orphan": _("Orphan or child left without parental care"),
    "disability": _("Disability"),
    "social_risk": _("Family at social risk"),
    "large_family": _("Large family"),
    "soldier": _("Completed military service"),
}


def criterion_label(code: str) -> str:
    label = CRITERION_LABELS.get(code)
    if label is not None:
        return str(label)
    words = re.sub(r"[_-]+", " ", str(code)).strip()
    return words[:1].upper() + words[1:]


class NumberField(forms.CharField):
    """A number typed with a decimal comma or point ("7,5" or "7.5"), as a Decimal; empty is None. A text input
    with the numeric keyboard on phones (GOV.UK: no type=number)."""

    def __init__(self, *, minimum: Decimal | None = None, maximum: Decimal | None = None, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false", "autocomplete": "off",
                                  "class": "govuk-input--width-4"})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = Decimal(value.replace(" ", "").replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise forms.ValidationError(_("Enter a number, such as 8 or 7,5."), code="invalid")
        return number

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.minimum is not None and value < self.minimum:
            raise forms.ValidationError(_("Enter %(min)s or more.") % {"min": self.minimum}, code="min_value")
        if self.maximum is not None and value > self.maximum:
            raise forms.ValidationError(_("Enter %(max)s or less.") % {"max": self.maximum}, code="max_value")


class ApplicationForm(GovukFormMixin, forms.Form):
    """Education, vocational qualifications held, grade scale; with `extras` and `priorities` (the codes of the
    round's formulas) also the additional components and priority criteria."""

    education = forms.ChoiceField(label=_("Your education"), choices=ApplicantEducation.choices,
                                  widget=forms.RadioSelect,
                                  help_text=_("The highest you have, or will have by 1 September."))
    prior_qualifications = forms.ChoiceField(
        label=_("Vocational qualifications you already hold"), choices=PriorQualifications.choices,
        widget=forms.RadioSelect, help_text=_("They decide which places (state-funded or paid) are open to you."))
    grade_scale = forms.TypedChoiceField(
        label=_("Grade scale of your school-leaving document"), choices=GradeScale.choices, coerce=int,
        widget=forms.RadioSelect)

    def __init__(self, *args, extras: dict | None = None, priorities: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.extra_codes = list(extras or {})
        for code, cap in (extras or {}).items():
            help_text = _("Up to %(max)s counts.") % {"max": cap} if cap is not None else ""
            self.fields[f"extra_{code}"] = NumberField(label=criterion_label(code), minimum=Decimal(0),
                                                       help_text=help_text)
        if priorities:
            self.fields["priorities"] = forms.MultipleChoiceField(
                label=_("Priority criteria that apply to you"), required=False,
                choices=[(code, criterion_label(code)) for code in priorities],
                widget=forms.CheckboxSelectMultiple,
                help_text=_("They decide between applicants with the same score. Select all that apply."))
        self.govuk_classes()

    def extra_fields(self):
        return [self[f"extra_{code}"] for code in self.extra_codes]

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {name: data[name] for name in ("education", "prior_qualifications", "grade_scale")}
        if self.extra_codes:
            changes["extras"] = {code: data[f"extra_{code}"] for code in self.extra_codes
                                 if data.get(f"extra_{code}") is not None}
        if "priorities" in self.fields:
            changes["priorities"] = data.get("priorities") or []
        return changes

    @staticmethod
    def initial_for(application) -> dict:
        initial = {"education": application.education, "prior_qualifications": application.prior_qualifications,
                   "grade_scale": application.grade_scale, "priorities": list(application.priorities or [])}
        for code, value in (application.extras or {}).items():
            initial[f"extra_{code}"] = format_number(value)
        return initial


def format_number(value) -> str:
    text = f"{float(value):.3f}".rstrip("0").rstrip(".")
    return text


class GradesForm(GovukFormMixin, forms.Form):
    """One grade per subject (the subjects the round's formulas use, and any the application already has)."""

    def __init__(self, *args, subjects: list, scale: int = 10, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = []
        for item in subjects:
            self.codes.append(item.code)
            self.fields[f"grade_{item.code}"] = NumberField(
                label=item.name, minimum=Decimal(1), maximum=Decimal(scale),
                help_text=_("1 to %(scale)s; leave empty if you have no grade") % {"scale": scale})
        self.govuk_classes()

    def grades(self) -> dict:
        return {code: self.cleaned_data[f"grade_{code}"] for code in self.codes
                if self.cleaned_data.get(f"grade_{code}") is not None}

    @staticmethod
    def initial_for(application) -> dict:
        return {f"grade_{code}": format_number(value)
                for code, value in application.grades.values_list("subject__code", "value")}


def add_service_errors(form, exc) -> None:
    """A service's ValidationError on the form: under the field it names when the form has it, else at the top."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, messages in exc.message_dict.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


# The offers of a round ------------------------------------------------------------------------------------------


class OfferFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Programme name or occupation"), method="filter_text",
                                  help_text=_("For example, “virėj” finds cooks; letters without diacritics are "
                                              "fine"))
    municipality = ItemFilter(label=_("Municipality"), queryset=current_items("municipality"),
                              method="filter_municipality", to_field_name="code",
                              empty_label=_("All municipalities"))
    funding = django_filters.ChoiceFilter(label=_("Places"), choices=Funding.choices, empty_label=_("All places"))
    level = django_filters.ChoiceFilter(label=_("LTKS level"), choices=LEVELS,
                                        field_name="offering__version__ltks_level", empty_label=_("All levels"))

    class Meta:
        model = Offer
        fields = ["q", "municipality", "funding", "level"]
        form = SearchForm

    def filter_text(self, queryset, name, value):
        return search(queryset, value, field="offering__programme__search_text")

    def filter_municipality(self, queryset, name, value):
        return queryset.filter(offering__municipality__code=value.code)
