from django.utils.translation import gettext_lazy as _

from edureg.classifiers.serializers import ClassifierField
from edureg.core.api.serializers import RegisterSerializer
from edureg.institutions.serializers import institution_ref
from edureg.pedagogues.models import Employment
from edureg.persons.serializers import person_ref


class EmploymentSerializer(RegisterSerializer):
    person = person_ref()
    institution = institution_ref()
    position = ClassifierField("position", date_field="start_date")
    subjects = ClassifierField("subject", date_field="start_date", many=True, required=False,
                               help_text=_("Codes of the subjects taught."))
    qualification_category = ClassifierField("qualification_category", date_field="start_date", required=False,
                                             allow_null=True)

    class Meta:
        model = Employment
        fields = ["id", "person", "institution", "position", "subjects", "workload", "qualification_category",
                  "start_date", "end_date", "updated_at"]
        read_only_fields = ["updated_at"]
