"""/api/v1/memberships/: users' roles, managed by agency administrators."""

from edureg.accounts import services
from edureg.accounts.filters import MembershipFilter
from edureg.accounts.models import Membership
from edureg.accounts.serializers import MembershipSerializer
from edureg.core.api.registry import register
from edureg.core.api.viewsets import RegisterViewSet


@register("memberships")
class MembershipViewSet(RegisterViewSet):
    model = Membership
    serializer_class = MembershipSerializer
    select_related = ("user", "institution", "municipality", "person")
    filterset_class = MembershipFilter
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    ordering_fields = ["valid_from", "role"]
    create_service = services.grant_role
    update_service = services.update_membership
    delete_service = services.revoke_role
