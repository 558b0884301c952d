"""The admission pages through Django's test client: rounds, offers with the applicant's eligibility and score, the
applicant's application (start, details, grades, preferences, submit, withdraw, read-only after the deadline), their
result with its explanation, and the public per-offer results. Anonymous, applicant, another applicant, organiser."""

import datetime
import html as html_module
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from edureg.admission import views
from edureg.admission.choices import ApplicationStatus, RoundStatus
from edureg.admission.models import Application
from edureg.admission.services.applications import create_application, set_grades, set_preferences
from edureg.admission.tests.conftest import accepting_round, applicant_user
from edureg.admission.tests.factories import (
    AllocationRunFactory,
    ApplicationResultFactory,
    InvitationFactory,
    OfferFactory,
    OfferResultFactory,
    RoundFactory,
    ScoringFormulaFactory,
)
from edureg.classifiers.tests.factories import municipality
from edureg.core.search import search_document

pytestmark = pytest.mark.django_db

ROUNDS = reverse("admission:rounds")
MY = reverse("admission:my")
RESULT = reverse("admission:my-result")


def text(response) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def offer(round_, name, *, level=3, funding="state", code=None, place=None, **fields):
    made = OfferFactory(round=round_, funding=funding, code=code or f"OF-{name[:3].upper()}-{funding}",
                        offering__version__ltks_level=level, offering__version__name_lt=name,
                        offering__version__name_en=name, **fields)
    programme = made.offering.programme
    programme.search_text = search_document(programme.name_lt, programme.name_en)
    programme.save()
    if place is not None:
        made.offering.municipality = place
        made.offering.save()
    return made


@pytest.fixture
def round_(subjects):
    round_ = accepting_round(code="main-2026", name_lt="2026 m. pagrindinis priėmimas",
                             name_en="2026 main admission round")
    ScoringFormulaFactory(round=round_)
    return round_


@pytest.fixture
def welder(round_):
    return offer(round_, "Suvirintojo programa", code="WELD")


@pytest.fixture
def cook(round_):
    return offer(round_, "Virėjo programa", level=4, code="COOK")


@pytest.fixture
def applicant(db):
    return applicant_user("applicant")


@pytest.fixture
def application(round_, applicant):
    person = applicant.memberships.get().person
    application = create_application(round_, person=person, actor=applicant, education="basic",
                                      extras={"work_experience": 1})
    set_grades(application, {"LT": Decimal(9), "MAT": Decimal(8)}, actor=applicant)
    return application


def signed_in(client, user):
    client.force_login(user)
    return english(client)


# --- the rounds ----------------------------------------------------------------------------------------------------


def test_rounds_show_dates_rules_and_links(client, round_, db):
    accepting_round(code="winter-2026", kind="winter", max_preferences=2, state_funded_only=True,
                    name_en="Winter round")
    RoundFactory(code="main-2025", status=RoundStatus.PUBLISHED, name_en="Published round",
                 year=timezone.localdate().year)
    RoundFactory(code="secret-draft", status=RoundStatus.DRAFT, name_en="Draft round")
    response = english(client).get(ROUNDS)
    assert response.status_code == 200
    page = text(response)
    assert "2026 main admission round" in page and "Winter round" in page and "Published round" in page
    assert "Draft round" not in page
    assert "You may list up to 3 preferences, most wanted first." in page
    assert "You may list up to 2 preferences, most wanted first." in page
    assert "This round offers state-funded places only." in page
    assert ("Without basic education you may enter programmes up to LTKS level II; with basic education, up to "
            "level III; with secondary education, up to level IV.") in page
    assert f"You must be at least 14 years old on {date_format(datetime.date(2026, 9, 1), 'DATE_FORMAT')}; under " \
           "16, only programmes combined with general education are open to you." in page
    assert "Two or more qualifications acquired with state funding: paid places." in page
    assert "One qualification acquired with state funding: state-funded places of “" in page
    body = response.content.decode()
    for code in ("main-2026", "winter-2026", "main-2025"):
        assert f'href="{reverse("admission:offers", args=[code])}"' in body
    assert f'href="{reverse("admission:results", args=["main-2025"])}"' in body
    assert f'href="{reverse("admission:results", args=["main-2026"])}"' not in body
    assert round_.application_deadline.strftime("%Y") in page


def test_the_navigation_links_admission(client, db):
    response = client.get(reverse("pages:home"))
    assert f'href="{ROUNDS}"' in response.content.decode()


def test_the_applicant_home_page_lists_the_applicant_tasks(client, applicant, organiser):
    home = reverse("pages:home")
    body = signed_in(client, applicant).get(home).content.decode()
    assert f'href="{MY}"' in body and f'href="{RESULT}"' in body
    body = signed_in(client, organiser).get(home).content.decode()
    assert f'href="{MY}"' not in body and f'href="{ROUNDS}"' in body


# --- offers --------------------------------------------------------------------------------------------------------


def test_anyone_searches_the_offers(client, round_, welder, cook):
    other_place = municipality("LT-15", "Kauno miesto savivaldybė")
    baker = offer(round_, "Konditerio programa", funding="paid", code="BAKE", place=other_place)
    url = reverse("admission:offers", args=[round_.code])
    page = text(english(client).get(url))
    assert "3 offers found" in page
    assert "Sign in to see whether you are eligible" in page
    assert "Add to my preferences" not in page and "You are eligible" not in page
    assert "1 offer found" in text(client.get(url, {"q": "suvirintoj"}))  # folded, inflected
    assert "Suvirintojo programa" in text(client.get(url, {"q": "suvirint"}))
    assert "Konditerio programa" in text(client.get(url, {"funding": "paid"}))
    assert "1 offer found" in text(client.get(url, {"funding": "paid"}))
    assert "1 offer found" in text(client.get(url, {"municipality": "LT-15"}))
    assert "1 offer found" in text(client.get(url, {"level": "4"}))
    assert baker.code in text(client.get(url, {"level": "3", "funding": "paid"}))
    assert "0 offers found" in text(client.get(url, {"q": "astronaut"}))


def test_offers_are_paginated(client, round_, welder, cook, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    url = reverse("admission:offers", args=[round_.code])
    first, second = english(client).get(url), client.get(url, {"page": 2})
    assert "Suvirintojo programa" in text(first) and "Virėjo programa" not in text(first)  # by name
    assert "Virėjo programa" in text(second) and "Suvirintojo programa" not in text(second)
    assert 'rel="next"' in first.content.decode()


def test_an_applicant_sees_eligibility_reasons_and_scores(client, round_, welder, cook, application, applicant):
    page = text(signed_in(client, applicant).get(reverse("admission:offers", args=[round_.code])))
    # welder: LTKS III, eligible; score 0.4 × 9 + 0.4 × 8 + 1 × 1 = 7.8
    assert "You are eligible Your score here: 7.8" in page
    assert "You are not eligible" in page
    assert ("This programme (LTKS level IV) is for applicants with secondary education; your education allows LTKS "
            "level III at most.") in page
    assert page.count("Add to my preferences") == 2


def test_the_offers_page_queries_do_not_grow_with_the_offers(client, round_, application, applicant):
    url = reverse("admission:offers", args=[round_.code])
    signed_in(client, applicant)
    offer(round_, "Pirmoji programa", code="A1")
    offer(round_, "Antroji programa", code="A2", level=4)
    client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    for n in range(6):
        offer(round_, f"Programa numeris {n}", code=f"B{n}", level=3 + n % 2)
    with CaptureQueriesContext(connection) as eight:
        page = text(client.get(url))
    assert "8 offers found" in page and page.count("Your score here") == 4
    assert len(eight) == len(two), [q["sql"] for q in eight.captured_queries]


def test_add_an_offer_to_the_preferences(client, round_, welder, cook, application, applicant):
    signed_in(client, applicant)
    url = reverse("admission:add-preference", args=[round_.code])
    offers_url = reverse("admission:offers", args=[round_.code])
    response = client.post(url, {"offer": welder.pk, "next": f"{offers_url}?q=suvirint"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{offers_url}?q=suvirint"
    assert "Suvirintojo programa is now your preference 1." in text(response)
    assert list(application.preferences.values_list("offer__code", flat=True)) == ["WELD"]
    assert "Your preference 1" in text(client.get(offers_url))
    response = client.post(url, {"offer": cook.pk}, follow=True)
    assert "Preference 2 (COOK Virėjo programa" in text(response)
    assert "you are not eligible: This programme (LTKS level IV)" in text(response)
    assert application.preferences.count() == 1
    response = client.post(url, {"offer": welder.pk, "next": "https://evil.example/"}, follow=True)
    assert "is already your preference 1" in text(response)
    assert response.redirect_chain[-1][0] == offers_url


def test_adding_needs_an_application_and_an_open_round(client, round_, welder, applicant):
    signed_in(client, applicant)
    url = reverse("admission:add-preference", args=[round_.code])
    response = client.post(url, {"offer": welder.pk}, follow=True)
    assert "Start your application first" in text(response)
    assert response.redirect_chain[-1][0] == f"{MY}?round={round_.code}"
    assert client.post(url, {"offer": "x"}).status_code == 404
    assert client.get(url).status_code == 405
    client.logout()
    assert client.post(url, {"offer": welder.pk}).status_code == 302
    assert not Application.objects.exists()


# --- the application ----------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_asked_to_sign_in(client, round_):
    for url in (MY, RESULT):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("pages:login"))


def test_an_applicant_starts_an_application(client, round_, applicant):
    page = text(signed_in(client, applicant).get(MY))
    assert "Start my application" in page and "Work experience in the field (years)" in page
    assert "Orphan or child left without parental care" in page
    response = client.post(f"{MY}?round={round_.code}", {
        "action": "start", "education": "secondary", "prior_qualifications": "none", "grade_scale": "10",
        "extra_work_experience": "1,5", "priorities": ["orphan"]}, follow=True)
    application = Application.objects.get()
    assert application.person == applicant.memberships.get().person
    assert (application.education, application.extras, application.priorities) == (
        "secondary", {"work_experience": 1.5}, ["orphan"])
    assert f"Your application {application.number} is started." in text(response)
    assert "1. Your preferences" in text(response)


def test_start_form_errors_are_summarised(client, round_, applicant):
    response = signed_in(client, applicant).post(f"{MY}?round={round_.code}", {
        "action": "start", "education": "doctorate", "prior_qualifications": "none", "grade_scale": "10",
        "extra_work_experience": "-2"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and 'href="#id_education"' in body and 'id="id_education"' in body
    assert 'href="#id_extra_work_experience"' in body and "Enter 0 or more." in text(response)
    assert not Application.objects.exists()


def test_the_applicant_sees_only_their_own_application(client, round_, application, applicant):
    page = text(signed_in(client, applicant).get(MY))
    assert application.number in page
    assert application.person.personal_code not in page
    other = applicant_user("other")
    page = text(signed_in(client, other).get(MY))
    assert application.number not in page and "Start my application" in page


def test_the_organiser_has_no_application_page_of_their_own(client, round_, application, organiser):
    page = text(signed_in(client, organiser).get(MY))
    assert "Your account is not linked to an applicant" in page and application.number not in page
    assert "Your account is not linked to an applicant" in text(client.get(RESULT))


def test_details_and_grades_are_saved(client, round_, application, applicant):
    signed_in(client, applicant)
    url = f"{MY}?round={round_.code}"
    page = text(client.get(url))
    assert "Lietuvių kalba ir literatūra" in page and "Matematika" in page
    response = client.post(url, {"action": "details", "education": "secondary", "prior_qualifications": "none",
                                 "grade_scale": "10", "extra_work_experience": "2", "priorities": ["orphan"]},
                           follow=True)
    assert "Your details are saved." in text(response)
    application.refresh_from_db()
    assert application.education == "secondary" and application.priorities == ["orphan"]
    response = client.post(url, {"action": "grades", "grade_LT": "9,5", "grade_MAT": ""}, follow=True)
    assert "Your grades are saved." in text(response)
    assert dict(application.grades.values_list("subject__code", "value")) == {"LT": Decimal("9.50")}
    response = client.post(url, {"action": "grades", "grade_LT": "11", "grade_MAT": "x"})
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page and "Enter 10 or less." in page and "Enter a number, such as 8 or 7,5." in page
    assert 'href="#id_grade_LT"' in response.content.decode()


def test_grade_scale_refusal_is_shown_on_the_form(client, round_, application, applicant):
    response = signed_in(client, applicant).post(f"{MY}?round={round_.code}", {
        "action": "details", "education": "basic", "prior_qualifications": "none", "grade_scale": "5"})
    assert response.status_code == 200
    assert "Some grades are above 5 (LT, MAT)" in text(response)
    assert Application.objects.get().grade_scale == 10


def test_preferences_are_listed_with_eligibility_and_score_and_reordered(client, round_, welder, application,
                                                                         applicant):
    second = offer(round_, "Staliaus programa", code="CARP")
    third = offer(round_, "Siuvėjo programa", code="SEW")
    set_preferences(application, [welder, second, third], actor=applicant)
    application.refresh_from_db()
    application.education = "none"  # changed behind the page's back: preferences become ineligible
    application.save()
    url = f"{MY}?round={round_.code}"
    page = text(signed_in(client, applicant).get(url))
    assert page.count("You are not eligible") == 3
    assert "Your score 7.8" in page
    assert "Lietuvių kalba ir literatūra: 9 × 0.4 = 3.6 points" in page
    assert "Move up : Staliaus programa" in page and "Move down : Suvirintojo programa" in page
    assert "Move up : Suvirintojo programa" not in page and "Move down : Siuvėjo programa" not in page
    application.education = "basic"
    application.save()
    client.post(url, {"action": "down", "rank": "1"})
    assert list(application.preferences.values_list("offer__code", flat=True)) == ["CARP", "WELD", "SEW"]
    client.post(url, {"action": "up", "rank": "3"})
    assert list(application.preferences.values_list("offer__code", flat=True)) == ["CARP", "SEW", "WELD"]
    response = client.post(url, {"action": "remove", "rank": "2"}, follow=True)
    assert "The preference is removed." in text(response)
    assert list(application.preferences.values_list("offer__code", flat=True)) == ["CARP", "WELD"]
    assert client.post(url, {"action": "remove", "rank": "9"}).status_code == 404


def test_submit_and_withdraw(client, round_, welder, application, applicant):
    url = f"{MY}?round={round_.code}"
    signed_in(client, applicant)
    response = client.post(url, {"action": "submit"}, follow=True)
    assert "List at least one preference before submitting the application." in text(response)
    set_preferences(application, [welder], actor=applicant)
    response = client.post(url, {"action": "submit"}, follow=True)
    assert "Your application is submitted." in text(response) and "Withdraw my application" in text(response)
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED
    response = client.post(url, {"action": "withdraw"}, follow=True)
    assert "Your application is withdrawn" in text(response) and "Submit my application again" in text(response)
    assert Application.objects.get().status == ApplicationStatus.WITHDRAWN


def test_after_the_deadline_the_application_is_read_only(client, round_, welder, application, applicant):
    set_preferences(application, [welder], actor=applicant)
    round_.application_deadline = timezone.localdate() - datetime.timedelta(days=1)
    round_.save()
    url = f"{MY}?round={round_.code}"
    response = signed_in(client, applicant).get(url)
    page = text(response)
    assert "The application deadline was" in page and "can no longer be started or changed" in page
    assert "Save my details" not in page and "Move down" not in page and "Remove" not in page
    assert "Submit my application" not in page
    assert "Lietuvių kalba ir literatūra 9" in page  # grades shown as a list
    response = client.post(url, {"action": "details", "education": "secondary", "prior_qualifications": "none",
                                 "grade_scale": "10"})
    assert "application deadline of the round" in text(response)
    assert Application.objects.get().education == "basic"
    offers_page = text(client.get(reverse("admission:offers", args=[round_.code])))
    assert "Add to my preferences" not in offers_page and "Your preference 1" in offers_page


# --- the result ----------------------------------------------------------------------------------------------------


@pytest.fixture
def published(round_, welder, cook, application, applicant):
    """A published run: the applicant missed the cook offer's cut-off (rank 1), was invited to the welder offer
    (rank 2), and a third preference was not needed."""
    carpenter = offer(round_, "Staliaus programa", code="CARP")
    round_.status = RoundStatus.PUBLISHED
    round_.save()
    run = AllocationRunFactory(round=round_, input_hash="ab" * 32, engine_version="1.0.0")
    explanation = [
        {"offer": "COOK", "rank": 1, "eligible": True, "reason_codes": [], "score": [7.8, 0.0],
         "outcome": "below_cutoff", "cutoff": {"score": [8.25, 1.0], "lottery": 0.2}},
        {"offer": "WELD", "rank": 2, "eligible": True, "reason_codes": [], "score": [7.8, 1.0], "outcome": "invited",
         "cutoff": None},
        {"offer": "CARP", "rank": 3, "eligible": False,
         "reason_codes": [{"code": "too_young", "params": {"age": 13, "min_age": 14}}], "score": [7.8, 0.0],
         "outcome": "ineligible", "cutoff": None},
    ]
    ApplicationResultFactory(run=run, application=application, offer=welder, rank=2, explanation=explanation,
                             lottery=0.61, public_id="AP-17")
    InvitationFactory(run=run, application=application, offer=welder)
    for made, invited in ((welder, 20), (cook, 15), (carpenter, 3)):
        OfferResultFactory(run=run, offer=made, invited=invited, places=20 if made != cook else 15,
                           lowest_score=[8.25, 1.0] if made == cook else [6.5, 0.0])
    return run


def test_the_applicant_reads_their_result(client, published, applicant, round_):
    response = signed_in(client, applicant).get(RESULT)
    assert response.status_code == 200
    page = text(response)
    assert "You are invited Suvirintojo programa" in page
    assert "Invitation Invited" in page
    assert f"Sign the study contract by {date_format(round_.contract_deadline, 'DATE_FORMAT')}" in page
    assert "Preference 1: Virėjo programa" in page and "Score below the cut-off" in page
    assert "Your score 7.8" in page and "Cut-off (last invited) 8.25" in page
    assert "Your score 7.8 is below the cut-off 8.25." in page
    assert "Preference 2: Suvirintojo programa" in page
    assert "priority criteria met: Orphan or child left without parental care" in page
    assert "Preference 3: Staliaus programa" in page and "Not eligible" in page
    assert "Too young: the minimum age is 14 (you will be 13)." in page
    assert "0.610000" in page and "AP-17" in page


def test_ties_are_explained(client, published, applicant):
    result = published.results.get()
    result.explanation[0]["score"] = [8.25, 0.0]
    result.save()
    page = text(signed_in(client, applicant).get(RESULT))
    assert "Your score equals the cut-off 8.25, but the last invited applicant met more priority criteria." in page
    result.explanation[0]["score"] = [8.25, 1.0]
    result.save()
    page = text(client.get(RESULT))
    assert ("the lottery decided: your number 0.610000, the last invited applicant's 0.200000 (the lower number "
            "wins)") in page


def test_no_result_before_publication_nor_for_others(client, published, applicant, round_):
    other = applicant_user("other")
    page = text(signed_in(client, other).get(RESULT))
    assert "There is no published result of an application of yours." in page and "AP-17" not in page
    published.published_at = None
    published.save()
    round_.status = RoundStatus.ALLOCATED
    round_.save()
    page = text(signed_in(client, applicant).get(RESULT))
    assert "There is no published result" in page and "results are due on" in page
    assert "You are invited" not in page


def test_public_results_per_offer(client, published, round_):
    url = reverse("admission:results", args=[round_.code])
    response = english(client).get(url)
    assert response.status_code == 200
    page = text(response)
    assert "COOK" in page and "WELD" in page and "CARP" in page
    assert "8.25" in page and "6.5" in page
    assert "ab" * 32 in page
    body = response.content.decode()
    assert f'href="/api/v1/admission-rounds/{round_.code}/input/"' in body
    assert f'href="{reverse("admission:results-csv", args=[round_.code])}"' in body
    assert "AP-17" not in page and published.results.get().application.number not in page
    csv_response = client.get(reverse("admission:results-csv", args=[round_.code]))
    assert csv_response["Content-Type"].startswith("text/csv")
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Offer;School;School code;Programme")
    assert len(lines) == 4 and lines[1].startswith("CARP;") and ";15;15;8.25 1.0;" in lines[2]


def test_results_wait_for_publication(client, published, round_):
    published.published_at = None
    published.save()
    round_.status = RoundStatus.ALLOCATED
    round_.save()
    response = english(client).get(reverse("admission:results", args=[round_.code]))
    assert "The results of this round are not published yet." in text(response)
    assert client.get(reverse("admission:results-csv", args=[round_.code])).status_code == 404


def test_unknown_and_draft_rounds_are_not_found(client, db):
    RoundFactory(code="draft-round", status=RoundStatus.DRAFT)
    for code in ("no-such-round", "draft-round"):
        assert client.get(reverse("admission:offers", args=[code])).status_code == 404
        assert client.get(reverse("admission:results", args=[code])).status_code == 404


def test_odd_values_are_not_found_or_ignored_never_a_500(client, round_, welder, application, applicant):
    signed_in(client, applicant)
    offers_url = reverse("admission:offers", args=[round_.code])
    for params in ({"q": "\x00"}, {"municipality": "\x00"}, {"level": "\x00"}, {"funding": "\x00"},
                   {"page": "\x00"}, {"municipality": "LT-99"}):
        assert client.get(offers_url, params).status_code == 200, params
    assert client.get(MY, {"round": "\x00"}).status_code == 404
    assert client.get(RESULT, {"round": "\x00"}).status_code == 404
    assert client.get(MY, {"round": "no-such-round"}).status_code == 404
    add = reverse("admission:add-preference", args=[round_.code])
    for value in ("²", "٣", "\x00", "-1", "9" * 30):
        assert client.post(add, {"offer": value}).status_code == 404, value
        assert client.post(f"{MY}?round={round_.code}", {"action": "up", "rank": value}).status_code == 404, value
    assert client.post(f"{MY}?round={round_.code}", {"action": "fly"}).status_code == 404
    assert client.post(f"{MY}?round={round_.code}", {"action": "grades", "grade_LT": "\x00"}).status_code == 200


def test_the_input_link_downloads_the_anonymised_input(client, published, round_):
    body = english(client).get(reverse("admission:results", args=[round_.code])).content.decode()
    url = f"/api/v1/admission-rounds/{round_.code}/input/"
    assert f'href="{url}"' in body
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert {o["id"] for o in data["offers"]} >= {"WELD", "COOK"} and "applicants" in data


def test_pages_speak_lithuanian_by_default(client, round_, welder, application, applicant):
    client.force_login(applicant)
    for url in (ROUNDS, reverse("admission:offers", args=[round_.code]), MY, RESULT):
        response = client.get(url)
        assert response.status_code == 200 and '<html lang="lt"' in response.content.decode(), url
    assert "2026 m. pagrindinis priėmimas" in text(client.get(ROUNDS))
