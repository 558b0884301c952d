"""The indicator catalogue in the back-office: themes, measures and indicators. Saving validates through the same
writes as the API (edureg.indicators.api: full_clean with the formula and filter checks, the catalogue's rules), so
a formula naming an unknown measure shows as an error on the formula's field."""


from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from edureg.core.admin_base import RegisterAdmin, StrictJSONDecoder, model_values
from edureg.indicators.admin.common import with_observations
from edureg.indicators.choices import Dimension
from edureg.indicators.models import Indicator, Measure, Observation, Theme
from edureg.indicators.services.entries import (
    create_entry,
    delete_entry,
    deletion_refusal,
    formula_names,
    indicators_using,
    update_entry,
)
from edureg.indicators.sources import load_sources, source_choices

KIND_NAMES = {"code": _("code"), "number": _("number"), "bool": _("true/false")}


class FiltersField(forms.JSONField):
    """A measure's filters typed as JSON; empty is no filter ([]); the shape is checked by Measure.clean()."""

    def __init__(self, **kwargs):
        kwargs["decoder"] = StrictJSONDecoder
        kwargs["required"] = False
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4, "cols": 90, "class": "vLargeTextField"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return []
        return super().to_python(value)


class CatalogueAdmin(RegisterAdmin):
    """Writes through the catalogue's writes (validated, audited, within the user's scope)."""

    update_service = staticmethod(update_entry)
    delete_service = staticmethod(delete_entry)

    def service_create(self, request, form, extra=None):
        return create_entry(self.model)(actor=request.user, **{**model_values(form), **(extra or {})})

    def delete_queryset(self, request, queryset):
        try:
            super().delete_queryset(request, queryset)
        except ValidationError as error:
            self.message_user_error(request, " ".join(error.messages))

    def has_delete_permission(self, request, obj=None):
        # A measure named by formulas, an indicator of the published run: no delete button (the writes refuse).
        return super().has_delete_permission(request, obj) and (obj is None or not deletion_refusal(obj))


@admin.register(Theme)
class ThemeAdmin(CatalogueAdmin):
    list_display = ("code", "name_lt", "name_en", "order")
    search_fields = ("code", "name_lt", "name_en")
    ordering = ("order", "code")
    fields = ("code", "name_lt", "name_en", "order")


# --- measures -------------------------------------------------------------------------------------------------------

def sources_help():
    """What each fact source offers a measure: its dimensions, the fields it filters on (with their kind) and the
    fields it sums."""
    rows = []
    for code, source in sorted(load_sources().items()):
        filters = ", ".join(f"{name} ({KIND_NAMES.get(kind, kind)})"
                            for name, kind in sorted(source.filter_fields.items()))
        if code == "collection":
            filters = filters or "—"
            sums = gettext("any numeric field of the measure's data collection")
        else:
            sums = ", ".join(source.sum_fields) or "—"
        rows.append((code, str(source.label), ", ".join(source.dimensions), filters or "—", sums))
    if not rows:
        return gettext("No fact source is registered.")
    head = format_html("<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>", gettext("source"),
                       gettext("description"), gettext("dimensions"), gettext("filter fields"),
                       gettext("summed fields"))
    body = format_html_join("", "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
    example = gettext('Filters: a list of [field, operator, value], e.g. [["education", "eq", "vet"], ["age", "ge", '
                      '18]]. Operators: eq, ne, in, not_in for codes (in and not_in take a list of codes); eq, ne, lt, '
                      'le, gt, ge for numbers; eq, ne for true/false.')
    return format_html('<p>{}</p><table id="sources-help"><thead>{}</thead><tbody>{}</tbody></table>', example,
                       head, body)


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = ("code", "name_lt", "name_en", "description_lt", "description_en", "source", "collection",
                  "aggregation", "field", "filters")
        field_classes = {"filters": FiltersField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "source" in self.fields:
            choices = [(code, f"{code} — {label}") for code, label in source_choices()]
            current = self.instance.source if self.instance.pk else None
            if current and current not in dict(choices):
                choices.append((current, current))
            self.fields["source"] = forms.ChoiceField(label=self.fields["source"].label, choices=[("", "---------"),
                                                                                                   *choices],
                                                      help_text=self.fields["source"].help_text)


@admin.register(Measure)
class MeasureAdmin(CatalogueAdmin):
    form = MeasureForm
    list_display = ("code", "name_lt", "source", "aggregation", "field", "collection")
    list_filter = ("source", "aggregation")
    search_fields = ("code", "name_lt", "name_en")
    list_select_related = ("collection",)
    ordering = ("code",)
    fieldsets = (
        (None, {"fields": ("code", "name_lt", "name_en", "description_lt", "description_en")}),
        (_("What is counted or summed"), {"fields": ("source", "collection", "aggregation", "field", "filters",
                                                      "sources_shown")}),
        (_("Used by"), {"fields": ("used_by",)}),
    )
    readonly_fields = ("sources_shown", "used_by")

    @admin.display(description=_("what the sources offer"))
    def sources_shown(self, obj):
        return sources_help()

    @admin.display(description=_("indicators"))
    def used_by(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return ", ".join(indicators_using(obj.code)) or "—"


# --- indicators -----------------------------------------------------------------------------------------------------

class IndicatorForm(forms.ModelForm):
    dimensions = forms.TypedMultipleChoiceField(
        label=_("dimensions"), choices=Dimension.choices, required=False,
        widget=forms.SelectMultiple(attrs={"size": len(Dimension.choices)}),
        help_text=_("The dimensions it can be broken down by (always by year); every measure's source must have "
                    "them. Hold Ctrl (Cmd on a Mac) to choose several."))

    class Meta:
        model = Indicator
        fields = ("code", "theme", "order", "is_public", "name_lt", "name_en", "definition_lt", "definition_en",
                  "numerator", "denominator", "factor", "unit_lt", "unit_en", "decimals", "dimensions", "max_cross",
                  "sensitive", "threshold", "source_lt", "source_en", "methodology_lt", "methodology_en",
                  "methodology_version")
        widgets = {"numerator": forms.TextInput(attrs={"size": 90}),
                   "denominator": forms.TextInput(attrs={"size": 90})}

    def clean_dimensions(self):
        # Kept in the catalogue's order, whatever the order they were chosen in.
        chosen = self.cleaned_data.get("dimensions") or []
        return [code for code in Dimension.values if code in chosen]


@admin.register(Indicator)
class IndicatorAdmin(CatalogueAdmin):
    form = IndicatorForm
    list_display = ("code", "name_lt", "theme", "numerator", "denominator", "unit_lt", "is_public", "order")
    list_filter = ("theme", "is_public")
    search_fields = ("code", "name_lt", "name_en")
    list_select_related = ("theme",)
    ordering = ("theme__order", "order", "code")
    fieldsets = (
        (None, {"fields": ("code", "theme", "order", "is_public")}),
        (_("Name and definition"), {"fields": ("name_lt", "name_en", "definition_lt", "definition_en")}),
        (_("Formula"), {"fields": ("numerator", "denominator", "factor", "unit_lt", "unit_en", "decimals",
                                   "measures_shown"),
                        "description": _("Formulas over measure codes with + - * / and parentheses; the value is "
                                         "numerator / denominator × factor, rounded to the decimals.")}),
        (_("Breakdowns"), {"fields": ("dimensions", "max_cross")}),
        (_("Disclosure control"), {"fields": ("sensitive", "threshold")}),
        (_("Source and methodology"), {"fields": ("source_lt", "source_en", "methodology_lt", "methodology_en",
                                                  "methodology_version")}),
    )
    readonly_fields = ("measures_shown",)

    def get_deleted_objects(self, objs, request):
        return with_observations(objs, Observation.objects.filter(indicator__in=list(objs)))

    @admin.display(description=_("measures read"))
    def measures_shown(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        names = formula_names(obj.numerator)
        names += [n for n in formula_names(obj.denominator) if n not in names]
        measures = {m.code: m for m in Measure.objects.filter(code__in=names)}
        rows = [(n, measures[n].name if n in measures else gettext("unknown measure"),
                 measures[n].description if n in measures else "") for n in names]
        if not rows:
            return "—"
        return format_html("<table><tbody>{}</tbody></table>",
                           format_html_join("", "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>", rows))
