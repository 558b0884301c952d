"""Pieces shared by the evaluation API's viewsets: the reader's role in the serializers' context, no deletes
of workflow records, the PDF renderer."""

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from edureg.core.scoping import scope_for
from edureg.evaluation.services.common import is_coordinator

CODE = r"[-a-zA-Z0-9_]{1,40}"
MAX_SCORES = 100


class EvaluationContextMixin:
    """Serializers are told whether the reader is the agency's coordinator and which person is theirs."""

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user if self.request is not None else None
        context["coordinator"] = bool(user is not None and user.is_authenticated and is_coordinator(user))
        context["person_ids"] = scope_for(user).person_ids if user is not None else frozenset()
        return context

    def payload(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def answer(self, instance, serializer_class=None, code=status.HTTP_200_OK):
        """The record re-read as the user sees it, with the list's joins."""
        serializer_class = serializer_class or self.serializer_class
        queryset = self.scoped("view")
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        fresh = queryset.filter(pk=instance.pk).first() or instance
        return Response(serializer_class(fresh, context=self.get_serializer_context()).data, status=code)


class NoDeleteMixin:
    """Records kept for the history: DELETE is refused (404 outside the user's scope, 403 for a visible one)."""

    no_delete_message = _("Evaluation records are kept; they change only through the workflow's steps.")

    def destroy(self, request, *args, **kwargs):
        self.get_object()
        raise PermissionDenied(self.no_delete_message)


# --- definitions ------------------------------------------------------------------------------------------------


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)
