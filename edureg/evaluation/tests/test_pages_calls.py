"""The funding calls' pages through Django's test client: the public list and a call's details, a provider applying
with a registered programme (and the service's refusal of an amount above the maximum), the coordinator closing,
ranking (refused while an application is unfinished) and publishing, the public results with their CSV; and the
evaluation entries of the menu and the home page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from edureg.evaluation.choices import ApplicationStatus, CallStatus
from edureg.evaluation.models import Application
from edureg.evaluation.services import calls, experts, scoring, workflow
from edureg.evaluation.tests.factories import ApplicationFactory, AssignmentFactory, CallFactory, ExpertFactory
from edureg.evaluation.tests.test_pages import GOOD, client_for, expert_user, text, user_with
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.programmes.tests.factories import ProgrammeVersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider_institution(db):
    return InstitutionFactory(name="Suaugusiųjų mokymo centras")


@pytest.fixture
def version(provider_institution):
    return ProgrammeVersionFactory(status="registered", programme__provider=provider_institution,
                                   programme__kind__code="nonformal_adult", name_lt="Skaitmeninis raštingumas",
                                   name_en="Digital literacy")


@pytest.fixture
def call(db):
    return CallFactory(code="nfae-2026")


@pytest.fixture
def coordinator(db):
    return user_with("agency_admin", "coordinator")


@pytest.fixture
def provider(provider_institution):
    return user_with("institution_officer", "provider", institution=provider_institution)


def call_url(call, name="call") -> str:
    return reverse(f"evaluation:{name}", args=[call.code])


def test_public_list_and_details(call, client):
    draft = CallFactory(code="nfae-draft", status=CallStatus.DRAFT, name_en="Next year's call")
    anonymous = client_for()
    body = text(anonymous.get(reverse("evaluation:calls")))
    assert call.name_en in body and "Next year's call" not in body
    page = anonymous.get(call_url(call))
    body = text(page)
    assert page.status_code == 200
    assert "100,000.00 EUR" in body and "20,000.00 EUR" in body and "Relevance" in body
    assert "Higher score on “Relevance” first" in body and "Smaller requested amount first" in body
    assert "Submit the application" not in body
    assert anonymous.get(call_url(draft)).status_code == 404
    assert client_for(user_with("agency_admin", "coordinator")).get(call_url(draft)).status_code == 200
    assert anonymous.get(call_url(call, "call-results")).status_code == 404  # not published yet
    assert anonymous.get(call_url(call, "call-results-csv")).status_code == 404


def test_provider_applies(call, version, provider, coordinator):
    client = client_for(provider)
    page = text(client.get(call_url(call)))
    assert "Submit the application" in page and "Digital literacy" in page

    refused = client.post(call_url(call, "call-apply"), {"programme_version": version.pk,
                                                         "requested_amount": "25000", "note": ""})
    assert refused.status_code == 200
    assert "exceeds the call's maximum of" in text(refused)
    assert not Application.objects.exists()

    done = client.post(call_url(call, "call-apply"), {"programme_version": version.pk,
                                                      "requested_amount": "12500.50", "note": "For seniors."},
                       follow=True)
    application = Application.objects.get()
    assert f"Your application {application.number} is submitted to the call." in text(done)
    assert application.requested_amount == Decimal("12500.50") and application.call == call
    assert application.number in text(client.get(call_url(call)))

    again = client.post(call_url(call, "call-apply"), {"programme_version": version.pk, "requested_amount": "100"})
    assert "has already applied to the call" in text(again)
    assert client_for(coordinator).post(call_url(call, "call-apply"), {}).status_code == 403


def test_a_provider_without_an_eligible_programme_is_told_so(call, provider):
    assert "Your institution has no registered programme of a kind this call funds." in text(
        client_for(provider).get(call_url(call)))


def _scored_call_application(call, version, provider, coordinator) -> Application:
    application = calls.apply_to_call(call, actor=provider, programme_version=version,
                                      requested_amount=Decimal("15000"))
    workflow.start_eligibility(application, actor=coordinator)
    workflow.accept_eligibility(application, actor=coordinator)
    for n in range(2):
        expert = ExpertFactory()
        user = expert_user(expert, f"expert-{n}")
        assignment = experts.assign_expert(application, expert, actor=coordinator)
        experts.confirm_no_conflict(assignment, actor=user)
        scoring.save_scores(assignment, {c: {"value": GOOD[c], "justification": GOOD[f"{c}-justification"]}
                                         for c in ("relevance", "content", "staff")}, actor=user)
        scoring.submit_scores(assignment, actor=user)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SCORED
    return application


def test_coordinator_closes_ranks_and_publishes(call, version, provider, coordinator):
    application = calls.apply_to_call(call, actor=provider, programme_version=version,
                                      requested_amount=Decimal("15000"))
    client = client_for(coordinator)
    assert client_for(provider).post(reverse("evaluation:call-step", args=[call.code, "close"])).status_code == 403
    done = client.post(reverse("evaluation:call-step", args=[call.code, "close"]), follow=True)
    assert "The call is closed" in text(done)
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED

    # Ranking is refused while the application is still unfinished.
    refused = client.post(reverse("evaluation:call-step", args=[call.code, "rank"]))
    assert refused.status_code == 200 and "still being checked or evaluated" in text(refused)

    # Scored: ranked, then published.
    application.delete()
    call.status = CallStatus.OPEN
    call.save()
    application = _scored_call_application(call, version, provider, coordinator)
    calls.close_call(call, actor=coordinator)
    done = client.post(reverse("evaluation:call-step", args=[call.code, "rank"]), follow=True)
    assert "ranked and selected within the budget" in text(done) and "Publish the results" in text(done)
    done = client.post(reverse("evaluation:call-step", args=[call.code, "publish"]), follow=True)
    assert "The results are published" in text(done)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECIDED and application.granted_amount == Decimal("15000")

    anonymous = client_for()
    body = text(anonymous.get(call_url(call, "call-results")))
    assert "Suaugusiųjų mokymo centras" in body and "Funded" in body and "15,000.00" in body
    csv = anonymous.get(call_url(call, "call-results-csv"))
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    content = csv.content.decode("utf-8-sig")
    assert content.splitlines()[0].startswith("Rank;Application;Applicant")
    assert f"1;{application.number};Suaugusiųjų mokymo centras" in content
    assert client.post(reverse("evaluation:call-step", args=[call.code, "nonsense"])).status_code == 404


# --- navigation -------------------------------------------------------------------------------------------------

def test_menu_item_and_home_tasks(db):
    from edureg.evaluation.tests.factories import procedure

    procedure()
    application = ApplicationFactory(status=ApplicationStatus.RETURNED)
    coordinator = user_with("agency_admin", "coordinator")
    provider = user_with("institution_officer", "provider", institution=application.institution)
    bystander = user_with("institution_officer", "bystander", institution=InstitutionFactory())
    expert = ExpertFactory()
    expert_login = expert_user(expert, "expert")
    evaluation = reverse("evaluation:index")

    def menu(user) -> bool:
        return f'href="{evaluation}"' in client_for(user).get(reverse("pages:home")).content.decode()

    assert not menu(None) and not menu(bystander)
    assert menu(coordinator) and menu(provider) and menu(expert_login)

    home = text(client_for(provider).get(reverse("pages:home")))
    assert "Corrections requested" in home and "The agency asks you to correct 1 application." in home
    home = text(client_for(coordinator).get(reverse("pages:home")))
    assert "Evaluation applications awaiting you" not in home  # returned: the provider's turn
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.SUBMITTED)
    home = text(client_for(coordinator).get(reverse("pages:home")))
    assert "1 application waits for your step or is overdue." in home
    assert "Applications to evaluate" not in text(client_for(expert_login).get(reverse("pages:home")))
    AssignmentFactory(application=application, expert=expert)
    assert "1 assignment waits for your scores." in text(client_for(expert_login).get(reverse("pages:home")))

    # An open call makes the menu item appear for any provider (they may apply).
    CallFactory(code="nfae-open")
    assert menu(bystander)
    assert "Funding calls" in text(client_for(bystander).get(reverse("pages:home")))


def test_provider_resubmits_a_call_application_with_a_new_amount(call, version, provider, coordinator):
    application = calls.apply_to_call(call, actor=provider, programme_version=version,
                                      requested_amount=Decimal("15000"))
    workflow.start_eligibility(application, actor=coordinator)
    workflow.return_for_corrections(application, actor=coordinator, request="Lower the amount.")
    client = client_for(provider)
    url = reverse("evaluation:application-action", args=[application.number, "resubmit"])
    page = text(client.get(reverse("evaluation:application", args=[application.number])))
    assert "Lower the amount." in page and "Requested amount (EUR)" in page
    refused = client.post(url, {"requested_amount": "30000", "note": ""})
    assert "The requested amount (30000.00 EUR) exceeds the call's maximum of 20000.00 EUR per application." \
        in text(refused)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED and application.requested_amount == Decimal("15000")
    done = client.post(url, {"requested_amount": "9000", "note": "Lowered."}, follow=True)
    assert "The application is resubmitted." in text(done)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.requested_amount == Decimal("9000")
