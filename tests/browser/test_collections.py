"""The report pages in a real browser at a phone's size (390×844), each page checked with axe-core: the librarian
fills in the report, sees an error and a warning at once after saving, explains the warning and submits; the agency
approves it on the period's page. Nothing is wider than the screen."""

import datetime

import pytest
from django.conf import settings
from django.db import connection

from edureg.accounts.tests.factories import MembershipFactory, UserFactory
from edureg.classifiers.tests.factories import municipality
from edureg.datacollections.choices import SubmissionStatus
from edureg.datacollections.models import Collection, Submission
from edureg.datacollections.services import load_collections, open_period
from edureg.datacollections.tests.conftest import GOOD, library
from edureg.datacollections.tests.factories import library_type
from tests.browser.helpers import check_a11y, follow, visit
from tests.world import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


class Phones:
    """Phone-sized pages in English, each in a context of its own (one per person signing in)."""

    def __init__(self, chromium, url):
        self.browser, self.url, self.contexts, self.errors = chromium, url, [], []

    def new(self):
        context = self.browser.new_context(base_url=self.url, locale="lt-LT", viewport=PHONE, is_mobile=True,
                                           has_touch=True)
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": self.url}])
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        return page


@pytest.fixture
def phones(browser, live_server):
    if connection.vendor != "sqlite":
        pytest.skip("browser tests run on SQLite")
    phones = Phones(browser, live_server.url)
    yield phones
    for context in phones.contexts:
        context.close()
    assert not phones.errors, f"JavaScript errors on the pages: {phones.errors}"


def fits_the_screen(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: the page is {width}px wide on a {PHONE['width']}px screen"


def sign_in(page, username):
    visit(page, "/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    follow(page, page.locator("main").get_by_role("button"))


@pytest.fixture
def setup(transactional_db):
    library_type()
    load_collections()
    form = Collection.objects.get(code="LIB-ANNUAL")
    lib = library(municipality=municipality("LT-57", "Vilniaus miesto savivaldybė"))
    period = open_period(form, year=2025, opens_on=datetime.date(2026, 1, 5), due_on=datetime.date(2026, 2, 15),
                         actor=None)
    librarian = UserFactory(username="librarian")
    MembershipFactory(user=librarian, role="institution_officer", institution=lib)
    statistician = UserFactory(username="statistician", is_staff=True)
    MembershipFactory(user=statistician, role="agency_admin")
    return {"report": Submission.objects.get(period=period), "period": period}


def test_librarian_fills_in_and_submits_then_the_agency_approves(phones, setup):
    report = setup["report"]
    phone = phones.new()
    sign_in(phone, "librarian")
    visit(phone, "/collections/")
    fits_the_screen(phone)
    follow(phone, phone.get_by_role("link", name="Public library annual statistical report"))
    fits_the_screen(phone)
    for code, value in {**GOOD, "event_participants": "40", "librarians_fte": "15"}.items():
        phone.locator(f"#id_f_{code}").fill(value)
    follow(phone, phone.get_by_role("button", name="Save draft"))
    fits_the_screen(phone)
    assert "1 error must be corrected before submitting" in phone.locator(".govuk-error-summary").inner_text()
    assert phone.locator("#warnings").is_visible()
    phone.locator("#id_f_librarians_fte").fill("9")
    phone.locator("#id_c_participants_ge_events").fill("Readings for small groups.")
    follow(phone, phone.get_by_role("button", name="Submit the report"))
    assert "The report is submitted." in phone.locator("main").inner_text()
    fits_the_screen(phone)
    report.refresh_from_db()
    assert report.status == SubmissionStatus.SUBMITTED

    phone = phones.new()
    sign_in(phone, "statistician")
    visit(phone, f"/collections/periods/{setup['period'].pk}/")
    fits_the_screen(phone)
    follow(phone, phone.locator(f"#report-{report.pk}").get_by_role("button", name="Approve"))
    fits_the_screen(phone)
    check_a11y(phone)
    report.refresh_from_db()
    assert report.status == SubmissionStatus.APPROVED
