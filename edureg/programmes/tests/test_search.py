"""The catalogue search and filters: folded Lithuanian full-text (`q`), kind, level, field, provider, municipality,
qualification; the same search in the back-office list; offerings' filters."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from edureg.programmes.tests.factories import OfferingFactory, isced_f, language, make_programme, make_registered
from edureg.qualifications.tests.factories import QualificationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/programmes/"


@pytest.fixture
def catalogue(world):
    """Three registered programmes in two municipalities, and a draft that the public must not find."""
    welder_q = QualificationFactory(code="SUV-4", name_lt="Suvirintojas", name_en="Welder", ltks_level=4,
                                    isced_f=isced_f("0715", "Mechanika ir metalo apdirbimas"))
    welder = make_registered(provider=world.a1, name_lt="Suvirintojo modulinė profesinio mokymo programa",
                             name_en="Welder modular VET programme", qualification=welder_q, ltks_level=4,
                             isced_f=isced_f("0715"))
    tailor_q = QualificationFactory(code="SIU-3", name_lt="Siuvėjas", name_en="Tailor", ltks_level=3)
    tailor = make_registered(provider=world.b1, name_lt="Siuvėjo modulinė profesinio mokymo programa",
                             name_en="Tailor modular VET programme", ltks_level=3, qualification=tailor_q,
                             isced_f=isced_f("0723", "Tekstilė"))
    course = make_registered(provider=world.a2, kind="nonformal_adult", name_lt="Virėjų kursai suaugusiesiems",
                             name_en="Cooking course for adults", isced_f=isced_f("1013", "Maitinimas"))
    draft = make_programme(provider=world.a1, name_lt="Suvirintojo pagalbininko programa", isced_f=isced_f("0715"),
                           qualification=welder_q)
    return {"welder": welder, "tailor": tailor, "course": course, "draft": draft}


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


@pytest.mark.parametrize("query,found", [
    ("suvirint", {"welder"}),            # a word cut short
    ("suvirintojas", {"welder"}),        # another inflection of the same word
    ("SUVIRINTOJO", {"welder"}),         # case
    ("siuvejo", {"tailor"}),             # typed without diacritics
    ("Siuvėjas", {"tailor"}),            # with them
    ("virej kursai", {"course"}),        # two words, both must match
    ("moduline programa", {"welder", "tailor"}),
    ("welder", {"welder"}),              # English names
    ("SUV-4", {"welder"}),               # the qualification's code
    ("suvirint siuvej", set()),          # no programme has both
])
def test_folded_full_text_search(world, catalogue, query, found):
    assert codes(APIClient().get(URL, {"q": query})) == {catalogue[k].code for k in found}


def test_the_public_does_not_find_drafts_the_provider_does(world, catalogue):
    assert catalogue["draft"].code not in codes(APIClient().get(URL, {"q": "suvirint"}))
    officer = APIClient()
    officer.force_authenticate(world.users["institution_officer"])
    assert codes(officer.get(URL, {"q": "suvirint"})) == {catalogue["welder"].code, catalogue["draft"].code}


def test_search_by_state_code(world, catalogue):
    welder = catalogue["welder"]
    assert codes(APIClient().get(URL, {"q": welder.state_code})) == {welder.code}


@pytest.mark.parametrize("params,found", [
    ({"kind": "initial_vet"}, {"welder", "tailor"}),
    ({"kind": "nonformal_adult"}, {"course"}),
    ({"level": 3}, {"tailor"}),
    ({"field": "07"}, {"welder", "tailor"}),   # a broad field finds its narrower ones
    ({"field": "0715"}, {"welder"}),
    ({"municipality": "LT-57"}, {"welder", "course"}),
    ({"qualification": "SUV-4"}, {"welder"}),
    ({"status": "registered", "kind": "initial_vet", "level": 4}, {"welder"}),
])
def test_catalogue_filters(world, catalogue, params, found):
    assert codes(APIClient().get(URL, params)) == {catalogue[k].code for k in found}


def test_provider_filter_includes_co_providers(world, catalogue):
    catalogue["tailor"].co_providers.add(world.a2)
    found = codes(APIClient().get(URL, {"provider": world.a2.code}))
    assert found == {catalogue["course"].code, catalogue["tailor"].code}


@pytest.mark.parametrize("params", [{"level": 9}, {"level": "x"}, {"status": "nonsense"}])
def test_bad_filter_values_are_a_400_naming_the_parameter(world, catalogue, params):
    response = APIClient().get(URL, params)
    assert response.status_code == 400 and set(response.json()) == set(params)


def test_back_office_list_searches_folded_and_filters(world, catalogue):
    client = Client()
    client.force_login(world.users["agency_admin"])
    response = client.get("/admin/programmes/programme/", {"q": "siuvejo"})
    assert [p.pk for p in response.context["cl"].result_list] == [catalogue["tailor"].pk]
    response = client.get("/admin/programmes/programme/", {"field": "07", "level": "4"})
    assert {p.pk for p in response.context["cl"].result_list} == {catalogue["welder"].pk, catalogue["draft"].pk}
    response = client.get("/admin/programmes/programme/", {"provider__municipality__code": "LT-15"})
    assert [p.pk for p in response.context["cl"].result_list] == [catalogue["tailor"].pk]
    # A filter the page does not offer is refused (as on every register).
    assert client.get("/admin/programmes/programme/", {"search_text__contains": "suv"}).status_code == 400


def test_offering_filters(world, catalogue):
    language()
    welder, tailor = catalogue["welder"], catalogue["tailor"]
    OfferingFactory(version=welder.current_version, programme=welder, year=2026, state_funded_places=10)
    OfferingFactory(version=welder.current_version, programme=welder, year=2025, state_funded_places=0,
                    paid_places=8)
    OfferingFactory(version=tailor.current_version, programme=tailor, year=2026, form="full_time")

    def count(**params):
        response = APIClient().get("/api/v1/offerings/", params)
        assert response.status_code == 200, response.content
        return response.json()["count"]

    assert count() == 3
    assert count(year=2026) == 2
    assert count(municipality="LT-15") == 1
    assert count(institution=world.a1.code) == 2
    assert count(programme=welder.code) == 2
    assert count(kind="initial_vet", level=4) == 2
    assert count(state_funded="true") == 2 and count(state_funded="false") == 1
    assert count(language="lt", form="full_time") == 3
    assert APIClient().get("/api/v1/offerings/", {"state_funded": "maybe"}).status_code == 400
