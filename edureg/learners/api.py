"""/api/v1/enrolments/: enrol, end with a reason, transfer; scoped to the user's institutions."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from edureg.classifiers.models import ClassifierItem
from edureg.core.api.registry import register
from edureg.core.api.viewsets import RegisterViewSet
from edureg.learners import services
from edureg.learners.filters import EnrolmentFilter
from edureg.learners.models import Enrolment
from edureg.learners.serializers import EndEnrolmentSerializer, EnrolmentSerializer, TransferSerializer


@register("enrolments")
class EnrolmentViewSet(RegisterViewSet):
    model = Enrolment
    serializer_class = EnrolmentSerializer
    select_related = ("person", "institution", "branch", "end_reason", "isced_level")
    filterset_class = EnrolmentFilter
    search_fields = ["person__first_name", "person__last_name", "group"]
    ordering_fields = ["start_date", "end_date", "school_year", "grade"]
    create_service = services.enrol_or_transfer
    update_service = services.update_enrolment
    delete_service = services.delete_enrolment

    @extend_schema(request=EndEnrolmentSerializer, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def end(self, request, pk=None):
        """End the enrolment on a date, with a reason code."""
        enrolment = self.get_object()
        payload = EndEnrolmentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        enrolment = services.end_enrolment(enrolment, end_date=payload.validated_data["end_date"],
                                           reason=payload.validated_data["end_reason"], actor=request.user)
        return Response(self.get_serializer(enrolment).data)

    @extend_schema(request=TransferSerializer, responses={201: EnrolmentSerializer})
    @action(detail=True, methods=["post"], scope_action="change")
    def transfer(self, request, pk=None):
        """Move the learner to another institution: this enrolment ends the day before `on` (reason:
        transferred) and a new one starts there on `on`. Answers the new enrolment."""
        enrolment = self.get_object()
        payload = TransferSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        try:
            new = services.transfer(enrolment, to_institution=data.pop("to_institution"), on=data.pop("on"),
                                    actor=request.user, **data)
        except ClassifierItem.DoesNotExist:
            raise ValidationError({"on": [_("The end reason “transferred” is not valid on this date in the "
                                            "classifier.")]}) from None
        return Response(self.get_serializer(new).data, status=status.HTTP_201_CREATED)
