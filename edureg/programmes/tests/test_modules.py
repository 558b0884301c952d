"""Modules of a draft version: add, change, delete, with their refusals."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from edureg.programmes import services
from edureg.programmes.models import Module
from edureg.programmes.tests.factories import make_programme
from edureg.qualifications.tests.factories import CompetenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(world):
    return world.users["institution_officer"]


@pytest.fixture
def version(world):
    return make_programme(provider=world.a1, with_modules=False).versions.get()


def test_add_module_with_competences_and_next_position(version, officer):
    competences = CompetenceFactory.create_batch(2)
    first = services.add_module(version, actor=officer, code="M1", name_lt="Įvadas", type="introductory",
                                credits=D(2))
    second = services.add_module(version, actor=officer, code="M2", name_lt="Suvirinimas", type="competence",
                                 credits=D(60), competences=competences)
    assert second.position == first.position + 1
    assert set(second.competences.all()) == set(competences)


def test_duplicate_module_code_names_the_field(version, officer):
    services.add_module(version, actor=officer, code="M1", name_lt="Įvadas", type="introductory", credits=D(2))
    with pytest.raises(ValidationError) as exc:
        services.add_module(version, actor=officer, code="M1", name_lt="Kitas", type="general", credits=D(2))
    assert list(exc.value.message_dict) == ["code"]
    assert version.modules.count() == 1


def test_an_elective_is_not_mandatory(version, officer):
    with pytest.raises(ValidationError) as exc:
        services.add_module(version, actor=officer, code="E1", name_lt="Pasirenkamas", type="elective",
                            mandatory=True, credits=D(5))
    assert "mandatory" in exc.value.message_dict
    assert not version.modules.exists()


@pytest.mark.parametrize(("field", "value"), [("credits", D(-1)), ("ltks_level", 9), ("type", "optional")])
def test_bad_module_values_name_the_field(version, officer, field, value):
    fields = {"code": "M1", "name_lt": "Modulis", "type": "general", "credits": D(2), field: value}
    with pytest.raises(ValidationError) as exc:
        services.add_module(version, actor=officer, **fields)
    assert field in exc.value.message_dict
    assert not version.modules.exists()


def test_unknown_module_field(version, officer):
    with pytest.raises(ValidationError) as exc:
        services.add_module(version, actor=officer, code="M1", name_lt="M", type="general", programme=None)
    assert "programme" in exc.value.message_dict


def test_update_and_delete_module(version, officer):
    module = services.add_module(version, actor=officer, code="M1", name_lt="Įvadas", type="introductory",
                                 credits=D(2))
    competence = CompetenceFactory()
    services.update_module(module, actor=officer, credits=D(3), competences=[competence])
    module = Module.objects.get(pk=module.pk)
    assert module.credits == D(3) and list(module.competences.all()) == [competence]
    services.delete_module(module, actor=officer)
    assert not version.modules.exists()


def test_another_institutions_officer_cannot_touch_modules(world, officer):
    version = make_programme(provider=world.b1).versions.get()
    module = version.modules.first()
    with pytest.raises(PermissionDenied):
        services.add_module(version, actor=officer, code="X1", name_lt="X", type="general", credits=D(1))
    with pytest.raises(PermissionDenied):
        services.update_module(module, actor=officer, credits=D(1))
    with pytest.raises(PermissionDenied):
        services.delete_module(module, actor=officer)
    assert version.modules.count() == 6 and not version.modules.filter(code="X1").exists()
    assert Module.objects.get(pk=module.pk).credits != D(1)


def test_modules_of_a_submitted_version_are_frozen(world, officer):
    version = make_programme(provider=world.a1).versions.get()
    services.submit_version(version, actor=officer)
    with pytest.raises(ValidationError) as exc:
        services.add_module(version, actor=officer, code="X1", name_lt="X", type="general", credits=D(1))
    assert "status" in exc.value.message_dict
