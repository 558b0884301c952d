"""/api/v1/programmes/ (the catalogue, by state or temporary code) with its lifecycle actions, and
/programme-versions/, /modules/, /programme-kinds/, /programme-rules/, /programme-events/, /offerings/.

The public (anonymous) sees published programmes and versions only (the querysets decide); writes go through
edureg.programmes.services, which keep registered versions immutable and decide who may register."""

from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from edureg.core.api.permissions import action_for
from edureg.core.api.registry import register
from edureg.core.api.viewsets import (
    EditRegisterViewSet,
    PublishedOnlyMixin,
    ReadOnlyRegisterViewSet,
    RegisterViewSet,
)
from edureg.programmes import services
from edureg.programmes.choices import VersionStatus
from edureg.programmes.filters import (
    ModuleFilter,
    OfferingFilter,
    ProgrammeEventFilter,
    ProgrammeFilter,
    ProgrammeRuleFilter,
    ProgrammeVersionFilter,
)
from edureg.programmes.models import (
    Module,
    Offering,
    Programme,
    ProgrammeEvent,
    ProgrammeKind,
    ProgrammeRule,
    ProgrammeVersion,
)
from edureg.programmes.serializers import (
    DeregistrationSerializer,
    DifferenceSerializer,
    FindingSerializer,
    ModuleSerializer,
    OfferingSerializer,
    ProgrammeCreateSerializer,
    ProgrammeEventSerializer,
    ProgrammeKindSerializer,
    ProgrammeRuleSerializer,
    ProgrammeSerializer,
    ProgrammeVersionSerializer,
    ReasonSerializer,
    RegistrationSerializer,
    ResumeSerializer,
    SuspensionSerializer,
)

CODE = r"[A-Za-z0-9-]{1,20}"


def modules_prefetch(user) -> Prefetch:
    return Prefetch("modules", queryset=Module.objects.for_user(user, "view").prefetch_related("competences"))


def version_by_status(programme: Programme, *statuses: str, message: str) -> ProgrammeVersion:
    version = programme.versions.filter(status__in=statuses).order_by("-number").first()
    if version is None:
        raise ValidationError({"status": [message]})
    return version


@register("programmes")
class ProgrammeViewSet(RegisterViewSet):
    """The programmes register and catalogue. `?q=` searches names and codes in Lithuanian and English
    (diacritics optional, words may be cut short). The lifecycle: a provider submits its draft, the register's
    administrator registers it (first registration gives the state code) or returns it; a registered programme
    changes through a new version."""

    model = Programme
    serializer_class = ProgrammeSerializer
    select_related = ("kind", "provider", "isced_f", "qualification", "current_version")
    lookup_field = "code"
    lookup_value_regex = CODE
    filterset_class = ProgrammeFilter
    search_fields = ["name_lt", "name_en", "state_code", "temp_code"]
    ordering_fields = ["name_lt", "state_code", "ltks_level", "status", "updated_at"]
    create_service = services.create_programme
    update_service = services.update_programme
    delete_service = services.delete_programme

    def get_serializer_class(self):
        return ProgrammeCreateSerializer if self.action == "create" else super().get_serializer_class()

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs
        versions = (ProgrammeVersion.objects.for_user(self.request.user, "view")
                    .select_related("language").order_by("-number"))
        return qs.prefetch_related("co_providers", Prefetch("versions", queryset=versions,
                                                            to_attr="visible_versions"))

    def _code_q(self, code) -> Q:
        return Q(state_code=code) | Q(temp_code=code)

    def get_object(self):
        """By state code or temporary code: 404 for a programme the user cannot see, 403 for one they see but
        may not change."""
        code = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        programme = self.get_queryset().filter(self._code_q(code)).first()
        if programme is None:
            if action_for(self.request, self) != "view" and self.scoped("view").filter(self._code_q(code)).exists():
                raise PermissionDenied()
            PublishedOnlyMixin.refuse_hidden(self)
            raise Http404
        self.check_object_permissions(self.request, programme)
        return programme

    def perform_destroy(self, instance):
        if instance.state_code or instance.current_version_id:
            raise PermissionDenied(_("A programme that has been registered cannot be deleted; request its "
                                     "deregistration."))
        super().perform_destroy(instance)

    def _answer(self, programme, code=status.HTTP_200_OK):
        programme = self.get_queryset().get(pk=programme.pk)  # fresh, with the reader's versions
        return Response(ProgrammeSerializer(programme, context=self.get_serializer_context()).data, status=code)

    def _registrar_only(self):
        if not services.is_registrar(self.request.user):
            raise PermissionDenied(_("Only the register's administrator may do this."))

    # --- reads ------------------------------------------------------------------------------------------
    @extend_schema(responses=ProgrammeVersionSerializer(many=True))
    @action(detail=True, methods=["get"], scope_action="view")
    def versions(self, request, code=None):
        """The versions of the programme the reader may see, newest first, with their modules."""
        programme = self.get_object()
        versions = (ProgrammeVersion.objects.for_user(request.user, "view").filter(programme=programme)
                    .select_related("programme", "qualification", "isced_f", "language", "based_on")
                    .prefetch_related(modules_prefetch(request.user)).order_by("-number"))
        return Response(ProgrammeVersionSerializer(versions, many=True, context=self.get_serializer_context()).data)

    @extend_schema(parameters=[OpenApiParameter("version", OpenApiTypes.INT, description=_(
        "The version number; by default the draft, else the head version."))], responses=FindingSerializer(many=True))
    @action(detail=True, methods=["get"], scope_action="view")
    def check(self, request, code=None):
        """The kind's rules checked on a version: one finding per broken rule (errors block submission)."""
        programme = self.get_object()
        version = self._numbered(request, programme, "version") or (
            programme.versions.filter(status=VersionStatus.DRAFT).order_by("-number").first()
            or programme.current_version or programme.versions.order_by("-number").first())
        if version is None:
            raise Http404
        return Response(FindingSerializer(services.check_version(version), many=True).data)

    @extend_schema(parameters=[
        OpenApiParameter("from", OpenApiTypes.INT, description=_("The older version's number (default: the one "
                                                                  "the newer was copied from).")),
        OpenApiParameter("to", OpenApiTypes.INT, description=_("The newer version's number (default: the newest)."))],
        responses=DifferenceSerializer(many=True))
    @action(detail=True, methods=["get"], scope_action="view")
    def diff(self, request, code=None):
        """What changed between two versions: fields, and modules added, removed or changed."""
        programme = self.get_object()
        visible = ProgrammeVersion.objects.for_user(request.user, "view").filter(programme=programme)
        new = self._numbered(request, programme, "to", visible) or visible.order_by("-number").first()
        if new is None:
            raise Http404
        old = self._numbered(request, programme, "from", visible) or (
            visible.filter(pk=new.based_on_id).first() if new.based_on_id
            else visible.filter(number__lt=new.number).order_by("-number").first())
        if old is None:
            raise ValidationError({"from": [_("There is no earlier version to compare with.")]})
        from edureg.programmes.diff import diff_versions

        differences = diff_versions(old, new)
        return Response({"from": old.number, "to": new.number,
                         "differences": DifferenceSerializer(differences, many=True).data})

    @extend_schema(responses={(200, "application/ld+json"): OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"], scope_action="view")
    def elm(self, request, code=None):
        """The version in force as a European Learning Model (Europass) JSON-LD learning opportunity."""
        programme = self.get_object()
        version = programme.current_version
        if version is None or not ProgrammeVersion.objects.for_user(request.user, "view").filter(
                pk=version.pk).exists():
            raise Http404(_("The programme has no version in force."))
        from edureg.programmes.elm import programme_elm  # written alongside; imported when asked for

        return Response(programme_elm(version))

    def _numbered(self, request, programme, param, visible=None):
        value = request.query_params.get(param)
        if value in (None, ""):
            return None
        if not value.isdigit() or len(value) > 5:
            raise ValidationError({param: [_("Give a version number.")]})
        visible = visible if visible is not None else ProgrammeVersion.objects.for_user(request.user, "view")
        version = visible.filter(programme=programme, number=int(value)).first()
        if version is None:
            raise ValidationError({param: [_("The programme has no version %(n)s.") % {"n": value}]})
        return version

    # --- the provider's steps -------------------------------------------------------------------------
    @extend_schema(request=None, responses=ProgrammeSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def submit(self, request, code=None):
        """Submit the draft for registration. Refused, with one message per broken rule, if it breaks its
        kind's rules."""
        programme = self.get_object()
        draft = version_by_status(programme, VersionStatus.DRAFT, message=_("The programme has no draft to submit."))
        services.submit_version(draft, actor=request.user)
        return self._answer(programme)

    @extend_schema(request=None, responses={201: ProgrammeVersionSerializer})
    @action(detail=True, methods=["post"], scope_action="change", url_path="new-version")
    def new_version(self, request, code=None):
        """Draft a new version: a copy of the version in force (modules included), to change and submit."""
        programme = self.get_object()
        version = services.new_version(programme, actor=request.user)
        return Response(ProgrammeVersionSerializer(version, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=DeregistrationSerializer, responses=ProgrammeSerializer)
    @action(detail=True, methods=["post"], scope_action="change", url_path="request-deregistration")
    def request_deregistration(self, request, code=None):
        """Ask for deregistration from a date, with a reason; it takes effect when the administrator confirms."""
        programme = self.get_object()
        payload = DeregistrationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.request_deregistration(programme, actor=request.user, **payload.validated_data)
        return self._answer(programme)

    @extend_schema(request=None, responses=ProgrammeSerializer)
    @action(detail=True, methods=["post"], scope_action="change", url_path="cancel-deregistration")
    def cancel_deregistration(self, request, code=None):
        """Withdraw a deregistration request that is not confirmed yet."""
        programme = self.get_object()
        services.cancel_deregistration(programme, actor=request.user)
        return self._answer(programme)

    # --- the register's administrator ----------------------------------------------------------------
    @extend_schema(request=RegistrationSerializer, responses=ProgrammeSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def register(self, request, code=None):
        """Register the submitted version. The first registration gives the programme its state code (the one
        given, or a generated one); a newer registered version replaces the one in force."""
        self._registrar_only()
        programme = self.get_object()
        payload = RegistrationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        submitted = version_by_status(programme, VersionStatus.SUBMITTED,
                                      message=_("The programme has no submitted version."))
        services.register_version(submitted, actor=request.user, **payload.validated_data)
        return self._answer(programme)

    @extend_schema(request=ReasonSerializer, responses=ProgrammeSerializer)
    @action(detail=True, methods=["post"], scope_action="change", url_path="return")
    def return_(self, request, code=None):
        """Return the submitted version to the provider as a draft, with the reason."""
        self._registrar_only()
        programme = self.get_object()
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        submitted = version_by_status(programme, VersionStatus.SUBMITTED,
                                      message=_("The programme has no submitted version."))
        services.return_version(submitted, actor=request.user, reason=payload.validated_data["reason"])
        return self._answer(programme)

    @extend_schema(request=SuspensionSerializer, responses=ProgrammeSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def suspend(self, request, code=None):
        """Suspend a registered programme (no new offerings), with a reason."""
        self._registrar_only()
        programme = self.get_object()
        payload = SuspensionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.suspend_programme(programme, actor=request.user, **payload.validated_data)
        return self._answer(programme)

    @extend_schema(request=ResumeSerializer, responses=ProgrammeSerializer)
    @action(detail=True, methods=["post"], scope_action="change")
    def resume(self, request, code=None):
        """Lift a suspension."""
        self._registrar_only()
        programme = self.get_object()
        payload = ResumeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.resume_programme(programme, actor=request.user, **payload.validated_data)
        return self._answer(programme)

    @extend_schema(request=None, responses=ProgrammeSerializer)
    @action(detail=True, methods=["post"], scope_action="change", url_path="confirm-deregistration")
    def confirm_deregistration(self, request, code=None):
        """Confirm the requested deregistration: the programme is deregistered from the requested date."""
        self._registrar_only()
        programme = self.get_object()
        services.confirm_deregistration(programme, actor=request.user)
        return self._answer(programme)


@register("programme-versions")
class ProgrammeVersionViewSet(PublishedOnlyMixin, RegisterViewSet):
    """Versions with their modules. POST drafts a new version of a registered programme (a copy of the version
    in force, with the changes given); PATCH changes a draft only: a submitted or registered version refuses.
    Versions are not deleted."""

    model = ProgrammeVersion
    serializer_class = ProgrammeVersionSerializer
    select_related = ("programme", "qualification", "isced_f", "language", "based_on")
    filterset_class = ProgrammeVersionFilter
    search_fields = ["name_lt", "name_en"]
    ordering_fields = ["number", "status_since", "registered_on"]
    update_service = services.update_version

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs
        return qs.prefetch_related(modules_prefetch(self.request.user))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        programme = data.pop("programme")
        with transaction.atomic():
            version = services.new_version(programme, actor=self.request.user)
            if data:
                version = services.update_version(version, actor=self.request.user, **data)
            self.ensure_scope(version, "add")
        serializer.instance = ProgrammeVersion.objects.prefetch_related(
            modules_prefetch(self.request.user)).get(pk=version.pk)

    def perform_destroy(self, instance):
        raise PermissionDenied(_("Versions are kept: a draft changes, a registered version is replaced by a newer "
                                 "one, a programme is deregistered."))


@register("modules")
class ModuleViewSet(PublishedOnlyMixin, RegisterViewSet):
    """Modules of programme versions; added, changed and deleted only in a draft."""

    model = Module
    serializer_class = ModuleSerializer
    prefetch_related = ("competences",)
    filterset_class = ModuleFilter
    search_fields = ["code", "name_lt", "name_en"]
    ordering_fields = ["position", "code"]
    create_service = services.add_module
    update_service = services.update_module
    delete_service = services.delete_module


@register("programme-kinds")
class ProgrammeKindViewSet(EditRegisterViewSet):
    """Programme kinds and the rules each must meet (rules as data, edited by the agency)."""

    model = ProgrammeKind
    serializer_class = ProgrammeKindSerializer
    lookup_field = "code"
    lookup_value_regex = r"[-\w]+"
    search_fields = ["code", "name_lt", "name_en"]
    ordering_fields = ["sort_order", "code"]
    create_service = services.create_kind
    update_service = services.update_kind

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs
        return qs.prefetch_related(Prefetch("rules", queryset=ProgrammeRule.objects.order_by("code")))


@register("programme-rules")
class ProgrammeRuleViewSet(RegisterViewSet):
    model = ProgrammeRule
    serializer_class = ProgrammeRuleSerializer
    select_related = ("kind",)
    filterset_class = ProgrammeRuleFilter
    search_fields = ["code", "message_lt", "message_en"]
    ordering_fields = ["code", "kind__code"]
    create_service = services.create_rule
    update_service = services.update_rule
    delete_service = services.delete_rule


@register("programme-events")
class ProgrammeEventViewSet(ReadOnlyRegisterViewSet):
    """The lifecycle events of programmes (written by the services only)."""

    model = ProgrammeEvent
    serializer_class = ProgrammeEventSerializer
    select_related = ("programme", "version", "user")
    filterset_class = ProgrammeEventFilter
    ordering_fields = ["time", "date"]


@register("offerings")
class OfferingViewSet(RegisterViewSet):
    """Registered programmes offered by an institution in a school year, at a place, with places."""

    model = Offering
    serializer_class = OfferingSerializer
    select_related = ("programme", "version", "institution", "branch", "municipality", "language")
    filterset_class = OfferingFilter
    search_fields = ["programme__name_lt", "programme__name_en", "programme__state_code", "institution__name"]
    ordering_fields = ["year", "start_date", "state_funded_places", "paid_places"]
    create_service = services.create_offering
    update_service = services.update_offering
    delete_service = services.delete_offering
