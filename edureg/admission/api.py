"""Common admission in the API: /api/v1/admission-rounds/ (by code, with the organiser's steps and the anonymised
input), /admission-formulas/, /admission-offers/, /admission-applications/ (with grades and preferences),
/admission-grades/, /admission-preferences/, /admission-runs/, /admission-results/, /admission-offer-results/,
/admission-invitations/ (with record-contract and decline).

Who sees what is the querysets' (edureg.admission.querysets): rounds, formulas and offers once a round opens; runs
and per-offer results once published; applications, results and invitations to the applicant and the schools whose
offers they name. Every write goes through edureg.admission.services."""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from edureg.admission import services
from edureg.admission.choices import RESULTS_PUBLIC, RoundStatus
from edureg.admission.filters import (
    AllocationRunFilter,
    ApplicationFilter,
    ApplicationResultFilter,
    GradeFilter,
    InvitationFilter,
    OfferFilter,
    OfferResultFilter,
    PreferenceFilter,
    RoundFilter,
    ScoringFormulaFilter,
)
from edureg.admission.models import (
    AllocationRun,
    Application,
    ApplicationResult,
    Grade,
    Invitation,
    Offer,
    OfferResult,
    Preference,
    Round,
    ScoringFormula,
)
from edureg.admission.serializers import (
    AddedOffersSerializer,
    AddOffersSerializer,
    AllocationRunSerializer,
    AnnulledSerializer,
    ApplicationResultSerializer,
    ApplicationSerializer,
    ContractSerializer,
    GradeSerializer,
    InvitationSerializer,
    NextRoundSerializer,
    OfferResultSerializer,
    OfferSerializer,
    PreferenceCheckSerializer,
    PreferenceSerializer,
    RoundSerializer,
    ScoringFormulaSerializer,
)
from edureg.core.api.registry import register
from edureg.core.api.viewsets import PublishedOnlyMixin, ReadOnlyRegisterViewSet, RegisterViewSet
from edureg.core.scoping import scope_for
from edureg.persons.models import Person

CODE = r"[-a-zA-Z0-9_]{1,40}"


def round_offers(round_: Round, codes: list[str]) -> list[Offer]:
    """The round's offers with these codes, in this order; an unknown code is an error naming the preference."""
    found = {o.code: o for o in Offer.objects.filter(round=round_, code__in=codes)}
    errors = [_("Preference %(n)d: the round has no offer with the code %(code)s.") % {"n": n, "code": code}
              for n, code in enumerate(codes, start=1) if code not in found]
    if errors:
        raise DjangoValidationError({"preferences": errors})
    return [found[code] for code in codes]


# --- rounds ---------------------------------------------------------------------------------------------------

@register("admission-rounds")
class RoundViewSet(PublishedOnlyMixin, RegisterViewSet):
    """Admission rounds by code: configuration (rules, deadlines, number of preferences) public once a round opens.
    The organiser's steps are POST actions: add-offers, open, close, run, publish, annul, next-round. The anonymised
    input of the current run (the CLI's format: `edureg admission allocate --input`) is at input/, public once the
    results are published."""

    model = Round
    serializer_class = RoundSerializer
    select_related = ("previous_round",)
    lookup_field = "code"
    lookup_value_regex = CODE
    filterset_class = RoundFilter
    search_fields = ["code", "name_lt", "name_en"]
    ordering_fields = ["year", "applications_open", "code"]
    create_service = services.create_round
    update_service = services.update_round
    delete_service = services.delete_round

    def perform_destroy(self, instance):
        if instance.status != RoundStatus.DRAFT:
            raise PermissionDenied(_("A round that has been open is kept; only a round being configured can be "
                                     "deleted."))
        super().perform_destroy(instance)

    def _answer(self, round_, code=status.HTTP_200_OK):
        round_ = Round.objects.select_related("previous_round").get(pk=round_.pk)
        return Response(RoundSerializer(round_, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=AddOffersSerializer, responses=AddedOffersSerializer)
    @action(detail=True, methods=["post"], scope_action="change", url_path="add-offers")
    def add_offers(self, request, code=None):
        """One offer per offering of the round's school year (a formal programme in force) and funding with places,
        scored by the formula given; offers the round already has are kept."""
        round_ = self.get_object()
        payload = AddOffersSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        formula = round_.formulas.filter(code=payload.validated_data["formula"]).first()
        if formula is None:
            raise DjangoValidationError({"formula": [_("The round has no formula with the code %(code)s.") % {
                "code": payload.validated_data["formula"]}]})
        added = services.add_offers(round_, actor=request.user, formula=formula)
        return Response({"added": len(added)})

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def open(self, request, code=None):
        """Being configured → accepting applications (the round needs offers)."""
        return self._answer(services.open_round(self.get_object(), actor=request.user))

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def close(self, request, code=None):
        """Accepting applications → applications closed: the configuration is locked, the round can be run."""
        return self._answer(services.close_applications(self.get_object(), actor=request.user))

    @extend_schema(request=None, responses={202: AllocationRunSerializer})
    @action(detail=True, methods=["post"], scope_action="change")
    def run(self, request, code=None):
        """Queue an allocation run; GET /admission-runs/{id}/ shows its progress."""
        run = services.start_run(self.get_object(), actor=request.user)
        run = AllocationRun.objects.select_related("round").get(pk=run.pk)
        return Response(AllocationRunSerializer(run, context=self.get_serializer_context()).data,
                        status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def publish(self, request, code=None):
        """Publish the current run's results: invitations, explanations, per-offer results, the input."""
        return self._answer(services.publish_results(self.get_object(), actor=request.user))

    @extend_schema(request=None, responses=AnnulledSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def annul(self, request, code=None):
        """After the contract deadline: annul the invitations without a signed contract and finish the round."""
        annulled = services.annul_unsigned(self.get_object(), actor=request.user)
        return Response({"annulled": annulled})

    @extend_schema(request=NextRoundSerializer, responses={201: RoundSerializer})
    @action(detail=True, methods=["post"], scope_action="change", url_path="next-round")
    def next_round(self, request, code=None):
        """The next (additional or winter) round with this round's rules and formulas and the places left after
        signed contracts; it is made being configured (open it with POST open/)."""
        previous = self.get_object()
        payload = NextRoundSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        new = services.open_next_round(previous, actor=request.user, **payload.validated_data)
        return self._answer(new, status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"], scope_action="view")
    def input(self, request, code=None):
        """The anonymised input of the round's current run in the CLI's JSON format: re-running it with `edureg
        admission allocate --input round.json --output result.json` gives the published assignments and cut-offs.
        Public once the results are published."""
        round_ = self.get_object()
        if round_.status not in RESULTS_PUBLIC and not request.user.has_perm("admission.change_round"):
            raise NotFound(_("The round's results are not published."))
        try:
            data = services.round_input(round_)
        except DjangoValidationError as exc:
            raise NotFound(" ".join(exc.messages)) from None
        response = HttpResponse(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{round_.code}-input.json"'
        return response


@register("admission-formulas")
class ScoringFormulaViewSet(PublishedOnlyMixin, RegisterViewSet):
    """Scoring formulas of rounds: weighted subject grades and additional components, then priority criteria. Data,
    checked when saved (each problem names the component); changed only until applications close."""

    model = ScoringFormula
    serializer_class = ScoringFormulaSerializer
    select_related = ("round",)
    filterset_class = ScoringFormulaFilter
    search_fields = ["code", "name_lt", "name_en"]
    ordering_fields = ["code"]
    create_service = services.create_formula
    update_service = services.update_formula
    delete_service = services.delete_formula


@register("admission-offers")
class OfferViewSet(PublishedOnlyMixin, RegisterViewSet):
    """Offers: an offering's state-funded or paid places in a round, with the formula that ranks its applicants.
    `?search=` looks in codes and programme names."""

    model = Offer
    serializer_class = OfferSerializer
    select_related = ("round", "formula", "offering", "offering__programme", "offering__institution",
                      "offering__municipality", "offering__version")
    filterset_class = OfferFilter
    search_fields = ["code", "offering__programme__name_lt", "offering__programme__name_en",
                     "offering__programme__state_code"]
    ordering_fields = ["code", "capacity"]
    create_service = services.create_offer
    update_service = services.update_offer
    delete_service = services.delete_offer


# --- applications ---------------------------------------------------------------------------------------------

def _own_person(user) -> Person:
    ids = scope_for(user).person_ids if user is not None else ()
    if len(ids) != 1:
        raise DjangoValidationError({"person": [_("Name the applicant (their id).")]})
    return Person.objects.get(pk=next(iter(ids)))


@register("admission-applications")
class ApplicationViewSet(RegisterViewSet):
    """Applications: the applicant's own, the organiser's (entered on an applicant's behalf), and read-only those
    naming a school's offers. `grades` ({subject code: grade}) and `preferences` ([offer code, ...], most wanted
    first) are written whole. Changes are accepted while the round is open, until its application deadline; an
    ineligible preference is refused with the reason. Applications are withdrawn, not deleted."""

    model = Application
    serializer_class = ApplicationSerializer
    select_related = ("round", "person")
    prefetch_related = ("grades__subject", "preferences__offer")
    filterset_class = ApplicationFilter
    ordering_fields = ["id", "submitted_at", "updated_at"]

    def _write_parts(self, application, grades, preferences):
        if grades is not None:
            services.set_grades(application, grades, actor=self.request.user)
        if preferences is not None:
            services.set_preferences(application, round_offers(application.round, preferences),
                                     actor=self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        round_, person = data.pop("round"), data.pop("person", None)
        grades, preferences = data.pop("grades", None), data.pop("preferences", None)
        with transaction.atomic():
            application = services.create_application(round_, person=person or _own_person(self.request.user),
                                                      actor=self.request.user, **data)
            self._write_parts(application, grades, preferences)
            self.ensure_scope(application, "add")
        serializer.instance = self.get_queryset().get(pk=application.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        grades, preferences = data.pop("grades", None), data.pop("preferences", None)
        application = serializer.instance
        with transaction.atomic():
            if data:
                services.update_application(application, data, actor=self.request.user)
            self._write_parts(application, grades, preferences)
            self.ensure_scope(application, "change")
        serializer.instance = self.get_queryset().get(pk=application.pk)

    def perform_destroy(self, instance):
        raise PermissionDenied(_("Applications are kept: withdraw it instead (POST withdraw/)."))

    def _answer(self, application):
        return Response(ApplicationSerializer(self.get_queryset().get(pk=application.pk),
                                              context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def submit(self, request, pk=None):
        """Submit: the application takes part in the allocation (it may still change until the deadline)."""
        return self._answer(services.submit_application(self.get_object(), actor=request.user))

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def withdraw(self, request, pk=None):
        """Withdraw: the application takes no part in the allocation (it may be submitted again until the
        deadline)."""
        return self._answer(services.withdraw_application(self.get_object(), actor=request.user))

    @extend_schema(responses=PreferenceCheckSerializer(many=True))
    @action(detail=True, methods=["get"], scope_action="view")
    def check(self, request, pk=None):
        """Each preference: eligible or not (with the reasons) and the competitive score at its offer."""
        from edureg.admission import facts

        checks = facts.check_preferences(self.get_object())
        return Response([{"rank": c.preference.rank, "offer": c.preference.offer.code, "eligible": c.eligible,
                          "reasons": [str(r) for r in c.reasons], "score": list(c.score)} for c in checks])


class ApplicationPartViewSet(ReadOnlyRegisterViewSet):
    """Grades and preferences are written with their application (PATCH /admission-applications/{id}/)."""

    def destroy(self, request, *args, **kwargs):
        self.get_object()  # 404 outside the user's scope, 403 for a row they see but may not delete
        raise PermissionDenied(_("Write the application's grades and preferences as a whole: PATCH "
                                 "/api/v1/admission-applications/{id}/."))


@register("admission-grades")
class GradeViewSet(ApplicationPartViewSet):
    """Applicants' grades, read-only here: written as `grades` of the application."""

    model = Grade
    serializer_class = GradeSerializer
    select_related = ("subject",)
    filterset_class = GradeFilter
    ordering_fields = ["id"]


@register("admission-preferences")
class PreferenceViewSet(ApplicationPartViewSet):
    """Applicants' ranked preferences, read-only here: written as `preferences` of the application."""

    model = Preference
    serializer_class = PreferenceSerializer
    select_related = ("offer",)
    filterset_class = PreferenceFilter
    ordering_fields = ["id", "rank"]


# --- runs and results -----------------------------------------------------------------------------------------

@register("admission-runs")
class AllocationRunViewSet(PublishedOnlyMixin, ReadOnlyRegisterViewSet):
    """Allocation runs: status and progress, input hash (SHA-256 of the anonymised input), engine version, timings
    and summary. Public once the round's results are published (anyone may check them)."""

    model = AllocationRun
    serializer_class = AllocationRunSerializer
    select_related = ("round",)
    filterset_class = AllocationRunFilter
    ordering_fields = ["id", "number", "created_at"]


@register("admission-results")
class ApplicationResultViewSet(ReadOnlyRegisterViewSet):
    """Per-applicant results with the explanation (each preference: eligible, score, outcome, the cut-off missed):
    private to the applicant and the schools their preferences name, once published."""

    model = ApplicationResult
    serializer_class = ApplicationResultSerializer
    select_related = ("run", "run__round", "offer")
    filterset_class = ApplicationResultFilter
    ordering_fields = ["id", "public_id"]


@register("admission-offer-results")
class OfferResultViewSet(PublishedOnlyMixin, ReadOnlyRegisterViewSet):
    """Per-offer results of published rounds: applicants, first-preference applicants, eligible applicants, places,
    invited, the lowest invited score and the cut-off."""

    model = OfferResult
    serializer_class = OfferResultSerializer
    select_related = ("run", "run__round", "offer")
    filterset_class = OfferResultFilter
    ordering_fields = ["id", "invited", "applicants"]


@register("admission-invitations")
class InvitationViewSet(ReadOnlyRegisterViewSet):
    """Invitations of published rounds: the applicant's own and a school's. The school records the signed contract
    (POST record-contract/) or that the applicant declined (POST decline/)."""

    model = Invitation
    serializer_class = InvitationSerializer
    select_related = ("run", "application__person", "offer", "offer__offering__institution",
                      "offer__offering__programme")
    filterset_class = InvitationFilter
    ordering_fields = ["id", "status_date"]

    def _answer(self, invitation):
        return Response(InvitationSerializer(self.get_queryset().get(pk=invitation.pk),
                                             context=self.get_serializer_context()).data)

    @extend_schema(request=ContractSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"], scope_action="change", url_path="record-contract")
    def record_contract(self, request, pk=None):
        """The applicant signed the study contract: its number and date (by the round's contract deadline)."""
        invitation = self.get_object()
        payload = ContractSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.record_contract(invitation, actor=request.user, number=payload.validated_data["contract_number"],
                                 date=payload.validated_data["contract_date"])
        return self._answer(invitation)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def decline(self, request, pk=None):
        """The applicant does not take the place: it goes to the next round."""
        return self._answer(services.decline_invitation(self.get_object(), actor=request.user))
