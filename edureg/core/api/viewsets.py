"""Base viewset for registers: scoped querysets, audit context, writes through service functions."""

from contextvars import Token

from rest_framework import viewsets

from edureg.core.api.permissions import action_for
from edureg.core.audit.context import AuditContext, _current


class RegisterViewSet(viewsets.ModelViewSet):
    """Subclasses set `model`, serializers and the three services:

    create_service(*, actor, **validated) -> instance
    update_service(instance, *, actor, **validated) -> instance
    delete_service(instance, *, actor) -> None
    """

    model = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    create_service = None
    update_service = None
    delete_service = None
    _audit_token: Token | None = None

    def get_queryset(self):
        qs = self.model.objects.for_user(self.request.user, action_for(self.request))
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Token-authenticated users are known only here, after DRF authentication.
        base = _current.get()
        user = request.user
        self._audit_token = _current.set(AuditContext(
            user_id=user.pk if user.is_authenticated else None,
            user_name=user.get_username() if user.is_authenticated else "",
            request_id=base.request_id, job_id=base.job_id, source="api"))

    def finalize_response(self, request, response, *args, **kwargs):
        if self._audit_token is not None:
            _current.reset(self._audit_token)
            self._audit_token = None
        return super().finalize_response(request, response, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = type(self).create_service(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = type(self).update_service(serializer.instance, actor=self.request.user,
                                                        **serializer.validated_data)

    def perform_destroy(self, instance):
        type(self).delete_service(instance, actor=self.request.user)
