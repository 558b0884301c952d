"""Back-office flows a school secretary uses: enrol (new or transferred learner), end, transfer, history."""

import datetime

import pytest
from django.test import Client

from edureg.core.testing.forms import admin_post_data
from edureg.learners.models import Enrolment
from edureg.learners.tests.factories import EnrolmentFactory
from edureg.persons import codes
from edureg.persons.models import Person

pytestmark = pytest.mark.django_db


def officer(world):
    client = Client()
    client.force_login(world.users["institution_officer"])
    return client


def post_add(client, **fields):
    page = client.get("/admin/learners/enrolment/add/")
    return client.post("/admin/learners/enrolment/add/", admin_post_data(page, **fields))


def test_enrolling_someone_new_registers_the_person(world):
    code = codes.make(datetime.date(2014, 2, 3), "M", 55)
    response = post_add(officer(world), personal_code=code, first_name="Tomas", last_name="Naujas",
                        institution=world.a1, kind="general", is_main=True, school_year=2025, grade=5,
                        start_date="2025-09-01")
    assert response.status_code == 302
    person = Person.objects.get(personal_code=code)
    assert person.birth_date == datetime.date(2014, 2, 3) and person.sex.code == "M"
    assert Enrolment.objects.get(person=person).institution == world.a1


def test_enrolling_a_learner_of_another_school_needs_transfer(world):
    other = EnrolmentFactory(institution=world.b1, start_date=datetime.date(2024, 9, 1))
    fields = {"personal_code": other.person.personal_code, "institution": world.a1, "kind": "general",
              "is_main": True, "school_year": 2025, "grade": 6, "start_date": "2026-01-12"}
    client = officer(world)
    refused = post_add(client, **fields)
    assert refused.status_code == 200
    assert "start_date" in refused.context["adminform"].form.errors  # names the overlapping enrolment
    assert Enrolment.objects.filter(person=other.person).count() == 1
    accepted = post_add(client, transfer_in=True, **fields)
    assert accepted.status_code == 302
    other.refresh_from_db()
    assert other.end_date == datetime.date(2026, 1, 11) and other.end_reason.code == "20"


def test_bad_personal_code_is_a_form_error(world):
    response = post_add(officer(world), personal_code="33309240164", first_name="A", last_name="B",
                        institution=world.a1, kind="general", is_main=True, school_year=2025,
                        start_date="2025-09-01")
    assert response.status_code == 200
    assert "personal_code" in response.context["adminform"].form.errors
    assert not Person.objects.filter(last_name="B").exists()


def test_ending_an_enrolment_before_its_start_is_refused(world):
    enrolment = EnrolmentFactory(institution=world.a1)
    client = officer(world)
    page = client.get(f"/admin/learners/enrolment/{enrolment.pk}/change/")
    from edureg.classifiers.models import ClassifierItem

    reason = ClassifierItem.objects.of("enrolment_end_reason").get(code="10")
    response = client.post(f"/admin/learners/enrolment/{enrolment.pk}/change/",
                           admin_post_data(page, end_date="2025-08-01", end_reason=reason))
    assert response.status_code == 200 and "end_date" in response.context["adminform"].form.errors
    enrolment.refresh_from_db()
    assert enrolment.end_date is None


def test_transfer_page(world):
    enrolment = EnrolmentFactory(institution=world.a1, start_date=datetime.date(2025, 9, 1))
    client = officer(world)
    assert client.get(f"/admin/learners/enrolment/{enrolment.pk}/transfer/").status_code == 200
    response = client.post(f"/admin/learners/enrolment/{enrolment.pk}/transfer/",
                           {"to_institution": world.b1.pk, "on": "2026-01-12", "group": "5b"})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.end_date == datetime.date(2026, 1, 11)
    assert Enrolment.objects.get(person=enrolment.person, end_date__isnull=True).institution == world.b1


def test_history_shows_who_changed_what(world):
    enrolment = EnrolmentFactory(institution=world.a1)
    client = officer(world)
    page = client.get(f"/admin/learners/enrolment/{enrolment.pk}/change/")
    client.post(f"/admin/learners/enrolment/{enrolment.pk}/change/", admin_post_data(page, group="5z"))
    history = client.get(f"/admin/learners/enrolment/{enrolment.pk}/history/")
    content = history.content.decode()
    assert "institution_officer" in content and "5z" in content


def test_person_page_view_is_logged_and_list_masks_codes(world):
    from edureg.core.models import ReadAccess

    enrolment = EnrolmentFactory(institution=world.a1)
    client = officer(world)
    listing = client.get("/admin/persons/person/").content.decode()
    assert enrolment.person.personal_code not in listing and enrolment.person.masked_code in listing
    client.get(f"/admin/persons/person/{enrolment.person.pk}/change/")
    assert ReadAccess.objects.filter(object_id=str(enrolment.person.pk), user_name="institution_officer").exists()


def test_search_by_full_personal_code(world):
    enrolment = EnrolmentFactory(institution=world.a1)
    client = Client()
    client.force_login(world.users["agency_admin"])
    found = client.get("/admin/persons/person/", {"q": enrolment.person.personal_code})
    assert [p.pk for p in found.context["cl"].result_list] == [enrolment.person.pk]
    partial = client.get("/admin/persons/person/", {"q": enrolment.person.personal_code[:6]})
    assert list(partial.context["cl"].result_list) == []


def test_enrolment_search_by_codes_and_names(world):
    mine = EnrolmentFactory(institution=world.a1)
    other = EnrolmentFactory(institution=world.a2)
    client = Client()
    client.force_login(world.users["agency_admin"])

    def found(term):
        response = client.get("/admin/learners/enrolment/", {"q": term})
        return {e.pk for e in response.context["cl"].result_list}

    assert found(world.a1.code) == {mine.pk}
    assert found(mine.person.personal_code) == {mine.pk}
    assert mine.pk in found(mine.person.last_name[:4]) and other.pk not in found(mine.person.personal_code)
    assert found("A2 progimnazija") == {other.pk}
    assert found("33309240164") == set()  # a personal code with a bad check digit finds nothing


def test_officer_picks_own_institution_preselected(world):
    page = officer(world).get("/admin/learners/enrolment/add/")
    field = page.context["adminform"].form.fields["institution"]
    assert list(field.queryset) == [world.a1] and field.initial == world.a1.pk
