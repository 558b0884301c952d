"""The public catalogue of programmes and qualifications: published rows only, folded Lithuanian search."""

import datetime

import pytest
from django.urls import reverse

from edureg.classifiers.tests.factories import item
from edureg.programmes import services
from edureg.programmes.tests.factories import language, make_programme, make_registered
from edureg.qualifications.tests.factories import CompetenceFactory, QualificationFactory

pytestmark = pytest.mark.django_db


def _names(response):
    return [p.name_lt for p in response.context["page"].object_list]


@pytest.fixture
def catalogue(world):
    welder = make_registered(provider=world.a1, state_code="P43071501",
                             name_lt="Suvirintojo modulinė programa", name_en="Welder programme")
    seamstress = make_registered(provider=world.b1, state_code="P43072301", name_lt="Siuvėjo modulinė programa",
                                 name_en="Tailor programme", ltks_level=3,
                                 qualification=QualificationFactory(name_lt="Siuvėjas", name_en="Tailor", ltks_level=3),
                                 isced_f=item("isced_f", "0723", "Tekstilė"))
    draft = make_programme(provider=world.a1, name_lt="Suvirintojo juodraštis")
    return {"welder": welder, "seamstress": seamstress, "draft": draft}


def test_anonymous_finds_a_welder_programme_by_a_word_stem(client, catalogue):
    response = client.get(reverse("pages:programmes"), {"q": "suvirint"})
    assert response.status_code == 200
    assert _names(response) == ["Suvirintojo modulinė programa"]  # the draft is not in the public catalogue
    assert "P43071501" in response.content.decode()


@pytest.mark.parametrize("query", ["siuvejo", "SIUVĖJO", "siuv", "tailor"])
def test_search_ignores_diacritics_case_and_language(client, catalogue, query):
    response = client.get(reverse("pages:programmes"), {"q": query})
    assert _names(response) == ["Siuvėjo modulinė programa"]


def test_filters_by_level_field_and_municipality(client, world, catalogue):
    url = reverse("pages:programmes")
    assert _names(client.get(url, {"level": "3"})) == ["Siuvėjo modulinė programa"]
    item("isced_f", "07", "Inžinerija")  # the broad field the form lists
    assert _names(client.get(url, {"field": "07"})) == ["Siuvėjo modulinė programa", "Suvirintojo modulinė programa"]
    assert _names(client.get(url, {"municipality": world.mun_b.code})) == ["Siuvėjo modulinė programa"]


def test_a_programme_offered_in_a_municipality_is_found_there(client, world, catalogue):
    services.create_offering(actor=None, programme=catalogue["welder"], institution=world.a1,
                             municipality=world.mun_b, year=2026, start_date=datetime.date(2026, 9, 1),
                             form="full_time", language=language(), state_funded_places=12, paid_places=0)
    names = _names(client.get(reverse("pages:programmes"), {"municipality": world.mun_b.code}))
    assert "Suvirintojo modulinė programa" in names


def test_an_invalid_filter_value_is_an_error_message_not_a_crash(client, catalogue):
    response = client.get(reverse("pages:programmes"), {"level": "9"})
    assert response.status_code == 200
    assert response.context["search"].errors["level"]


def test_programme_page_shows_modules_level_and_offerings(client, world, catalogue):
    programme = catalogue["welder"]
    services.create_offering(actor=None, programme=programme, institution=world.a1, municipality=world.mun_a,
                             year=2099, start_date=datetime.date(2099, 9, 1), form="full_time",
                             language=language(), state_funded_places=24, paid_places=3)
    response = client.get(reverse("pages:programme", args=["P43071501"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Modulis 3" in body and "Suvirintojo modulinė programa" in body
    assert response.context["modules"][0].code == "M01"
    assert [o.state_funded_places for o in response.context["offerings"]] == [24]
    assert "/api/v1/programmes/P43071501/elm/" in body


def test_a_draft_has_no_public_page(client, catalogue):
    draft = catalogue["draft"]
    assert client.get(reverse("pages:programme", args=[draft.temp_code])).status_code == 404


def test_a_deregistered_programme_says_so(client, catalogue):
    programme = catalogue["welder"]
    on = datetime.date.today() + datetime.timedelta(days=30)
    services.request_deregistration(programme, actor=None, date=on, reason="Nebėra poreikio")
    services.confirm_deregistration(programme, actor=None)
    response = client.get(reverse("pages:programme", args=["P43071501"]))
    assert response.status_code == 200
    assert on.isoformat() in response.content.decode()


def test_qualification_search_and_page(client, world, catalogue):
    welder = catalogue["welder"].qualification
    competence = CompetenceFactory(name_lt="Suvirinti plieną lankiniu būdu")
    welder.competences.add(competence)
    QualificationFactory(name_lt="Virėjas", name_en="Cook", code="Q-COOK")
    response = client.get(reverse("pages:qualifications"), {"q": "vireja"})
    assert [q.code for q in response.context["page"].object_list] == ["Q-COOK"]
    page = client.get(reverse("pages:qualification", args=[welder.code]))
    body = page.content.decode()
    assert "Suvirinti plieną lankiniu būdu" in body
    assert "P43071501" in body  # the programme that awards it


def test_catalogue_pages_in_english(client, catalogue):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("pages:programmes"), {"q": "welder"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Welder programme" in response.content.decode()
