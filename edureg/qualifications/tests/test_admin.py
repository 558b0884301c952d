"""Back-office flows of the qualifications centre: search and filters, a standard's status steps and versions, a
committee's decisions recorded at its meeting."""

import datetime

import pytest
from django.contrib import messages
from django.test import Client

from edureg.core.testing.forms import admin_post_data
from edureg.qualifications.models import CommitteeDecision, ProfessionalStandard, Qualification
from edureg.qualifications.tests.factories import (
    CommitteeMeetingFactory,
    CompetenceFactory,
    ProfessionalStandardFactory,
    QualificationFactory,
    isced_f,
)

pytestmark = pytest.mark.django_db
BASE = "/admin/qualifications"


@pytest.fixture
def agency(world):
    client = Client()
    client.force_login(world.users["agency_admin"])
    return client


def listed(response):
    assert response.status_code == 200
    return {obj.code for obj in response.context["cl"].result_list}


def test_qualification_list_search_and_filters(agency):
    QualificationFactory(code="Q-WELD", name_lt="Suvirintojas", ltks_level=4, isced_f=isced_f("0715"))
    QualificationFactory(code="Q-COOK", name_lt="Virėjas", ltks_level=3, isced_f=isced_f("1013", "Maitinimas"))
    isced_f("07", "Inžinerija")
    url = f"{BASE}/qualification/"
    assert listed(agency.get(url, {"q": "suvirint"})) == {"Q-WELD"}
    assert listed(agency.get(url, {"q": "vireja"})) == {"Q-COOK"}
    assert listed(agency.get(url, {"isced_f__code": "07"})) == {"Q-WELD"}
    assert listed(agency.get(url, {"ltks_level": "3"})) == {"Q-COOK"}
    assert listed(agency.get(url, {"ltks_level": "3", "q": "suvirint"})) == set()


def test_adding_a_qualification_with_competences_keeps_its_search_text(agency):
    standard = ProfessionalStandardFactory()
    competence = CompetenceFactory(standard=standard, name_lt="Lankinis suvirinimas")
    page = agency.get(f"{BASE}/qualification/add/")
    response = agency.post(f"{BASE}/qualification/add/", admin_post_data(
        page, code="Q-NEW", name_lt="Suvirintojas", ltks_level=4, isced_f=isced_f(), type="full",
        valid_from="2025-01-01", standard=standard, competences=[competence.pk]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    qualification = Qualification.objects.get(code="Q-NEW")
    assert " lankinis " in qualification.search_text and list(qualification.competences.all()) == [competence]


def test_a_level_outside_1_to_8_is_a_form_error(agency):
    page = agency.get(f"{BASE}/qualification/add/")
    response = agency.post(f"{BASE}/qualification/add/", admin_post_data(
        page, code="Q-BAD", name_lt="Virėjas", ltks_level=9, isced_f=isced_f(), type="full", valid_from="2025-01-01"))
    assert response.status_code == 200 and "ltks_level" in response.context["adminform"].form.errors
    assert not Qualification.objects.exists()


def status(agency, standard, **data):
    return agency.post(f"{BASE}/professionalstandard/{standard.pk}/status/", data)


def test_the_status_page_takes_the_agencys_steps(agency):
    standard = ProfessionalStandardFactory(status_since=datetime.date(2024, 1, 1))
    page = agency.get(f"{BASE}/professionalstandard/{standard.pk}/change/")
    assert f"/professionalstandard/{standard.pk}/status/" in page.content.decode()
    assert agency.get(f"{BASE}/professionalstandard/{standard.pk}/status/").status_code == 200

    refused = status(agency, standard, status="registered", on="2024-05-01")
    assert refused.status_code == 200 and refused.context["form"].errors["status"]
    refused = status(agency, standard, status="withdrawn")
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    assert ProfessionalStandard.objects.get(pk=standard.pk).status == "draft"

    assert status(agency, standard, status="consultation", on="2024-02-01").status_code == 302
    standard.refresh_from_db()
    assert (standard.status, standard.status_since) == ("consultation", datetime.date(2024, 2, 1))


def test_the_status_page_is_the_agencys(world, agency):
    standard = ProfessionalStandardFactory()
    officer = Client()
    officer.force_login(world.users["institution_officer"])
    assert officer.post(f"{BASE}/professionalstandard/{standard.pk}/status/",
                        {"status": "consultation"}).status_code == 403
    assert officer.post(f"{BASE}/professionalstandard/{standard.pk}/new-version/").status_code == 403
    assert ProfessionalStandard.objects.get(pk=standard.pk).status == "draft"


def test_open_consultation_action(agency):
    drafts = ProfessionalStandardFactory.create_batch(2)
    approved = ProfessionalStandardFactory(status="approved")
    url = f"{BASE}/professionalstandard/"
    response = agency.post(url, {"action": "open_consultation", "_selected_action": [s.pk for s in drafts]},
                           follow=True)
    assert [m.level for m in response.context["messages"]] == [messages.SUCCESS]
    assert set(ProfessionalStandard.objects.filter(pk__in=[s.pk for s in drafts])
               .values_list("status", flat=True)) == {"consultation"}
    response = agency.post(url, {"action": "open_consultation",
                                 "_selected_action": [approved.pk, ProfessionalStandardFactory().pk]}, follow=True)
    assert [m.level for m in response.context["messages"]] == [messages.ERROR]
    assert ProfessionalStandard.objects.get(pk=approved.pk).status == "approved"
    assert ProfessionalStandard.objects.filter(status="draft").count() == 1  # all or nothing


def test_a_registered_standard_is_read_only_and_gets_a_new_version(agency):
    standard = ProfessionalStandardFactory(code="PS-R", status="registered", valid_from=datetime.date(2024, 1, 1))
    CompetenceFactory(standard=standard, code="PS-R-K1")
    page = agency.get(f"{BASE}/professionalstandard/{standard.pk}/change/")
    form = page.context["adminform"].form
    assert "name_lt" not in form.fields and "valid_to" in form.fields
    assert not page.context["inline_admin_formsets"][0].has_add_permission
    assert agency.get(f"{BASE}/professionalstandard/{standard.pk}/delete/").status_code == 403

    response = agency.post(f"{BASE}/professionalstandard/{standard.pk}/new-version/")
    new = ProfessionalStandard.objects.get(code="PS-R", version=2)
    assert response.status_code == 302 and response["Location"].endswith(f"/{new.pk}/change/")
    assert list(new.competences.values_list("code", flat=True)) == ["PS-R-K1-V2"]
    again = agency.post(f"{BASE}/professionalstandard/{standard.pk}/new-version/")
    assert again.status_code == 200 and again.context["errors"]
    assert ProfessionalStandard.objects.filter(code="PS-R").count() == 2


def test_decisions_recorded_at_the_meeting_move_the_standard(agency):
    meeting = CommitteeMeetingFactory(date=datetime.date(2024, 3, 14))
    standard = ProfessionalStandardFactory(committee=meeting.committee, status_since=datetime.date(2024, 1, 1))
    url = f"{BASE}/committeemeeting/{meeting.pk}/change/"
    page = agency.get(url)

    def post(**row):
        data = admin_post_data(page)
        data.update({"decisions-TOTAL_FORMS": 1, "decisions-INITIAL_FORMS": 0,
                     **{f"decisions-0-{k}": v for k, v in row.items()}})
        return agency.post(url, data)

    response = post(standard=standard.pk, outcome="return", reasons="")
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors[0]
    assert "reasons" in errors
    assert not CommitteeDecision.objects.exists()

    response = post(standard=standard.pk, outcome="return", reasons="Patikslinti kompetencijas")
    assert response.status_code == 302
    standard.refresh_from_db()
    assert (standard.status, standard.status_reason) == ("draft", "Patikslinti kompetencijas")
    assert standard.status_since == datetime.date(2024, 3, 14)


def test_a_recorded_decision_keeps_what_was_decided(agency):
    meeting = CommitteeMeetingFactory()
    standard = ProfessionalStandardFactory(committee=meeting.committee)
    page = agency.get(f"{BASE}/committeedecision/add/")
    response = agency.post(f"{BASE}/committeedecision/add/", admin_post_data(
        page, meeting=meeting.pk, standard=standard.pk, outcome="approve"))
    assert response.status_code == 302
    decision = CommitteeDecision.objects.get()
    page = agency.get(f"{BASE}/committeedecision/{decision.pk}/change/")
    assert set(page.context["adminform"].form.fields) == {"reasons"}
    assert ProfessionalStandard.objects.get(pk=standard.pk).status == "approved"


def test_competences_and_members_are_added_on_their_parents_pages(agency):
    from edureg.persons.tests.factories import PersonFactory
    from edureg.qualifications.tests.factories import SectoralCommitteeFactory

    standard = ProfessionalStandardFactory()
    url = f"{BASE}/professionalstandard/{standard.pk}/change/"
    data = admin_post_data(agency.get(url))
    data.update({"competences-TOTAL_FORMS": 1, "competences-0-code": "K-INLINE", "competences-0-name_lt": "Pjauti",
                 "competences-0-ltks_level": 4})
    assert agency.post(url, data).status_code == 302
    assert standard.competences.get().code == "K-INLINE"

    committee, person = SectoralCommitteeFactory(), PersonFactory()
    url = f"{BASE}/sectoralcommittee/{committee.pk}/change/"
    data = admin_post_data(agency.get(url))
    data.update({"members-TOTAL_FORMS": 1, "members-0-person": person.pk, "members-0-role": "chair",
                 "members-0-start_date": "2024-01-01", "members-0-end_date": "2023-01-01"})
    response = agency.post(url, data)
    assert response.status_code == 200 and not committee.members.exists()  # ends before it starts
    data["members-0-end_date"] = ""
    assert agency.post(url, data).status_code == 302
    assert committee.members.get().person == person


def test_deleting_selected_standards_keeps_those_that_are_not_drafts(agency):
    draft, registered = ProfessionalStandardFactory(), ProfessionalStandardFactory(status="registered")
    response = agency.post(f"{BASE}/professionalstandard/", {"action": "delete_selected", "post": "yes",
                                                            "_selected_action": [draft.pk, registered.pk]})
    assert response.status_code == 200 and str(registered) in response.context["protected"]
    assert ProfessionalStandard.objects.count() == 2
    response = agency.post(f"{BASE}/professionalstandard/", {"action": "delete_selected", "post": "yes",
                                                            "_selected_action": [draft.pk]})
    assert response.status_code == 302 and not ProfessionalStandard.objects.filter(pk=draft.pk).exists()
