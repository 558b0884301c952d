"""Base viewsets for registers: scoped querysets, audit context, writes through service functions."""

from contextvars import Token

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotAuthenticated, PermissionDenied

from edureg.core.api.permissions import action_for
from edureg.core.audit.context import AuditContext, _current
from edureg.core.scoping import permission_name


def joined_deferrals(model, paths) -> list[str]:
    """Columns of joined models that API reads never show (a model lists them in `defer_in_joins`, e.g. a
    classifier item's JSON attributes, which would otherwise be decoded for every row of every list)."""
    deferred = []
    for path in paths:
        target = model
        for part in path.split("__"):
            target = target._meta.get_field(part).related_model
        deferred += [f"{path}__{name}" for name in getattr(target, "defer_in_joins", ())]
    return deferred


class RegisterViewSetMixin:
    """Rows come only from `model.objects.for_user(user, action)`, the one scoping method.

    Subclasses set `model`, `serializer_class` (and `list_serializer_class` when the list shows less),
    `select_related` / `prefetch_related` so that a list costs the same number of queries whatever
    its length, and the services:

        create_service(*, actor, **validated) -> instance
        update_service(instance, *, actor, **validated) -> instance
        delete_service(instance, *, actor) -> None

    An extra action declares its scoping action with `@action(..., scope_action="change")`.
    """

    model = None
    list_serializer_class = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()
    scope_action: str | None = None
    create_service = None
    update_service = None
    delete_service = None
    _audit_token: Token | None = None

    # --- reads -----------------------------------------------------------------------------
    def scoped(self, action: str):
        return self.model.objects.for_user(self.request.user, action)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, no rows
            return self.model.objects.none()
        qs = self.scoped(action_for(self.request, self))
        if self.select_related:
            qs = qs.select_related(*self.select_related)
            deferred = joined_deferrals(self.model, self.select_related)
            if deferred:
                qs = qs.defer(*deferred)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    def filter_queryset(self, queryset):
        # Query filters, search and ordering shape lists; a single record is found by its key alone.
        if self.detail:
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        if self.action == "list" and self.list_serializer_class is not None:
            return self.list_serializer_class
        return super().get_serializer_class()

    def get_object(self):
        """404 for a row the user cannot see; 403 for one they can see but not change or delete."""
        try:
            return super().get_object()
        except Http404:
            if action_for(self.request, self) != "view" and self._visible():
                raise PermissionDenied() from None
            raise

    def _visible(self) -> bool:
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        value = self.kwargs.get(lookup_url_kwarg)
        try:
            return self.scoped("view").filter(**{self.lookup_field: value}).exists()
        except (TypeError, ValueError, DjangoValidationError):
            return False

    # --- audit context -----------------------------------------------------------------------
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

    # --- writes --------------------------------------------------------------------------------
    def ensure_scope(self, instance, action: str) -> None:
        """After a write, inside its transaction: the row must still be in the user's scope."""
        if not self.scoped(action).filter(pk=instance.pk).exists():
            raise PermissionDenied()

    def perform_create(self, serializer):
        with transaction.atomic():
            instance = type(self).create_service(actor=self.request.user, **serializer.validated_data)
            self.ensure_scope(instance, "add")
        serializer.instance = instance

    def perform_update(self, serializer):
        with transaction.atomic():
            instance = type(self).update_service(serializer.instance, actor=self.request.user,
                                                 **serializer.validated_data)
            self.ensure_scope(instance, "change")
        serializer.instance = instance

    def perform_destroy(self, instance):
        type(self).delete_service(instance, actor=self.request.user)


class RegisterViewSet(RegisterViewSetMixin, viewsets.ModelViewSet):
    """List, read, create, update and delete."""


class EditRegisterViewSet(RegisterViewSetMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                          mixins.UpdateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """List, read, create and update; no deletion (records whose history is kept, e.g. classifiers)."""


class ReadOnlyRegisterViewSet(RegisterViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """List and read."""


class PublishedOnlyMixin:
    """The public reads published rows only. Reading beyond them needs a role that may view the register: without
    one, a row not found is refused as the register would be (401 anonymous, 403 signed in), whatever the key, so
    the answer tells nothing about unpublished rows."""

    def refuse_hidden(self):
        user = self.request.user
        if not user.is_authenticated:
            raise NotAuthenticated()
        if not user.has_perm(permission_name(self.model, "view")):
            raise PermissionDenied()

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            self.refuse_hidden()
            raise
