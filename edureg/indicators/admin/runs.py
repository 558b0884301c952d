"""Runs and their observations in the back-office.

"Add indicator run" computes a new run in the background (the whole catalogue or the indicators chosen); its page
shows the progress, the timings per source and per indicator, the summary and whether the registers changed since.
Steps on a run: publish it, compare it with the published run, compute it again; deleting a run removes its
observations. Every step is a service call (edureg.indicators.services)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q, Subquery
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from edureg.core.admin_base import ReadOnlyRegisterAdmin, RegisterAdmin
from edureg.core.admin_steps import BaseStepsMixin
from edureg.core.scoping import permission_name
from edureg.indicators.admin.common import with_observations
from edureg.indicators.choices import RunStatus
from edureg.indicators.engine.dimensions import DIMENSIONS
from edureg.indicators.models import Indicator, IndicatorRun, Observation
from edureg.indicators.publication import masked, published_run
from edureg.indicators.serializers import sees_raw


def _services():
    from edureg.indicators import services  # written with the sources; imported when a run is asked for

    return services


# --- steps ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """A button on a run's page: when it shows, what it calls (`run(obj, actor)`), what it says."""

    name: str
    label: Any
    run: Any
    shown: Any
    form: Any = None
    done: Any = ""
    explain: Any = ""
    action: str = "add"  # the scoping action the user needs on the run: whoever computes runs
    after: Any = None


def _is_published(run) -> bool:
    current = published_run()
    return current is not None and current.pk == run.pk


def _run_page(admin_obj, run, result):
    return reverse("admin:indicators_indicatorrun_change", args=[result.pk])


def _again(run, actor):
    return _services().start_run(actor=actor, indicators=list(run.indicators.all()) or None)


RUN_STEPS = (
    Step("publish", _("Publish"), lambda run, actor: _services().publish_run(run, actor=actor),
         lambda run: run.status == RunStatus.FINISHED and not _is_published(run),
         done=_("The run is published: the dashboards, downloads, summary and open data read it now."),
         explain=_("The public reads this run's observations from now on, with disclosure control (small counts "
                   "suppressed). The run published before is kept, no longer read; compare the two first.")),
    Step("compute-again", _("Compute again"), _again,
         lambda run: run.status in (RunStatus.FINISHED, RunStatus.FAILED),
         done=_("A new run was queued; its page shows the progress."), after=_run_page,
         explain=_("A new run of the same indicators over the registers as they are now. This run stays as it is "
                   "until it is deleted.")),
)


# --- timings --------------------------------------------------------------------------------------------------------

def _seconds(value):
    return f"{value:.3f}" if isinstance(value, int | float) else str(value)


def timings_table(timings):
    """The run's timings as a table: each group (sources, indicators, ...) slowest first, then the plain figures."""
    if not timings:
        return "—"
    rows = []
    plain = [(name, value) for name, value in timings.items() if not isinstance(value, dict)]
    for group, values in timings.items():
        if isinstance(values, dict):
            ordered = sorted(values.items(), key=lambda kv: -kv[1] if isinstance(kv[1], int | float) else 0)
            rows += [(group, name, _seconds(value)) for name, value in ordered]
    rows += [("", name, _seconds(value)) for name, value in plain]
    head = format_html("<tr><th>{}</th><th>{}</th><th>{}</th></tr>", gettext("part"), gettext("name"),
                       gettext("seconds"))
    body = format_html_join("", '<tr><td>{}</td><td>{}</td><td class="numeric">{}</td></tr>', rows)
    return format_html('<table id="run-timings"><thead>{}</thead><tbody>{}</tbody></table>', head, body)


def summary_table(summary):
    if not summary:
        return "—"
    rows = [(name, value if not isinstance(value, dict | list) else ", ".join(
        f"{k}: {v}" for k, v in (value.items() if isinstance(value, dict) else enumerate(value))))
        for name, value in summary.items()]
    return format_html("<table><tbody>{}</tbody></table>",
                       format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows))


# --- runs -------------------------------------------------------------------------------------------------------

class StartRunForm(forms.ModelForm):
    class Meta:
        model = IndicatorRun
        fields = ("indicators",)
        help_texts = {"indicators": _("Empty: the whole catalogue.")}


@admin.register(IndicatorRun)
class IndicatorRunAdmin(BaseStepsMixin, RegisterAdmin):
    list_display = ("__str__", "status", "progress", "published_now", "created_at", "finished_at", "duration",
                    "requested_by", "published_at")
    list_filter = ("status",)
    list_select_related = ("requested_by",)
    ordering = ("-number",)
    change_form_template = "admin/indicators/indicatorrun/change_form.html"
    steps = RUN_STEPS
    filter_horizontal = ("indicators",)
    shown_fields = ("number", "status", "progress", "message", "indicators_shown", "requested_by", "created_at",
                    "started_at", "finished_at", "duration", "years", "changes_shown", "timings_shown",
                    "summary_shown", "published_at", "published_by")

    def get_queryset(self, request):
        current = IndicatorRun.objects.filter(published_at__isnull=False).order_by("-published_at", "-pk")
        return super().get_queryset(request).annotate(is_current=ExpressionWrapper(
            Q(pk=Subquery(current.values("pk")[:1])), output_field=BooleanField()))

    def get_form(self, request, obj=None, change=False, **kwargs):
        # Starting a run is checked by a dry run of start_run (rolled back: its job is queued only on commit).
        if obj is None:
            kwargs["form"] = StartRunForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("indicators",) if obj is None else self.shown_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.shown_fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "indicators":
            kwargs["queryset"] = Indicator.objects.for_user(request.user, "view").order_by("code")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return False  # runs are computed, published and deleted, never edited

    def has_delete_permission(self, request, obj=None):
        # The run the public reads and a run still computing are kept (delete_run refuses them).
        if obj is not None and (obj.status == RunStatus.RUNNING or _is_published(obj)):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        try:
            super().delete_queryset(request, queryset)
        except ValidationError as error:
            self.message_user_error(request, " ".join(error.messages))

    def get_deleted_objects(self, objs, request):
        return with_observations(objs, Observation.objects.filter(run__in=list(objs)))

    def service_create(self, request, form, extra=None):
        return _services().start_run(actor=request.user, indicators=list(form.cleaned_data["indicators"]) or None)

    @staticmethod
    def delete_service(run, *, actor):
        _services().delete_run(run, actor=actor)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, gettext("The run %(run)s was queued; this page shows its progress.") % {
            "run": obj})
        return redirect(self.change_url(obj))

    # steps
    def may_take(self, request, obj, step) -> bool:
        return self.may(request, obj, step.action)

    @staticmethod
    def may(request, obj, action: str) -> bool:
        if not request.user.has_perm(permission_name(IndicatorRun, action)):
            return False
        return IndicatorRun.objects.for_user(request.user, action).filter(pk=obj.pk).exists()

    def get_urls(self):
        return [*self.step_urls(),
                path("<path:object_id>/compare/", self.admin_site.admin_view(self.compare_view),
                     name="indicators_indicatorrun_compare"),
                *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra = {}
        if obj is not None:
            links = []
            current = published_run()
            if current is not None and current.pk != obj.pk and obj.status == RunStatus.FINISHED \
                    and self.may(request, obj, "add"):
                links.append((gettext("Compare with the published run"),
                              reverse("admin:indicators_indicatorrun_compare", args=[obj.pk])))
            extra = {"steps": self.available_steps(request, obj), "links": links,
                     "run_active": obj.status in (RunStatus.QUEUED, RunStatus.RUNNING)}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def compare_view(self, request, object_id):
        run = self.get_object(request, unquote(object_id))
        if run is None:
            raise Http404
        if not self.may(request, run, "add"):
            raise PermissionDenied
        old = published_run()
        if old is None:
            raise Http404(gettext("No run is published yet."))
        comparison = _services().compare_runs(old, run)
        context = {**self.admin_site.each_context(request), "title": gettext("Run %(new)s compared with the published "
                                                                             "run %(old)s") % {"new": run, "old": old},
                   "object": run, "old": old, "opts": self.opts, "change_url": self.change_url(run),
                   "comparison": comparison_rows(comparison), "totals": comparison.get("totals", {})}
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/indicators/indicatorrun/compare.html", context)

    # shown values
    @admin.display(description=_("published now"), boolean=True)
    def published_now(self, obj):
        return bool(getattr(obj, "is_current", False))

    @admin.display(description=_("duration"))
    def duration(self, obj):
        if obj.started_at and obj.finished_at:
            return str(datetime.timedelta(seconds=round((obj.finished_at - obj.started_at).total_seconds())))
        return "—"

    @admin.display(description=_("indicators"))
    def indicators_shown(self, obj):
        codes = [i.code for i in obj.indicators.all()]
        return ", ".join(codes) if codes else gettext("the whole catalogue")

    @admin.display(description=_("changes since"))
    def changes_shown(self, obj):
        if obj.change_position is None:
            return "—"
        count = _services().changes_since(obj)
        if not count:
            return gettext("None: the run is up to date.")
        return gettext("%(n)d changes to the registers since the run read them: compute again to include them.") % {
            "n": count}

    @admin.display(description=_("timings (s)"))
    def timings_shown(self, obj):
        return timings_table(obj.timings)

    @admin.display(description=_("summary"))
    def summary_shown(self, obj):
        return summary_table(obj.summary)


def comparison_rows(comparison: dict) -> list[dict]:
    """compare_runs' answer as rows for the page: per indicator the counts and the largest changes in words."""
    rows = []
    for code, entry in sorted(comparison.get("indicators", {}).items()):
        largest = []
        for change in entry.get("largest", []):
            where = ", ".join(f"{name}={value}" for name, value in change.get("dimensions", {}).items())
            largest.append(f"{change.get('year')} {where or gettext('total')}: {change.get('old')} → "
                           f"{change.get('new')} ({change.get('change'):+g})")
        rows.append({"code": code, "added": entry.get("added", 0), "removed": entry.get("removed", 0),
                     "changed": entry.get("changed", 0), "unchanged": entry.get("unchanged", 0), "largest": largest})
    return rows


# --- observations -------------------------------------------------------------------------------------------------

class RunListFilter(admin.SimpleListFilter):
    title = _("run")
    parameter_name = "run"

    def lookups(self, request, model_admin):
        runs = IndicatorRun.objects.for_user(request.user, "view").order_by("-number")[:30]
        return [(str(r.pk), str(r)) for r in runs]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(run_id=int(value)) if value and value.isdigit() and len(value) < 12 else queryset


class IndicatorListFilter(admin.SimpleListFilter):
    title = _("indicator")
    parameter_name = "indicator"

    def lookups(self, request, model_admin):
        indicators = Indicator.objects.for_user(request.user, "view").order_by("code")
        return [(str(i.pk), i.code) for i in indicators]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(indicator_id=int(value)) if value and value.isdigit() and len(value) < 12 \
            else queryset


class YearListFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = set()
        for run_years in IndicatorRun.objects.for_user(request.user, "view").values_list("years", flat=True):
            years.update(y for y in run_years or () if isinstance(y, int))
        return [(str(y), str(y)) for y in sorted(years, reverse=True)]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(year=int(value)) if value and value.isdigit() and len(value) < 5 else queryset


@admin.register(Observation)
class ObservationAdmin(ReadOnlyRegisterAdmin):
    """Read-only; the agency sees every run's values, everyone else the published run as the public does."""

    list_filter = (RunListFilter, IndicatorListFilter, YearListFilter, "flag")
    list_select_related = ("run", "indicator")
    ordering = ("run_id", "indicator_id", "year", *DIMENSIONS)
    list_per_page = 100
    base_fields = ("run", "indicator", "year", *DIMENSIONS)

    def get_list_display(self, request):
        values = ("value", "numerator", "denominator") if sees_raw(request.user) else (
            "shown_value", "shown_numerator", "shown_denominator")
        return ("indicator_code", "run", "year", "breakdown", *values, "flag")

    def get_fields(self, request, obj=None):
        values = ("value", "numerator", "denominator") if sees_raw(request.user) else (
            "shown_value", "shown_numerator", "shown_denominator")
        return (*self.base_fields, *values, "flag")

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("indicator"), ordering="indicator__code")
    def indicator_code(self, obj):
        return obj.indicator.code

    @admin.display(description=_("breakdown"))
    def breakdown(self, obj):
        values = obj.dimension_values
        return ", ".join(f"{name}={value}" for name, value in values.items()) or gettext("total")

    @admin.display(description=_("value"))
    def shown_value(self, obj):
        return _shown(masked(obj)["value"])

    @admin.display(description=_("numerator"))
    def shown_numerator(self, obj):
        return _shown(masked(obj)["numerator"])

    @admin.display(description=_("denominator"))
    def shown_denominator(self, obj):
        return _shown(masked(obj)["denominator"])


def _shown(value):
    return "—" if value is None else value
