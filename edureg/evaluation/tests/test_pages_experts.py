"""The expert pages through Django's test client: the proposals with their conflicts (assigning a conflicted expert
is refused), withdrawing an assignment, who sees an assignment, declaring a conflict, and scoring on the scale with
a draft, refusals and submission, the other experts' scores appearing only after one's own are submitted."""

from decimal import Decimal

import pytest

from edureg.evaluation.choices import AssignmentStatus
from edureg.evaluation.services import experts, scoring
from edureg.evaluation.tests import test_pages as pages
from edureg.evaluation.tests.test_pages import (
    GOOD,
    action_url,
    assignment_url,
    client_for,
    page_url,
    text,
    under_evaluation,
)

# The fixtures of test_pages.
application, coordinator, municipal, panel, provider = (
    pages.application, pages.coordinator, pages.municipal, pages.panel, pages.provider)

pytestmark = pytest.mark.django_db


# --- experts ------------------------------------------------------------------------------------------------------

def test_proposals_show_the_conflict_and_assigning_the_conflicted_expert_is_refused(application, coordinator, panel):
    under_evaluation(application, coordinator)
    client = client_for(coordinator)
    page = client.get(page_url(application))
    body = text(page)
    assert "Proposed experts" in body
    assert str(panel["conflicted"]) in body and application.institution.name in body
    assert f'id="proposal-{panel["conflicted"].pk}"' in page.content.decode()

    refused = client.post(action_url(application, "assign"), {"expert": panel["conflicted"].pk})
    assert refused.status_code == 200
    assert "There is a problem" in text(refused)
    assert f'id="assign-error-{panel["conflicted"].pk}"' in refused.content.decode()
    assert not application.assignments.exists()

    for key in ("first", "second"):
        done = client.post(action_url(application, "assign"), {"expert": panel[key].pk}, follow=True)
        assert "The expert is assigned." in text(done)
    assert set(application.assignments.values_list("expert", flat=True)) == {panel["first"].pk,
                                                                              panel["second"].pk}
    assert client.post(action_url(application, "assign"), {"expert": 999999}).status_code == 200
    assert client_for(panel["first_user"]).post(action_url(application, "assign"),
                                                {"expert": panel["first"].pk}).status_code == 403


def test_withdraw_an_assignment(application, coordinator, panel):
    under_evaluation(application, coordinator)
    assignment = experts.assign_expert(application, panel["first"], actor=coordinator)
    client = client_for(coordinator)
    refused = client.post(action_url(application, "withdraw-assignment"), {"assignment": assignment.pk,
                                                                           "reason": ""})
    assert "This field is required." in text(refused)
    done = client.post(action_url(application, "withdraw-assignment"),
                       {"assignment": assignment.pk, "reason": "Ill."}, follow=True)
    assert "The expert's assignment is withdrawn." in text(done)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.WITHDRAWN


# --- the expert's page ----------------------------------------------------------------------------------------

def test_assignment_page_visibility(application, coordinator, provider, panel, municipal):
    under_evaluation(application, coordinator)
    assignment = experts.assign_expert(application, panel["first"], actor=coordinator)
    url = assignment_url(assignment)
    assert client_for().get(url).status_code == 302
    assert client_for(provider).get(url).status_code == 404
    assert client_for(municipal).get(url).status_code == 404
    assert client_for(panel["second_user"]).get(url).status_code == 404
    assert client_for(coordinator).get(url).status_code == 200
    assert "I have no conflict of interest" in text(client_for(panel["first_user"]).get(url))
    assert "I have no conflict of interest" not in text(client_for(coordinator).get(url))
    assert client_for(coordinator).post(assignment_url(assignment, "no-conflict")).status_code == 403


def test_expert_declares_a_conflict(application, coordinator, panel):
    under_evaluation(application, coordinator)
    assignment = experts.assign_expert(application, panel["first"], actor=coordinator)
    client = client_for(panel["first_user"])
    refused = client.post(assignment_url(assignment, "conflict"), {"note": ""})
    assert "This field is required." in text(refused)
    done = client.post(assignment_url(assignment, "conflict"), {"note": "I advised the provider."}, follow=True)
    assert "Your conflict of interest is recorded" in text(done)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CONFLICT and assignment.conflict_note == "I advised the provider."


def test_expert_scores_saves_a_draft_and_submits(application, coordinator, panel):
    under_evaluation(application, coordinator)
    first = experts.assign_expert(application, panel["first"], actor=coordinator)
    second = experts.assign_expert(application, panel["second"], actor=coordinator)
    client = client_for(panel["first_user"])

    # Before declaring: no scoring form; scoring is refused by the service.
    assert "Score for “Relevance”" not in text(client.get(assignment_url(first)))
    done = client.post(assignment_url(first, "no-conflict"), follow=True)
    body = text(done)
    assert "You declared no conflict of interest." in body
    page = done.content.decode()
    assert "Score for “Relevance”" in body and 'type="radio"' in page and 'value="4"' in page
    assert 'class="govuk-radios__input"' in page

    # A partial draft is saved.
    draft = client.post(assignment_url(first, "save"), {"relevance": "4", "relevance-justification": "Needed."},
                        follow=True)
    assert "Your scores are saved as a draft." in text(draft)
    assert first.scores.get(criterion__code="relevance").value == Decimal("4")
    assert 'value="4" checked' in client.get(assignment_url(first)).content.decode()

    # A score off the scale, then an incomplete sheet: refused, nothing changed.
    off = client.post(assignment_url(first, "save"), {**GOOD, "content": "9"})
    assert off.status_code == 200 and "There is a problem" in text(off)
    assert not first.scores.filter(criterion__code="content").exists()
    incomplete = client.post(assignment_url(first, "submit"), {"relevance": "4", "relevance-justification": "x"})
    assert "There is a problem" in text(incomplete)
    first.refresh_from_db()
    assert first.status == AssignmentStatus.ASSIGNED

    # Another expert's submitted scores are hidden until one's own are submitted.
    experts.confirm_no_conflict(second, actor=panel["second_user"])
    scoring.save_scores(second, {"relevance": {"value": "1", "justification": "Too general."},
                                 "content": {"value": "2", "justification": "Thin."},
                                 "staff": {"value": "2", "justification": "Ok."}}, actor=panel["second_user"])
    scoring.submit_scores(second, actor=panel["second_user"])
    hidden = text(client.get(assignment_url(first)))
    assert "Too general." not in hidden and "after you submit yours" in hidden
    assert "Too general." not in text(client.get(page_url(application)))

    done = client.post(assignment_url(first, "submit"), GOOD, follow=True)
    body = text(done)
    assert "Your scores are submitted." in body
    first.refresh_from_db()
    assert first.status == AssignmentStatus.SUBMITTED
    assert "Too general." in body and "Expert A" in body and str(panel["second"]) not in body
    assert "Score for “Relevance”" not in body  # read-only now
