"""After the results are published: contracts, declined invitations, annulment after the deadline, places left."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from edureg.admission.choices import InvitationStatus, RoundStatus
from edureg.admission.models import Invitation
from edureg.admission.services.contracts import annul_unsigned, decline_invitation, places_left, record_contract
from edureg.admission.tests.factories import AllocationRunFactory, InvitationFactory, OfferFactory, RoundFactory
from edureg.core.models import ObjectChange

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2026, 7, 31)


@pytest.fixture
def published(world):
    """A published round (contract deadline 31 July 2026) with an offer at a1 (the institution officer's) and one
    at b1, and three invitations to each."""
    round_ = RoundFactory(status=RoundStatus.PUBLISHED, contract_deadline=DEADLINE)
    run = AllocationRunFactory(round=round_)
    ours = OfferFactory(round=round_, code="A1-S", capacity=5, offering__version__programme__provider=world.a1)
    theirs = OfferFactory(round=round_, code="B1-S", capacity=3, offering__version__programme__provider=world.b1)
    invitations = {
        "ours": [InvitationFactory(run=run, offer=ours) for _ in range(3)],
        "theirs": [InvitationFactory(run=run, offer=theirs) for _ in range(3)],
    }
    return {"round": round_, "run": run, "ours": ours, "theirs": theirs, "invitations": invitations}


def test_the_school_records_a_signed_contract(published, world):
    officer = world.user("institution_officer")
    invitation = published["invitations"]["ours"][0]
    record_contract(invitation, actor=officer, number="S-2026/17", date=datetime.date(2026, 7, 25))

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SIGNED
    assert (invitation.contract_number, invitation.contract_date) == ("S-2026/17", datetime.date(2026, 7, 25))
    assert invitation.status_date == datetime.date(2026, 7, 25)
    change = ObjectChange.objects.filter(content_type__model="invitation", object_id=str(invitation.pk),
                                         action="update").get()
    assert change.user_id == officer.pk and change.postchange_data["status"] == "signed"


def test_the_organiser_may_record_any_contract_and_the_deadline_day_counts(published, world):
    invitation = published["invitations"]["theirs"][0]
    record_contract(invitation, actor=world.user("agency_admin"), number="K-1", date=DEADLINE)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SIGNED


@pytest.mark.parametrize("role", ["institution_officer", "municipality_officer", "applicant", "public"])
def test_others_may_not_record_a_contract(published, world, role):
    invitation = published["invitations"]["theirs"][0]  # at b1: not the institution officer's school
    with pytest.raises(PermissionDenied):
        record_contract(invitation, actor=world.user(role), number="X-1", date=datetime.date(2026, 7, 25))
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.INVITED


def test_a_contract_after_the_deadline_or_without_a_number_is_refused(published, world):
    officer = world.user("institution_officer")
    invitation = published["invitations"]["ours"][0]
    with pytest.raises(ValidationError) as error:
        record_contract(invitation, actor=officer, number="S-1", date=DEADLINE + datetime.timedelta(days=1))
    assert "2026-07-31" in error.value.message_dict["contract_date"][0]
    with pytest.raises(ValidationError) as error:
        record_contract(invitation, actor=officer, number="  ", date=datetime.date(2026, 7, 25))
    assert set(error.value.message_dict) == {"contract_number"}
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.INVITED and invitation.contract_number == ""


def test_a_contract_needs_an_invitation_waiting_for_one(published, world):
    officer = world.user("institution_officer")
    invitation = published["invitations"]["ours"][0]
    record_contract(invitation, actor=officer, number="S-1", date=datetime.date(2026, 7, 25))
    with pytest.raises(ValidationError) as error:
        record_contract(invitation, actor=officer, number="S-2", date=datetime.date(2026, 7, 26))
    assert "status" in error.value.message_dict
    declined = published["invitations"]["ours"][1]
    decline_invitation(declined, actor=officer)
    with pytest.raises(ValidationError):
        record_contract(declined, actor=officer, number="S-3", date=datetime.date(2026, 7, 26))


def test_no_contract_on_an_unpublished_or_superseded_run(world):
    round_ = RoundFactory(status=RoundStatus.ALLOCATED)
    run = AllocationRunFactory(round=round_, published_at=None)
    invitation = InvitationFactory(run=run)
    with pytest.raises(ValidationError) as error:
        record_contract(invitation, actor=None, number="S-1", date=datetime.date(2026, 7, 25))
    assert "run" in error.value.message_dict
    published_round = RoundFactory(status=RoundStatus.PUBLISHED)
    old = AllocationRunFactory(round=published_round, is_current=False)
    AllocationRunFactory(round=published_round)
    with pytest.raises(ValidationError):
        record_contract(InvitationFactory(run=old), actor=None, number="S-1", date=datetime.date(2026, 7, 25))


def test_a_declined_invitation_frees_its_place(published, world):
    invitation = published["invitations"]["ours"][0]
    decline_invitation(invitation, actor=world.user("institution_officer"))
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    with pytest.raises(PermissionDenied):
        decline_invitation(published["invitations"]["theirs"][0], actor=world.user("institution_officer"))


def test_annulment_only_after_the_contract_deadline(published, world):
    organiser = world.user("agency_admin")
    with pytest.raises(ValidationError) as error:
        annul_unsigned(published["round"], actor=organiser, today=DEADLINE)
    assert "contract_deadline" in error.value.message_dict
    assert not Invitation.objects.filter(status=InvitationStatus.ANNULLED).exists()
    published["round"].refresh_from_db()
    assert published["round"].status == RoundStatus.PUBLISHED


def test_unsigned_invitations_are_annulled_and_the_round_finished(published, world):
    officer, organiser = world.user("institution_officer"), world.user("agency_admin")
    ours = published["invitations"]["ours"]
    record_contract(ours[0], actor=officer, number="S-1", date=datetime.date(2026, 7, 20))
    decline_invitation(ours[1], actor=officer)
    day_after = DEADLINE + datetime.timedelta(days=1)

    assert annul_unsigned(published["round"], actor=organiser, today=day_after) == 4

    statuses = {i.pk: i.status for i in Invitation.objects.all()}
    assert statuses[ours[0].pk] == InvitationStatus.SIGNED
    assert statuses[ours[1].pk] == InvitationStatus.DECLINED
    annulled = Invitation.objects.filter(status=InvitationStatus.ANNULLED)
    assert set(annulled.values_list("pk", flat=True)) == {ours[2].pk, *(i.pk for i in published["invitations"]
                                                                         ["theirs"])}
    assert set(annulled.values_list("status_date", flat=True)) == {day_after}
    assert ObjectChange.objects.filter(content_type__model="invitation", action="update",
                                       postchange_data__status="annulled", user_id=organiser.pk).count() == 4
    round_ = published["round"]
    round_.refresh_from_db()
    assert round_.status == RoundStatus.FINISHED
    # Once finished: nothing more to annul, no more contracts.
    with pytest.raises(ValidationError):
        annul_unsigned(round_, actor=organiser, today=day_after)


@pytest.mark.parametrize("role", ["institution_officer", "applicant"])
def test_only_the_organiser_annuls(published, world, role):
    with pytest.raises(PermissionDenied):
        annul_unsigned(published["round"], actor=world.user(role), today=DEADLINE + datetime.timedelta(days=1))


def test_places_left_are_the_places_less_the_signed_contracts(published, world):
    officer, organiser = world.user("institution_officer"), world.user("agency_admin")
    ours, theirs = published["invitations"]["ours"], published["invitations"]["theirs"]
    record_contract(ours[0], actor=officer, number="S-1", date=datetime.date(2026, 7, 20))
    record_contract(ours[1], actor=officer, number="S-2", date=datetime.date(2026, 7, 21))
    for invitation in theirs:
        record_contract(invitation, actor=organiser, number=f"K-{invitation.pk}", date=datetime.date(2026, 7, 22))
    decline_invitation(ours[2], actor=officer)
    # An offer nobody was invited to keeps all its places.
    spare = OfferFactory(round=published["round"], code="SPARE", capacity=4, funding="paid")

    left = places_left(published["round"])
    assert left == {
        (published["ours"].offering_id, "state"): 3,
        (published["theirs"].offering_id, "state"): 0,
        (spare.offering_id, "paid"): 4,
    }
    annul_unsigned(published["round"], actor=organiser, today=DEADLINE + datetime.timedelta(days=1))
    assert places_left(published["round"]) == left  # annulled and declined invitations give their places back
