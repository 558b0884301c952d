"""The shipped catalogue: it loads (twice, to the same result), every indicator is sound and computes on the small
country; a bad catalogue file is refused with a message naming the row, and nothing of it is kept; the checks of
Measure.clean and Indicator.clean."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from edureg.classifiers.tests.factories import item
from edureg.core.models import ObjectChange
from edureg.indicators.choices import RunStatus
from edureg.indicators.models import Indicator, Measure, Observation, Theme
from edureg.indicators.services import compute_now, load_catalogue
from edureg.indicators.services.catalogue import DATA_FILE
from edureg.indicators.tests import world
from edureg.indicators.tests.factories import IndicatorFactory, MeasureFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def library_types():
    """The data-collections loader needs the respondent type of the library form."""
    return item("institution_type", "3410", "Savivaldybės viešoji biblioteka", category="library")


def shipped() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def test_the_shipped_catalogue_loads_twice_to_the_same_result(library_types):
    first = load_catalogue()
    data = shipped()
    assert first["themes"]["created"] == len(data["themes"]) == 6
    assert first["indicators"]["created"] == len(data["indicators"]) >= 28
    assert first["measures"]["created"] == len(data["measures"])
    changes = ObjectChange.objects.count()
    second = load_catalogue()
    assert all(numbers["created"] == numbers["updated"] == 0 for numbers in second.values())
    assert second["indicators"]["unchanged"] == len(data["indicators"])
    assert ObjectChange.objects.count() == changes  # nothing was saved again
    assert Indicator.objects.count() == len(data["indicators"])
    assert {t.code for t in Theme.objects.all()} == {"learners", "pedagogues", "vet", "admission", "institutions",
                                                     "libraries"}
    assert Measure.objects.get(code="lib_registered_users").collection.code == "LIB-ANNUAL"


def test_every_shipped_indicator_is_documented_in_both_languages(library_types):
    load_catalogue()
    for indicator in Indicator.objects.all():
        indicator.full_clean()
        for name in ("name_lt", "name_en", "definition_lt", "definition_en", "unit_lt", "unit_en", "source_lt",
                     "source_en", "methodology_lt", "methodology_en"):
            assert getattr(indicator, name), f"{indicator.code}: {name} is empty"
        assert indicator.dimensions, indicator.code
    codes = set(Indicator.objects.values_list("code", flat=True))
    assert {"LRN-TOTAL", "LRN-NONSTATE", "LRN-CLASS-SIZE", "LRN-DROPOUT", "LRN-TRANSFER", "PED-RATIO", "PED-60PLUS",
            "PED-MEN", "VET-EQAVET3", "VET-EQAVET4", "ADM-DEMAND", "ADM-FILLED", "ADM-FIRST-CHOICE", "LIB-COVERAGE",
            "LIB-VISITS"} <= codes


def test_the_shipped_catalogue_computes_on_a_small_country(library_types):
    w = world.build()
    load_catalogue()
    run = compute_now()
    assert run.status == RunStatus.FINISHED
    assert run.summary["indicators"] == Indicator.objects.count()

    def total(code, year=2025, **dims):
        return Observation.objects.get(run=run, indicator__code=code, year=year, **{
            d: dims.get(d, "") for d in ("county", "municipality", "institution_type", "ownership", "sex",
                                         "age_group", "isced_level", "education", "programme_kind")})

    assert total("LRN-TOTAL").numerator == 9
    assert total("LRN-NONSTATE").value == round(2 / 9 * 100, 1)
    assert total("LRN-CLASS-SIZE").value == 2.0  # 6 learners in 3 classes
    assert total("PED-PERSONS").numerator == 2  # P1 and P2 (P3 is a librarian)
    assert total("PED-FTE").value == 3.0
    assert total("VET-EQAVET3").value == 75.0  # 3 VET of 4 ISCED 3 learners
    assert total("VET-EQAVET4", year=2024).value == 100.0  # 1 completer, no dropouts
    assert total("INS-SCHOOLS").value == 2
    assert total("LRN-DROPOUT").value == round(1 / 9 * 100, 2)
    assert w["A"].pk


@pytest.mark.parametrize(("change", "where", "text"), [
    (lambda d: d["indicators"][0].update(numerator="nope + learners"), "indicators[1]", "Unknown measure 'nope'"),
    (lambda d: d["indicators"][0].update(dimensions=["colour"]), "indicators[1]", "Unknown dimension colour"),
    (lambda d: d["measures"][0].update(filters=[["education", "gt", "vet"]]), "measures[1]",
     "operator 'gt' does not apply"),
    (lambda d: d["indicators"][0].update(theme="nowhere"), "indicators[1]", "unknown theme 'nowhere'"),
    (lambda d: d["indicators"][0].update(colour="red"), "indicators[1]", "unknown key colour"),
    (lambda d: d["indicators"].append(dict(d["indicators"][0])), "indicators", "listed twice"),
])
def test_a_bad_catalogue_is_refused_and_nothing_is_kept(tmp_path, library_types, change, where, text):
    data = shipped()
    change(data)
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError) as error:
        load_catalogue(path)
    message = " ".join(error.value.messages)
    assert where in message and text in message
    assert not Theme.objects.exists() and not Measure.objects.exists() and not Indicator.objects.exists()


def test_an_unreadable_catalogue_is_refused(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValidationError, match="cannot be read as JSON"):
        load_catalogue(path)
    with pytest.raises(ValidationError, match="There is no file"):
        load_catalogue(tmp_path / "missing.json")


def test_a_changed_row_is_updated(tmp_path, library_types):
    load_catalogue()
    data = shipped()
    data["indicators"][0]["name_en"] = "Learners (renamed)"
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    counts = load_catalogue(path)
    assert counts["indicators"]["updated"] == 1
    assert Indicator.objects.get(code=data["indicators"][0]["code"]).name_en == "Learners (renamed)"


# --- Measure.clean and Indicator.clean ----------------------------------------------------------------------------

def test_indicator_clean_refuses_unknown_measures_and_dimensions():
    MeasureFactory(code="learners")
    MeasureFactory(code="pop", source="population", aggregation="sum", field="population")
    theme = ThemeFactory()

    def errors(**fields):
        indicator = IndicatorFactory.build(theme=theme, **{"numerator": "learners", **fields})
        with pytest.raises(ValidationError) as error:
            indicator.full_clean()
        return error.value.message_dict

    assert "Unknown measure 'ghost'" in errors(numerator="learners + ghost")["numerator"][0]
    assert "cannot be read" in errors(denominator="learners / (")["denominator"][0]
    assert "Unknown dimension colour" in errors(dimensions=["sex", "colour"])["dimensions"][0]
    assert "listed twice" in errors(dimensions=["sex", "sex"])["dimensions"][0]
    # population has no sex: a learners-per-resident indicator cannot be broken down by it.
    assert "pop: sex" in errors(denominator="pop", dimensions=["sex"])["dimensions"][0]
    IndicatorFactory.build(theme=theme, code="OK", numerator="learners", denominator="pop",
                           dimensions=["county", "municipality"]).full_clean()


def test_a_measure_code_with_a_hyphen_is_refused():
    """A formula would read "learners-vet" as learners minus vet."""
    with translation.override("en"), pytest.raises(ValidationError) as error:
        Measure(code="learners-vet", name_lt="x", name_en="x", source="learners").full_clean()
    assert "minus" in error.value.message_dict["code"][0]


def test_measure_clean_refuses_bad_filters():
    with pytest.raises(ValidationError) as error:
        Measure(code="x", name_lt="x", name_en="x", source="staff",
                filters=[["main_job", "eq", "yes"], ["position_group", "lt", "teacher"], "age"]).full_clean()
    problems = error.value.message_dict["filters"]
    assert "Filter 1: 'yes' is not a bool." in problems
    assert "Filter 2: operator 'lt' does not apply to position_group." in problems
    assert "Filter 3 is not [field, operator, value]." in problems
