from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

from edureg.classifiers.serializers import ClassifierField
from edureg.core.api.fields import CodeRefField
from edureg.core.api.serializers import RegisterSerializer
from edureg.institutions.models import Branch
from edureg.institutions.serializers import institution_ref
from edureg.learners.models import Enrolment
from edureg.persons.serializers import person_ref


class EnrolmentSerializer(RegisterSerializer):
    person = person_ref()
    institution = institution_ref()
    branch = CodeRefField(queryset=Branch.objects.all(), slug_field="pk", read_fields=("id", "code", "name"),
                          key_type=OpenApiTypes.INT, required=False, allow_null=True,
                          help_text=_("The id of a branch of the institution."))
    isced_level = ClassifierField("isced_level", date_field="start_date", required=False, allow_null=True)
    end_reason = ClassifierField("enrolment_end_reason", date_field="end_date", required=False, allow_null=True,
                                 help_text=_("End reason code (10 completed, 20 transferred, 30 dropped out, ...)."))
    is_open = serializers.BooleanField(read_only=True)
    transfer_in = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text=_("On create: if the learner still has an open main general-education enrolment at another "
                    "institution, end it the day before (reason: transferred) instead of refusing the overlap."))

    class Meta:
        model = Enrolment
        fields = ["id", "person", "institution", "branch", "kind", "is_main", "school_year", "grade", "group",
                  "isced_level", "start_date", "end_date", "end_reason", "is_open", "updated_at", "transfer_in"]
        read_only_fields = ["updated_at"]

    def validate(self, attrs):
        if self.instance is not None:
            attrs.pop("transfer_in", None)  # only a new enrolment can bring a learner over
        return super().validate(attrs)


class EndEnrolmentSerializer(serializers.Serializer):
    end_date = serializers.DateField()
    end_reason = ClassifierField("enrolment_end_reason", date_field="end_date",
                                 help_text=_("End reason code (10 completed, 30 dropped out, ...)."))


class TransferSerializer(serializers.Serializer):
    to_institution = institution_ref(help_text=_("Legal-entity code of the institution the learner moves to."))
    on = serializers.DateField(help_text=_("First day at the new institution; the current enrolment ends the day "
                                           "before."))
    grade = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=20)
    group = serializers.CharField(required=False, allow_blank=True, max_length=40)
