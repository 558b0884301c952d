"""The public catalogue of programmes and qualifications in a real browser, checked with axe-core."""

import datetime

import pytest

from edureg.programmes import services
from edureg.programmes.tests.factories import language, make_registered
from tests.browser.helpers import follow, visit

pytestmark = pytest.mark.browser


def test_find_a_welder_programme_and_its_qualification(browser_page, world):
    programme = make_registered(provider=world.a1, state_code="P43071501",
                                name_lt="Suvirintojo modulinė profesinio mokymo programa")
    services.create_offering(actor=None, programme=programme, institution=world.a1, municipality=world.mun_a,
                             year=2099, start_date=datetime.date(2099, 9, 1), form="full_time",
                             language=language(), state_funded_places=24, paid_places=2)
    page = browser_page
    visit(page, "/programmes/")
    page.get_by_label("Pavadinimas, profesija arba kodas").fill("suvirint")
    follow(page, page.locator("main").get_by_role("button", name="Ieškoti"))
    follow(page, page.get_by_role("link", name="Suvirintojo modulinė profesinio mokymo programa"))
    assert page.locator("h1").inner_text().strip() == "Suvirintojo modulinė profesinio mokymo programa"
    text = page.locator("main").inner_text()
    assert "P43071501" in text and "Modulis 3" in text and "24" in text
    follow(page, page.get_by_role("link", name=programme.qualification.name_lt))
    assert page.locator("h1").inner_text().strip() == programme.qualification.name_lt
    visit(page, "/qualifications/?q=suvirintojas")
    assert page.locator("main table tbody tr").count() == 1
