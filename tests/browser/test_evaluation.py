"""The done-when walk of the evaluation pages in a real browser, each page checked with axe-core: a provider submits
a CPD programme; the coordinator starts the eligibility check, accepts it and assigns two experts (the one on the
provider's board is refused, with the reason); both experts declare no conflict and score every criterion; the
coordinator decides with the rule's outcome and downloads the decision's PDF; the programme is registered and
accredited until the decision's end date."""

import pytest
from django.conf import settings
from django.db import connection

from edureg.evaluation.choices import ApplicationStatus
from edureg.evaluation.models import Application
from edureg.evaluation.tests.factories import ExpertFactory, ExpertTieFactory, procedure
from edureg.evaluation.tests.test_pages import GOOD, expert_user, user_with
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.programmes.tests.factories import ProgrammeVersionFactory
from tests.browser.helpers import check_a11y, follow, sign_in, visit
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


class People:
    """A browser context per person signing in, in English."""

    def __init__(self, chromium, url):
        self.browser, self.url, self.contexts, self.errors = chromium, url, [], []

    def page(self, username):
        context = self.browser.new_context(base_url=self.url, locale="lt-LT", viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": self.url}])
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        sign_in(page, username, PASSWORD)
        return page


@pytest.fixture
def people(browser, live_server):
    if connection.vendor != "sqlite":
        pytest.skip("browser tests run on SQLite")
    from edureg.programmes.services import load_kinds

    load_kinds()  # a transactional test's flush removed the kinds the data migration loaded
    people = People(browser, live_server.url)
    yield people
    for context in people.contexts:
        context.close()
    assert not people.errors, f"JavaScript errors on the pages: {people.errors}"


@pytest.fixture
def world(people):
    procedure()
    centre = InstitutionFactory(name="Mokytojų švietimo centras")
    version = ProgrammeVersionFactory(status="draft", programme__provider=centre, programme__kind__code="cpd",
                                      name_lt="Įtraukusis ugdymas", name_en="Inclusive education", hours=40)
    user_with("institution_officer", "provider", institution=centre)
    user_with("agency_admin", "coordinator")
    first, second, board = ExpertFactory(), ExpertFactory(), ExpertFactory()
    ExpertTieFactory(expert=board, institution=centre, relation="board")
    expert_user(first, "expert-1")
    expert_user(second, "expert-2")
    return {"version": version, "first": first, "second": second, "board": board}


def score(page, number: str):
    follow(page, page.get_by_role("link", name=number))
    follow(page, page.get_by_role("button", name="I have no conflict of interest"))
    assert "You declared no conflict of interest." in page.locator("main").inner_text()
    for code in ("relevance", "content", "staff"):
        page.locator(f"input[name='{code}'][value='{GOOD[code]}']").check()
        page.locator(f"#id_{code}-justification").fill(GOOD[f"{code}-justification"])
    follow(page, page.get_by_role("button", name="Submit the scores"))
    assert "Your scores are submitted." in page.locator("main").inner_text()


def test_cpd_programme_from_submission_to_accreditation(people, world):
    version = world["version"]

    # The provider submits the programme version in the programmes register.
    provider = people.page("provider")
    provider.goto(f"/admin/programmes/programmeversion/{version.pk}/step/submit/")
    with provider.expect_navigation():
        provider.locator("input[type=submit]").click()
    application = Application.objects.get(programme_version=version)
    visit(provider, "/evaluation/")
    assert application.number in provider.locator("main").inner_text()

    # The coordinator: eligibility, then the experts.
    coordinator = people.page("coordinator")
    assert coordinator.get_by_role("link", name="Evaluation", exact=True).count() == 1
    visit(coordinator, "/evaluation/")
    follow(coordinator, coordinator.locator(f"#application-{application.number}").get_by_role("link"))
    follow(coordinator, coordinator.get_by_role("button", name="Start the eligibility check"))
    follow(coordinator, coordinator.get_by_role("button", name="Eligible: start the evaluation"))
    proposals = coordinator.locator("#proposals")
    assert "Mokytojų švietimo centras" in proposals.locator(f"#proposal-{world['board'].pk}").inner_text()
    follow(coordinator, coordinator.locator(f"#proposal-{world['board'].pk}").get_by_role("button"))
    assert "There is a problem" in coordinator.locator(".govuk-error-summary").inner_text()
    assert coordinator.locator(f"#assign-error-{world['board'].pk}").is_visible()
    assert not application.assignments.exists()
    for key in ("first", "second"):
        follow(coordinator, coordinator.locator(f"#proposal-{world[key].pk}").get_by_role("button"))
        assert "The expert is assigned." in coordinator.locator("main").inner_text()
    assert application.assignments.count() == 2

    # Both experts score.
    for username in ("expert-1", "expert-2"):
        expert = people.page(username)
        visit(expert, "/evaluation/")
        score(expert, f"{application.number} {application.title}")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SCORED

    # The coordinator decides with the rule's outcome and downloads the PDF.
    visit(coordinator, f"/evaluation/applications/{application.number}/")
    assert coordinator.locator("#aggregation").is_visible()
    assert coordinator.locator("input[name='outcome'][value='accredited']").is_checked()
    follow(coordinator, coordinator.get_by_role("button", name="Make the decision"))
    assert "The decision is made." in coordinator.locator("main").inner_text()
    check_a11y(coordinator)
    decision = application.decisions.get()
    link = coordinator.get_by_role("link", name=f"Decision {decision.number} (PDF)")
    response = coordinator.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")

    version.refresh_from_db()
    assert version.status == "registered" and version.accredited_until == decision.valid_until
    assert decision.outcome == "accredited"
    # The provider reads the decision and may download it too.
    visit(provider, f"/evaluation/applications/{application.number}/")
    assert f"Decision {decision.number} (PDF)" in provider.locator("main").inner_text()
    assert provider.request.get(f"/evaluation/decisions/{decision.number}.pdf").status == 200
