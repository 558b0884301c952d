"""Errors as 400/409 with field-level messages, never a 500, in the request's language.

Service functions raise Django's ValidationError with {field: [messages]}; the API answers with the
same shape DRF uses for serializer errors, so a client handles both alike.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback


def django_errors(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {(api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field):
                [m for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
    return {api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return Response(django_errors(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ProtectedError | RestrictedError):
        set_rollback()
        return Response({"detail": _("This record is still referred to by other records and cannot be "
                                     "deleted.")}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, IntegrityError):
        set_rollback()
        return Response({"detail": _("The data conflicts with an existing record (a duplicate code or an "
                                     "overlapping period).")}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
