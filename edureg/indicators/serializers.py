"""The indicator catalogue, runs and observations in the API: themes, measures and indicators by code, runs by
number, data collections by code. An indicator shows the measures its formulas read, with their definitions.
Observations are read as the public may see them (edureg.indicators.publication.masked) except by the agency."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from edureg.core.api.fields import SlugRefField
from edureg.core.api.serializers import RegisterSerializer
from edureg.core.scoping import scope_for
from edureg.datacollections.models import Collection
from edureg.indicators.choices import Dimension, Flag
from edureg.indicators.engine.dimensions import DIMENSIONS
from edureg.indicators.models import Indicator, IndicatorRun, Measure, Observation, Theme
from edureg.indicators.publication import masked
from edureg.indicators.services.entries import formula_names

NAME = _("The name in the request's language.")


def sees_raw(user) -> bool:
    """The agency (national scope with the right to read observations) reads unpublished runs and suppressed
    cells; everyone else reads published, disclosure-controlled values."""
    return bool(user and user.is_authenticated and user.has_perm("indicators.view_observation")
                and scope_for(user).national)


# --- catalogue ------------------------------------------------------------------------------------------------

class ThemeSerializer(RegisterSerializer):
    name = serializers.CharField(read_only=True, help_text=NAME)

    class Meta:
        model = Theme
        fields = ["code", "name", "name_lt", "name_en", "order"]


class MeasureSerializer(RegisterSerializer):
    name = serializers.CharField(read_only=True, help_text=NAME)
    description = serializers.CharField(read_only=True, help_text=_("The description in the request's language."))
    collection = SlugRefField(slug_field="code", required=False, allow_null=True,
                              queryset=Collection.objects.all(),
                              help_text=_("For the collection source: the data collection's code."))
    filters = serializers.JSONField(required=False, help_text=_(
        'A list of [field, operator, value], e.g. [["education", "eq", "vet"]]; the fields a source offers and the '
        "operators: eq, ne, in, not_in (codes), lt, le, gt, ge (numbers)."))

    class Meta:
        model = Measure
        fields = ["code", "name", "name_lt", "name_en", "description", "description_lt", "description_en", "source",
                  "collection", "aggregation", "field", "filters"]


class MeasureBriefSerializer(serializers.Serializer):
    """A measure as part of an indicator: what its formulas read."""

    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    source = serializers.CharField()
    aggregation = serializers.CharField()
    field = serializers.CharField()
    filters = serializers.JSONField()
    collection = serializers.CharField(allow_null=True)


def measure_brief(measure: Measure) -> dict:
    return {"code": measure.code, "name": measure.name, "description": measure.description,
            "source": measure.source, "aggregation": measure.aggregation, "field": measure.field,
            "filters": measure.filters, "collection": measure.collection.code if measure.collection_id else None}


class IndicatorSerializer(RegisterSerializer):
    name = serializers.CharField(read_only=True, help_text=NAME)
    definition = serializers.CharField(read_only=True, help_text=_("The definition in the request's language."))
    unit = serializers.CharField(read_only=True, help_text=_("The unit in the request's language."))
    source = serializers.CharField(source="source_text", read_only=True,
                                   help_text=_("The data source in the request's language."))
    methodology = serializers.CharField(read_only=True, help_text=_("The methodology notes in the request's "
                                                                    "language."))
    theme = SlugRefField(slug_field="code", queryset=Theme.objects.all(), help_text=_("The theme's code."))
    dimensions = serializers.ListField(child=serializers.ChoiceField(choices=Dimension.choices), required=False,
                                       max_length=len(DIMENSIONS), help_text=_(
                                           "The dimensions it can be broken down by (always by year)."))
    factor = serializers.DecimalField(max_digits=12, decimal_places=4, required=False, coerce_to_string=False,
                                      help_text=_("100 for a percentage, 1000 for per thousand, 1 otherwise."))
    measures = serializers.SerializerMethodField(help_text=_("The measures the numerator and denominator read."))

    class Meta:
        model = Indicator
        fields = ["code", "name", "name_lt", "name_en", "definition", "definition_lt", "definition_en", "theme",
                  "numerator", "denominator", "factor", "unit", "unit_lt", "unit_en", "decimals", "dimensions",
                  "max_cross", "sensitive", "threshold", "source", "source_lt", "source_en", "methodology",
                  "methodology_lt", "methodology_en", "methodology_version", "is_public", "order", "measures"]

    def _measures(self) -> dict[str, Measure]:
        # The catalogue's measures, read once per request (a list costs the same whatever its length).
        cache = self.context.setdefault("_measures", {})
        if "all" not in cache:
            cache["all"] = {m.code: m for m in Measure.objects.select_related("collection")}
        return cache["all"]

    @extend_schema_field(MeasureBriefSerializer(many=True))
    def get_measures(self, indicator):
        known = self._measures()
        names = formula_names(indicator.numerator)
        names += [n for n in formula_names(indicator.denominator) if n not in names]
        return [measure_brief(known[n]) for n in names if n in known]


# --- runs -----------------------------------------------------------------------------------------------------

class IndicatorRunSerializer(RegisterSerializer):
    indicators = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True, help_text=_(
        "The indicators computed; empty: the whole catalogue."))
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    published_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    is_published = serializers.SerializerMethodField(help_text=_("The run the public reads now."))
    changes_since = serializers.SerializerMethodField(help_text=_(
        "Changes to the registers recorded after the run read them (above 0: the run is out of date). In a run's "
        "detail only; null in lists."))

    class Meta:
        model = IndicatorRun
        fields = ["number", "status", "is_published", "indicators", "progress", "message", "requested_by",
                  "created_at", "started_at", "finished_at", "years", "timings", "summary", "published_at",
                  "published_by", "changes_since"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_published(self, run):
        if "_published" not in self.context:
            published = IndicatorRun.objects.published()
            self.context["_published"] = published.pk if published else None
        return run.pk == self.context["_published"]

    @extend_schema_field(OpenApiTypes.INT)
    def get_changes_since(self, run):
        if not self.context.get("detail"):
            return None
        from edureg.indicators.services import changes_since

        return changes_since(run)


class StartRunSerializer(serializers.Serializer):
    indicators = SlugRefField(slug_field="code", many=True, queryset=Indicator.objects.all(), required=False,
                              help_text=_("Codes of the indicators to compute; left out or empty: the whole "
                                          "catalogue."))


# --- observations ---------------------------------------------------------------------------------------------

class ObservationRowSerializer(serializers.Serializer):
    """One cell as published: a suppressed cell keeps its flag and has no value, numerator or denominator."""

    year = serializers.IntegerField()
    county = serializers.CharField(help_text=_('"" = all counties (the total).'))
    municipality = serializers.CharField(help_text=_('"" = all municipalities.'))
    institution_type = serializers.CharField()
    ownership = serializers.CharField()
    sex = serializers.CharField()
    age_group = serializers.CharField()
    isced_level = serializers.CharField()
    education = serializers.CharField()
    programme_kind = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    flag = serializers.ChoiceField(choices=Flag.choices, help_text=_(
        '"" none; suppressed: a small count; secondary: suppressed so that a small count cannot be worked out '
        "from the totals; zero_denominator: not computable."))


class ObservationPageSerializer(serializers.Serializer):
    indicator = serializers.CharField(help_text=_("The indicator's code."))
    run = serializers.IntegerField(allow_null=True, help_text=_("The number of the published run (null: nothing "
                                                                "is published yet)."))
    published_at = serializers.DateTimeField(allow_null=True)
    unit = serializers.CharField()
    decimals = serializers.IntegerField()
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ObservationRowSerializer(many=True)


class ObservationSerializer(RegisterSerializer):
    """A stored observation; masked for everyone but the agency (who checks runs before publishing them)."""

    run = serializers.SlugRelatedField(slug_field="number", read_only=True, help_text=_("The run's number."))
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("The indicator's code."))

    class Meta:
        model = Observation
        fields = ["id", "run", "indicator", "year", *DIMENSIONS, "value", "numerator", "denominator", "flag"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if "_raw" not in self.context:
            request = self.context.get("request")
            self.context["_raw"] = sees_raw(getattr(request, "user", None))
        if not self.context["_raw"]:
            shown = masked(instance)
            data.update(value=shown["value"], numerator=shown["numerator"], denominator=shown["denominator"])
        return data
