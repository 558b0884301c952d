"""The statistics pages in a real browser, each page checked with axe-core: a municipality officer on a phone finds
an indicator, sees their municipality compared with the country (chosen for them), narrows the figures by sex and
downloads the table; the public reads the same page in Lithuanian on a desktop."""

import pytest
from django.conf import settings

from edureg.accounts.tests.factories import MembershipFactory, UserFactory
from edureg.classifiers.models import ClassifierItem
from edureg.indicators.tests.published import HIDDEN_VALUE, publish_sample
from tests.browser.helpers import follow, sign_in, visit
from tests.world import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
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


@pytest.fixture
def published(transactional_db):
    return publish_sample()


def fits_the_screen(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: the page is {width}px wide on a {PHONE['width']}px screen"


def test_a_municipality_officer_compares_with_the_country_on_a_phone(phone, published):
    vilnius = ClassifierItem.objects.get(code_list__code="municipality", code="LT-57")
    user = UserFactory(username="officer")
    MembershipFactory(user=user, role="municipality_officer", municipality=vilnius)
    page = phone
    sign_in(page, "officer", PASSWORD)
    visit(page, "/statistics/")
    fits_the_screen(page)
    assert "49.0" in page.locator("#indicator-SHARE-01").inner_text()
    follow(page, page.get_by_role("link", name="Share of girls"))
    fits_the_screen(page)
    assert page.locator("h1").inner_text().strip() == "Share of girls"
    # their municipality is chosen for them and drawn beside the country
    assert page.get_by_label("Municipality", exact=True).input_value() == "LT-57"
    series = page.locator("#chart-series")
    assert series.get_attribute("role") == "img"
    assert "Vilnius City Municipality" in page.locator("#chart-series-title").text_content()
    assert "dashed line with squares" in page.locator("#chart-series-desc").text_content()
    assert page.locator("#chart-series [data-series='1']").count() == 5
    # by municipality: the suppressed cell shows its symbol and no number
    row = page.locator("#chart-municipalities-table tr", has_text="Akmenė District Municipality")
    assert row.locator("td").inner_text().strip().startswith("c")
    assert str(HIDDEN_VALUE) not in page.content()
    # narrow to girls: the charts and tables follow
    page.get_by_label("Sex", exact=True).select_option("F")
    follow(page, page.get_by_role("button", name="Show the figures"))
    fits_the_screen(page)
    assert "(Female)" in page.locator("#chart-series-title").text_content()
    assert "54.0" in page.locator("#chart-series-table").inner_text()  # Vilnius, girls, 2025
    # the download has the same filters
    href = page.get_by_role("link", name="Download the table (CSV)").get_attribute("href")
    assert "municipality=LT-57" in href and "sex=F" in href
    response = page.request.get(href)
    assert response.status == 200 and "Vilnius City Municipality;F;Female;54.0" in response.text()


def test_the_public_reads_an_indicator_in_lithuanian(browser_page, published):
    page = browser_page
    visit(page, "/statistics/SHARE-01/?by=sex")
    assert page.locator("h1").inner_text().strip() == "Merginų dalis"
    assert page.locator("#id_municipality").input_value() == ""
    assert "49,0" in page.locator("#chart-series-table").inner_text()  # decimal comma
    assert page.locator("#chart-municipalities rect[data-category]").count() == 2  # Akmenė's value is hidden
    visit(page, "/statistics/summary/")
    assert page.locator("#id_year").input_value() == "2025"
