"""The organiser's back-office walk through a round (configure, open, enter an application, close, run, publish,
annul, next round), and what schools do there (see their applicants, record contracts). The generic suites
(tests/test_admin_matrix.py) check every page for every role; here are the flows and what a user reads."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from edureg.admission.choices import ApplicationStatus, InvitationStatus, RoundStatus, RunStatus
from edureg.admission.models import AllocationRun, Application, Grade, Invitation, Offer, Round, ScoringFormula
from edureg.admission.tests.conftest import accepting_round
from edureg.admission.tests.factories import (
    AllocationRunFactory,
    ApplicationFactory,
    GradeFactory,
    InvitationFactory,
    OfferFactory,
    PreferenceFactory,
    RoundFactory,
    ScoringFormulaFactory,
)
from edureg.core.testing.forms import admin_post_data
from edureg.persons import codes
from edureg.persons.models import Person
from edureg.persons.tests.factories import PersonFactory
from edureg.programmes.tests.factories import OfferingFactory, registered_version

pytestmark = pytest.mark.django_db

ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")


def url(model, view, *args):
    return reverse(f"admin:admission_{model._meta.model_name}_{view}", args=args)


def step(model, obj, name):
    return reverse(f"admin:admission_{model._meta.model_name}_step", args=[obj.pk, name])


def english_client(user):
    """A signed-in client whose pages come in English (the back-office's default is Lithuanian)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def organiser(world):
    return english_client(world.users["agency_admin"])


def login(world, role):
    return english_client(world.users[role])


def offering_at(institution, *, level=4, state=20, paid=5):
    return OfferingFactory(version=registered_version(programme__provider=institution, ltks_level=level,
                                                      with_general_education=False),
                           state_funded_places=state, paid_places=paid)


# --- configuring and running a round ----------------------------------------------------------------------------

def test_a_new_round_takes_its_kinds_defaults(world, organiser):
    page = organiser.get(url(Round, "add"))
    data = admin_post_data(page, code="2026-winter", name_lt="2026 m. žiemos priėmimas", kind="winter", year=2026,
                           applications_open="2026-12-01", application_deadline="2026-12-10",
                           results_date="2026-12-15", contract_deadline="2026-12-22", age_on="2027-01-01")
    response = organiser.post(url(Round, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    round_ = Round.objects.get(code="2026-winter")
    assert (round_.status, round_.max_preferences, round_.state_funded_only) == (RoundStatus.DRAFT, 2, True)


def test_deadlines_out_of_order_show_on_the_field(world, organiser):
    page = organiser.get(url(Round, "add"))
    data = admin_post_data(page, code="2026-main", name_lt="Pagrindinis", kind="main", year=2026,
                           applications_open="2026-06-01", application_deadline="2026-07-15",
                           results_date="2026-07-01", contract_deadline="2026-07-31", age_on="2026-09-01")
    response = organiser.post(url(Round, "add"), data)
    assert response.status_code == 200
    assert "results_date" in response.context["adminform"].form.errors
    assert not Round.objects.filter(code="2026-main").exists()


def test_the_organiser_configures_opens_closes_runs_and_publishes_a_round(
        world, organiser, subjects, django_capture_on_commit_callbacks):
    round_ = RoundFactory(status=RoundStatus.DRAFT, code="2026-main", lottery_seed="seed")
    formula = ScoringFormulaFactory(round=round_)
    first, second = offering_at(world.a1, state=1, paid=0), offering_at(world.b1, state=2, paid=1)
    change = organiser.get(url(Round, "change", round_.pk))
    assert [s.name for s, _u in change.context["steps"]] == ["add-offers", "open"]

    # Offers from the offerings of the school year: one per offering and funding with places.
    page = organiser.get(step(Round, round_, "add-offers"))
    assert page.status_code == 200 and page.context["form"].fields["formula"].initial == formula.pk
    response = organiser.post(step(Round, round_, "add-offers"), {"formula": formula.pk})
    assert response.status_code == 302
    assert sorted(round_.offers.values_list("code", "capacity")) == [
        (f"{first.pk}-S", 1), (f"{second.pk}-P", 1), (f"{second.pk}-S", 2)]

    assert organiser.post(step(Round, round_, "open"), {}).status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN

    # Two applicants for the one state-funded place at a1: the better score wins it.
    offer = round_.offers.get(code=f"{first.pk}-S")
    scores = {}
    for lt, mat in ((10, 10), (6, 6)):
        application = ApplicationFactory(round=round_, education="secondary")
        GradeFactory(application=application, subject=subjects["LT"], value=Decimal(lt))
        GradeFactory(application=application, subject=subjects["MAT"], value=Decimal(mat))
        PreferenceFactory(application=application, offer=offer)
        scores[application.pk] = lt + mat

    assert organiser.post(step(Round, round_, "close"), {}).status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    # The configuration is locked: only the names and the note stay editable.
    form = organiser.get(url(Round, "change", round_.pk)).context["adminform"].form
    assert set(form.fields) == {"name_lt", "name_en", "note"}

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser.post(step(Round, round_, "run"), {})
    run = AllocationRun.objects.get(round=round_)
    assert response.status_code == 302 and response["Location"] == url(AllocationRun, "change", run.pk)
    page = organiser.get(response["Location"])
    html = page.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert 'id="run-progress"' in html and f'value="{run.progress}"' in html and run.progress == 100
    assert run.input_hash in html and run.engine_version in html
    assert 'http-equiv="refresh"' not in html  # done: no more refreshing

    assert organiser.post(step(Round, round_, "publish"), {}).status_code == 302
    round_.refresh_from_db()
    run.refresh_from_db()
    assert round_.status == RoundStatus.PUBLISHED and run.published_at is not None
    winner = max(scores, key=scores.get)
    assert Invitation.objects.get(run=run).application_id == winner

    # The anonymised input, as the CLI reads it.
    change = organiser.get(url(Round, "change", round_.pk))
    links = dict(change.context["links"])
    download = organiser.get(links["Anonymised input (JSON)"])
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    data = json.loads(download.content)
    assert {o["id"]: o["capacity"] for o in data["offers"]} == dict(round_.offers.values_list("code", "capacity"))
    assert len(data["applicants"]) == 2
    assert not ELEVEN_DIGITS.search(download.content.decode())


def test_the_run_page_refreshes_while_the_run_is_queued(world, organiser):
    run = AllocationRunFactory(round=RoundFactory(status=RoundStatus.CLOSED), status=RunStatus.QUEUED,
                               published_at=None, is_current=False, progress=0, progress_message="Queued")
    html = organiser.get(url(AllocationRun, "change", run.pk)).content.decode()
    assert 'http-equiv="refresh"' in html and "0% — Queued" in html


def test_a_step_refused_by_the_service_shows_its_message(world, organiser):
    round_ = RoundFactory(status=RoundStatus.DRAFT)
    response = organiser.post(step(Round, round_, "open"), {})
    assert response.status_code == 200
    assert response.context["errors"] == ["Add offers before opening the round."]
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DRAFT


def test_steps_are_the_organisers(world):
    round_ = RoundFactory(status=RoundStatus.OPEN)
    client = login(world, "institution_officer")
    assert client.get(url(Round, "change", round_.pk)).context["steps"] == []
    assert client.post(step(Round, round_, "close"), {}).status_code == 403
    round_.refresh_from_db()
    assert round_.status == RoundStatus.OPEN


def test_annulling_unsigned_invitations_and_opening_the_next_round(world, organiser):
    run = AllocationRunFactory(round=RoundFactory(status=RoundStatus.PUBLISHED, code="2026-main"))
    round_ = run.round
    signed = InvitationFactory(run=run, status=InvitationStatus.SIGNED)
    waiting = InvitationFactory(run=run, offer=OfferFactory(round=round_, capacity=3))
    response = organiser.post(step(Round, round_, "annul"), {})
    assert response.status_code == 302
    waiting.refresh_from_db()
    round_.refresh_from_db()
    assert waiting.status == InvitationStatus.ANNULLED and round_.status == RoundStatus.FINISHED

    page = organiser.get(step(Round, round_, "next-round"))
    assert page.context["form"].fields["code"].initial == "2026-additional"
    response = organiser.post(step(Round, round_, "next-round"), {
        "kind": "additional", "code": "2026-additional", "name_lt": "Papildomas priėmimas",
        "applications_open": "2026-08-05", "application_deadline": "2026-08-12", "results_date": "2026-08-16",
        "contract_deadline": "2026-08-25"})
    new = Round.objects.get(code="2026-additional")
    assert response.status_code == 302 and response["Location"] == url(Round, "change", new.pk)
    offers = dict(new.offers.values_list("offering_id", "capacity"))
    assert offers == {waiting.offer.offering_id: 3, signed.offer.offering_id: signed.offer.capacity - 1}


def test_the_next_round_form_shows_the_services_messages_on_its_fields(world, organiser):
    round_ = RoundFactory(status=RoundStatus.PUBLISHED)
    response = organiser.post(step(Round, round_, "next-round"), {
        "kind": "additional", "code": "2026-additional", "name_lt": "Papildomas priėmimas",
        "applications_open": "2026-08-05", "application_deadline": "2026-08-01", "results_date": "2026-08-16",
        "contract_deadline": "2026-08-25"})
    assert response.status_code == 200
    assert "application_deadline" in response.context["form"].errors
    assert not Round.objects.filter(code="2026-additional").exists()


# --- formulas and offers ----------------------------------------------------------------------------------------

def test_a_formulas_components_are_checked_with_the_models_messages(world, organiser, subjects):
    round_ = RoundFactory(status=RoundStatus.DRAFT)
    page = organiser.get(url(ScoringFormula, "add"))
    components = json.dumps([{"type": "subject", "code": "LT", "weight": 0.5},
                             {"type": "subject", "code": "XYZ", "weight": 0.5}])
    response = organiser.post(url(ScoringFormula, "add"), admin_post_data(
        page, round=round_, code="arts", name_lt="Menų", components=components, priorities="[]"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["components"]
    assert any("XYZ" in e for e in errors)
    response = organiser.post(url(ScoringFormula, "add"), admin_post_data(
        page, round=round_, code="arts", name_lt="Menų", components="[{\"type\": ", priorities="[]"))
    assert "components" in response.context["adminform"].form.errors
    assert not ScoringFormula.objects.filter(code="arts").exists()


def test_an_offer_takes_its_code_and_capacity_from_the_offering(world, organiser):
    round_ = RoundFactory(status=RoundStatus.DRAFT)
    formula = ScoringFormulaFactory(round=round_)
    offering = offering_at(world.a1, state=12, paid=3)
    page = organiser.get(url(Offer, "add"))
    response = organiser.post(url(Offer, "add"), admin_post_data(page, round=round_, offering=offering.pk,
                                                                 funding="paid", formula=formula))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Offer.objects.filter(round=round_).values_list("code", "capacity").get() == (f"{offering.pk}-P", 3)


def test_offers_are_filtered_by_round_funding_and_municipality_and_found_by_code(world, organiser):
    round_ = RoundFactory(status=RoundStatus.OPEN)
    here = OfferFactory(round=round_, offering=offering_at(world.a1), code="HERE-S")
    there = OfferFactory(round=round_, offering=offering_at(world.b1), code="THERE-P", funding="paid")
    OfferFactory(code="ELSEWHERE")

    def listed(**params):
        return {o.code for o in organiser.get(url(Offer, "changelist"), params).context["cl"].result_list}

    assert listed(round=round_.pk) == {"HERE-S", "THERE-P"}
    assert listed(round=round_.pk, funding="paid") == {"THERE-P"}
    assert listed(**{"offering__municipality__code": world.mun_a.code, "round": round_.pk}) == {"HERE-S"}
    assert listed(q="THERE-P") == {"THERE-P"}
    assert listed(q=there.offering.programme.name_lt.split()[0]) >= {"HERE-S", "THERE-P"}
    assert here.pk != there.pk


def test_the_configuration_of_a_closed_round_is_read_only(world, organiser):
    offer = OfferFactory(round=RoundFactory(status=RoundStatus.CLOSED))
    page = organiser.get(url(Offer, "change", offer.pk))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    page = organiser.get(url(ScoringFormula, "change", offer.formula.pk))
    assert page.context["has_change_permission"] is False


# --- applications entered by the organiser -------------------------------------------------------------------

def application_round(world, subjects):
    round_ = accepting_round(status=RoundStatus.OPEN)
    formula = ScoringFormulaFactory(round=round_)
    offers = {"III": OfferFactory(round=round_, code="L3-S", formula=formula,
                                  offering=offering_at(world.a1, level=3)),
              "IV": OfferFactory(round=round_, code="L4-S", formula=formula, offering=offering_at(world.b1, level=4))}
    return round_, offers


def test_the_organiser_enters_an_application_by_personal_code(world, organiser, subjects):
    round_, offers = application_round(world, subjects)
    person = world.applicant_person
    page = organiser.get(url(Application, "add"))
    data = admin_post_data(page, round=round_, personal_code=person.personal_code, education="basic",
                           prior_qualifications="none", grade_scale=10)
    response = organiser.post(url(Application, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    application = Application.objects.get(round=round_, person=person)
    assert application.entered_by_officer and application.status == ApplicationStatus.DRAFT

    # Grades and preferences on the change page; an ineligible preference is refused with the reason.
    change = url(Application, "change", application.pk)
    page = organiser.get(change)
    fields = page.context["adminform"].form.fields
    assert {"grade_LT", "grade_MAT", "extra_work_experience", "preference_1", "preference_2", "preference_3",
            "priorities"} <= set(fields)
    response = organiser.post(change, admin_post_data(page, grade_LT="9", grade_MAT="7.5", preference_1="L4-S"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert any("Preference 1" in e and "not eligible" in e for e in form.non_field_errors())
    assert not application.preferences.exists() and not application.grades.exists()

    response = organiser.post(change, admin_post_data(page, grade_LT="9", grade_MAT="7.5", preference_1="L3-S",
                                                      extra_work_experience="1.5", priorities=["orphan"]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    application.refresh_from_db()
    assert dict(application.grades.values_list("subject__code", "value")) == {"LT": Decimal("9"),
                                                                              "MAT": Decimal("7.5")}
    assert list(application.preferences.values_list("offer__code", flat=True)) == ["L3-S"]
    assert application.extras == {"work_experience": 1.5} and application.priorities == ["orphan"]

    # Each preference's eligibility and score on the page.
    html = organiser.get(change).content.decode()
    assert "admission-eligibility" in html and "L3-S" in html and "eligible" in html
    # 0.4 × 9 + 0.4 × 7.5 + 1 × 1.5 = 8.1, then the priority criterion met.
    assert "8.1 / 1" in html

    response = organiser.post(step(Application, application, "submit"), {})
    application.refresh_from_db()
    assert response.status_code == 302 and application.status == ApplicationStatus.SUBMITTED


def test_an_unknown_personal_code_needs_the_names_to_register_the_person(world, organiser, subjects):
    round_, _offers = application_round(world, subjects)
    code = codes.make(datetime.date(2010, 5, 6), "F", 123)
    page = organiser.get(url(Application, "add"))
    data = admin_post_data(page, round=round_, personal_code=code, education="basic", prior_qualifications="none",
                           grade_scale=10)
    response = organiser.post(url(Application, "add"), data)
    assert response.status_code == 200 and "personal_code" in response.context["adminform"].form.errors
    assert not Person.objects.filter(personal_code=code).exists()
    response = organiser.post(url(Application, "add"), {**data, "first_name": "Eglė", "last_name": "Naujokė"})
    assert response.status_code == 302
    assert Application.objects.get(round=round_).person.personal_code == code


def test_application_lists_show_masked_personal_codes_and_find_by_code(world, organiser):
    application = ApplicationFactory(person=PersonFactory())
    code = application.person.personal_code
    html = organiser.get(url(Application, "changelist")).content.decode()
    assert code not in html and application.person.masked_code in html
    found = organiser.get(url(Application, "changelist"), {"q": code}).context["cl"].result_list
    assert [a.pk for a in found] == [application.pk]
    found = organiser.get(url(Application, "changelist"), {"q": application.number}).context["cl"].result_list
    assert [a.pk for a in found] == [application.pk]
    page = organiser.get(url(Application, "change", application.pk)).content.decode()
    assert code not in page


def test_a_school_sees_only_the_applications_naming_its_offers(world):
    round_ = RoundFactory(status=RoundStatus.OPEN)
    mine = ApplicationFactory(round=round_)
    PreferenceFactory(application=mine, offer=OfferFactory(round=round_, offering=offering_at(world.a1)))
    other = ApplicationFactory(round=round_)
    PreferenceFactory(application=other, offer=OfferFactory(round=round_, offering=offering_at(world.b1)))
    listed = login(world, "institution_officer").get(url(Application, "changelist")).context["cl"].result_list
    assert [a.pk for a in listed] == [mine.pk]


# --- invitations and contracts ----------------------------------------------------------------------------------

def school_invitation(world, institution):
    run = AllocationRunFactory()
    return InvitationFactory(run=run, offer=OfferFactory(round=run.round, offering=offering_at(institution)))


def test_a_school_records_a_contract_on_its_invitation(world):
    mine, theirs = school_invitation(world, world.a1), school_invitation(world, world.b1)
    client = login(world, "institution_officer")
    listed = client.get(url(Invitation, "changelist")).context["cl"].result_list
    assert [i.pk for i in listed] == [mine.pk]
    html = client.get(url(Invitation, "changelist")).content.decode()
    assert mine.application.person.personal_code not in html and mine.application.person.masked_code in html

    page = client.get(url(Invitation, "change", mine.pk))
    response = client.post(url(Invitation, "change", mine.pk), admin_post_data(
        page, contract_number="S-2026-15", contract_date="2026-08-15"))
    assert response.status_code == 200
    assert "contract_date" in response.context["adminform"].form.errors  # after the contract deadline
    response = client.post(url(Invitation, "change", mine.pk), admin_post_data(
        page, contract_number="S-2026-15", contract_date="2026-07-28"))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.contract_number, mine.contract_date) == (
        InvitationStatus.SIGNED, "S-2026-15", datetime.date(2026, 7, 28))
    assert client.get(url(Invitation, "change", mine.pk)).context["has_change_permission"] is False
    assert client.post(step(Invitation, theirs, "record-contract"), {
        "contract_number": "X", "contract_date": "2026-07-28"}).status_code in (302, 404)
    theirs.refresh_from_db()
    assert theirs.status == InvitationStatus.INVITED


def test_a_contract_and_a_refusal_are_recorded_with_the_steps(world):
    first, second = school_invitation(world, world.a1), school_invitation(world, world.a1)
    client = login(world, "institution_officer")
    response = client.post(step(Invitation, first, "record-contract"),
                           {"contract_number": "S-7", "contract_date": "2026-07-20"})
    assert response.status_code == 302
    assert client.post(step(Invitation, second, "decline"), {}).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (InvitationStatus.SIGNED, InvitationStatus.DECLINED)
    # A municipality officer only looks.
    assert login(world, "municipality_officer").post(step(Invitation, first, "decline"), {}).status_code == 403


def test_grades_are_imported_from_the_grades_list_by_the_organiser(world, organiser):
    page = organiser.get(url(Grade, "changelist"))
    assert page.context["has_import_permission"] is True
    assert organiser.get(url(Grade, "import")).status_code == 200
    assert login(world, "institution_officer").get(url(Grade, "import")).status_code == 403
