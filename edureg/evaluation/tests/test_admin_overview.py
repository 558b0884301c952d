"""The read-only overview in the back-office: applications, assignments, scores, decisions, appeals and events are
written by the services only; each list is scoped to the user (the agency sees all, an institution its own, a
municipality its institutions'), filtered and searched; the application's and decision's pages link to the
evaluation desk (the application page, the decision's PDF)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from edureg.core.testing.forms import admin_post_data
from edureg.evaluation.choices import ApplicationStatus, AssignmentStatus
from edureg.evaluation.models import Appeal, Application, Assignment, Decision, Event, Score
from edureg.evaluation.tests.factories import (
    AppealFactory,
    ApplicationFactory,
    AssignmentFactory,
    DecisionFactory,
    EventFactory,
    ScoreFactory,
    procedure,
)

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"admin:evaluation_{model._meta.model_name}_{view}", args=args)


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def listed(response) -> set:
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.fixture
def apps(world):
    """Applications at a1 (the officer's), a2 (same municipality) and b1 (elsewhere)."""
    proc = procedure()
    return {
        "a1": ApplicationFactory(number="VERT-2026-80001", procedure=proc, institution=world.a1,
                                 title="Skaitmeninis raštingumas mokytojams"),
        "a2": ApplicationFactory(number="VERT-2026-80002", procedure=proc, institution=world.a2,
                                 title="Įtraukusis ugdymas", status=ApplicationStatus.UNDER_EVALUATION),
        "b1": ApplicationFactory(number="VERT-2026-80003", procedure=proc, institution=world.b1,
                                 title="Mokyklos vadyba", status=ApplicationStatus.SCORED),
    }


def test_applications_are_scoped_and_read_only(world, apps):
    agency = client_for(world.users["agency_admin"])
    assert listed(agency.get(url(Application, "changelist"))) == {a.pk for a in apps.values()}
    page = agency.get(url(Application, "change", apps["a1"].pk))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert agency.get(url(Application, "add")).status_code == 403
    assert agency.post(url(Application, "delete", apps["a1"].pk), {"post": "yes"}).status_code == 403
    assert Application.objects.filter(pk=apps["a1"].pk).exists()

    officer = client_for(world.users["institution_officer"])
    assert listed(officer.get(url(Application, "changelist"))) == {apps["a1"].pk}
    assert officer.get(url(Application, "change", apps["b1"].pk)).status_code in (302, 403)
    municipality = client_for(world.users["municipality_officer"])
    assert listed(municipality.get(url(Application, "changelist"))) == {apps["a1"].pk, apps["a2"].pk}
    expert = world.users["expert"]
    expert.is_staff = True
    expert.save()
    assert listed(client_for(expert).get(url(Application, "changelist"))) == set()


def test_applications_filtered_and_searched(world, apps):
    agency = client_for(world.users["agency_admin"])
    changelist = url(Application, "changelist")
    assert listed(agency.get(changelist, {"status__exact": "scored"})) == {apps["b1"].pk}
    assert listed(agency.get(changelist, {"procedure__id__exact": apps["a1"].procedure_id})) == {
        a.pk for a in apps.values()}
    assert listed(agency.get(changelist, {"q": "VERT-2026-80002"})) == {apps["a2"].pk}
    assert listed(agency.get(changelist, {"q": "raštingumas"})) == {apps["a1"].pk}
    assert listed(agency.get(changelist, {"q": "B1 gimnazija"})) == {apps["b1"].pk}
    # Only the filters the page offers.
    assert agency.get(changelist, {"correction_request__contains": "x"}).status_code == 400


def test_the_application_page_links_to_the_desk_and_lists_its_history(world, apps):
    application = apps["a2"]
    AssignmentFactory(application=application)
    EventFactory(application=application, action="eligible", from_status="eligibility",
                 to_status="under_evaluation", note="Tinkama vertinti.")
    agency = client_for(world.users["agency_admin"])
    content = agency.get(url(Application, "change", application.pk)).content.decode()
    assert 'href="/evaluation/applications/VERT-2026-80002/"' in content
    assert "Tinkama vertinti." in content and "evaluation-link" in content
    # The officer of a1 sees their own application, without the experts (no right to assignments).
    AssignmentFactory(application=apps["a1"])
    officer = client_for(world.users["institution_officer"])
    page = officer.get(url(Application, "change", apps["a1"].pk))
    assert page.status_code == 200
    assert not [i for i in page.context["inline_admin_formsets"] if i.opts.model is Assignment]


def test_assignments_and_scores_are_the_agencys(world, apps):
    assignment = AssignmentFactory(application=apps["a1"], status=AssignmentStatus.SUBMITTED)
    score = ScoreFactory(assignment=assignment)
    agency = client_for(world.users["agency_admin"])
    assert listed(agency.get(url(Assignment, "changelist"), {"status__exact": "submitted"})) == {assignment.pk}
    assert listed(agency.get(url(Assignment, "changelist"), {"status__exact": "assigned"})) == set()
    assert listed(agency.get(url(Score, "changelist"), {"q": "VERT-2026-80001"})) == {score.pk}
    page = agency.get(url(Score, "change", score.pk))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert "Programa atitinka mokytojų poreikius." in page.content.decode()
    assert agency.get(url(Score, "add")).status_code == 403

    for role in ("institution_officer", "municipality_officer"):
        other = client_for(world.users[role])
        assert other.get(url(Assignment, "changelist")).status_code == 403
        assert other.get(url(Score, "changelist")).status_code == 403
        assert other.get(url(Score, "change", score.pk)).status_code in (302, 403)


def test_decisions_link_their_pdf_and_are_scoped(world, apps):
    own = DecisionFactory(application=apps["a1"], number="SPR-2026-70001", published_at=None,
                          summary={"criteria": [{"code": "relevance", "name_lt": "Aktualumas",
                                                 "name_en": "Relevance", "weight": "2", "score": "3.50"}]})
    elsewhere = DecisionFactory(application=apps["b1"], number="SPR-2026-70002", published_at=None)
    published = DecisionFactory(application=ApplicationFactory(institution=world.b1), number="SPR-2026-70003")
    agency = client_for(world.users["agency_admin"])
    assert listed(agency.get(url(Decision, "changelist"))) == {own.pk, elsewhere.pk, published.pk}
    assert listed(agency.get(url(Decision, "changelist"), {"q": "SPR-2026-70002"})) == {elsewhere.pk}
    assert listed(agency.get(url(Decision, "changelist"), {"outcome__exact": "rejected"})) == set()
    page = agency.get(url(Decision, "change", own.pk))
    content = page.content.decode()
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert 'href="/evaluation/decisions/SPR-2026-70001.pdf"' in content
    assert "Relevance" in content and "3.50" in content

    # The provider: its own decisions and the published ones, never another's unpublished decision.
    officer = client_for(world.users["institution_officer"])
    assert listed(officer.get(url(Decision, "changelist"))) == {own.pk, published.pk}
    assert officer.get(url(Decision, "change", elsewhere.pk)).status_code in (302, 403)


def test_appeals_and_events_are_read_only_and_scoped(world, apps):
    decision = DecisionFactory(application=apps["a1"])
    appeal = AppealFactory(decision=decision)
    other = AppealFactory(decision=DecisionFactory(application=apps["b1"]))
    event = EventFactory(application=apps["a1"])
    EventFactory(application=apps["b1"])
    agency = client_for(world.users["agency_admin"])
    assert listed(agency.get(url(Appeal, "changelist"), {"status__exact": "filed"})) == {appeal.pk, other.pk}
    page = agency.get(url(Appeal, "change", appeal.pk))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert "Ekspertai neįvertino praktinės dalies." in page.content.decode()

    officer = client_for(world.users["institution_officer"])
    assert listed(officer.get(url(Appeal, "changelist"))) == {appeal.pk}
    assert listed(officer.get(url(Event, "changelist"))) == {event.pk}
    assert officer.get(url(Event, "add")).status_code == 403
    page = officer.get(url(Event, "change", event.pk))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    response = officer.post(url(Event, "change", event.pk), admin_post_data(page))
    assert response.status_code == 403
