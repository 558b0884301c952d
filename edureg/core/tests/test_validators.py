import pytest
from django.core.exceptions import ValidationError

from edureg.core.logging import mask_personal_codes
from edureg.core.validators import is_valid_legal_entity_code, validate_legal_entity_code


@pytest.mark.parametrize("code", ["188603515", "211950810"])
def test_known_valid_legal_entity_codes(code):
    assert is_valid_legal_entity_code(code)
    validate_legal_entity_code(code)


@pytest.mark.parametrize("code", ["188603516", "211950811", "18860351", "1886035155", "18860351a", ""])
def test_bad_legal_entity_codes(code):
    assert not is_valid_legal_entity_code(code)
    with pytest.raises(ValidationError):
        validate_legal_entity_code(code)


def test_remainder_ten_is_invalid():
    # 00000009 -> 9*8 = 72 = 6*11 + 6; find a body whose weighted sum leaves 10.
    body = next(f"{n:08d}" for n in range(10**7, 10**8) if
                sum(int(d) * w for d, w in zip(f"{n:08d}", range(1, 9), strict=True)) % 11 == 10)
    for last in "0123456789":
        assert not is_valid_legal_entity_code(body + last)


def test_log_filter_masks_personal_codes():
    assert mask_personal_codes("user opened 33309240064 record") == "user opened 3********** record"
    assert mask_personal_codes("legal entity 188603515") == "legal entity 188603515"
