"""The change feed: every create, update and delete of an audited record, in commit order.

    GET /api/v1/changes/?after=<cursor>&limit=N[&type=institutions.institution,...]

Positions (`seq`) are handed out after commit by the sequencer, so a reader that keeps the last
position it processed and asks for the ones after it never skips a change nor sees one twice.
The protocol is described for clients in the OpenAPI description (core.api.schema).
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from edureg.core.api.registry import register
from edureg.core.audit.registry import feed_models, in_feed
from edureg.core.audit.sequencer import assign_positions
from edureg.core.models import ObjectChange

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def feed_changes():
    """The change records the feed serves: those with a position, of the models in the feed (not user accounts)."""
    feed_types = ContentType.objects.get_for_models(*feed_models()).values()
    return ObjectChange.objects.exclude(seq__isnull=True).filter(content_type__in=feed_types)


def type_label(content_type: ContentType) -> str:
    return f"{content_type.app_label}.{content_type.model}"


class ChangeSerializer(serializers.ModelSerializer):
    type = serializers.SerializerMethodField(help_text=_("The record's type as app.model, e.g. "
                                                         "institutions.institution."))
    user = serializers.CharField(source="user_name", read_only=True, help_text=_("User name of the actor."))
    before = serializers.JSONField(source="prechange_data", read_only=True,
                                   help_text=_("Field values before the change (null for a creation)."))
    after = serializers.JSONField(source="postchange_data", read_only=True,
                                  help_text=_("Field values after the change (null for a deletion)."))

    class Meta:
        model = ObjectChange
        fields = ["seq", "time", "action", "type", "object_id", "object_repr", "user", "request_id", "job_id",
                  "source", "before", "after"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_type(self, obj) -> str:
        return type_label(obj.content_type)


class ChangePageSerializer(serializers.Serializer):
    next = serializers.IntegerField(help_text=_("The cursor for the next call: the position of the last change "
                                                "returned, or the given cursor when none was returned."))
    last = serializers.IntegerField(help_text=_("The newest position in the feed now."))
    has_more = serializers.BooleanField(help_text=_("More changes wait after `next`."))
    results = ChangeSerializer(many=True)


class ChangeFeedQuery(serializers.Serializer):
    after = serializers.IntegerField(min_value=0, default=0, required=False,
                                     help_text=_("Return changes after this position (0 = from the start)."))
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT, required=False,
                                     help_text=_("At most this many changes."))
    type = serializers.CharField(required=False, allow_blank=False,
                                 help_text=_("Only these record types, comma-separated app.model labels, "
                                             "e.g. institutions.institution,institutions.branch."))

    def validate_type(self, value: str) -> list[ContentType]:
        types = []
        for label in (v.strip() for v in value.split(",")):
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError):
                model = None
            if model is None or not in_feed(model):
                raise serializers.ValidationError(_("%(type)s is not a record type of the change feed.")
                                                  % {"type": label})
            types.append(ContentType.objects.get_for_model(model))
        return types


@register("changes")
class ChangeFeedViewSet(viewsets.GenericViewSet):
    """The change feed (agency administrators and the systems they give a token to)."""

    model = ObjectChange  # RolePermission: reading needs core.view_objectchange; nothing else is allowed
    serializer_class = ChangeSerializer
    pagination_class = None
    filter_backends = []
    lookup_field = "seq"
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return feed_changes().select_related("content_type")

    @extend_schema(parameters=[ChangeFeedQuery], responses=ChangePageSerializer,
                   summary=_("Changes after a cursor, in commit order"))
    def list(self, request):
        query = ChangeFeedQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        after, limit = query.validated_data["after"], query.validated_data["limit"]
        assign_positions()
        last = feed_changes().aggregate(last=Max("seq"))["last"] or 0
        if after > last:
            raise serializers.ValidationError({"after": [_(
                "Unknown cursor %(after)s: the feed ends at %(last)s. Start again from a full copy.")
                % {"after": after, "last": last}]})
        qs = self.get_queryset().filter(seq__gt=after).order_by("seq")
        if "type" in query.validated_data:
            qs = qs.filter(content_type__in=query.validated_data["type"])
        rows = list(qs[:limit + 1])
        has_more = len(rows) > limit
        rows = rows[:limit]
        return Response({"next": rows[-1].seq if rows else after, "last": last, "has_more": has_more,
                         "results": ChangeSerializer(rows, many=True).data})

    @extend_schema(summary=_("One change by its position"))
    def retrieve(self, request, seq=None):
        assign_positions()
        return Response(ChangeSerializer(self.get_object()).data)
