"""Monitoring and statistics in the API.

Open data, for anyone:
    /api/v1/indicators/                        the catalogue (public indicators; the agency sees them all)
    /api/v1/indicators/{code}/                 one indicator: definition, unit, formulas, the measures they read
    /api/v1/indicators/{code}/observations/    its values in the published run, disclosure-controlled
    /api/v1/indicator-themes/, /api/v1/indicator-measures/
The agency's education-data unit also writes the catalogue (every write is validated by the model's clean(): a
formula naming an unknown measure is a 400 naming the formula's field) and runs the computation:
    /api/v1/indicator-runs/                    POST queues a run; GET lists runs with progress, timings, summary
    /api/v1/indicator-runs/{number}/publish/   the public reads this run from now on
    /api/v1/indicator-runs/{number}/compare/   what changed against another run (by default the published one)
    /api/v1/indicator-observations/            stored observations of any run (masked for everyone else)
"""

import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from edureg.core.api.registry import register
from edureg.core.api.viewsets import PublishedOnlyMixin, ReadOnlyRegisterViewSet, RegisterViewSet, RegisterViewSetMixin
from edureg.indicators.engine.dimensions import DIMENSIONS
from edureg.indicators.filters import (
    IndicatorFilter,
    IndicatorRunFilter,
    MeasureFilter,
    ObservationFilter,
    ThemeFilter,
    observation_filter,
)
from edureg.indicators.models import Indicator, IndicatorRun, Measure, Observation, Theme
from edureg.indicators.publication import masked, published_observations, published_run
from edureg.indicators.serializers import (
    IndicatorRunSerializer,
    IndicatorSerializer,
    MeasureSerializer,
    ObservationPageSerializer,
    ObservationSerializer,
    StartRunSerializer,
    ThemeSerializer,
)
from edureg.indicators.services.entries import create_entry, delete_entry, update_entry

CODE = r"[-a-zA-Z0-9_]{1,60}"
NUMBER = r"[0-9]{1,9}"
CSV_COLUMNS = ("indicator", "year", *DIMENSIONS, "value", "numerator", "denominator", "flag")


class CatalogueWrites:
    create_service = None
    update_service = staticmethod(update_entry)
    delete_service = staticmethod(delete_entry)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is not None:
            cls.create_service = staticmethod(create_entry(cls.model))


# --- catalogue ----------------------------------------------------------------------------------------------------

@register("indicator-themes")
class ThemeViewSet(CatalogueWrites, RegisterViewSet):
    """Themes: groups of indicators (a dashboard section, a sheet of the statistical summary), by code."""

    model = Theme
    serializer_class = ThemeSerializer
    lookup_field = "code"
    lookup_value_regex = CODE
    filterset_class = ThemeFilter
    search_fields = ["code", "name_lt", "name_en"]
    ordering_fields = ["order", "code"]


@register("indicator-measures")
class MeasureViewSet(CatalogueWrites, RegisterViewSet):
    """Measures: counts or sums over one fact source (learners, leavers, staff, institutions, population, admission
    results, approved data collections) with filters, used by code in indicator formulas. Checked when saved: an
    unknown source, a field the source cannot sum or filter on, or a bad filter is a 400 naming the field."""

    model = Measure
    serializer_class = MeasureSerializer
    select_related = ("collection",)
    lookup_field = "code"
    lookup_value_regex = CODE
    filterset_class = MeasureFilter
    search_fields = ["code", "name_lt", "name_en"]
    ordering_fields = ["code", "source"]


OBSERVATION_PARAMETERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description=_lazy("One year (e.g. 2025).")),
    OpenApiParameter("year_from", OpenApiTypes.INT, description=_lazy("The first year.")),
    OpenApiParameter("year_to", OpenApiTypes.INT, description=_lazy("The last year.")),
    *[OpenApiParameter(name, OpenApiTypes.STR, description=_lazy(
        'Absent or empty: the total over this dimension. A code: that value; codes separated by commas: any of them; '
        '"*": every value (not the total). Only the dimensions the indicator is broken down by.'))
      for name in DIMENSIONS],
    OpenApiParameter("page", OpenApiTypes.INT, description=_lazy("The page (1, 2, ...).")),
    OpenApiParameter("page_size", OpenApiTypes.INT, description=_lazy("Rows a page (at most 1000; default 50).")),
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description=_lazy(
        "csv: every row asked for, unpaginated, as a CSV file.")),
]

OBSERVATION_EXAMPLE = OpenApiExample(
    "Learners by municipality in 2025", response_only=True,
    summary=_lazy("?year=2025&municipality=*"),
    value={"indicator": "learners", "run": 12, "published_at": "2026-03-01T09:00:00Z", "unit": "persons",
           "decimals": 0, "count": 60, "next": "https://example.org/api/v1/indicators/learners/observations/"
                                               "?municipality=*&page=2&year=2025",
           "previous": None,
           "results": [{"year": 2025, **dict.fromkeys(DIMENSIONS, ""), "municipality": "LT-13", "value": 4123.0,
                        "numerator": 4123.0, "denominator": None, "flag": ""},
                       {"year": 2025, **dict.fromkeys(DIMENSIONS, ""), "municipality": "LT-38", "value": None,
                        "numerator": None, "denominator": None, "flag": "suppressed"}]})


class CSVRenderer(renderers.BaseRenderer):
    """Observations as CSV (?format=csv): a header, then a line per row; an error as its messages."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        out = io.StringIO()
        if isinstance(data, list):
            writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            writer.writerows(data)
        else:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["field", "message"])
            for field, messages in (data or {}).items():
                for message in messages if isinstance(messages, list) else [messages]:
                    writer.writerow([field, str(message)])
        return out.getvalue().encode(self.charset)


@register("indicators")
class IndicatorViewSet(PublishedOnlyMixin, CatalogueWrites, RegisterViewSet):
    """The indicator catalogue by code: names, definition, unit, factor, decimals, the dimensions it is broken down
    by, theme, source, methodology and its version, the numerator and denominator formulas and the measures they
    read. The public reads the public indicators; `observations/` gives their published values."""

    model = Indicator
    serializer_class = IndicatorSerializer
    select_related = ("theme",)
    lookup_field = "code"
    lookup_value_regex = CODE
    filterset_class = IndicatorFilter
    search_fields = ["code", "name_lt", "name_en"]
    ordering_fields = ["code", "order"]

    @extend_schema(parameters=OBSERVATION_PARAMETERS, responses=ObservationPageSerializer,
                   examples=[OBSERVATION_EXAMPLE])
    @action(detail=True, methods=["get"], scope_action="view",
            renderer_classes=[renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer])
    def observations(self, request, code=None):
        """The indicator's values in the published run, with disclosure control: a suppressed cell (a small count,
        or one that would let it be worked out from the totals) has its flag and no value, numerator or
        denominator. Rows are a year and one value per dimension ("" = the total over that dimension): absent
        parameters ask for totals, `municipality=*` for every municipality, `sex=M` for men, and so on;
        `county=LT-VL&municipality=*` gives the municipalities of that county. Ordered by year, then the dimensions.
        The answer names the run and when it was published. `?format=csv` gives every row asked for as CSV."""
        # Open data: an unknown indicator and one that is not public are alike not found, for anyone.
        indicator = self.get_queryset().filter(code=code).first()
        if indicator is None:
            raise NotFound(_("There is no public indicator with the code %(code)s.") % {"code": code})
        condition = observation_filter(request.query_params, indicator)
        run = published_run()
        rows = Observation.objects.none()
        if run is not None:
            rows = published_observations(indicator, run=run).select_related(None).filter(condition) \
                .order_by("year", *DIMENSIONS).only("year", *DIMENSIONS, "value", "numerator", "denominator", "flag")
        if getattr(request.accepted_renderer, "format", "") == "csv":
            response = Response([{"indicator": indicator.code, **masked(o)} for o in rows.iterator()])
            response["Content-Disposition"] = f'attachment; filename="{indicator.code}.csv"'
            return response
        page = self.paginate_queryset(rows)
        return Response({"indicator": indicator.code, "run": run.number if run else None,
                         "published_at": run.published_at if run else None, "unit": indicator.unit,
                         "decimals": indicator.decimals, "count": self.paginator.page.paginator.count,
                         "next": self.paginator.get_next_link(), "previous": self.paginator.get_previous_link(),
                         "results": [masked(o) for o in page]})


# --- runs ---------------------------------------------------------------------------------------------------------

def _services():
    from edureg.indicators import services  # written with the sources; imported when a run is asked for

    return services


def _run_by_number(value, name: str) -> IndicatorRun:
    try:
        return IndicatorRun.objects.get(number=int(value))
    except (TypeError, ValueError, IndicatorRun.DoesNotExist):
        raise ValidationError({name: [_("There is no run number %(value)s.") % {"value": value}]}) from None


@register("indicator-runs")
class IndicatorRunViewSet(PublishedOnlyMixin, RegisterViewSetMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                          mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Computations of the catalogue, by number: status and progress, timings per source and per indicator, a
    summary. POST queues a run (of the whole catalogue, or of the indicators named); `publish/` makes a finished run
    the one the public reads; `compare/` says what changed against another run; DELETE removes a run with its
    observations. Published runs are public; the others are the agency's."""

    model = IndicatorRun
    serializer_class = IndicatorRunSerializer
    select_related = ("requested_by", "published_by")
    prefetch_related = ("indicators",)
    lookup_field = "number"
    lookup_value_regex = NUMBER
    filterset_class = IndicatorRunFilter
    ordering_fields = ["number", "created_at", "published_at"]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "detail": self.action == "retrieve"}

    def _answer(self, run, code=status.HTTP_200_OK):
        run = IndicatorRun.objects.select_related(*self.select_related).prefetch_related(*self.prefetch_related) \
            .get(pk=run.pk)
        return Response(IndicatorRunSerializer(run, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=StartRunSerializer, responses={201: IndicatorRunSerializer})
    def create(self, request, *args, **kwargs):
        """Queue a run; GET /indicator-runs/{number}/ shows its progress."""
        payload = StartRunSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        indicators = payload.validated_data.get("indicators") or None
        run = _services().start_run(actor=request.user, indicators=indicators)
        return self._answer(run, status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        _services().delete_run(instance, actor=self.request.user)

    @extend_schema(request=None, responses=IndicatorRunSerializer)
    @action(detail=True, methods=["post"], scope_action="add")
    def publish(self, request, number=None):
        """Publish a finished run: the dashboards, downloads, summary and open data read it from now on (the run
        published before stays, no longer read)."""
        run = self.get_object()
        return self._answer(_services().publish_run(run, actor=request.user))

    @extend_schema(parameters=[OpenApiParameter("with", OpenApiTypes.INT, description=_lazy(
        "The number of the run to compare with (default: the published run)."))],
        responses={(200, "application/json"): OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"], scope_action="add")
    def compare(self, request, number=None):
        """What publishing this run would change against the other: {"old": number, "new": number, "indicators":
        {code: {added, removed, changed, unchanged, largest: [{year, dimensions, old, new, change}]}}, "totals"}. The
        agency's (it shows the values of suppressed cells)."""
        run = self.get_object()
        other = request.query_params.get("with")
        if other:
            old = _run_by_number(other, "with")
        else:
            old = published_run()
            if old is None:
                raise NotFound(_("No run is published yet: name the run to compare with (?with=number)."))
        return Response(_services().compare_runs(old, run))


@register("indicator-observations")
class ObservationViewSet(PublishedOnlyMixin, ReadOnlyRegisterViewSet):
    """Stored observations by run, indicator and year. The agency reads every run, suppressed cells included, to
    check a run before publishing it; everyone else reads the published run's observations of public indicators,
    masked as in the open data (prefer /indicators/{code}/observations/)."""

    model = Observation
    serializer_class = ObservationSerializer
    select_related = ("run", "indicator")
    filterset_class = ObservationFilter
    ordering_fields = ["id", "year"]

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.order_by("id") if not self.detail else queryset

