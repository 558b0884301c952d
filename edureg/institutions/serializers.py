"""Institution register in the API: classifier values and institutions by their codes."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from edureg.classifiers.serializers import ClassifierField
from edureg.core.api.fields import CodeRefField
from edureg.core.api.serializers import RegisterSerializer
from edureg.institutions.choices import InstitutionStatus
from edureg.institutions.models import Branch, Institution


def institution_ref(**kwargs) -> CodeRefField:
    """An institution by its 9-digit legal-entity code; read as {code, name}."""
    kwargs.setdefault("help_text", _("The institution's 9-digit legal-entity code."))
    return CodeRefField(queryset=Institution.objects.all(), **kwargs)


class BranchInlineSerializer(RegisterSerializer):
    municipality = ClassifierField("municipality", read_only=True)

    class Meta:
        model = Branch
        fields = ["id", "code", "name", "municipality", "address", "opened_on", "closed_on"]
        read_only_fields = fields


class InstitutionSerializer(RegisterSerializer):
    type = ClassifierField("institution_type", date_field="registered_on")
    ownership = ClassifierField("ownership", date_field="registered_on")
    municipality = ClassifierField("municipality", date_field="registered_on")
    county = ClassifierField("county", source="municipality.parent", read_only=True, allow_null=True,
                             help_text=_("The county of the municipality."))
    parent = institution_ref(required=False, allow_null=True,
                             help_text=_("Legal-entity code of the institution this one was reorganised from or "
                                         "into."))
    branches = BranchInlineSerializer(many=True, read_only=True)

    class Meta:
        model = Institution
        fields = ["code", "name", "name_en", "short_name", "type", "ownership", "municipality", "county",
                  "address", "postal_code", "founder", "parent", "status", "status_since", "registered_on",
                  "liquidated_on", "email", "phone", "website", "updated_at", "branches"]
        read_only_fields = ["liquidated_on", "updated_at"]
        extra_kwargs = {"status": {"help_text": _("Changing it records a status change (see also "
                                                  "POST /institutions/{code}/status/).")}}


class StatusChangeRequestSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=InstitutionStatus.choices)
    since = serializers.DateField()
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class BranchSerializer(RegisterSerializer):
    institution = institution_ref()
    municipality = ClassifierField("municipality", date_field="opened_on")

    class Meta:
        model = Branch
        fields = ["id", "institution", "code", "name", "municipality", "address", "opened_on", "closed_on", "email",
                  "phone"]
        # (institution, code) is unique: the model's validation reports a clash in the request's language.
        validators = []
