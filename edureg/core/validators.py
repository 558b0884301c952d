"""Validators for Lithuanian identifiers that python-stdnum does not cover."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def legal_entity_check_digit(first8: str) -> int | None:
    """Check digit of a 9-digit legal-entity code (weights 1..8, sum mod 11); None when it is 10."""
    remainder = sum(int(d) * w for d, w in zip(first8, range(1, 9), strict=True)) % 11
    return None if remainder == 10 else remainder


def is_valid_legal_entity_code(code: str) -> bool:
    if not isinstance(code, str) or len(code) != 9 or not code.isdigit():
        return False
    return legal_entity_check_digit(code[:8]) == int(code[8])


def validate_legal_entity_code(value: str) -> None:
    if not isinstance(value, str) or len(value) != 9 or not value.isdigit():
        raise ValidationError(_("A legal-entity code has exactly 9 digits."), code="format")
    if not is_valid_legal_entity_code(value):
        raise ValidationError(_("The check digit of legal-entity code %(code)s is wrong."),
                              code="checksum", params={"code": value})
