"""The libraries' annual reports as written with the synthetic country (tiny scale: the Vilnius and Kaunas city
libraries), and the demo library officer."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone, translation

from edureg.accounts.models import Membership
from edureg.core.audit.serialize import snapshot
from edureg.core.models import ObjectChange
from edureg.datacollections.models import Collection, Period, Submission, Value
from edureg.datacollections.services import may_fill_in, save_values, validate
from edureg.institutions.models import Institution
from edureg.synthetic import libraries
from edureg.synthetic.engine.libraries import NUMERIC, RETURN_COMMENT
from edureg.synthetic.services import build_country, ensure_demo_users

JOB = "synthetic-5-libraries"
YEARS = list(range(2021, 2026))


@pytest.fixture
def country(classifiers):
    return build_country(scale="tiny", seed=5)


def the_libraries():
    return list(Institution.objects.filter(type__code="3410").order_by("municipality__code"))


def test_a_period_per_year_closed_but_the_last_one_open(country):
    connection.check_constraints()
    collection = Collection.objects.get(code="LIB-ANNUAL")
    periods = {p.year: p for p in Period.objects.filter(collection=collection)}
    assert sorted(periods) == YEARS
    assert {y: p.status for y, p in periods.items()} == {**dict.fromkeys(YEARS[:-1], "closed"), 2025: "open"}
    for year, period in periods.items():
        period.full_clean()
        assert period.opens_on == datetime.date(year + 1, 1, 5)
        assert period.due_on >= datetime.date(year + 1, 2, 15)
    assert periods[2025].due_on >= timezone.localdate() + datetime.timedelta(days=28)
    assert country.counts["library periods"] == 5
    assert country.counts["library submissions"] == Submission.objects.count() == 5 * 2


def test_every_library_reports_every_year_the_closed_years_approved_with_every_value(country):
    libs = the_libraries()
    assert [lib.municipality.code for lib in libs] == ["LT-15", "LT-57"]  # Kaunas and Vilnius cities
    for lib in libs:
        population = lib.municipality.extra["population"]
        assert sorted(Submission.objects.filter(institution=lib).values_list("period__year", flat=True)) == YEARS
        for submission in Submission.objects.filter(institution=lib, period__year__lt=2025):
            assert submission.status == "approved"
            assert submission.submitted_at < submission.decided_at <= timezone.now()
            values = {v.field.code: v.number for v in submission.values.select_related("field")}
            assert set(NUMERIC) <= set(values)
            assert values["service_points"] == 1 + lib.branches.count()
            assert 0.09 < values["registered_users"] / population < 0.36
            assert 2 < values["physical_visits"] / population < 13
            # The form's own checks: no error; each warning (a renovation) commented.
            report = validate(submission)
            assert report.errors == [], report.errors
            assert report.uncommented(submission.warning_comments) == []
            assert set(submission.warning_comments) == set(report.warning_rules())


def test_the_open_period_has_the_demo_library_not_started_and_a_returned_report(country):
    vilnius, = [lib for lib in the_libraries() if lib.municipality.code == "LT-57"]
    kaunas, = [lib for lib in the_libraries() if lib.municipality.code == "LT-15"]
    assert libraries.demo_library() == vilnius
    demo = Submission.objects.get(institution=vilnius, period__year=2025)
    assert demo.status == "not_started" and not demo.values.exists()
    assert demo.submitted_at is None and demo.decided_at is None
    returned = Submission.objects.get(institution=kaunas, period__year=2025)
    assert returned.status == "returned" and returned.return_comment == RETURN_COMMENT
    assert returned.submitted_at <= returned.decided_at
    # What the agency saw: registered users up by more than a third on the year (still below the 50 % warning).
    last = Value.objects.get(submission__institution=kaunas, submission__period__year=2024,
                             field__code="registered_users").number
    now = returned.values.get(field__code="registered_users").number
    assert 1.3 < now / last < 1.5
    assert validate(returned).errors == []


def test_the_written_rows_have_their_change_records(country):
    changes = ObjectChange.objects.filter(job_id=JOB)
    for model in (Period, Submission, Value):
        ct = ContentType.objects.get_for_model(model)
        created = changes.filter(content_type=ct, action="create")
        assert created.count() == model.objects.count() > 0, model
        for obj in model.objects.order_by("?")[:40]:
            change = created.get(object_id=str(obj.pk))
            assert change.postchange_data == snapshot(obj), model
            assert change.object_repr == str(obj)[:200], model
            assert change.source == "command"
    assert ObjectChange.objects.filter(job_id=JOB, seq__isnull=True).count() == 0  # in the change feed
    assert country.counts["library values"] == Value.objects.count()


def test_the_demo_library_officer_fills_in_its_own_report(country):
    ensure_demo_users(secret="test-secret")
    user = get_user_model().objects.get(username="demo_library")
    membership = Membership.objects.get(user=user)
    assert membership.role == "institution_officer"
    assert membership.institution == libraries.demo_library()
    assert membership.institution.municipality.code == "LT-57"
    own = Submission.objects.for_user(user, "view")
    assert set(own.values_list("institution_id", flat=True)) == {membership.institution_id}
    assert own.count() == 5
    report = own.get(period__year=2025)
    assert may_fill_in(user, report)
    assert not may_fill_in(user, Submission.objects.exclude(institution=membership.institution).first())
    # The demo: the officer types last year's figures and sees the form's verdict at once.
    previous = {v.field.code: v.number for v in Value.objects.filter(
        submission__institution=membership.institution, submission__period__year=2024).select_related("field")}
    result = save_values(report, {code: format(previous[code].normalize(), "f") for code in NUMERIC}, actor=user)
    assert result.errors == []
    report.refresh_from_db()
    assert report.status == "draft"


def test_a_second_build_is_refused_and_a_reset_replaces_the_reports(country):
    with translation.override("en"), pytest.raises(libraries.LibraryDataError, match="already holds library reports"):
        libraries.build_libraries(seed=5)
    old = set(Submission.objects.values_list("pk", flat=True))
    report = build_country(scale="tiny", seed=6, reset=True)
    connection.check_constraints()
    assert report.deleted["datacollections.Submission"] == len(old)
    assert not set(Submission.objects.values_list("pk", flat=True)) & old
    assert Period.objects.count() == 5 and Submission.objects.count() == 10
    assert not ObjectChange.objects.filter(job_id=JOB).exists()
    assert ObjectChange.objects.filter(job_id="synthetic-6-libraries").count() == report.counts[
        "library submissions"] + report.counts["library values"] + 5


def test_an_empty_period_of_the_agency_is_reused_and_one_with_reports_refused(classifiers):
    from edureg.datacollections.services import load_collections

    load_collections()
    collection = Collection.objects.get(code="LIB-ANNUAL")
    made = Period.objects.create(collection=collection, year=2023, status="draft", opens_on=datetime.date(2024, 3, 1),
                                 due_on=datetime.date(2024, 4, 1))
    build_country(scale="tiny", seed=5)
    made.refresh_from_db()
    assert (made.status, made.opens_on) == ("closed", datetime.date(2024, 1, 5))
    assert made.submissions.count() == 2
    assert Period.objects.filter(collection=collection).count() == 5


def test_no_libraries_no_reports(classifiers):
    with translation.override("en"), pytest.raises(libraries.LibraryDataError, match="no municipal public library"):
        libraries.build_libraries(seed=1)
    assert not Period.objects.exists() and not Submission.objects.exists()


def test_reports_added_to_a_country_without_them_are_the_same_for_the_same_seed(country):
    """`edureg demo` adds the reports to a country built before the collection existed: the same figures."""
    def figures():
        return sorted(Value.objects.values_list("submission__institution__code", "submission__period__year",
                                                "field__code", "number", "text"))

    before = figures()
    statuses = sorted(Submission.objects.values_list("institution__code", "period__year", "status"))
    for model in libraries.MODELS:
        model.objects.all().delete()
    assert not libraries.has_libraries()
    counts = libraries.build_libraries(seed=5, years=YEARS)
    assert counts == {"library periods": 5, "library submissions": 10, "library values": len(before)}
    assert figures() == before
    assert sorted(Submission.objects.values_list("institution__code", "period__year", "status")) == statuses
