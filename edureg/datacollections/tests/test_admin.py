"""The back-office: a collection with its sections, fields and rules inline; a period opened by its step and by the
list action; a report approved or returned by its step pages (the agency only); answers read-only."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from edureg.core.testing.forms import admin_post_data
from edureg.datacollections.choices import PeriodStatus, SubmissionStatus
from edureg.datacollections.models import Field, Period, Rule, Submission
from edureg.datacollections.services import save_values, submit
from edureg.datacollections.tests.conftest import GOOD

pytestmark = pytest.mark.django_db


def admin_client(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def step_url(model, obj, step):
    return reverse(f"admin:datacollections_{model}_step", args=[obj.pk, step])


def test_collection_page_shows_the_form_inline(form, agency):
    client = admin_client(agency)
    page = client.get(reverse("admin:datacollections_collection_change", args=[form.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "registered_users_children" in content and "expenditure_parts_le_total" in content
    listing = client.get(reverse("admin:datacollections_collection_changelist"))
    assert "LIB-ANNUAL" in listing.content.decode()


def test_adding_a_field_and_a_rule_inline_goes_through_the_services(form, agency):
    client = admin_client(agency)
    url = reverse("admin:datacollections_collection_change", args=[form.pk])
    page = client.get(url)
    data = admin_post_data(page)
    section = form.sections.get(code="loans")
    data.update({"fields-TOTAL_FORMS": int(data["fields-TOTAL_FORMS"]) + 1})
    n = int(data["fields-TOTAL_FORMS"]) - 1
    data.update({f"fields-{n}-code": "e_loans", f"fields-{n}-section": section.pk, f"fields-{n}-name_lt": "E. išduotys",
                 f"fields-{n}-name_en": "E-loans", f"fields-{n}-type": "integer", f"fields-{n}-required": "on",
                 f"fields-{n}-minimum": "0", f"fields-{n}-order": "3"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else None
    assert Field.objects.filter(collection=form, code="e_loans", section=section).exists()

    page = client.get(url)
    data = admin_post_data(page)
    n = int(data["rules-TOTAL_FORMS"])
    data.update({"rules-TOTAL_FORMS": n + 1, f"rules-{n}-code": "bad", f"rules-{n}-left": "e_loans",
                 f"rules-{n}-operator": "le", f"rules-{n}-right": "nonsense", f"rules-{n}-severity": "error",
                 f"rules-{n}-message_lt": "m", f"rules-{n}-message_en": "m", f"rules-{n}-order": "11"})
    response = client.post(url, data)
    assert response.status_code == 200 and "Unknown field" in response.content.decode()
    assert not Rule.objects.filter(code="bad").exists()


def test_period_opened_by_its_step(form, libraries, agency):
    client = admin_client(agency)
    response = client.post(reverse("admin:datacollections_period_add"), {
        "collection": form.pk, "year": 2025, "opens_on": "2026-01-05", "due_on": "2026-02-15"})
    assert response.status_code == 302
    period = Period.objects.get(year=2025)
    assert period.status == PeriodStatus.DRAFT
    page = client.get(reverse("admin:datacollections_period_change", args=[period.pk]))
    assert step_url("period", period, "open") in page.content.decode()
    response = client.post(step_url("period", period, "open"), follow=True)
    assert "The period is open: 2 respondents have a report to fill in." in response.content.decode()
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN and period.submissions.count() == 2
    client.post(step_url("period", period, "close"))
    period.refresh_from_db()
    assert period.status == PeriodStatus.CLOSED


def test_periods_opened_by_the_list_action(form, libraries, agency):
    period = Period.objects.create(collection=form, year=2025, opens_on=datetime.date(2026, 1, 5),
                                   due_on=datetime.date(2026, 2, 15))
    client = admin_client(agency)
    client.post(reverse("admin:datacollections_period_changelist"),
                {"action": "open_periods", "_selected_action": [period.pk]})
    period.refresh_from_db()
    assert period.status == PeriodStatus.OPEN and period.submissions.count() == 2


def test_report_steps(report, respondent, agency):
    save_values(report, GOOD, actor=respondent)
    submit(report, actor=respondent)
    officer = admin_client(respondent)
    page = officer.get(reverse("admin:datacollections_submission_change", args=[report.pk]))
    assert page.status_code == 200 and "datacollections-step" not in page.content.decode()
    assert officer.post(step_url("submission", report, "approve")).status_code == 403

    client = admin_client(agency)
    page = client.get(reverse("admin:datacollections_submission_change", args=[report.pk]))
    assert step_url("submission", report, "approve") in page.content.decode()
    assert "90000" in page.content.decode()  # the answers, read-only
    empty = client.post(step_url("submission", report, "return"), {"comment": ""})
    assert empty.status_code == 200
    response = client.post(step_url("submission", report, "return"), {"comment": "Check the loans."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.return_comment) == (SubmissionStatus.RETURNED, "Check the loans.")
    refused = client.post(step_url("submission", report, "approve"))
    assert "Only a submitted report can be approved" in refused.content.decode()
    report.refresh_from_db()
    assert report.status == SubmissionStatus.RETURNED


def test_a_report_cannot_be_changed_through_its_form(report, agency):
    client = admin_client(agency)
    url = reverse("admin:datacollections_submission_change", args=[report.pk])
    data = admin_post_data(client.get(url))
    response = client.post(url, data)
    assert response.status_code == 302
    assert Submission.objects.get(pk=report.pk).status == SubmissionStatus.NOT_STARTED
    assert client.get(reverse("admin:datacollections_submission_add")).status_code == 403


def test_answers_are_read_only(report, respondent, agency):
    save_values(report, GOOD, actor=respondent)
    value = report.values.first()
    for user in (respondent, agency):
        client = admin_client(user)
        page = client.get(reverse("admin:datacollections_value_change", args=[value.pk]))
        assert page.status_code == 200 and page.context["has_change_permission"] is False
        assert client.get(reverse("admin:datacollections_value_delete", args=[value.pk])).status_code == 403
