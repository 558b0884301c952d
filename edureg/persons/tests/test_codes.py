import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from edureg.persons import codes
from edureg.persons.tests.factories import PersonFactory


def test_known_vectors():
    assert codes.check("33309240064") == "33309240064"
    with translation.override("en"), pytest.raises(ValueError, match="check digit"):
        codes.check("33309240164")


def test_derived_birth_date_and_sex():
    assert codes.birth_date("33309240064") == datetime.date(1933, 9, 24)
    assert codes.sex("33309240064") == "M"
    assert codes.sex("49001010000"[:10] + "0") == "F"


@pytest.mark.parametrize("born,sex", [(datetime.date(1999, 12, 31), "F"), (datetime.date(2011, 2, 3), "M"),
                                      (datetime.date(1950, 6, 1), "M")])
def test_make_produces_valid_codes(born, sex):
    code = codes.make(born, sex, 123)
    assert codes.check(code) == code
    assert codes.birth_date(code) == born and codes.sex(code) == sex


def test_mask_keeps_last_four():
    assert codes.mask("33309240064") == "*******0064"
    assert codes.mask(None) == ""


@pytest.mark.django_db
def test_person_clean_rejects_mismatched_birth_date():
    person = PersonFactory.build(personal_code="33309240064", birth_date=datetime.date(1933, 9, 25))
    person.sex = PersonFactory(sex_code="M").sex
    with pytest.raises(ValidationError) as exc:
        person.full_clean()
    assert "birth_date" in exc.value.message_dict
