"""Applications entered by the organiser on an applicant's behalf, with their grades and ranked preferences, and
each preference's eligibility and score. Writes go through edureg.admission.services.applications (the same rules,
deadline and audit as the applicant's own page)."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from edureg.admission import services
from edureg.admission.admin.common import ReadOnlyAdmin, Step, StepsMixin, masked_applicant, round_filter
from edureg.admission.choices import ApplicationStatus, RoundStatus
from edureg.admission.models import Application, Grade, Offer, Preference, Round
from edureg.core.admin_base import RegisterAdmin
from edureg.core.imports.admin import ImportExportMixin
from edureg.persons import codes
from edureg.persons.services import find_by_code, find_or_register

APPLICATION_FIELDS = ("education", "prior_qualifications", "grade_scale")


def application_search(queryset, term: str):
    """An application number (P-0000012), an exact personal code, or the start of the applicant's names."""
    term = term.strip()
    if not term:
        return queryset
    number = term.upper().removeprefix("P-").removeprefix("P")
    if number.isdigit() and len(number) <= 9 and (term.upper().startswith("P") or len(term) < 11):
        return queryset.filter(pk=int(number))
    if term.isdigit() and len(term) == 11:
        try:
            return queryset.filter(person__personal_code=codes.check(term))
        except ValueError:
            return queryset.none()
    for word in term.split():
        queryset = queryset.filter(Q(person__last_name__istartswith=word) | Q(person__first_name__istartswith=word))
    return queryset


def _grade_field(code: str) -> str:
    return f"grade_{code}"


def _extra_field(code: str) -> str:
    return f"extra_{code}"


def _preference_field(rank: int) -> str:
    return f"preference_{rank}"


def _steps():
    def may_change(a):
        return services.accepts_changes(a.round)

    return (
        Step("submit", _("Submit"), lambda a, actor: services.submit_application(a, actor=actor),
             lambda a: a.status != ApplicationStatus.SUBMITTED and may_change(a),
             done=_("The application is submitted: it takes part in the allocation."),
             explain=_("A submitted application takes part in the allocation; it may still be changed until the "
                       "deadline.")),
        Step("withdraw", _("Withdraw"), lambda a, actor: services.withdraw_application(a, actor=actor),
             lambda a: a.status == ApplicationStatus.SUBMITTED and may_change(a),
             done=_("The application is withdrawn: it takes no part in the allocation."),
             explain=_("A withdrawn application takes no part in the allocation; it may be submitted again until "
                       "the deadline.")),
    )


@admin.register(Application)
class ApplicationAdmin(StepsMixin, RegisterAdmin):
    list_display = ("number", "applicant", "round", "status", "education", "prior_qualifications",
                    "entered_by_officer", "submitted_at")
    list_filter = (round_filter("round"), "status", "entered_by_officer", "education", "prior_qualifications")
    search_fields = ("person__last_name",)  # see application_search
    search_help_text = _("An application number (P-0000012), a personal code, or the start of the applicant's "
                         "names.")
    list_select_related = ("round", "person")
    ordering = ("-id",)
    steps = _steps()
    add_fields = ("round", "personal_code", "first_name", "last_name", *APPLICATION_FIELDS)
    readonly_on_change = ("number", "round", "applicant", "status", "entered_by_officer", "submitted_at",
                          "eligibility", "created_at", "updated_at")

    def get_search_results(self, request, queryset, search_term):
        return application_search(queryset, search_term), False

    @admin.display(description=_("number"), ordering="pk")
    def number(self, obj):
        return obj.number

    @admin.display(description=_("applicant"), ordering="person__last_name")
    def applicant(self, obj):
        return masked_applicant(obj.person)

    def has_delete_permission(self, request, obj=None):
        return False  # applications are kept; an applicant withdraws

    def has_change_permission(self, request, obj=None):
        if obj is not None and not services.accepts_changes(obj.round):
            return False  # the round no longer accepts changes: the page is read-only
        return super().has_change_permission(request, obj)

    # The form: the add form names the applicant by personal code; the change form has a field per subject and
    # additional component of the round's formulas and per preference. ---------------------------------------

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(self.add_fields)
        if not self.has_change_permission(request, obj):
            return [*self.readonly_on_change, *APPLICATION_FIELDS, "grades", "extras", "priorities"]
        return [*self.readonly_on_change, *APPLICATION_FIELDS, *self._dynamic_fields(obj), "priorities"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if not self.has_change_permission(request, obj):
            return [*self.readonly_on_change, *APPLICATION_FIELDS, "grades", "extras", "priorities"]
        return self.readonly_on_change

    def _dynamic_fields(self, obj) -> list[str]:
        used = services.formula_codes(obj.round)
        return ([_grade_field(c) for c in used["subjects"]] + [_extra_field(c) for c in used["extras"]]
                + [_preference_field(n) for n in range(1, obj.round.max_preferences + 1)])

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["fields"] = ["round", *APPLICATION_FIELDS]
            form = super().get_form(request, obj, change=change, **kwargs)
            return type(form.__name__, (form,), {
                "personal_code": forms.CharField(label=_("personal code"), max_length=11, help_text=_(
                    "The applicant's personal code; the person is found in the person register.")),
                "first_name": forms.CharField(label=_("first name"), max_length=100, required=False, help_text=_(
                    "Needed only for someone not yet in the person register.")),
                "last_name": forms.CharField(label=_("last name"), max_length=100, required=False)})
        if not self.has_change_permission(request, obj):
            return super().get_form(request, obj, change=change, **kwargs)
        kwargs["fields"] = [*APPLICATION_FIELDS]
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), self._extra_form_fields(obj))

    def _extra_form_fields(self, obj) -> dict:
        used = services.formula_codes(obj.round)
        grades = dict(obj.grades.values_list("subject__code", "value"))
        fields = {}
        for code in used["subjects"]:
            fields[_grade_field(code)] = forms.DecimalField(
                label=gettext("grade: %(subject)s") % {"subject": code}, required=False, max_digits=4,
                decimal_places=2, min_value=1, max_value=10, initial=grades.get(code))
        for code, top in used["extras"].items():
            value = (obj.extras or {}).get(code)
            fields[_extra_field(code)] = forms.DecimalField(
                label=gettext("additional: %(code)s") % {"code": code}, required=False, min_value=0,
                max_digits=8, decimal_places=3, initial=value,
                help_text=gettext("At most %(max)s counts.") % {"max": top} if top is not None else "")
        fields["priorities"] = forms.MultipleChoiceField(
            label=_("priority criteria met"), required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(c, c) for c in used["priorities"]], initial=list(obj.priorities or []))
        ranked = dict(obj.preferences.values_list("rank", "offer__code"))
        for rank in range(1, obj.round.max_preferences + 1):
            fields[_preference_field(rank)] = forms.CharField(
                label=gettext("preference %(n)d (offer code)") % {"n": rank}, required=False, max_length=40,
                initial=ranked.get(rank, ""),
                help_text=gettext("1 = most wanted.") if rank == 1 else "")
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "round":
            kwargs["queryset"] = Round.objects.for_user(request.user, "view").filter(
                status=RoundStatus.OPEN, application_deadline__gte=timezone.localdate())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Writes ----------------------------------------------------------------------------------------------------

    def _person(self, request, data):
        code = (data.get("personal_code") or "").strip()
        try:
            codes.check(code)
        except ValueError as exc:
            raise ValidationError({"personal_code": [str(exc)]}) from None
        person = find_by_code(code)
        if person is not None:
            return person
        if not (data.get("first_name") and data.get("last_name")):
            raise ValidationError({"personal_code": [gettext(
                "There is no one with this personal code in the person register; give the first and last name to "
                "register them.")]})
        return find_or_register(actor=request.user, personal_code=code, first_name=data["first_name"],
                                last_name=data["last_name"])

    def service_create(self, request, form, extra=None):
        data = form.cleaned_data
        with transaction.atomic():
            person = self._person(request, data)
            return services.create_application(data["round"], person=person, actor=request.user,
                                               **{name: data[name] for name in APPLICATION_FIELDS})

    def service_update(self, request, obj, form):
        data = form.cleaned_data
        used = services.formula_codes(obj.round)
        with transaction.atomic():
            changes = {name: data[name] for name in APPLICATION_FIELDS if name in form.changed_data}
            extras = dict(obj.extras or {})
            for code in used["extras"]:
                value = data.get(_extra_field(code))
                if value is None:
                    extras.pop(code, None)
                else:
                    extras[code] = float(value)
            if extras != (obj.extras or {}):
                changes["extras"] = extras
            if "priorities" in form.changed_data:
                changes["priorities"] = list(data["priorities"])
            if changes:
                services.update_application(obj, changes, actor=request.user)
            current = dict(obj.grades.values_list("subject__code", "value"))
            grades = {code: value for code, value in current.items() if code not in used["subjects"]}
            grades.update({code: data[_grade_field(code)] for code in used["subjects"]
                           if data.get(_grade_field(code)) is not None})
            if {c: Decimal(v) for c, v in grades.items()} != current:
                services.set_grades(obj, grades, actor=request.user)
            wanted = [(data.get(_preference_field(n)) or "").strip() for n in range(1, obj.round.max_preferences + 1)]
            wanted = [code for code in wanted if code]
            ranked = list(obj.preferences.order_by("rank").values_list("offer__code", flat=True))
            if wanted != ranked:
                offers = {o.code: o for o in Offer.objects.filter(round=obj.round, code__in=wanted)}
                unknown = [code for code in wanted if code not in offers]
                if unknown:
                    raise ValidationError({_preference_field(wanted.index(unknown[0]) + 1): [gettext(
                        "The round has no offer with the code %(code)s.") % {"code": unknown[0]}]})
                services.set_preferences(obj, [offers[code] for code in wanted], actor=request.user)
        return obj

    # Read-only parts -------------------------------------------------------------------------------------------

    @admin.display(description=_("grades"))
    def grades(self, obj):
        rows = obj.grades.select_related("subject").order_by("subject__code")
        return format_html_join(", ", "{}: {}", ((g.subject.code, g.value) for g in rows)) or "—"

    @admin.display(description=_("eligibility and score per preference"))
    def eligibility(self, obj):
        from edureg.admission import facts

        checks = facts.check_preferences(obj) if obj.pk else []
        if not checks:
            return "—"
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((c.preference.rank, f"{c.preference.offer.code} {c.preference.offer.offering.programme.name}, "
                                 f"{c.preference.offer.offering.institution}",
              gettext("eligible") if c.eligible else "; ".join(c.reasons),
              " / ".join(f"{v:g}" for v in c.score)) for c in checks))
        return format_html('<table class="admission-eligibility"><thead><tr><th scope="col">{}</th>'
                           '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
                           "<tbody>{}</tbody></table>", gettext("rank"), gettext("offer"), gettext("eligibility"),
                           gettext("score"), rows)


@admin.register(Grade)
class GradeAdmin(ImportExportMixin, ReadOnlyAdmin):
    """Grades are entered on the application's page (or imported here); this list is for finding and checking."""

    importer = "grades"
    list_display = ("application_number", "applicant", "subject", "value")
    list_filter = (round_filter("application__round"),)
    search_fields = ("application__person__last_name",)
    list_select_related = ("application", "application__person", "subject")
    ordering = ("-id",)

    def get_search_results(self, request, queryset, search_term):
        apps = application_search(Application.objects.all(), search_term).values("pk")
        return (queryset.filter(application__in=apps) if search_term.strip() else queryset), False

    @admin.display(description=_("application"), ordering="application_id")
    def application_number(self, obj):
        return obj.application.number

    @admin.display(description=_("applicant"))
    def applicant(self, obj):
        return masked_applicant(obj.application.person)

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm("admission.add_grade") or request.user.has_perm("admission.change_grade")


@admin.register(Preference)
class PreferenceAdmin(ReadOnlyAdmin):
    """Preferences are listed on the application's page; this list is for finding who listed an offer."""

    list_display = ("application_number", "applicant", "rank", "offer")
    list_filter = (round_filter("application__round"), "rank")
    search_fields = ("offer__code",)
    search_help_text = _("An offer's code.")
    list_select_related = ("application", "application__person", "offer")
    ordering = ("-id",)

    @admin.display(description=_("application"), ordering="application_id")
    def application_number(self, obj):
        return obj.application.number

    @admin.display(description=_("applicant"))
    def applicant(self, obj):
        return masked_applicant(obj.application.person)
