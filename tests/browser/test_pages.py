"""The public pages in a real browser, each page checked with axe-core (helpers.visit / follow)."""

import re

import pytest
from django.urls import reverse

from edureg.institutions.tests.factories import BranchFactory, InstitutionFactory
from edureg.learners.tests.factories import EnrolmentFactory
from tests.browser.helpers import check_a11y, follow, sign_in, visit
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def heading(page) -> str:
    return page.locator("h1").inner_text().strip()


def test_anonymous_home(browser_page, world):
    page = browser_page
    visit(page, "/")
    assert page.locator("html").get_attribute("lang") == "lt"
    assert heading(page) == "Švietimo informacinė sistema"
    assert page.title() == "Švietimo informacinė sistema – edureg"
    # the skip link is the first thing a keyboard reaches, and it leads to the main content
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Pereiti prie pagrindinio turinio"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"
    # sign-in offered, no tasks for the anonymous
    assert page.get_by_role("link", name="Prisijungti").first.is_visible()
    assert page.get_by_text("Jūsų užduotys").count() == 0
    # the design system is loaded from this server and styles the page (not the browser's default serif)
    font = page.evaluate("() => getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "system-ui" in font and "GDS Transport" not in font
    assert page.evaluate("() => document.body.classList.contains('govuk-frontend-supported')")


def test_institution_search_from_home_and_list(browser_page, world):
    page = browser_page
    visit(page, "/")
    page.get_by_label("Pavadinimas arba kodas").fill("gimnazija")
    follow(page, page.locator("main").get_by_role("button", name="Ieškoti", exact=True))
    names = page.locator("main table tbody tr td:first-child a")
    assert names.all_inner_texts() == ["A1 gimnazija", "A2 progimnazija", "B1 gimnazija"]
    assert page.locator("#result-count").inner_text() == "Rastos 3 įstaigos"
    # narrow to a municipality
    page.get_by_label("Savivaldybė").select_option(label="Kauno miesto savivaldybė")
    follow(page, page.locator("main").get_by_role("button", name="Ieškoti"))
    assert names.all_inner_texts() == ["B1 gimnazija"]
    assert "municipality=LT-15" in page.url and "q=gimnazija" in page.url
    # by code, in all municipalities
    page.get_by_label("Pavadinimas arba kodas").fill(world.a2.code)
    page.get_by_label("Savivaldybė").select_option(label="Visos savivaldybės")
    follow(page, page.locator("main").get_by_role("button", name="Ieškoti"))
    assert names.all_inner_texts() == ["A2 progimnazija"]
    # nothing found
    page.get_by_label("Pavadinimas arba kodas").fill("konservatorija")
    follow(page, page.locator("main").get_by_role("button", name="Ieškoti"))
    assert page.locator("#result-count").inner_text() == "Rasta 0 įstaigų"
    follow(page, page.get_by_role("link", name="Išvalyti paiešką"))
    assert page.locator("main table tbody tr").count() == 3


def test_institution_list_pages(browser_page, world):
    for n in range(30):
        InstitutionFactory(name=f"Mokykla {n:02d}", municipality=world.mun_b)
    page = browser_page
    visit(page, "/institutions/?municipality=LT-15")
    assert page.locator("main table tbody tr").count() == 25
    follow(page, page.get_by_role("link", name="Kitas puslapis"))
    assert "page=2" in page.url and "municipality=LT-15" in page.url
    assert page.locator("main table tbody tr").count() == 6  # 30 schools and B1
    assert page.get_by_role("link", name="2 puslapis").get_attribute("aria-current") == "page"


def test_institution_page(browser_page, world):
    a1 = world.a1
    a1.email, a1.phone, a1.website = "info@a1.lt", "+370 5 123 4567", "https://a1.lt"
    a1.founder = "Petras Steigėjas"
    a1.save()
    BranchFactory(institution=a1, name="A1 Antakalnio skyrius", address="Antakalnio g. 10, Vilnius")
    learner = EnrolmentFactory(institution=a1).person
    page = browser_page
    visit(page, "/institutions/?q=A1")
    follow(page, page.get_by_role("link", name="A1 gimnazija"))
    assert heading(page) == "A1 gimnazija"
    summary = page.locator("main").inner_text()
    for expected in (a1.code, "Gimnazija", "Vilniaus miesto savivaldybė", "Gedimino pr. 1, Vilnius", "Veikianti",
                     "info@a1.lt", "+370 5 123 4567", "https://a1.lt", "A1 Antakalnio skyrius",
                     "Antakalnio g. 10, Vilnius"):
        assert expected in summary, expected
    html = page.content()
    for personal in (learner.personal_code, learner.last_name, world.applicant_person.personal_code,
                     "Petras Steigėjas", "institution_officer"):
        assert personal not in html, personal
    assert not re.search(r"(?<![+\d])[3-6]\d{10}(?!\d)", html)
    # the breadcrumb leads back to the list
    follow(page, page.locator(".govuk-breadcrumbs").get_by_role("link", name="Švietimo įstaigos"))
    assert heading(page) == "Švietimo įstaigos"


def test_unknown_institution_page(browser_page, db):
    visit(browser_page, "/institutions/123456789/", status=404)


def test_language_switch_to_english_and_back(browser_page, world):
    page = browser_page
    visit(page, "/institutions/?q=gimnazija")
    follow(page, page.get_by_role("button", name="English"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert heading(page) == "Education institutions"
    assert page.url.endswith("/institutions/?q=gimnazija")  # the same page, the same search
    assert page.get_by_text("3 institutions found").is_visible()
    assert page.locator(".govuk-language-navigation [aria-current]").inner_text() == "English"
    visit(page, "/")  # the choice is remembered
    assert heading(page) == "Education information system"
    follow(page, page.get_by_role("button", name="Lietuviškai"))
    assert page.locator("html").get_attribute("lang") == "lt"
    assert heading(page) == "Švietimo informacinė sistema"


ROLE_TASKS = {
    # role: (text of the role on the home page, task links it must see, task links it must not see)
    "agency_admin": ("Agentūros administratorius", ["Įstaigos", "Klasifikatoriai", "Pakeitimų istorija"], []),
    "municipality_officer": ("Savivaldybės švietimo specialistas: Vilniaus miesto savivaldybė", ["Įstaigos"],
                             ["Klasifikatoriai", "Pakeitimų istorija"]),
    "institution_officer": ("Įstaigos darbuotojas: A1 gimnazija", ["Įstaigos"],
                            ["Klasifikatoriai", "Pakeitimų istorija"]),
    "expert": ("Ekspertas", [], ["Įstaigos", "Klasifikatoriai"]),
    "applicant": ("Pareiškėjas", [], ["Įstaigos", "Klasifikatoriai"]),
    "public": ("Viešasis naudotojas", [], ["Įstaigos", "Klasifikatoriai"]),
}


@pytest.mark.parametrize("role", list(ROLE_TASKS))
def test_sign_in_as_each_role_shows_its_tasks_then_sign_out(browser_page, world, role):
    page = browser_page
    sign_in(page, role, PASSWORD)
    assert heading(page) == "Jūsų užduotys"
    assert page.get_by_text(f"Prisijungta kaip {role}").is_visible()
    role_text, must, must_not = ROLE_TASKS[role]
    assert role_text in page.locator("#roles").inner_text()
    main = page.locator("main")
    for title in must:
        link = main.get_by_role("link", name=title, exact=True)
        assert link.count() == 1, title
        assert link.get_attribute("href").startswith(reverse("admin:index"))
    for title in must_not:
        assert main.get_by_role("link", name=title, exact=True).count() == 0, title
    for title in ("Švietimo įstaigos", "API dokumentacija"):
        assert main.get_by_role("link", name=title, exact=True).count() == 1, title
    staff = world.users[role].is_staff
    assert page.locator("#navigation").get_by_role("link", name="Administravimo aplinka").count() == int(staff)
    if role == "applicant":
        assert world.applicant_person.personal_code not in page.content()
    follow(page, page.get_by_role("button", name="Atsijungti"))
    assert page.get_by_text("Atsijungėte.").is_visible()
    assert page.locator("#navigation").get_by_role("link", name="Prisijungti").is_visible()
    assert page.get_by_role("button", name="Atsijungti").count() == 0


def test_login_error_is_announced_and_focused(browser_page, world):
    page = browser_page
    visit(page, "/login/")
    page.locator("#id_username").fill("public")
    page.locator("#id_password").fill("not the password")
    follow(page, page.locator("main").get_by_role("button", name="Prisijungti"))
    assert page.title().startswith("Klaida:")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Neteisingas naudotojo vardas arba slaptažodis" in summary.inner_text()
    # GOV.UK Frontend moves the focus to the summary, so screen readers read it first
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    # the summary's link takes the keyboard to the field
    summary.get_by_role("link").click()
    assert page.evaluate("() => document.activeElement.id") == "id_username"
    check_a11y(page)
    page.locator("#id_password").fill(PASSWORD)
    follow(page, page.locator("main").get_by_role("button", name="Prisijungti"))
    assert heading(page) == "Jūsų užduotys"


def test_not_found_page_uses_the_layout(browser_page, db):
    page = browser_page
    visit(page, "/no-such-page/", status=404)
    assert heading(page) == "Puslapis nerastas"
    assert page.get_by_role("link", name="Švietimo įstaigos").first.is_visible()
