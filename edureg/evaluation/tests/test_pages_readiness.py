"""The readiness page (/evaluation/readiness/) through Django's test client: who may open it (an institution's
officer for their own institutions, the coordinator for any institution in operation by its code; experts and
municipality officers 403; anonymous users to the sign-in page), the desk's links, a successful application and
the refused ones (no title, a procedure of another purpose or inactive, an institution not theirs, an unknown
code, a field code outside ISCED-F, the same open application twice), each leaving nothing created."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from edureg.evaluation.choices import ApplicationStatus, Purpose
from edureg.evaluation.models import Application
from edureg.evaluation.services import workflow
from edureg.evaluation.tests import test_pages as pages
from edureg.evaluation.tests.factories import procedure
from edureg.evaluation.tests.test_pages import client_for, text
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.programmes.tests.factories import isced_f

# The fixtures of test_pages (the standard procedure is an accreditation procedure of CPD programmes).
application, coordinator, municipal, other_provider, panel, provider = (
    pages.application, pages.coordinator, pages.municipal, pages.other_provider, pages.panel, pages.provider)

pytestmark = pytest.mark.django_db

URL = "/evaluation/readiness/"


@pytest.fixture
def vet(db):
    return procedure("vet-readiness", kinds=(), purpose=Purpose.READINESS, validity_years=None,
                     conditions_threshold=None, name_en="Readiness to run a formal VET programme",
                     description_en="Premises, equipment and staff for the programme's practical training.")


@pytest.fixture
def assessment(db):
    return procedure("assessment-readiness", kinds=(), purpose=Purpose.READINESS, validity_years=None,
                     conditions_threshold=None, name_en="Readiness to assess acquired competences",
                     description_en="Assessors, tasks and the place of assessment.")


@pytest.fixture
def retired(db):
    return procedure("old-readiness", kinds=(), purpose=Purpose.READINESS, active=False,
                     name_en="Retired readiness evaluation")


def good(vet, applicant, **change) -> dict:
    return {"procedure": vet.code, "institution": str(applicant.pk), "title": "Suvirintojo programa (P43071501)",
            "isced_f": "0715", "note": "Nauja dirbtuvė.", **change}


def test_the_url_is_named():
    assert reverse("evaluation:readiness") == URL


def test_the_page_by_role(application, vet, assessment, retired, coordinator, provider, other_provider, municipal,
                          panel):
    anonymous = client_for().get(URL)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("pages:login"))
    assert client_for(panel["first_user"]).get(URL).status_code == 403
    assert client_for(municipal).get(URL).status_code == 403

    page = client_for(provider).get(URL)
    assert page.status_code == 200
    body, html = text(page), page.content.decode()
    assert "Ask for a readiness evaluation" in body
    assert "Readiness to run a formal VET programme" in body and "Readiness to assess acquired competences" in body
    assert "Premises, equipment and staff for the programme's practical training." in body
    assert "Retired readiness evaluation" not in body
    assert 'value="cpd-accreditation"' not in html  # a procedure of another purpose is not offered
    assert application.institution.name in body and other_provider.memberships.get().institution.name not in body
    assert f'value="{application.institution.pk}" checked' in html  # their only institution is chosen
    assert "legal-entity code" not in body

    other = client_for(other_provider).get(URL)
    assert other.status_code == 200 and application.institution.name not in text(other)

    page = client_for(coordinator).get(URL)
    assert page.status_code == 200 and "Institution's legal-entity code" in text(page)
    assert 'name="institution" type="radio"' not in page.content.decode()


def test_the_desk_links_to_the_page(application, coordinator, provider, panel):
    link = f'href="{URL}"'
    assert link in client_for(provider).get(reverse("evaluation:index")).content.decode()
    assert link in client_for(coordinator).get(reverse("evaluation:index")).content.decode()
    assert link not in client_for(panel["first_user"]).get(reverse("evaluation:index")).content.decode()


def test_without_an_active_readiness_procedure_there_is_no_form(application, retired, provider):
    page = client_for(provider).get(URL)
    assert "No readiness evaluation takes applications now." in text(page)
    assert 'id="readiness-form"' not in page.content.decode()


def test_a_provider_applies(application, vet, assessment, provider):
    client = client_for(provider)
    response = client.post(URL, good(vet, application.institution))
    created = Application.objects.get(procedure=vet)
    assert response.status_code == 302 and response.url == reverse("evaluation:application", args=[created.number])
    assert (created.institution, created.title, created.isced_f, created.provider_note, created.submitted_by,
            created.status) == (application.institution, "Suvirintojo programa (P43071501)", isced_f("0715"),
                                "Nauja dirbtuvė.", provider, ApplicationStatus.SUBMITTED)
    assert created.events.get().action == "submitted"
    body = text(client.get(response.url))
    assert f"The application {created.number} for the readiness evaluation is submitted." in body
    assert "Suvirintojo programa (P43071501)" in body


def test_the_coordinator_applies_for_an_institution_by_its_code(application, vet, coordinator):
    school = InstitutionFactory(name="Kauno technikos profesinio mokymo centras")
    client = client_for(coordinator)
    response = client.post(URL, good(vet, school, institution=school.code, isced_f=""))
    created = Application.objects.get(procedure=vet)
    assert response.status_code == 302 and (created.institution, created.isced_f) == (school, None)

    closed = InstitutionFactory(status="liquidated")
    for code in ("999999999", closed.code):
        refused = client.post(URL, good(vet, school, institution=code, title="Kita"))
        assert refused.status_code == 200
        assert f"No institution in operation has the legal-entity code {code}." in text(refused)
        assert 'id="id_institution-error"' in refused.content.decode()
    assert Application.objects.filter(procedure=vet).count() == 1


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"title": "  "}, "title", "Say what the institution wants to be found ready for."),
    ({"procedure": "cpd-accreditation"}, "procedure", "Choose one of the readiness evaluations listed."),
    ({"procedure": "old-readiness"}, "procedure", "Choose one of the readiness evaluations listed."),
    ({"institution": "other"}, "institution", "Choose one of your institutions."),
    ({"isced_f": "9999"}, "isced_f", "9999 is not a field code of ISCED-F."),
])
def test_bad_input_is_refused_on_its_field(application, vet, retired, provider, change, field, message):
    if change.get("institution") == "other":
        change = {"institution": str(InstitutionFactory().pk)}
    before = Application.objects.count()
    refused = client_for(provider).post(URL, good(vet, application.institution, **change))
    assert refused.status_code == 200
    body, html = text(refused), refused.content.decode()
    assert "<title>Error: Ask for a readiness evaluation" in html
    assert "There is a problem" in body and message in body
    assert f'id="id_{field}-error"' in html and f'href="#id_{field}"' in html
    assert "Nauja dirbtuvė." in body  # the input is kept
    assert Application.objects.count() == before


def test_the_services_refusal_goes_on_the_field(application, vet, provider):
    client = client_for(provider)
    assert client.post(URL, good(vet, application.institution)).status_code == 302
    again = client.post(URL, good(vet, application.institution))
    assert again.status_code == 200
    assert "The institution already has an open application with this title." in text(again)
    assert 'id="id_title-error"' in again.content.decode()
    assert Application.objects.filter(procedure=vet).count() == 1


def test_others_may_not_apply(application, vet, municipal, panel, monkeypatch, provider):
    for user in (municipal, panel["first_user"]):
        assert client_for(user).post(URL, good(vet, application.institution)).status_code == 403
    anonymous = client_for().post(URL, good(vet, application.institution))
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("pages:login"))

    def refuse(*args, **kwargs):
        raise PermissionDenied("no")

    monkeypatch.setattr(workflow, "apply_for_readiness", refuse)
    assert client_for(provider).post(URL, good(vet, application.institution)).status_code == 403
    assert not Application.objects.filter(procedure=vet).exists()
