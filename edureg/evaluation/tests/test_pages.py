"""The evaluation pages through Django's test client: the desk by role, an application's page and each step on it
for the role that may take it (success, the service's refusal on the field, 403 for the wrong person, 404 for
those who may not see it), the expert's assignment (conflict declaration, scoring on the scale, draft, submit, the
other experts' scores only after submitting), the decision's PDF, and the navigation."""

import html as html_module
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from edureg.accounts.tests.factories import MembershipFactory, UserFactory
from edureg.evaluation.choices import ApplicationStatus
from edureg.evaluation.models import Application, Assignment, Decision
from edureg.evaluation.services import experts, scoring, workflow
from edureg.evaluation.tests.factories import (
    ApplicationFactory,
    AssignmentFactory,
    ExpertFactory,
    ExpertTieFactory,
    procedure,
)
from edureg.institutions.tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

GOOD = {"relevance": "4", "relevance-justification": "Meets the teachers' needs.",
        "content": "3", "content-justification": "Sound methods.",
        "staff": "3", "staff-justification": "Qualified trainers."}


def text(response) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def client_for(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def page_url(application) -> str:
    return reverse("evaluation:application", args=[application.number])


def action_url(application, action: str) -> str:
    return reverse("evaluation:application-action", args=[application.number, action])


def assignment_url(assignment, action: str | None = None) -> str:
    if action is None:
        return reverse("evaluation:assignment", args=[assignment.pk])
    return reverse("evaluation:assignment-action", args=[assignment.pk, action])


def user_with(role: str, username: str, **membership):
    user = UserFactory(username=username, is_staff=role != "expert")
    MembershipFactory(user=user, role=role, **membership)
    return user


def expert_user(expert, username: str):
    return user_with("expert", username, person=expert.person)


@pytest.fixture
def application(db) -> Application:
    procedure()
    return ApplicationFactory(institution=InstitutionFactory(name="Mokytojų švietimo centras"))


@pytest.fixture
def coordinator(db):
    return user_with("agency_admin", "coordinator")


@pytest.fixture
def provider(application):
    return user_with("institution_officer", "provider", institution=application.institution)


@pytest.fixture
def other_provider(db):
    return user_with("institution_officer", "other-provider", institution=InstitutionFactory())


@pytest.fixture
def municipal(application):
    return user_with("municipality_officer", "municipal", municipality=application.institution.municipality)


@pytest.fixture
def panel(application):
    """Two experts without conflicts and one who sits on the provider's board."""
    first, second, conflicted = ExpertFactory(), ExpertFactory(), ExpertFactory()
    ExpertTieFactory(expert=conflicted, institution=application.institution, relation="board")
    return {"first": first, "second": second, "conflicted": conflicted,
            "first_user": expert_user(first, "expert-1"), "second_user": expert_user(second, "expert-2"),
            "conflicted_user": expert_user(conflicted, "expert-3")}


def under_evaluation(application, coordinator) -> Application:
    workflow.start_eligibility(application, actor=coordinator)
    workflow.accept_eligibility(application, actor=coordinator)
    application.refresh_from_db()
    return application


def scored(application, coordinator, panel) -> Application:
    under_evaluation(application, coordinator)
    for key in ("first", "second"):
        assignment = experts.assign_expert(application, panel[key], actor=coordinator)
        user = panel[f"{key}_user"]
        experts.confirm_no_conflict(assignment, actor=user)
        scoring.save_scores(assignment, {code: {"value": GOOD[code], "justification": GOOD[f"{code}-justification"]}
                                         for code in ("relevance", "content", "staff")}, actor=user)
        scoring.submit_scores(assignment, actor=user)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SCORED
    return application


# --- the desk ---------------------------------------------------------------------------------------------------

def test_desk_by_role(application, coordinator, provider, other_provider, municipal, panel):
    assert client_for().get(reverse("evaluation:index")).status_code == 302  # to the sign-in page

    Application.objects.filter(pk=application.pk).update(due_on="2020-01-01")
    body = text(client_for(coordinator).get(reverse("evaluation:index")))
    assert application.number in body and "overdue" in body
    assert "Reminders" in body and "Overdue: the stage “submitted” was due on 2020-01-01." in body
    assert "Decisions expiring soon" in body

    body = text(client_for(provider).get(reverse("evaluation:index")))
    assert "Your institutions' applications" in body and application.number in body
    assert "Open funding calls" in body and "Reminders" not in body

    body = text(client_for(other_provider).get(reverse("evaluation:index")))
    assert application.number not in body and "No applications yet." in body

    assert application.number in text(client_for(municipal).get(reverse("evaluation:index")))

    assignment = AssignmentFactory(application=application, expert=panel["first"])
    body = text(client_for(panel["first_user"]).get(reverse("evaluation:index")))
    assert "Your assignments" in body and application.number in body
    assert reverse("evaluation:assignment", args=[assignment.pk]) in client_for(panel["first_user"]).get(
        reverse("evaluation:index")).content.decode()
    assert application.number not in text(client_for(panel["second_user"]).get(reverse("evaluation:index")))


def test_coordinator_queue_filters_by_status(application, coordinator):
    client = client_for(coordinator)
    assert application.number in text(client.get(reverse("evaluation:index") + "?status=submitted"))
    assert application.number not in text(client.get(reverse("evaluation:index") + "?status=decided"))
    assert client.get(reverse("evaluation:index") + "?status=nonsense").status_code == 404


# --- who sees an application ------------------------------------------------------------------------------------

def test_application_page_visibility(application, coordinator, provider, other_provider, municipal, panel):
    url = page_url(application)
    assert client_for().get(url).status_code == 302
    assert client_for(other_provider).get(url).status_code == 404
    assert client_for(panel["first_user"]).get(url).status_code == 404  # not assigned
    AssignmentFactory(application=application, expert=panel["first"])
    assert client_for(panel["first_user"]).get(url).status_code == 200

    coordinator_page = text(client_for(coordinator).get(url))
    assert "Start the eligibility check" in coordinator_page and "Timeline" in coordinator_page
    provider_page = text(client_for(provider).get(url))
    assert "Withdraw the application" in provider_page and "Start the eligibility check" not in provider_page
    municipal_page = text(client_for(municipal).get(url))
    assert application.number in municipal_page and "Timeline" in municipal_page
    assert "Withdraw the application" not in municipal_page and "Start the eligibility check" not in municipal_page
    expert_page = text(client_for(panel["first_user"]).get(url))
    assert "Your assignment" in expert_page and "Timeline" not in expert_page


def test_the_programme_links_to_its_catalogue_page_when_registered(application, coordinator):
    programme = application.programme_version.programme
    body = client_for(coordinator).get(page_url(application)).content.decode()
    assert reverse("admin:programmes_programmeversion_change", args=[application.programme_version.pk]) in body
    programme.state_code = "K-2026-001"
    programme.status = "registered"
    programme.save()
    body = client_for(coordinator).get(page_url(application)).content.decode()
    assert reverse("pages:programme", args=["K-2026-001"]) in body


# --- eligibility ----------------------------------------------------------------------------------------------

def test_eligibility_steps(application, coordinator, provider):
    client = client_for(coordinator)
    assert client_for(provider).post(action_url(application, "start")).status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED

    done = client.post(action_url(application, "start"), follow=True)
    assert "The eligibility check has started." in text(done)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBILITY

    # The same step again: refused by the service, shown on the page, nothing changed.
    again = client.post(action_url(application, "start"))
    assert again.status_code == 200
    assert "The application is eligibility check; this step needs it to be submitted." in text(again)

    empty = client.post(action_url(application, "return"), {"request": "  "})
    assert "This field is required." in text(empty) and "There is a problem" in text(empty)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBILITY

    done = client.post(action_url(application, "accept"), follow=True)
    assert "under evaluation: assign the experts" in text(done)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_EVALUATION
    assert [e.action for e in application.events.order_by("at", "id")] == [
        "eligibility_started", "eligible"]


def test_return_for_corrections_and_the_provider_resubmits(application, coordinator, provider):
    workflow.start_eligibility(application, actor=coordinator)
    done = client_for(coordinator).post(action_url(application, "return"),
                                        {"request": "Add the trainers' CVs."}, follow=True)
    assert "returned to the provider for corrections" in text(done)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED

    page = client_for(provider).get(page_url(application))
    body = text(page)
    assert "Corrections requested" in body and "Add the trainers' CVs." in body
    assert "Edit the programme version" in body
    assert reverse("admin:programmes_programmeversion_change",
                   args=[application.programme_version.pk]) in page.content.decode()
    assert client_for(coordinator).post(action_url(application, "resubmit")).status_code == 403

    # The version is checked against its kind's rules first: the refusal is shown, nothing changes.
    refused = client_for(provider).post(action_url(application, "resubmit"), {"note": "CVs added."})
    assert "The programme's hours are not given." in text(refused)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED

    version = application.programme_version
    version.hours = 40
    version.save()
    done = client_for(provider).post(action_url(application, "resubmit"), {"note": "CVs added."}, follow=True)
    assert "The application is resubmitted." in text(done), text(done)[:3000]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.programme_version.status == "submitted"


def test_declare_ineligible(application, coordinator):
    workflow.start_eligibility(application, actor=coordinator)
    client = client_for(coordinator)
    refused = client.post(action_url(application, "ineligible"), {"reason": ""})
    assert "This field is required." in text(refused)
    done = client.post(action_url(application, "ineligible"), {"reason": "Not a CPD programme."}, follow=True)
    assert "declared not eligible" in text(done)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECIDED
    assert application.decisions.get().outcome == "rejected"


# --- the decision ---------------------------------------------------------------------------------------------

def test_coordinator_sees_the_aggregation_and_decides(application, coordinator, provider, panel):
    scored(application, coordinator, panel)
    client = client_for(coordinator)
    page = client.get(page_url(application))
    body = text(page)
    assert "Weighted total" in body and "Experts' score sheets" in body and "Meets the teachers' needs." in body
    assert str(panel["first"]) in body
    assert 'value="accredited" checked' in page.content.decode()  # the rule's outcome preselected

    assert client_for(provider).post(action_url(application, "decide"),
                                     {"outcome": "accredited"}).status_code == 403
    refused = client.post(action_url(application, "decide"), {"outcome": "conditions", "conditions": "",
                                                              "reason": ""})
    assert refused.status_code == 200 and "There is a problem" in text(refused)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SCORED

    done = client.post(action_url(application, "decide"), {"outcome": "accredited"}, follow=True)
    assert "The decision is made." in text(done)
    application.refresh_from_db()
    decision = application.decisions.get()
    assert application.status == ApplicationStatus.DECIDED and decision.outcome == "accredited"
    assert reverse("evaluation:decision-pdf", args=[decision.number]) in done.content.decode()
    application.programme_version.refresh_from_db()
    assert application.programme_version.status == "registered"
    assert application.programme_version.accredited_until == decision.valid_until


def test_decision_pdf_by_role(application, coordinator, provider, other_provider, municipal, panel):
    scored(application, coordinator, panel)
    decision = workflow.decide(application, actor=coordinator)
    url = reverse("evaluation:decision-pdf", args=[decision.number])
    assert client_for().get(url).status_code == 302
    for user in (coordinator, provider, municipal):
        response = client_for(user).get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert client_for(other_provider).get(url).status_code == 404
    assert client_for(panel["first_user"]).get(url).status_code == 403
    assert client_for(coordinator).get(reverse("evaluation:decision-pdf", args=["SPR-1-1"])).status_code == 404


def test_provider_appeals_and_the_coordinator_resolves(application, coordinator, provider, panel):
    scored(application, coordinator, panel)
    workflow.decide(application, actor=coordinator, outcome="rejected", reason="Weak trainers.")
    client = client_for(provider)
    assert "Appeal the decision" in text(client.get(page_url(application)))
    assert client_for(coordinator).post(action_url(application, "appeal"), {"grounds": "x"}).status_code == 403
    refused = client.post(action_url(application, "appeal"), {"grounds": ""})
    assert "This field is required." in text(refused)
    done = client.post(action_url(application, "appeal"), {"grounds": "The practice part was ignored."},
                       follow=True)
    assert "Your appeal is filed." in text(done)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPEALED

    coordinator_client = client_for(coordinator)
    page = text(coordinator_client.get(page_url(application)))
    assert "The practice part was ignored." in page and "Resolve the appeal" in page
    appeal = application.appeals.get()
    refused = coordinator_client.post(action_url(application, "resolve-appeal"),
                                      {"appeal": appeal.pk, "uphold": "yes", "resolution": ""})
    assert "This field is required." in text(refused)
    done = coordinator_client.post(action_url(application, "resolve-appeal"),
                                   {"appeal": appeal.pk, "uphold": "yes", "resolution": "Re-evaluate."},
                                   follow=True)
    assert "The appeal is resolved." in text(done)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_EVALUATION and application.round == 2


def test_provider_withdraws(application, provider, other_provider):
    assert client_for(other_provider).post(action_url(application, "withdraw")).status_code == 404
    done = client_for(provider).post(action_url(application, "withdraw"), {"reason": "Not ready."}, follow=True)
    assert "The application is withdrawn." in text(done)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert "Withdraw the application" not in text(client_for(provider).get(page_url(application)))


def test_unknown_step_and_get_on_a_step(application, coordinator):
    client = client_for(coordinator)
    assert client.post(action_url(application, "nonsense")).status_code == 404
    assert client.get(action_url(application, "start")).status_code == 405
    assert Decision.objects.count() == 0 and Assignment.objects.count() == 0


def test_odd_input_is_a_404_or_a_form_error_not_a_500(application, coordinator, panel):
    client = client_for(coordinator)
    assert client.get("/evaluation/applications/VERT%00/").status_code == 404
    assert client.get("/evaluation/decisions/SPR%00.pdf").status_code == 404
    assert client.get("/evaluation/assignments/99999999999999999999/").status_code == 404
    under_evaluation(application, coordinator)
    for value in ("99999999999999999999", "abc", "-1", "1\x00"):
        response = client.post(action_url(application, "assign"), {"expert": value})
        assert response.status_code == 200 and "There is a problem" in text(response), value
    response = client.post(action_url(application, "assign"), {"expert": panel["first"].pk, "due_on": "31.02.2026"})
    assert "Enter a valid date." in text(response)
    assert not application.assignments.exists()
