"""/api/v1/persons/: scoped to the institutions a user works for; personal codes masked in lists.

Every read of a full record is logged (core.ReadAccess). A personal code is looked up with
POST /api/v1/persons/lookup/, the code in the body, never in a URL (URLs end up in logs).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from edureg.core.api.permissions import HasPermission
from edureg.core.api.registry import register
from edureg.core.api.viewsets import RegisterViewSet
from edureg.persons import services
from edureg.persons.filters import PersonFilter
from edureg.persons.models import Person
from edureg.persons.serializers import (
    PersonIdentitySerializer,
    PersonListSerializer,
    PersonLookupSerializer,
    PersonSerializer,
)

# Who may learn the bare identity of someone outside their scope: those who enrol or employ people.
IDENTITY_PERMS = ("learners.add_enrolment", "pedagogues.add_employment")


@register("persons")
class PersonViewSet(RegisterViewSet):
    model = Person
    serializer_class = PersonSerializer
    list_serializer_class = PersonListSerializer
    select_related = ("sex", "citizenship")
    filterset_class = PersonFilter
    search_fields = ["first_name", "last_name"]
    ordering_fields = ["last_name", "first_name", "birth_date"]
    create_service = services.register_person
    update_service = services.update_person
    delete_service = services.delete_person

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        services.log_full_view(person, user=request.user, source="api")
        return Response(self.get_serializer(person).data)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        # The answer is the whole record, not only the fields sent: a read of personal data like a GET.
        services.log_full_view(serializer.instance, user=self.request.user, source="api")

    @extend_schema(
        request=PersonLookupSerializer,
        responses={
            200: PolymorphicProxySerializer(
                component_name="PersonLookupResult",
                serializers=[PersonSerializer, PersonIdentitySerializer],
                resource_type_field_name=None,
            ),
            404: OpenApiResponse(description=_("No such person, or not one you may know of.")),
        },
    )
    @action(detail=False, methods=["post"], scope_action="view",
            permission_classes=[HasPermission.of("persons.view_person", *IDENTITY_PERMS)])
    def lookup(self, request):
        """Find a person by personal code.

        Answers the full record when the person is in your scope; to users who enrol learners or employ
        staff, the bare identity (id, names, birth year) of anyone else, so that they can enrol someone
        new to their institution. Each answer is logged as a read of personal data.
        """
        query = PersonLookupSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        person = (Person.objects.select_related("sex", "citizenship")
                  .filter(personal_code=query.validated_data["personal_code"]).first())
        if person is None:
            raise NotFound(_("No person has this personal code."))
        if self.scoped("view").filter(pk=person.pk).exists():
            services.log_full_view(person, user=request.user, source="api")
            return Response(PersonSerializer(person, context=self.get_serializer_context()).data)
        if any(request.user.has_perm(p) for p in IDENTITY_PERMS):
            services.log_full_view(person, user=request.user, source="api")
            return Response(PersonIdentitySerializer(person).data)
        raise NotFound(_("No person has this personal code."))
