"""The synthetic main admission round as written, allocated and published with the country (tiny scale)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F

from edureg.accounts.models import Membership
from edureg.admission.choices import ApplicationStatus, InvitationStatus, Outcome, RoundStatus, RunStatus
from edureg.admission.engine.eligibility import age_in_years
from edureg.admission.models import (
    AllocationRun,
    Application,
    ApplicationResult,
    Grade,
    Invitation,
    Offer,
    OfferResult,
    Preference,
    Round,
    ScoringFormula,
)
from edureg.core.audit.serialize import snapshot
from edureg.core.models import ObjectChange
from edureg.programmes.models import Offering
from edureg.synthetic.services import build_country, current_school_year, ensure_demo_users

WRITTEN = (Round, ScoringFormula, Offer, Application, Grade, Preference)
JOB = "synthetic-5-admission"


@pytest.fixture
def country(classifiers):
    return build_country(scale="tiny", seed=5)


def test_the_main_round_is_allocated_published_and_mostly_contracted(country):
    connection.check_constraints()
    year = max(2025, current_school_year())
    round_ = Round.objects.get()
    assert (round_.code, round_.kind, round_.year, round_.status) == (f"{year}-main", "main", year,
                                                                       RoundStatus.PUBLISHED)
    assert (round_.applications_open, round_.application_deadline, round_.results_date, round_.contract_deadline,
            round_.age_on) == (datetime.date(year, 6, 1), datetime.date(year, 7, 15), datetime.date(year, 7, 20),
                               datetime.date(year, 7, 31), datetime.date(year, 9, 1))
    round_.full_clean()
    for formula in round_.formulas.all():
        formula.full_clean()
    assert round_.formulas.count() == 4

    # Offers: the formal offerings of the year, one per funding with places, capacity = places.
    expected = {(o.pk, funding, o.places(funding)) for o in Offering.objects.filter(
        year=year, programme__kind__formal=True, programme__status="registered") for funding in ("state", "paid")
        if o.places(funding) > 0}
    assert set(round_.offers.values_list("offering_id", "funding", "capacity")) == expected

    applications = round_.applications.all()
    n = applications.count()
    assert n == country.counts["applications"] > 150
    assert set(applications.values_list("status", flat=True)) == {ApplicationStatus.SUBMITTED}
    assert Grade.objects.count() == 5 * n
    assert not Grade.objects.filter(value__gt=F("application__grade_scale")).exists()

    run = AllocationRun.objects.get(round=round_)
    assert run.status == RunStatus.DONE and run.is_current and run.published_at is not None
    assert ApplicationResult.objects.filter(run=run).count() == n
    # Every preference was generated eligible; the run agrees (it checks them with the round's rules).
    entries = [e for r in ApplicationResult.objects.filter(run=run) for e in r.explanation]
    assert len(entries) == Preference.objects.count() and all(e["eligible"] for e in entries)
    outcomes = {e["outcome"] for e in entries}
    assert {Outcome.INVITED, Outcome.BELOW_CUTOFF, Outcome.NOT_NEEDED} <= outcomes
    offers = OfferResult.objects.filter(run=run)
    assert offers.count() == round_.offers.count()
    assert offers.filter(cutoff_score__isnull=False).exists()  # full offers with a cut-off
    assert offers.filter(invited__lt=F("places")).exists()  # and places left

    invitations = Invitation.objects.filter(run=run)
    assert invitations.count() == country.counts["invitations"] == ApplicationResult.objects.filter(
        run=run, offer__isnull=False).count()
    signed = invitations.filter(status=InvitationStatus.SIGNED)
    assert signed.count() == country.counts["contracts"]
    assert 0.75 < signed.count() / invitations.count() < 0.95
    assert set(invitations.values_list("status", flat=True)) == {InvitationStatus.SIGNED, InvitationStatus.INVITED}
    for invitation in signed.order_by("?")[:20]:
        assert invitation.contract_number == f"PMS-{year}/{invitation.pk}"
        assert round_.results_date <= invitation.contract_date <= round_.contract_deadline
        assert invitation.status_date == invitation.contract_date
    assert not invitations.filter(status=InvitationStatus.INVITED, contract_date__isnull=False).exists()


def test_the_written_rows_have_their_change_records(country):
    changes = ObjectChange.objects.filter(job_id=JOB)
    assert changes.count() + ObjectChange.objects.filter(
        job_id=f"admission-run-{AllocationRun.objects.get().pk}").count() == country.counts["admission change records"]
    for model in WRITTEN:
        ct = ContentType.objects.get_for_model(model)
        created = changes.filter(content_type=ct, action="create")
        assert created.count() == model.objects.count() > 0, model
        for obj in model.objects.order_by("?")[:25]:
            change = created.get(object_id=str(obj.pk))
            if model is Round:  # written closed, then allocated and published by the services: their records
                assert change.postchange_data == {**snapshot(obj), "status": RoundStatus.CLOSED}
                last = ObjectChange.objects.filter(content_type=ct, object_id=str(obj.pk)).latest("id")
                assert last.postchange_data == snapshot(obj)
            else:
                assert change.postchange_data == snapshot(obj), model
            assert change.object_repr == str(obj)[:200], model
            assert change.source == "command"
    # The contracts: one update each, from invited to signed.
    ct = ContentType.objects.get_for_model(Invitation)
    updates = changes.filter(content_type=ct, action="update")
    assert updates.count() == Invitation.objects.filter(status=InvitationStatus.SIGNED).count()
    for change in updates.order_by("?")[:10]:
        invitation = Invitation.objects.get(pk=change.object_id)
        assert change.prechange_data["status"] == InvitationStatus.INVITED
        assert change.postchange_data == snapshot(invitation)
    # The grades as the applicant's document has them: whole numbers on the application's scale.
    assert set(Grade.objects.values_list("value", flat=True)) <= {Decimal(v) for v in range(2, 11)}


def test_the_demo_applicant_is_invited_to_the_second_preference_and_sees_why_not_the_first(country):
    ensure_demo_users(secret="test-secret")
    user = get_user_model().objects.get(username="demo_applicant")
    person = Membership.objects.get(user=user).person
    application = Application.objects.get(person=person)
    round_ = application.round
    assert age_in_years(person.birth_date, round_.age_on) == 16
    assert application.education == "basic" and application.prior_qualifications == "none"
    assert application.preferences.count() == 3

    result = ApplicationResult.objects.for_user(user, "view").get(application=application)
    assert result.rank == 2 and result.offer == application.preferences.get(rank=2).offer
    first, second, third = result.explanation
    assert (first["outcome"], second["outcome"], third["outcome"]) == (
        Outcome.BELOW_CUTOFF, Outcome.INVITED, Outcome.NOT_NEEDED)
    assert first["cutoff"]["score"][0] > first["score"][0]
    # The cut-off is the offer's published one.
    published = OfferResult.objects.for_user(None).get(offer__code=first["offer"])
    assert published.cutoff_score == first["cutoff"]["score"] and published.invited == published.places
    assert Invitation.objects.for_user(user, "view").filter(application=application).exists()


def test_a_reset_replaces_the_round_with_the_new_countrys(classifiers):
    build_country(scale="tiny", seed=5)
    old = set(Application.objects.values_list("pk", flat=True))
    report = build_country(scale="tiny", seed=6, reset=True)
    connection.check_constraints()
    assert report.deleted["admission.Application"] == len(old)
    assert Round.objects.count() == 1 and Round.objects.get().status == RoundStatus.PUBLISHED
    assert not set(Application.objects.values_list("pk", flat=True)) & old
    ct = ContentType.objects.get_for_model(Application)
    assert not ObjectChange.objects.filter(job_id=JOB, content_type=ct).exists()
    assert ObjectChange.objects.filter(job_id="synthetic-6-admission", content_type=ct).count() == len(
        Application.objects.all())
