import django_filters
from django.utils.translation import gettext_lazy as _

from edureg.accounts.choices import Role
from edureg.accounts.models import Membership


class MembershipFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(field_name="user__username", label=_("User name"))
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("Role"))
    institution = django_filters.CharFilter(field_name="institution__code", label=_("Institution legal-entity code"))
    municipality = django_filters.CharFilter(field_name="municipality__code", label=_("Municipality code"))

    class Meta:
        model = Membership
        fields = []
