"""The applicant's admission pages in a real browser at a phone's size (390×844), each page checked with axe-core:
sign in, start the application, enter grades, find offers, see why one is not open, add preferences, submit; and,
after a published run, read the result with the cut-off missed."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from edureg.accounts.tests.factories import MembershipFactory, UserFactory
from edureg.admission.choices import RoundStatus
from edureg.admission.models import Application
from edureg.admission.tests.factories import (
    AllocationRunFactory,
    ApplicationResultFactory,
    InvitationFactory,
    OfferFactory,
    OfferResultFactory,
    RoundFactory,
    ScoringFormulaFactory,
    subject,
)
from edureg.core.search import search_document
from edureg.persons.tests.factories import PersonFactory
from tests.browser.helpers import check_a11y, follow, sign_in, visit
from tests.world import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    """A page in a phone-sized context, in English (the words the tests look for are the source strings)."""
    context = browser.new_context(base_url=live_server.url, locale="lt-LT", viewport=PHONE, is_mobile=True,
                                  has_touch=True)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the pages: {errors}"


def fits_the_screen(page) -> None:
    """Nothing wider than the phone's screen (a wide table scrolls in its own region)."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: the page is {width}px wide on a {PHONE['width']}px screen"


def make_offer(round_, name, code, level):
    offer = OfferFactory(round=round_, code=code, offering__version__ltks_level=level,
                         offering__version__name_lt=name, offering__version__name_en=name)
    programme = offer.offering.programme
    programme.search_text = search_document(programme.name_lt, programme.name_en)
    programme.save()
    return offer


@pytest.fixture
def admission(transactional_db):
    for code, name in (("LT", "Lietuvių kalba ir literatūra"), ("MAT", "Matematika")):
        subject(code, name)
    today = timezone.localdate()
    round_ = RoundFactory(code="main-2026", name_lt="2026 m. pagrindinis priėmimas",
                          name_en="2026 main admission round", applications_open=today - datetime.timedelta(days=5),
                          application_deadline=today + datetime.timedelta(days=10),
                          results_date=today + datetime.timedelta(days=15),
                          contract_deadline=today + datetime.timedelta(days=25))
    ScoringFormulaFactory(round=round_)
    welder = make_offer(round_, "Suvirintojo programa", "WELD", 3)
    cook = make_offer(round_, "Virėjo programa", "COOK", 4)  # LTKS IV: needs secondary education
    person = PersonFactory(birth_date=datetime.date(2010, 3, 1))
    user = UserFactory(username="applicant")
    MembershipFactory(user=user, role="applicant", person=person)
    return {"round": round_, "welder": welder, "cook": cook, "user": user}


def test_an_applicant_applies_on_a_phone(phone, admission):
    page = phone
    sign_in(page, "applicant", PASSWORD)
    visit(page, "/admission/my/")
    fits_the_screen(page)
    assert page.locator("h1").inner_text().strip() == "Your application"
    page.get_by_label("Basic education", exact=True).check()
    follow(page, page.get_by_role("button", name="Start my application"))
    assert "is started" in page.locator(".govuk-notification-banner").inner_text()
    # grades
    page.get_by_label("Lietuvių kalba ir literatūra").fill("9")
    page.get_by_label("Matematika").fill("8,25")
    follow(page, page.get_by_role("button", name="Save my grades"))
    assert page.get_by_label("Matematika").input_value() == "8.25"
    # offers: the cook offer is not open with basic education, and says why
    follow(page, page.get_by_role("link", name="Find offers and add them to your preferences"))
    fits_the_screen(page)
    cook = page.locator(f"#offer-{admission['cook'].pk}")
    assert "You are not eligible" in cook.inner_text()
    assert "This programme (LTKS level IV) is for applicants with secondary education" in cook.inner_text()
    welder = page.locator(f"#offer-{admission['welder'].pk}")
    assert "You are eligible" in welder.inner_text() and "Your score here: 6.9" in welder.inner_text()
    follow(page, welder.get_by_role("button", name="Add to my preferences"))
    assert "Suvirintojo programa is now your preference 1." in page.locator(".govuk-notification-banner").inner_text()
    # adding the ineligible offer is refused with the reason
    follow(page, page.locator(f"#offer-{admission['cook'].pk}").get_by_role("button"))
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "Preference 2 (COOK" in banner and "secondary education" in banner
    # submit
    visit(page, "/admission/my/")
    fits_the_screen(page)
    assert "Preference 1: Suvirintojo programa" in page.locator("#preferences + p + ol").inner_text()
    follow(page, page.get_by_role("button", name="Submit my application"))
    assert page.locator("#status").inner_text().startswith("Submitted")
    assert Application.objects.get().status == "submitted"
    assert page.get_by_role("button", name="Withdraw my application").is_visible()


def test_the_result_after_a_published_run(phone, admission):
    round_, welder, cook = admission["round"], admission["welder"], admission["cook"]
    application = Application.objects.create(round=round_, person=admission["user"].memberships.get().person,
                                             education="secondary", status="submitted")
    round_.status = RoundStatus.PUBLISHED
    round_.save()
    run = AllocationRunFactory(round=round_, input_hash="c0ffee" * 10 + "abcd", engine_version="1.0.0")
    ApplicationResultFactory(run=run, application=application, offer=welder, rank=2, lottery=0.25, explanation=[
        {"offer": "COOK", "rank": 1, "eligible": True, "reason_codes": [], "score": [7.4, 0.0],
         "outcome": "below_cutoff", "cutoff": {"score": [7.9, 0.0], "lottery": 0.1}},
        {"offer": "WELD", "rank": 2, "eligible": True, "reason_codes": [], "score": [7.4, 0.0], "outcome": "invited",
         "cutoff": None}])
    InvitationFactory(run=run, application=application, offer=welder)
    OfferResultFactory(run=run, offer=welder, invited=12, lowest_score=[6.1, 0.0])
    OfferResultFactory(run=run, offer=cook, invited=20, lowest_score=[7.9, 0.0])
    page = phone
    sign_in(page, "applicant", PASSWORD)
    visit(page, "/admission/my/result/")
    fits_the_screen(page)
    assert page.locator(".govuk-panel__title").inner_text().strip() == "You are invited"
    explanation = page.locator("#explanation").inner_text()
    assert "Preference 1: Virėjo programa" in explanation
    assert "Your score 7.4 is below the cut-off 7.9." in explanation
    follow(page, page.get_by_role("link", name="Results of every offer in this round"))
    fits_the_screen(page)
    assert page.locator("#results tbody tr").count() == 2
    check_a11y(page)
