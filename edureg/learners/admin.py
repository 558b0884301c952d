import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from edureg.classifiers.admin import classifier_filter
from edureg.core.admin_base import RegisterAdmin
from edureg.core.admin_forms import PersonRecordAdminMixin
from edureg.core.imports.admin import ImportExportMixin
from edureg.institutions.models import Institution
from edureg.learners import services
from edureg.learners.models import Enrolment
from edureg.persons.search import person_record_search


class TransferForm(forms.Form):
    to_institution = forms.ModelChoiceField(queryset=Institution.objects.none(), label=_("new institution"))
    on = forms.DateField(label=_("first day at the new institution"))
    group = forms.CharField(label=_("class or group"), required=False, max_length=40)


class SchoolYearFilter(admin.SimpleListFilter):
    """School years as a fixed range: Django's default filter would scan every enrolment for its values."""

    title = _("school year")
    parameter_name = "school_year"

    def lookups(self, request, model_admin):
        this_year = datetime.date.today().year
        return [(str(y), f"{y}–{y + 1}") for y in range(this_year, this_year - 12, -1)]

    def queryset(self, request, queryset):
        return queryset.filter(school_year=int(self.value())) if self.value() and self.value().isdigit() else queryset


@admin.register(Enrolment)
class EnrolmentAdmin(ImportExportMixin, PersonRecordAdminMixin, RegisterAdmin):
    importer = "learners.imports.EnrolmentImporter"
    list_display = ("person", "institution", "school_year", "grade", "group", "kind", "start_date", "end_date",
                    "end_reason")
    list_filter = ("kind", SchoolYearFilter, "is_main", classifier_filter("end_reason", "enrolment_end_reason"))
    # Searched by person_record_search (indexed lookups), see get_search_results.
    search_fields = ("person__last_name", "institution__name", "=institution__code")
    search_help_text = _("A learner's or employee's name, a personal code, an institution's name or code.")
    ordering = ("-id",)  # newest first, straight from the primary key index
    list_select_related = ("person", "institution", "end_reason")
    raw_id_fields = ("institution", "branch")
    scoped_choice_fields = ("institution",)
    create_service = services.enrol_person
    update_service = services.update_enrolment
    delete_service = services.delete_enrolment
    change_form_template = "admin/learners/enrolment/change_form.html"
    record_fields = ("institution", "branch", "kind", "is_main", "school_year", "grade", "group", "isced_level",
                     "start_date", "end_date", "end_reason")
    add_only_fields = {"transfer_in": forms.BooleanField(
        label=_("transfer from the current school"), required=False,
        help_text=_("If the learner is still enrolled at another school, end that enrolment the day before "
                    "(reason: transferred)."))}

    def get_search_results(self, request, queryset, search_term):
        return person_record_search(queryset, search_term), False

    def get_urls(self):
        return [path("<int:pk>/transfer/", self.admin_site.admin_view(self.transfer_view),
                     name="learners_enrolment_transfer"), *super().get_urls()]

    def transfer_view(self, request, pk):
        enrolment = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, enrolment) or not self.has_add_permission(request):
            raise PermissionDenied
        form = TransferForm(request.POST or None)
        # Transfers go to any active institution; the new school then sees the learner.
        form.fields["to_institution"].queryset = Institution.objects.filter(status__in=["active", "registered"])
        if request.method == "POST" and form.is_valid():
            try:
                new = services.transfer(enrolment, to_institution=form.cleaned_data["to_institution"],
                                        on=form.cleaned_data["on"], actor=request.user,
                                        group=form.cleaned_data["group"])
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, _("%(person)s was transferred to %(inst)s.") % {
                    "person": new.person, "inst": new.institution}, messages.SUCCESS)
                if self.has_view_permission(request, new):
                    return redirect(reverse("admin:learners_enrolment_change", args=[new.pk]))
                return redirect(reverse("admin:learners_enrolment_changelist"))
        context = {**self.admin_site.each_context(request), "title": _("Transfer %s") % enrolment.person,
                   "form": form, "enrolment": enrolment, "opts": self.model._meta}
        return TemplateResponse(request, "admin/learners/enrolment/transfer.html", context)
