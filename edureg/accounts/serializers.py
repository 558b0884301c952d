from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from edureg.accounts.models import Membership
from edureg.classifiers.serializers import ClassifierField
from edureg.core.api.fields import SlugRefField
from edureg.core.api.serializers import RegisterSerializer
from edureg.institutions.serializers import institution_ref
from edureg.persons.serializers import person_ref


class MembershipSerializer(RegisterSerializer):
    user = SlugRefField(slug_field="username", queryset=get_user_model().objects.all(), help_text=_("User name."))
    institution = institution_ref(required=False, allow_null=True)
    municipality = ClassifierField("municipality", date_field="valid_from", required=False, allow_null=True)
    person = person_ref(required=False, allow_null=True, help_text=_("The user's own person record (applicants)."))

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "institution", "municipality", "person", "valid_from", "valid_to"]
