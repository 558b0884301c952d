"""The evaluation back-office configuration: procedures with criteria inline (row and whole-procedure checks shown
on the page, nothing saved), the experts register (load column, no personal codes, ISCED-F only, ties inline) and
funding calls (strict JSON tie rules checked by check_call; the Open / Close / Rank / Publish steps, refused with
the service's message in the wrong status; the ranked list on the call's page). Who may open what."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from edureg.classifiers.tests.factories import item
from edureg.core.testing.forms import admin_post_data
from edureg.evaluation.choices import ApplicationStatus, AssignmentStatus, CallStatus, Outcome, Selection
from edureg.evaluation.models import Call, Criterion, Decision, Expert, ExpertTie, Procedure
from edureg.evaluation.tests.factories import (
    ApplicationFactory,
    AssignmentFactory,
    CallFactory,
    ExpertFactory,
    ExpertTieFactory,
    procedure,
)
from edureg.persons.tests.factories import PersonFactory
from edureg.programmes.tests.factories import ProgrammeKindFactory, isced_f

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"admin:evaluation_{model._meta.model_name}_{view}", args=args)


def step(obj, name):
    return reverse("admin:evaluation_call_step", args=[obj.pk, name])


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def agency(world):
    return client_for(world.users["agency_admin"])


@pytest.fixture
def officer(world):
    return client_for(world.users["institution_officer"])


def errors_of(response):
    return response.context["adminform"].form.errors if response.context and "adminform" in response.context \
        else None


# --- procedures ---------------------------------------------------------------------------------------------------

def test_procedure_pages_for_the_agency_and_read_only_for_others(world, agency, officer):
    proc = procedure()
    listing = agency.get(url(Procedure, "changelist"))
    assert listing.status_code == 200 and "cpd-accreditation" in listing.content.decode()
    page = agency.get(url(Procedure, "change", proc.pk))
    content = page.content.decode()
    assert page.status_code == 200 and page.context["has_change_permission"]
    assert "Trainers&#x27; qualifications" in content and 'name="criteria-TOTAL_FORMS"' in content
    assert agency.get(url(Procedure, "add")).status_code == 200

    # Procedures are public: an institution officer reads them, changes nothing.
    page = officer.get(url(Procedure, "change", proc.pk))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert officer.get(url(Procedure, "add")).status_code == 403
    assert officer.post(url(Procedure, "delete", proc.pk), {"post": "yes"}).status_code == 403
    assert Procedure.objects.filter(pk=proc.pk).exists()


def _new_procedure_data(agency, **overrides):
    page = agency.get(url(Procedure, "add"))
    data = admin_post_data(page, code="library-accreditation", name_lt="Bibliotekininkų programų akreditavimas",
                           name_en="Accreditation of library staff programmes", purpose="accreditation",
                           experts_per_application=2, scale_min=0, scale_max=4, aggregation="mean",
                           threshold="60", eligibility_days=10, evaluation_days=20, decision_days=10,
                           appeal_days=30, validity_years=3, expiry_warning_days=90, conflict_years=3, active="on",
                           kinds=[ProgrammeKindFactory(code="library_competence").pk])
    rows = [("relevance", "Aktualumas", "Relevance", "2", "", ""),
            ("staff", "Lektoriai", "Trainers", "1", "on", "2")]
    data["criteria-TOTAL_FORMS"] = len(rows)
    for n, (code, lt, en, weight, mandatory, pass_mark) in enumerate(rows):
        data.update({f"criteria-{n}-code": code, f"criteria-{n}-name_lt": lt, f"criteria-{n}-name_en": en,
                     f"criteria-{n}-weight": weight, f"criteria-{n}-pass_mark": pass_mark,
                     f"criteria-{n}-order": n, f"criteria-{n}-justification_required": "on"})
        if mandatory:
            data[f"criteria-{n}-mandatory"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_procedure_is_added_with_its_criteria(agency):
    response = agency.post(url(Procedure, "add"), _new_procedure_data(agency))
    assert response.status_code == 302, errors_of(response)
    proc = Procedure.objects.get(code="library-accreditation")
    assert list(proc.criteria.order_by("order").values_list("code", "mandatory", "pass_mark")) == [
        ("relevance", False, None), ("staff", True, Decimal("2"))]


def test_procedure_errors_show_on_the_field_and_nothing_is_saved(agency):
    response = agency.post(url(Procedure, "add"), _new_procedure_data(agency, scale_max="0"))
    assert response.status_code == 200
    assert "The highest score must be above the lowest." in errors_of(response)["scale_max"]

    # A mandatory criterion without a pass mark: the error is on the criterion's row.
    response = agency.post(url(Procedure, "add"), _new_procedure_data(agency, **{"criteria-1-pass_mark": ""}))
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "A mandatory criterion needs a pass mark." in formset.forms[1].errors["pass_mark"]

    # A pass mark off the scale (checked against the scale being saved).
    response = agency.post(url(Procedure, "add"), _new_procedure_data(agency, **{"criteria-1-pass_mark": "7"}))
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "The pass mark must be on the scale 0-4." in formset.forms[1].errors["pass_mark"]
    assert not Procedure.objects.filter(code="library-accreditation").exists()
    assert not Criterion.objects.filter(code="staff", procedure__code="library-accreditation").exists()


def test_the_whole_procedure_is_checked_after_its_criteria(agency):
    """services.procedures.check_procedure runs once the criteria are saved; a refusal rolls everything back and
    shows the problem on the page."""
    data = _new_procedure_data(agency, **{"criteria-0-weight": "0", "criteria-1-weight": "0"})
    response = agency.post(url(Procedure, "add"), data)
    assert response.status_code == 200
    assert "At least one criterion needs a weight above 0." in errors_of(response)["__all__"]
    assert "At least one criterion needs a weight above 0." in response.content.decode()
    assert not Procedure.objects.filter(code="library-accreditation").exists()
    assert not Criterion.objects.filter(procedure__code="library-accreditation").exists()

    # An existing procedure whose only weighted criterion is set to weight 0: refused, nothing changed.
    proc = procedure()
    page = agency.get(url(Procedure, "change", proc.pk))
    data = admin_post_data(page, **{f"criteria-{n}-weight": "0" for n in range(3)}, threshold="70")
    response = agency.post(url(Procedure, "change", proc.pk), data)
    assert response.status_code == 200 and "At least one criterion needs a weight above 0." in \
        response.content.decode()
    proc.refresh_from_db()
    assert proc.threshold == Decimal("60") and proc.criteria.get(code="relevance").weight == Decimal("2")


def test_the_real_procedure_check_runs_on_save(agency):
    """With services/procedures.check_procedure: a sound procedure saves, its criteria changed inline."""
    proc = procedure()
    page = agency.get(url(Procedure, "change", proc.pk))
    data = admin_post_data(page, threshold="65")
    response = agency.post(url(Procedure, "change", proc.pk), data)
    assert response.status_code == 302, errors_of(response)
    proc.refresh_from_db()
    assert proc.threshold == Decimal("65")


# --- experts ------------------------------------------------------------------------------------------------------

def test_experts_list_shows_load_and_no_personal_codes(world, agency, officer):
    expert = ExpertFactory(person=PersonFactory(first_name="Aldona", last_name="Ekspertė",
                                                birth_date=datetime.date(1970, 1, 1)))
    AssignmentFactory(expert=expert)
    AssignmentFactory(expert=expert)
    AssignmentFactory(expert=expert, status=AssignmentStatus.SUBMITTED)
    listing = agency.get(url(Expert, "changelist"))
    content = listing.content.decode()
    assert listing.status_code == 200 and "Aldona Ekspertė" in content
    row = listing.context["cl"].result_list[0]
    assert row.n_open == 2  # open assignments (assigned), not the submitted one
    assert '<td class="field-open_assignments">2</td>' in content
    assert expert.person.personal_code not in content
    found = agency.get(url(Expert, "changelist"), {"q": "Ekspert"})
    assert [e.pk for e in found.context["cl"].result_list] == [expert.pk]
    # No filtering by personal code through a hand-made URL.
    assert agency.get(url(Expert, "changelist"), {"person__personal_code__startswith": "3"}).status_code == 400
    page = agency.get(url(Expert, "change", expert.pk))
    assert page.status_code == 200 and expert.person.personal_code not in page.content.decode()

    assert officer.get(url(Expert, "changelist")).status_code == 403
    assert officer.get(url(Expert, "change", expert.pk)).status_code in (302, 403)


def test_an_expert_is_added_with_isced_fields_and_a_tie(world, agency):
    person = PersonFactory(birth_date=datetime.date(1968, 2, 2))
    field = isced_f("0114", "Mokytojų rengimas")
    not_isced = item("sex", "M", "Vyras")
    page = agency.get(url(Expert, "add"))
    data = admin_post_data(page, person=person.pk, email="ekspertas@example.lt", max_load=4, active="on",
                           expertise=[not_isced.pk])
    response = agency.post(url(Expert, "add"), data)
    assert response.status_code == 200 and "expertise" in errors_of(response)  # only ISCED-F items

    data.update({"expertise": [field.pk], "ties-TOTAL_FORMS": 1, "ties-0-institution": world.a1.pk,
                 "ties-0-relation": "board", "ties-0-started_on": "2021-01-01"})
    response = agency.post(url(Expert, "add"), data)
    assert response.status_code == 302, errors_of(response)
    expert = Expert.objects.get(person=person)
    assert list(expert.expertise.all()) == [field]
    assert ExpertTie.objects.filter(expert=expert, institution=world.a1, relation="board").exists()

    # Availability in the wrong order: the error is on the field, nothing saved.
    url_ = url(Expert, "change", expert.pk)
    data = admin_post_data(agency.get(url_), available_from="2026-06-01", available_until="2026-01-01")
    response = agency.post(url_, data)
    assert response.status_code == 200
    assert errors_of(response)  # the constraint's message
    expert.refresh_from_db()
    assert expert.available_from is None


def test_a_tie_with_dates_in_the_wrong_order_is_refused_on_its_row(world, agency):
    expert = ExpertFactory()
    ExpertTieFactory(expert=expert, institution=world.a2)
    url_ = url(Expert, "change", expert.pk)
    data = admin_post_data(agency.get(url_), **{"ties-0-ended_on": "2019-01-01"})
    response = agency.post(url_, data)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.forms[0].errors
    assert ExpertTie.objects.get(expert=expert).ended_on is None


# --- calls --------------------------------------------------------------------------------------------------------

def _new_call_data(agency, proc, **overrides):
    from edureg.programmes.models import ProgrammeKind

    page = agency.get(url(Call, "add"))
    data = admin_post_data(page, code="nfae-2027", name_lt="NSŠ konkursas 2027", name_en="NFAE call 2027",
                           procedure=proc.pk, kinds=list(ProgrammeKind.objects.filter(code="nonformal_adult")
                                                         .values_list("pk", flat=True)),
                           budget="50000", max_per_application="10000", min_score="50", opens_on="2027-01-10",
                           closes_on="2027-02-10", tie_rules='["criterion:relevance", "lower_amount"]',
                           last_fit_rule="skip")
    data.update(overrides)
    return data


@pytest.fixture
def competition(db):
    return procedure("nfae-competition", kinds=("nonformal_adult",), purpose="competition", validity_years=None,
                     conditions_threshold=None)


def test_a_call_is_added_as_a_draft_with_checked_tie_rules(agency, competition):
    response = agency.post(url(Call, "add"), _new_call_data(agency, competition,
                                                             tie_rules='["criterion:nonsense"]'))
    assert response.status_code == 200
    assert any("nonsense" in m and "relevance" in m for m in errors_of(response)["tie_rules"])
    response = agency.post(url(Call, "add"), _new_call_data(agency, competition, tie_rules="[NaN]"))
    assert response.status_code == 200 and "tie_rules" in errors_of(response)
    response = agency.post(url(Call, "add"), _new_call_data(agency, competition, max_per_application="60000"))
    assert response.status_code == 200 and "max_per_application" in errors_of(response)
    assert not Call.objects.filter(code="nfae-2027").exists()

    response = agency.post(url(Call, "add"), _new_call_data(agency, competition))
    assert response.status_code == 302, errors_of(response)
    call = Call.objects.get(code="nfae-2027")
    assert (call.status, call.tie_rules, call.kinds.count()) == (CallStatus.DRAFT, ["criterion:relevance",
                                                                                    "lower_amount"], 1)


def test_call_steps_open_and_close_and_refuse_the_wrong_status(world, agency, officer):
    call = CallFactory(status=CallStatus.DRAFT)
    page = agency.get(url(Call, "change", call.pk))
    content = page.content.decode()
    assert step(call, "open") in content and step(call, "close") not in content

    refused = agency.post(step(call, "close"))
    assert refused.status_code == 200
    assert "The call is being prepared; this step needs it to be open for applications." in refused.content.decode()
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT

    response = agency.post(step(call, "open"), follow=True)
    assert "The call is open for applications." in response.content.decode()
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    page = agency.get(url(Call, "change", call.pk))
    assert page.context["adminform"].form.fields.keys() <= {"name_lt", "name_en", "description_lt",
                                                           "description_en", "closes_on"}

    # Others see the open call but take no step.
    page = officer.get(url(Call, "change", call.pk))
    assert page.status_code == 200 and "evaluation-step" not in page.content.decode()
    assert officer.post(step(call, "close")).status_code == 403
    assert agency.post(step(call, "close")).status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED


def test_a_draft_call_is_not_shown_to_others(world, agency, officer):
    call = CallFactory(status=CallStatus.DRAFT)
    listing = officer.get(url(Call, "changelist"))
    assert listing.status_code == 200 and call.pk not in {c.pk for c in listing.context["cl"].result_list}
    assert officer.get(url(Call, "change", call.pk)).status_code in (302, 403)
    assert agency.get(url(Call, "delete", call.pk)).status_code == 200


def test_rank_and_publish_show_the_ranked_list(world, agency):
    call = CallFactory(status=CallStatus.CLOSED)
    made = {}
    for number, total, requested, institution in (("VERT-2026-90001", "80", "20000", world.a1),
                                                  ("VERT-2026-90002", "70", "15000", world.a2),
                                                  ("VERT-2026-90003", "40", "10000", world.b1)):
        made[number] = ApplicationFactory(
            number=number, procedure=call.procedure, call=call, institution=institution,
            status=ApplicationStatus.SCORED, total=Decimal(total), mandatory_passed=True,
            requested_amount=Decimal(requested),
            programme_version__programme__kind__code="nonformal_adult")
    refused = agency.post(step(call, "publish"))
    assert "Rank the call before publishing its results." in refused.content.decode()

    response = agency.post(step(call, "rank"), follow=True)
    content = response.content.decode()
    assert "The call is ranked: 3 applications, 2 selected for funding." in content
    page = agency.get(url(Call, "change", call.pk))
    content = page.content.decode()
    assert 'id="call-results"' in content and "Ranked applications" in content
    ranked = [a.number for a in page.context["results"]]
    assert ranked == ["VERT-2026-90001", "VERT-2026-90002", "VERT-2026-90003"]
    assert content.index("VERT-2026-90001") < content.index("VERT-2026-90002") < content.index("VERT-2026-90003")
    assert str(Selection.BELOW_MINIMUM.label) in content
    assert step(call, "publish") in content

    response = agency.post(step(call, "publish"), follow=True)
    assert "The results are published" in response.content.decode()
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    outcomes = dict(Decision.objects.filter(application__call=call).values_list("application__number", "outcome"))
    assert outcomes["VERT-2026-90001"] == Outcome.FUNDED and outcomes["VERT-2026-90003"] == Outcome.NOT_FUNDED
    page = agency.get(url(Call, "change", call.pk))
    assert "evaluation-step" not in page.content.decode() and page.context["adminform"].form.fields == {}
    assert agency.get(url(Call, "delete", call.pk)).status_code == 403


def test_the_call_page_lists_only_the_users_own_applications(world, officer):
    call = CallFactory(status=CallStatus.CLOSED)
    own = ApplicationFactory(procedure=call.procedure, call=call, institution=world.a1,
                             programme_version__programme__kind__code="nonformal_adult", title="Mūsų programa")
    ApplicationFactory(procedure=call.procedure, call=call, institution=world.b1,
                       programme_version__programme__kind__code="nonformal_adult", title="Kita programa")
    page = officer.get(url(Call, "change", call.pk))
    assert page.status_code == 200
    assert [a.pk for a in page.context["results"]] == [own.pk]
    assert "Kita programa" not in page.content.decode()


@pytest.mark.parametrize("model", [Procedure, Criterion, Expert, ExpertTie, Call])
def test_every_configuration_page_opens_for_the_agency_only(world, agency, model):
    proc = procedure()
    expert = ExpertFactory()
    objects = {Procedure: proc, Criterion: proc.criteria.first(), Expert: expert,
               ExpertTie: ExpertTieFactory(expert=expert), Call: CallFactory()}
    obj = objects[model]
    assert agency.get(url(model, "changelist")).status_code == 200
    assert agency.get(url(model, "add")).status_code == 200
    page = agency.get(url(model, "change", obj.pk))
    assert page.status_code == 200 and page.context["has_change_permission"]
    assert agency.get(url(model, "history", obj.pk)).status_code == 200
    municipality = client_for(world.users["municipality_officer"])
    assert municipality.get(url(model, "add")).status_code == 403
    public = model in (Procedure, Criterion, Call)  # read by everyone (calls once open)
    assert municipality.get(url(model, "changelist")).status_code == (200 if public else 403)


def test_a_criterion_changed_on_its_own_page_is_checked_with_its_procedure(agency):
    proc = procedure(kinds=("cpd",))
    proc.criteria.exclude(code="relevance").update(weight=0)
    relevance = proc.criteria.get(code="relevance")
    page = agency.get(url(Criterion, "change", relevance.pk))
    response = agency.post(url(Criterion, "change", relevance.pk), admin_post_data(page, weight="0"))
    assert response.status_code == 200
    assert "At least one criterion needs a weight above 0." in response.content.decode()
    relevance.refresh_from_db()
    assert relevance.weight == Decimal("2")
    response = agency.post(url(Criterion, "change", relevance.pk), admin_post_data(page, weight="3"))
    assert response.status_code == 302, errors_of(response)


def test_experts_filtered_by_availability(agency):
    today = timezone.localdate()
    away = ExpertFactory(available_until=today - datetime.timedelta(days=1))
    here = ExpertFactory(available_from=today - datetime.timedelta(days=10))
    changelist = url(Expert, "changelist")
    assert {e.pk for e in agency.get(changelist, {"available": "no"}).context["cl"].result_list} == {away.pk}
    assert {e.pk for e in agency.get(changelist, {"available": "yes"}).context["cl"].result_list} == {here.pk}
    assert f"… – {(today - datetime.timedelta(days=1)).isoformat()}" in agency.get(changelist).content.decode()
