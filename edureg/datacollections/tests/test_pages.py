"""The pages through Django's test client: the respondent fills in the library report (text in a number field, errors
and warnings shown at once after saving, a comment on a warning), submits; the agency approves or returns it with a
comment on the period's page, which the respondent then reads; the reminders list and its CSV; the XLSX template
and upload; who sees what."""

import html as html_module
import io
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from edureg.datacollections import services
from edureg.datacollections.choices import SubmissionStatus
from edureg.datacollections.forms import ANSWER, COMMENT
from edureg.datacollections.models import Submission
from edureg.datacollections.tests.conftest import GOOD
from edureg.datacollections.tests.test_xlsx import fill, typed

pytestmark = pytest.mark.django_db


def text(response) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def client_for(user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def form_data(answers: dict, comments: dict | None = None, action="save") -> dict:
    data = {ANSWER + code: value for code, value in answers.items()}
    data.update({COMMENT + code: value for code, value in (comments or {}).items()})
    data["action"] = action
    return data


def url(report):
    return reverse("collections:submission", args=[report.pk])


def test_respondent_fills_in_validates_and_submits(report, respondent):
    client = client_for(respondent)
    index = client.get(reverse("collections:index"))
    assert url(report) in index.content.decode()
    assert "Public library annual statistical report" in text(index)

    page = client.get(url(report))
    body = text(page)
    assert page.status_code == 200
    assert "1. Libraries and service points" in body and "9. Notes" in body
    assert "Opening hours per week" in body and "The hours in a normal week" in body
    assert '<div class="govuk-input__suffix" aria-hidden="true">h</div>' in page.content.decode()
    assert 'inputmode="numeric"' in page.content.decode()

    # Text in a number field: the whole save is refused, naming the field.
    refused = client.post(url(report), form_data({**GOOD, "loans": "daug"}))
    assert refused.status_code == 200
    assert "Loans (loans): “daug” is not a number." in text(refused)
    assert 'value="daug"' in refused.content.decode()  # what was typed is kept
    assert not report.values.exists()

    # Saved with an error and a warning: both shown at once.
    saved = client.post(url(report), form_data({**GOOD, "librarians_fte": "15", "event_participants": "40"}),
                        follow=True)
    body = text(saved)
    assert "Your answers are saved as a draft. 1 error and 1 warning: see them below." in body
    assert "1 error must be corrected before submitting" in body
    assert "Librarians' FTE cannot exceed the total staff FTE." in body
    assert "Fewer event participants than events: check the figures." in body
    assert "Check: 40 ≥ 120" in body
    assert f'name="{COMMENT}participants_ge_events"' in saved.content.decode()

    # Submitting with the error left: refused, the draft kept.
    refused = client.post(url(report), form_data({**GOOD, "librarians_fte": "15", "event_participants": "40"},
                                                 action="submit"), follow=True)
    assert "cannot be submitted yet" in text(refused) and "Librarians' FTE cannot exceed" in text(refused)
    report.refresh_from_db()
    assert report.status == SubmissionStatus.DRAFT

    # Corrected, but the warning without a comment: refused.
    refused = client.post(url(report), form_data({**GOOD, "event_participants": "40"}, action="submit"),
                          follow=True)
    assert "Explain the warning “Fewer event participants than events" in text(refused)
    report.refresh_from_db()
    assert report.status == SubmissionStatus.DRAFT

    # With the comment: submitted.
    done = client.post(url(report), form_data({**GOOD, "event_participants": "40"},
                                              {"participants_ge_events": "Readings for small groups."},
                                              action="submit"), follow=True)
    assert "The report is submitted." in text(done)
    report.refresh_from_db()
    assert report.status == SubmissionStatus.SUBMITTED
    assert report.warning_comments == {"participants_ge_events": "Readings for small groups."}
    body = text(done)
    assert "Explanation: Readings for small groups." in body
    assert "Save draft" not in body  # read-only now
    refused = client.post(url(report), form_data(GOOD))
    assert "The report is submitted: it can no longer be changed." in text(refused)
    report.refresh_from_db()
    assert report.status == SubmissionStatus.SUBMITTED


def _submitted(report, respondent):
    services.save_values(report, GOOD, actor=respondent)
    services.submit(report, actor=respondent)


def test_agency_approves_on_the_period_page(report, respondent, agency, period):
    _submitted(report, respondent)
    client = client_for(agency)
    index = client.get(reverse("collections:index"))
    assert reverse("collections:period", args=[period.pk]) in index.content.decode()
    page = client.get(reverse("collections:period", args=[period.pk]))
    body = text(page)
    assert page.status_code == 200
    assert "Submitted (1)" in body and "Not started (1)" in body
    assert "Approve" in body
    here = reverse("collections:period", args=[period.pk])
    done = client.post(url(report), {"action": "approve", "next": here}, follow=True)
    assert done.redirect_chain[-1][0] == here
    assert "The report of Vilniaus miesto savivaldybės centrinė biblioteka is approved." in text(done)
    report.refresh_from_db()
    assert report.status == SubmissionStatus.APPROVED and report.decided_by == agency


def test_agency_returns_and_the_respondent_reads_the_comment(report, respondent, agency, period):
    _submitted(report, respondent)
    client = client_for(agency)
    here = reverse("collections:period", args=[period.pk])
    empty = client.post(url(report), {"action": "return", "comment": "  ", "next": here}, follow=True)
    assert "This field is required." in text(empty)
    report.refresh_from_db()
    assert report.status == SubmissionStatus.SUBMITTED
    # On the report's own page the comment box shows its error under it.
    empty = client.post(url(report), {"action": "return", "comment": ""})
    assert empty.status_code == 200 and "This field is required." in text(empty)
    client.post(url(report), {"action": "return", "comment": "Loans fell by half: please check.", "next": here})
    report.refresh_from_db()
    assert report.status == SubmissionStatus.RETURNED
    page = client_for(respondent).get(url(report))
    body = text(page)
    assert "Returned by the agency" in body and "Loans fell by half: please check." in body
    assert "Submit the report" in body  # editable again


def test_respondent_may_not_decide_and_agency_may_not_fill_in(report, respondent, agency):
    _submitted(report, respondent)
    assert client_for(respondent).post(url(report), {"action": "approve"}).status_code == 403
    services.return_submission(report, actor=agency, comment="Check.")
    response = client_for(agency).post(url(report), form_data(GOOD), follow=True)
    assert "Only the reporting institution's officers" in text(response)
    report.refresh_from_db()
    assert report.status == SubmissionStatus.RETURNED


def test_who_sees_a_report(report, respondent, other_respondent, municipal, agency):
    _submitted(report, respondent)
    assert client_for().get(url(report)).status_code == 302  # to sign in
    assert client_for(other_respondent).get(url(report)).status_code == 404
    assert client_for(other_respondent).post(url(report), form_data(GOOD)).status_code == 404
    page = client_for(municipal).get(url(report))
    assert page.status_code == 200 and "Save draft" not in text(page)
    assert 'value="approve"' not in page.content.decode()
    assert 'value="approve"' in client_for(agency).get(url(report)).content.decode()


def test_period_page_reminders_and_csv(report, respondent, agency, period, libraries):
    services.save_values(report, {"loans": "10"}, actor=respondent)
    client = client_for(agency)
    body = text(client.get(reverse("collections:period", args=[period.pk])))
    assert "2 respondents have not submitted." in body
    assert "info@biblioteka.lt" in body
    csv = client.get(reverse("collections:reminders-csv", args=[period.pk]))
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Institution;Institution code;Municipality;Status;Due on;Overdue;E-mail"
    assert len(lines) == 3
    assert f"{libraries[0].name};{libraries[0].code};Vilniaus miesto savivaldybė;Draft;2026-02-15;" in lines[2]
    assert lines[2].endswith(";info@biblioteka.lt")
    filtered = client.get(reverse("collections:period", args=[period.pk]), {"status": "draft"}).content.decode()
    others = Submission.objects.exclude(pk=report.pk).get()
    assert f'id="report-{report.pk}"' in filtered and f'id="report-{others.pk}"' not in filtered
    assert client.get(reverse("collections:period", args=[period.pk]), {"status": "bogus"}).status_code == 404


def test_period_page_is_scoped(period, report, respondent, municipal, libraries):
    _submitted(report, respondent)
    assert client_for(respondent).get(reverse("collections:period", args=[period.pk])).status_code == 200
    body = text(client_for(municipal).get(reverse("collections:period", args=[period.pk])))
    assert libraries[0].name in body and libraries[1].name not in body
    page = client_for(municipal).get(reverse("collections:period", args=[period.pk])).content.decode()
    assert 'value="approve"' not in page


def test_xlsx_download_and_upload(report, respondent):
    client = client_for(respondent)
    download = client.get(reverse("collections:template", args=[report.pk]))
    assert download["Content-Disposition"] == (
        f'attachment; filename="LIB-ANNUAL-2025-v1-{report.institution.code}.xlsx"')
    workbook = load_workbook(io.BytesIO(download.content))
    assert "meta" in workbook.sheetnames

    bad = fill(download.content, {**typed(GOOD), "loans": "many"})
    response = client.post(reverse("collections:upload", args=[report.pk]),
                           {"file": io.BytesIO(bad)}, follow=True)
    body = text(response)
    assert "The file was not imported; nothing was saved" in body
    assert "Sheet “loans”, row 2: Loans (loans): “many” is not a number." in body
    assert not report.values.exists()

    good = io.BytesIO(fill(download.content, typed(GOOD)))
    good.name = "report.xlsx"
    response = client.post(reverse("collections:upload", args=[report.pk]), {"file": good}, follow=True)
    assert "The template's answers are saved as a draft. No errors or warnings were found." in text(response)
    assert services.stored_values(report)["loans"] == 90000


def test_blank_period_template(period, respondent):
    response = client_for(respondent).get(reverse("collections:period-template", args=[period.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="LIB-ANNUAL-2025-v1.xlsx"'


def test_pages_in_lithuanian_by_default(report, respondent):
    client = Client()
    client.force_login(respondent)
    page = client.get(url(report))
    assert page.status_code == 200 and "Bibliotekos ir aptarnavimo vietos" in text(page)


def test_index_without_reports(db):
    from edureg.accounts.tests.factories import MembershipFactory, UserFactory

    user = UserFactory(username="teacher")
    MembershipFactory(user=user, role="expert")
    assert "You have no statistical reports to fill in." in text(client_for(user).get(reverse("collections:index")))


def test_submission_list_query_count_does_not_grow(period, agency, django_assert_max_num_queries):
    client = client_for(agency)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("collections:period", args=[period.pk]))
    assert response.status_code == 200
    assert Submission.objects.filter(period=period).count() == 2
