"""The decision document: what it says (in English and Lithuanian; the number of experts but never their names)
and that it is a valid A4 PDF in the embedded DejaVu font, titled with the decision's number."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import translation

from edureg.evaluation.choices import Outcome
from edureg.evaluation.services import workflow
from edureg.evaluation.services.pdf import decision_pdf, document
from edureg.evaluation.tests.factories import ApplicationFactory, CallFactory, DecisionFactory
from edureg.evaluation.tests.test_workflow import at, scored

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def decision():
    app = scored(ApplicationFactory(), values=("2", "2", "2"))
    app.institution.name = "Šiaulių švietimo centras"
    app.institution.save()
    return workflow.decide(app, actor=None, conditions="Atnaujinti lektorių sąrašą per metus.",
                           reason="Programa aktuali, bet lektorių sąrašas pasenęs.")


def test_what_the_document_says_in_english(decision):
    app = decision.application
    doc = document(decision, language="en")
    facts = dict(doc.facts)
    assert doc.agency == "National Agency for Education"
    assert facts["Decision number"] == decision.number and facts["Date"] == TODAY.isoformat()
    assert facts["Applicant"] == f"Šiaulių švietimo centras ({app.institution.code})"
    programme = app.programme_version.programme
    assert facts["Programme"] == f"{programme.code} {app.programme_version.name_en}"
    assert facts["Version"] == "1"
    assert facts["Procedure"] == "Accreditation of CPD programmes"
    assert facts["Outcome"] == "Registered with conditions"
    assert facts["Valid"] == f"from {TODAY.isoformat()} until {decision.valid_until.isoformat()}"
    assert doc.conditions == "Atnaujinti lektorių sąrašą per metus."
    assert doc.reasons == "Programa aktuali, bet lektorių sąrašas pasenęs."
    assert doc.criteria_header == ["Criterion", "Weight", "Mandatory", "Pass mark", "Score"]
    assert doc.criteria == [["Relevance", "2", "no", "–", "2.00"], ["Content and methods", "2", "no", "–", "2.00"],
                            ["Trainers' qualifications", "1", "yes", "2", "2.00"]]
    assert "Weighted total: 50.00 of 100 points; pass threshold 60 points." in doc.scores
    assert "Registration with conditions from 45 points." in doc.scores
    assert "Evaluated by 2 independent experts." in doc.scores
    deadline = (TODAY + datetime.timedelta(days=30)).isoformat()
    assert f"within 30 days, by {deadline}" in doc.appeal
    for assignment in app.assignments.select_related("expert__person"):
        assert assignment.expert.person.last_name not in doc.text()
        assert assignment.expert.person.first_name not in doc.text()


def test_the_document_in_lithuanian_by_default(decision):
    with translation.override("lt"):
        doc = document(decision)
    assert doc.language == "lt" and doc.agency == "Nacionalinė švietimo agentūra"
    text = doc.text()
    assert "Kvalifikacijos tobulinimo programų akreditavimas" in text
    assert "Aktualumas" in text and "Lektorių kvalifikacija" in text
    assert decision.application.programme_version.name_lt in text


def test_an_ineligible_decision_has_no_scores():
    decision = workflow.declare_ineligible(at(ApplicationFactory(), "eligibility"), actor=None,
                                           reason="Ne pedagogams.")
    doc = document(decision, language="en")
    assert doc.criteria == [] and doc.scores == ["Not evaluated by experts: the application was found not eligible."]
    assert dict(doc.facts)["Outcome"] == "Rejected" and "Valid" not in dict(doc.facts)


def test_a_call_decision_shows_the_grant():
    call = CallFactory()
    app = ApplicationFactory(procedure=call.procedure, call=call, status="decided", requested_amount=Decimal("9000"))
    decision = DecisionFactory(application=app, outcome=Outcome.PARTIALLY_FUNDED, granted_amount=Decimal("4500.5"),
                               valid_until=None, summary={})
    doc = document(decision, language="en")
    facts = dict(doc.facts)
    assert facts["Granted amount"] == "4500.50 EUR"
    assert facts["Call"] == "Non-formal adult education programmes call"
    assert facts["Valid"] == f"from {decision.valid_from.isoformat()} until no end date"
    assert "Law on Administrative Proceedings" in doc.appeal


def _pdf_text(raw: bytes) -> str:
    """A PDF literal string's text: octal escapes undone; UTF-16 when it starts with the byte order mark (a title
    with Lithuanian letters is written so)."""
    raw = re.sub(rb"\\([0-7]{1,3})", lambda m: bytes([int(m.group(1), 8)]), raw)
    raw = re.sub(rb"\\(.)", rb"\1", raw)
    return raw.decode("utf-16") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")


@pytest.mark.parametrize("language", ["lt", "en"])
def test_the_pdf(decision, language):
    data = decision_pdf(decision, language=language)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert decision.number in _pdf_text(re.search(rb"/Title \(((?:[^)\\]|\\.)*)\)", data).group(1))
    assert f"/Subject ({decision.number})".encode() in data
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data  # A4
    assert b"DejaVuSans" in data and b"/FontFile2" in data  # the embedded font with the Lithuanian letters
    assert f"/Lang ({language})".encode() in data
    assert decision_pdf(decision, language=language) == data  # invariant
    assert len(decision_pdf(decision, language=language, compress=False)) > len(data)


def test_the_pdf_in_the_current_language(decision):
    with translation.override("en"):
        assert b"/Lang (en)" in decision_pdf(decision)
    with translation.override("lt"):
        assert b"/Lang (lt)" in decision_pdf(decision)
