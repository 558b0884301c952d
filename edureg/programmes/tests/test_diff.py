"""Differences between two versions: fields, and modules added, removed and changed (competences included)."""

import json
from decimal import Decimal as D

import pytest
from django.utils import translation

from edureg.programmes import services
from edureg.programmes.tests.factories import make_registered
from edureg.qualifications.tests.factories import CompetenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(world):
    programme = make_registered(provider=world.a1)
    v1 = programme.current_version
    v2 = services.new_version(programme, actor=None)
    return v1, v2


def test_identical_versions_have_no_differences(versions):
    assert services.diff_versions(*versions) == []


def test_field_differences_with_labels_and_display_values(versions):
    v1, v2 = versions
    services.update_version(v2, actor=None, name_lt="Suvirintojo programa (2026)", credits=D("95"),
                            forms=["full_time"], with_general_education=True)
    with translation.override("en"):
        found = {d.field: d for d in services.diff_versions(v1, v2)}
    assert set(found) == {"name_lt", "credits", "forms", "with_general_education"}
    assert (found["credits"].label, found["credits"].old, found["credits"].new) == ("Credits", "90", "95")
    assert (found["forms"].old, found["forms"].new) == ("Full-time, Apprenticeship", "Full-time")
    assert (found["with_general_education"].old, found["with_general_education"].new) == ("no", "yes")
    assert found["name_lt"].new == "Suvirintojo programa (2026)" and found["name_lt"].kind == "field"


def test_module_added_removed_and_changed(versions):
    v1, v2 = versions
    competence = CompetenceFactory(code="K-SUV-1")
    services.delete_module(v2.modules.get(code="M05"), actor=None)
    services.update_module(v2.modules.get(code="M03"), actor=None, credits=D(65), competences=[competence])
    services.add_module(v2, actor=None, code="M07", name_lt="Saugus darbas", type="general", credits=D(1))
    with translation.override("en"):
        found = services.diff_versions(v1, v2)
    by_kind = {(d.kind, d.field): d for d in found}
    assert set(by_kind) == {("module_removed", "M05"), ("module_changed", "M03"), ("module_added", "M07")}
    assert by_kind[("module_added", "M07")].new == "M07 Saugus darbas"
    assert by_kind[("module_removed", "M05")].old.startswith("M05 ")
    changes = {c.field: (c.old, c.new) for c in by_kind[("module_changed", "M03")].changes}
    assert changes == {"credits": ("60", "65"), "competences": ("", "K-SUV-1")}
    assert [d.field for d in found] == ["M03", "M05", "M07"]  # modules in code order


def test_differences_serialise_to_json(versions):
    v1, v2 = versions
    services.update_module(v2.modules.get(code="M01"), actor=None, name_en="Introduction")
    with translation.override("en"):
        data = json.loads(json.dumps([d.as_dict() for d in services.diff_versions(v1, v2)]))
    assert data == [{"kind": "module_changed", "field": "M01", "label": "M01 Introduction", "old": "", "new": "",
                     "changes": [{"kind": "field", "field": "name_en", "label": "Name (English)", "old": "",
                                  "new": "Introduction", "changes": []}]}]


def test_labels_follow_the_language(versions):
    v1, v2 = versions
    services.update_version(v2, actor=None, name_en="Welder (2026)")
    with translation.override("en"):
        [english] = services.diff_versions(v1, v2)
    with translation.override("lt"):
        [lithuanian] = services.diff_versions(v1, v2)
    assert (english.label, lithuanian.label) == ("Name (English)", "Pavadinimas (angliškai)")
    assert lithuanian.new == "Welder (2026)"
