"""The public pages through Django's test client: status codes, content, language, and no personal data."""

import re

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from edureg.classifiers.tests.factories import item, municipality
from edureg.institutions.tests.factories import BranchFactory, InstitutionFactory
from edureg.learners.tests.factories import EnrolmentFactory
from edureg.pages import navigation
from edureg.pages.navigation import Task, tasks_for
from edureg.pedagogues.tests.factories import EmploymentFactory
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db

HOME = reverse("pages:home")
LIST = reverse("pages:institutions")
LOGIN = reverse("pages:login")
LOGOUT = reverse("pages:logout")


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def text(response) -> str:
    """The page's text without tags and repeated whitespace, for phrase assertions."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def resolvable(url_name) -> bool:
    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True


# --- layout, language -------------------------------------------------------------------------------------


def test_anonymous_home_is_lithuanian_by_default(client):
    response = client.get(HOME)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="lt"' in body
    assert 'href="#main-content"' in body and 'id="main-content"' in body  # skip link and its target
    assert "Prisijungti" in text(response)
    assert "Švietimo įstaigos" in text(response)
    assert f'action="{reverse("set_language")}"' in body
    # the design system and our own bits are served from this server, not from a CDN
    assert "/static/vendor/govuk-frontend/govuk-frontend.min.css" in body
    assert not re.search(r'(src|href)="(https?:)?//', body)
    # footer: API docs and the back-office
    assert f'href="{reverse("api-docs")}"' in body and f'href="{reverse("admin:index")}"' in body


def test_anonymous_home_offers_search_and_sign_in(client):
    response = english(client).get(HOME)
    page = text(response)
    assert f'action="{LIST}"' in response.content.decode()
    assert "Find an education institution" in page
    assert f'href="{LOGIN}"' in response.content.decode()
    assert "Your tasks" not in page


def test_language_switch_posts_to_set_language_and_comes_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": LIST})
    assert response.status_code == 302 and response["Location"] == LIST
    page = client.get(LIST)
    assert '<html lang="en"' in page.content.decode()
    assert "Education institutions" in text(page)
    client.post(reverse("set_language"), {"language": "lt", "next": HOME})
    assert "Švietimo įstaigos" in text(client.get(HOME))


def test_static_assets_are_served(client):
    for path in ("vendor/govuk-frontend/govuk-frontend.min.css", "vendor/govuk-frontend/govuk-frontend.min.js",
                 "vendor/govuk-frontend/LICENSE.txt", "edureg/site.css", "edureg/init.js",
                 "edureg/js-enabled.js", "edureg/favicon.svg"):
        response = client.get(settings.STATIC_URL + path)
        assert response.status_code == 200, path


def test_vendored_css_has_no_restricted_font_or_crest():
    css = (settings.BASE_DIR / "static/vendor/govuk-frontend/govuk-frontend.min.css").read_text(encoding="utf-8")
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert "govuk-crest" not in css
    assert "url(" not in css


# --- institutions ------------------------------------------------------------------------------------------


@pytest.fixture
def register(db):
    vilnius, kaunas = municipality("LT-57", "Vilniaus miesto savivaldybė"), municipality("LT-15", "Kauno miesto "
                                                                                                   "savivaldybė")
    school = item("institution_type", "3140", "Gimnazija")
    vet = item("institution_type", "3510", "Profesinio mokymo įstaiga")
    return {
        "licejus": InstitutionFactory(name="Vilniaus licėjus", municipality=vilnius, type=school,
                                      email="rastine@licejus.lt", phone="+370 5 111 2222",
                                      website="https://licejus.lt", founder="Jonas Steigėjas"),
        "kaunas": InstitutionFactory(name="Kauno technologijos mokymo centras", municipality=kaunas, type=vet),
        "closed": InstitutionFactory(name="Uždaryta mokykla", municipality=vilnius, type=school,
                                     status="liquidated", liquidated_on="2020-08-31"),
        "vilnius": vilnius, "kaunas_mun": kaunas, "school": school, "vet": vet,
    }


def names(response) -> list[str]:
    return [i.name for i in response.context["page"].object_list]


def test_institution_list_shows_every_institution_to_the_public(client, register):
    response = client.get(LIST)
    assert response.status_code == 200
    assert names(response) == ["Kauno technologijos mokymo centras", "Uždaryta mokykla", "Vilniaus licėjus"]
    page = text(response)
    assert "Rastos 3 įstaigos" in page
    assert "Likviduota" in page  # the status is shown


def test_search_by_name_code_municipality_and_type(client, register):
    assert names(client.get(LIST, {"q": "licėj"})) == ["Vilniaus licėjus"]
    code = register["kaunas"].code
    assert names(client.get(LIST, {"q": code})) == ["Kauno technologijos mokymo centras"]
    assert names(client.get(LIST, {"q": code[:5]})) == sorted(
        i.name for i in (register["licejus"], register["kaunas"], register["closed"]) if i.code.startswith(code[:5]))
    assert names(client.get(LIST, {"municipality": "LT-57"})) == ["Uždaryta mokykla", "Vilniaus licėjus"]
    assert names(client.get(LIST, {"type": "3510"})) == ["Kauno technologijos mokymo centras"]
    assert names(client.get(LIST, {"municipality": "LT-57", "type": "3510"})) == []
    nothing = client.get(LIST, {"q": "nėra tokios"})
    assert "Rasta 0 įstaigų" in text(nothing)


def test_invalid_filter_value_is_reported_accessibly(client, register):
    response = english(client).get(LIST, {"municipality": "XX-99"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="govuk-error-summary"' in body
    assert 'href="#id_municipality"' in body
    assert 'aria-describedby="id_municipality-error"' in body
    assert "<title>Error:" in body


def test_institution_list_is_paginated_and_keeps_the_search(client, db):
    mun = municipality("LT-57")
    for n in range(30):
        InstitutionFactory(name=f"Mokykla {n:02d}", municipality=mun)
    first = client.get(LIST, {"q": "Mokykla"})
    assert len(names(first)) == 25
    assert 'href="?q=Mokykla&amp;page=2"' in first.content.decode()
    second = client.get(LIST, {"q": "Mokykla", "page": 2})
    assert names(second) == [f"Mokykla {n}" for n in range(25, 30)]
    assert 'aria-current="page"' in second.content.decode()


def test_institution_page_shows_the_register_entry(client, register):
    licejus = register["licejus"]
    BranchFactory(institution=licejus, name="Licėjaus Žirmūnų skyrius", address="Žirmūnų g. 5, Vilnius",
                  phone="+370 5 333 4444")
    BranchFactory(institution=licejus, name="Senas skyrius", closed_on="2019-06-30")
    response = english(client).get(reverse("pages:institution", args=[licejus.code]))
    assert response.status_code == 200
    page = text(response)
    for expected in ("Vilniaus licėjus", licejus.code, "Gimnazija", "Vilniaus miesto savivaldybė",
                     "Gedimino pr. 1, Vilnius", "rastine@licejus.lt", "+370 5 111 2222", "https://licejus.lt",
                     "Active", "Licėjaus Žirmūnų skyrius", "Žirmūnų g. 5, Vilnius", "closed 2019-06-30"):
        assert expected in page, expected
    # open branches first
    assert page.index("Licėjaus Žirmūnų skyrius") < page.index("Senas skyrius")


def test_institution_page_has_no_personal_data(client, register, world):
    licejus = register["licejus"]
    learner = EnrolmentFactory(institution=licejus).person
    teacher = EmploymentFactory(institution=licejus).person
    officer = world.users["institution_officer"]
    officer.memberships.update(institution=licejus)
    response = client.get(reverse("pages:institution", args=[licejus.code]))
    body = response.content.decode()
    for person in (learner, teacher):
        assert person.personal_code not in body
        assert person.last_name not in body
    assert officer.username not in body
    assert "Jonas Steigėjas" not in body  # the founder may be a natural person
    assert not re.search(r"(?<![+\d])[3-6]\d{10}(?!\d)", body)  # nothing shaped like a personal code


def test_unknown_institution_is_404(client, db):
    assert client.get(reverse("pages:institution", args=["000000000"])).status_code == 404


# --- sign in, sign out, tasks ------------------------------------------------------------------------------


def test_login_page_and_error_are_accessible(client, world):
    assert client.get(LOGIN).status_code == 200
    response = english(client).post(LOGIN, {"username": "public", "password": "wrong"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error: Sign in" in body
    assert 'class="govuk-error-summary"' in body and 'role="alert"' in body
    assert "The user name or password is wrong." in text(response)
    assert 'href="#id_username"' in body
    assert "_auth_user_id" not in client.session


def test_sign_in_goes_home_and_sign_out_is_a_post(client, world):
    response = client.post(LOGIN, {"username": "public", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == HOME
    home = english(client).get(HOME)
    assert "Signed in as public" in text(home)
    assert f'action="{LOGOUT}"' in home.content.decode()
    assert client.get(LOGOUT).status_code == 405  # a link cannot sign anyone out
    response = client.post(LOGOUT, follow=True)
    assert response.redirect_chain[-1][0] == HOME
    assert "You have signed out." in text(response)
    assert "_auth_user_id" not in client.session


def test_signed_in_user_is_sent_home_from_the_login_page(client, world):
    client.force_login(world.users["expert"])
    assert client.get(LOGIN)["Location"] == HOME


BACK_OFFICE = {
    # role: back-office tasks the role must see (when the model has an admin page) / must not see
    "agency_admin": ({"Institutions", "Branches", "Persons", "Enrolments", "Employments", "Classifiers",
                      "Users and roles", "Change history", "Access log", "Programmes", "Offerings", "Qualifications",
                      "Professional standards", "Sectoral professional committees", "Programme kinds and rules"},
                     set()),
    "municipality_officer": ({"Institutions", "Branches", "Persons", "Enrolments", "Employments", "Programmes"},
                             {"Classifiers", "Users and roles", "Change history", "Access log", "Offerings",
                              "Qualifications", "Programme kinds and rules"}),
    "institution_officer": ({"Institutions", "Branches", "Persons", "Enrolments", "Employments", "Programmes",
                             "Offerings"},
                            {"Classifiers", "Users and roles", "Change history", "Access log", "Qualifications",
                             "Programme kinds and rules"}),
    "expert": (set(), {t.title for t in navigation.TASKS if t.back_office}),
    "applicant": (set(), {t.title for t in navigation.TASKS if t.back_office}),
    "public": (set(), {t.title for t in navigation.TASKS if t.back_office}),
    "no_role": (set(), {t.title for t in navigation.TASKS if t.back_office}),
}


@pytest.mark.parametrize("role", sorted(BACK_OFFICE))
def test_home_lists_the_tasks_of_the_role(client, world, role):
    client.force_login(world.users[role])
    response = english(client).get(HOME)
    assert response.status_code == 200
    shown = {str(task.title) for group in response.context["task_groups"] for task in group.tasks}
    must, must_not = BACK_OFFICE[role]
    url_of = {str(t.title): t.url_name for t in navigation.TASKS}
    assert {t for t in must if resolvable(url_of[t])} <= shown
    assert not shown & set(must_not)
    assert {"Education institutions", "API documentation"} <= shown
    body = response.content.decode()
    for group in response.context["task_groups"]:
        for task in group.tasks:
            assert f'href="{task.url}"' in body
    # the navigation links the back-office for staff (the footer links it for everyone)
    assert body.count(f'href="{reverse("admin:index")}"') == (2 if world.users[role].is_staff else 1)


def test_staff_roles_reach_their_institution_list_in_the_back_office(client, world):
    client.force_login(world.users["institution_officer"])
    body = client.get(HOME).content.decode()
    assert f'href="{reverse("admin:institutions_institution_changelist")}"' in body


def test_home_names_the_roles_and_their_scope(client, world):
    client.force_login(world.users["institution_officer"])
    page = text(english(client).get(HOME))
    assert "Institution officer: A1 gimnazija" in page
    client.force_login(world.users["municipality_officer"])
    assert "Municipality education officer: Vilniaus miesto savivaldybė" in text(client.get(HOME))
    client.force_login(world.users["applicant"])
    page = text(client.get(HOME))
    assert "Applicant" in page
    assert world.applicant_person.personal_code not in page
    assert world.applicant_person.last_name not in page
    client.force_login(world.users["no_role"])
    assert "You have no role in edureg yet" in text(client.get(HOME))


def test_back_office_task_needs_staff_and_an_existing_page(rf, world):
    public = world.users["public"]
    admin = world.users["agency_admin"]
    missing = Task("registers", "Nowhere", "A page no issue has added yet", "pages:no-such-page")
    back_office = Task("registers", "Persons", "", "admin:index", "persons.view_person", back_office=True)
    navigation.TASKS.extend([missing, back_office])
    try:
        titles = {str(t.title) for g in tasks_for(admin) for t in g.tasks}
        assert "Nowhere" not in titles
        public.is_staff = False
        assert not back_office.allowed(public)
        public.is_staff = True  # staff but without the permission
        assert not back_office.allowed(public)
        assert back_office.allowed(admin)
    finally:
        navigation.TASKS.remove(missing)
        navigation.TASKS.remove(back_office)


def test_error_pages_use_the_layout(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Puslapis nerastas" in text(response) and 'id="main-content"' in response.content.decode()
    from django.template.loader import render_to_string

    html = render_to_string("500.html")  # rendered without a request or context processors
    assert "govuk-frontend.min.css" in html and "Atsiprašome" in html


def test_institution_list_queries_do_not_grow_with_the_page(client, db, django_assert_max_num_queries):
    mun = municipality("LT-57")
    for n in range(25):
        InstitutionFactory(name=f"Mokykla {n:02d}", municipality=mun)
    with django_assert_max_num_queries(6):  # session-less: count, page, municipalities, types
        assert len(names(client.get(LIST))) == 25
