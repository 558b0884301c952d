"""Rounds and their configuration through the services: defaults by kind, what is locked when, offers from
offerings, the round's steps and the next round with the places left."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from edureg.admission import services
from edureg.admission.choices import InvitationStatus, RoundKind, RoundStatus
from edureg.admission.models import Offer, Round, ScoringFormula
from edureg.admission.tests.factories import (
    AllocationRunFactory,
    ApplicationFactory,
    InvitationFactory,
    OfferFactory,
    PreferenceFactory,
    RoundFactory,
    ScoringFormulaFactory,
)
from edureg.core.models import ObjectChange
from edureg.programmes.tests.factories import OfferingFactory, ProgrammeKindFactory, registered_version

pytestmark = pytest.mark.django_db

DATES = {"applications_open": datetime.date(2026, 6, 1), "application_deadline": datetime.date(2026, 7, 15),
         "results_date": datetime.date(2026, 7, 20), "contract_deadline": datetime.date(2026, 7, 31)}


def new_round(**fields):
    data = {"code": "2026-main", "name_lt": "2026 m. pagrindinis priėmimas", "year": 2026,
            "age_on": datetime.date(2026, 9, 1), **DATES, **fields}
    return services.create_round(actor=None, **data)


def messages(exc_info, field):
    return exc_info.value.message_dict[field]


def changes_of(obj, action=None):
    qs = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)),
                                     object_id=str(obj.pk))
    return qs.filter(action=action) if action else qs


# --- rounds -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,preferences,state_only", [("main", 3, False), ("additional", 2, False),
                                                         ("winter", 2, True)])
def test_a_new_round_takes_its_kinds_defaults_and_is_being_configured(kind, preferences, state_only):
    round_ = new_round(kind=kind)
    assert (round_.status, round_.max_preferences, round_.state_funded_only) == (
        RoundStatus.DRAFT, preferences, state_only)
    assert changes_of(round_, "create").exists()


def test_given_values_win_over_the_kinds_defaults():
    round_ = new_round(kind="winter", max_preferences=4, state_funded_only=False)
    assert (round_.max_preferences, round_.state_funded_only) == (4, False)


def test_deadlines_out_of_order_are_refused_naming_the_field():
    with pytest.raises(ValidationError) as exc:
        new_round(results_date=datetime.date(2026, 7, 1))
    assert "results_date" in exc.value.message_dict
    assert not Round.objects.exists()


def test_status_cannot_be_set_directly():
    with pytest.raises(ValidationError) as exc:
        new_round(status="published")
    assert "status" in exc.value.message_dict


def test_an_open_round_changes_but_its_code_stays():
    round_ = RoundFactory(status=RoundStatus.OPEN)
    services.update_round(round_, actor=None, contract_deadline=datetime.date(2026, 8, 5), note="Extended")
    round_.refresh_from_db()
    assert round_.contract_deadline == datetime.date(2026, 8, 5)
    with pytest.raises(ValidationError) as exc:
        services.update_round(round_, actor=None, code="renamed")
    assert "code" in exc.value.message_dict


@pytest.mark.parametrize("status", ["closed", "allocated", "published", "finished"])
def test_once_applications_are_closed_rules_and_deadlines_are_locked(status):
    round_ = RoundFactory(status=status)
    with pytest.raises(ValidationError) as exc:
        services.update_round(round_, actor=None, application_deadline=datetime.date(2026, 7, 18), min_age=15)
    assert set(exc.value.message_dict) == {"application_deadline", "min_age"}
    round_.refresh_from_db()
    assert round_.min_age == 14
    services.update_round(round_, actor=None, name_en="Main round 2026", note="Corrected name")
    round_.refresh_from_db()
    assert round_.name_en == "Main round 2026"


def test_fewer_preferences_than_applications_already_list_are_refused():
    round_ = RoundFactory(status=RoundStatus.OPEN)
    application = ApplicationFactory(round=round_)
    PreferenceFactory(application=application, rank=1)
    PreferenceFactory(application=application, rank=2)
    with pytest.raises(ValidationError) as exc:
        services.update_round(round_, actor=None, max_preferences=1)
    assert "2" in messages(exc, "max_preferences")[0]
    services.update_round(round_, actor=None, max_preferences=2)


def test_only_a_draft_round_is_deleted_with_its_configuration():
    round_ = new_round()
    formula = ScoringFormulaFactory(round=round_)
    offer = OfferFactory(round=round_, formula=formula)
    services.delete_round(round_, actor=None)
    assert not Round.objects.filter(pk=round_.pk).exists()
    assert changes_of(offer, "delete").exists() and changes_of(formula, "delete").exists()
    with pytest.raises(ValidationError) as exc:
        services.delete_round(RoundFactory(status=RoundStatus.OPEN), actor=None)
    assert "status" in exc.value.message_dict


# --- formulas -----------------------------------------------------------------------------------------------

def test_a_formula_is_created_in_a_configurable_round_only():
    round_ = new_round()
    formula = services.create_formula(round_, actor=None, code="general", name_lt="Bendroji",
                                      components=[{"type": "subject", "code": "LT", "weight": 1}])
    assert formula.round == round_ and changes_of(formula, "create").exists()
    closed = RoundFactory(status=RoundStatus.CLOSED)
    with pytest.raises(ValidationError) as exc:
        services.create_formula(closed, actor=None, code="general", name_lt="Bendroji",
                                components=[{"type": "subject", "code": "LT", "weight": 1}])
    assert "round" in exc.value.message_dict


def test_a_malformed_formula_is_refused_naming_the_components():
    round_ = new_round()
    with pytest.raises(ValidationError) as exc:
        services.create_formula(round_, actor=None, code="bad", name_lt="Bloga",
                                components=[{"type": "python", "code": "__import__", "weight": 1}])
    assert "components" in exc.value.message_dict
    assert not ScoringFormula.objects.filter(code="bad").exists()


def test_a_formula_in_use_is_not_deleted():
    offer = OfferFactory(round=RoundFactory(status=RoundStatus.DRAFT))
    with pytest.raises(ValidationError) as exc:
        services.delete_formula(offer.formula, actor=None)
    assert "formula" in exc.value.message_dict
    unused = ScoringFormulaFactory(round=offer.round, code="unused")
    services.delete_formula(unused, actor=None)
    assert not ScoringFormula.objects.filter(pk=unused.pk).exists()


def test_a_formula_of_a_closed_round_does_not_change():
    formula = ScoringFormulaFactory(round=RoundFactory(status=RoundStatus.CLOSED))
    with pytest.raises(ValidationError) as exc:
        services.update_formula(formula, actor=None, name_en="Changed")
    assert "round" in exc.value.message_dict


# --- offers -------------------------------------------------------------------------------------------------

def test_an_offer_takes_its_code_and_places_from_the_offering():
    round_ = new_round()
    formula = ScoringFormulaFactory(round=round_)
    offering = OfferingFactory(year=2026, state_funded_places=18, paid_places=4)
    offer = services.create_offer(round_, actor=None, offering=offering, funding="paid", formula=formula)
    assert (offer.code, offer.capacity) == (f"{offering.pk}-P", 4)


def test_an_offer_must_fit_its_round():
    round_ = new_round(kind="winter")
    formula = ScoringFormulaFactory(round=round_)
    with pytest.raises(ValidationError) as exc:
        services.create_offer(round_, actor=None, offering=OfferingFactory(year=2025), funding="paid",
                              formula=formula)
    assert {"offering", "funding"} <= set(exc.value.message_dict)
    other = ScoringFormulaFactory(round=RoundFactory())
    with pytest.raises(ValidationError) as exc:
        services.create_offer(round_, actor=None, offering=OfferingFactory(year=2026), funding="state",
                              formula=other)
    assert "formula" in exc.value.message_dict
    assert not Offer.objects.filter(round=round_).exists()


def test_an_offer_applicants_list_keeps_its_offering_and_is_not_deleted():
    preference = PreferenceFactory(application=ApplicationFactory(round=RoundFactory(status=RoundStatus.OPEN)))
    offer = preference.offer
    with pytest.raises(ValidationError) as exc:
        services.update_offer(offer, actor=None, funding="paid")
    assert "funding" in exc.value.message_dict
    services.update_offer(offer, actor=None, capacity=30)
    offer.refresh_from_db()
    assert offer.capacity == 30
    with pytest.raises(ValidationError) as exc:
        services.delete_offer(offer, actor=None)
    assert "offer" in exc.value.message_dict


def test_offers_of_a_closed_round_do_not_change():
    offer = OfferFactory(round=RoundFactory(status=RoundStatus.CLOSED))
    with pytest.raises(ValidationError):
        services.update_offer(offer, actor=None, capacity=1)
    with pytest.raises(ValidationError):
        services.delete_offer(offer, actor=None)


def test_add_offers_makes_one_offer_per_offering_and_funding_with_places():
    round_ = new_round()
    formula = ScoringFormulaFactory(round=round_)
    both = OfferingFactory(year=2026, state_funded_places=20, paid_places=5)
    state_only = OfferingFactory(year=2026, state_funded_places=10, paid_places=0)
    OfferingFactory(year=2025)  # another school year
    OfferingFactory(year=2026, version=registered_version(programme__kind=ProgrammeKindFactory(
        code="nonformal_adult", formal=False)))  # not in common admission
    draft = OfferingFactory(year=2026)
    draft.programme.status = "suspended"
    draft.programme.save()
    created = services.add_offers(round_, actor=None, formula=formula)
    got = {(o.offering_id, o.funding, o.capacity, o.code) for o in created}
    assert got == {(both.pk, "state", 20, f"{both.pk}-S"), (both.pk, "paid", 5, f"{both.pk}-P"),
                   (state_only.pk, "state", 10, f"{state_only.pk}-S")}
    assert all(o.formula == formula for o in round_.offers.all())
    assert ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Offer),
                                       action="create").count() == 3
    # Again: nothing new.
    assert services.add_offers(round_, actor=None, formula=formula) == []
    assert round_.offers.count() == 3


def test_add_offers_in_a_winter_round_offers_state_funded_places_only():
    round_ = new_round(kind="winter")
    OfferingFactory(year=2026, state_funded_places=3, paid_places=7)
    created = services.add_offers(round_, actor=None, formula=ScoringFormulaFactory(round=round_))
    assert [o.funding for o in created] == ["state"]


def test_add_offers_needs_a_formula_of_the_round():
    round_ = new_round()
    with pytest.raises(ValidationError) as exc:
        services.add_offers(round_, actor=None, formula=ScoringFormulaFactory(round=RoundFactory()))
    assert "formula" in exc.value.message_dict


# --- steps --------------------------------------------------------------------------------------------------

def test_a_round_opens_with_offers_and_closes():
    round_ = new_round()
    with pytest.raises(ValidationError) as exc:
        services.open_round(round_, actor=None)
    assert "offers" in exc.value.message_dict
    OfferFactory(round=round_)
    services.open_round(round_, actor=None)
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.OPEN
    with pytest.raises(ValidationError) as exc:
        services.open_round(round_, actor=None)
    assert "status" in exc.value.message_dict
    services.close_applications(round_, actor=None)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    assert changes_of(round_, "update").count() == 2


def test_publishing_needs_an_allocated_round_with_a_finished_run():
    round_ = RoundFactory(status=RoundStatus.CLOSED)
    with pytest.raises(ValidationError) as exc:
        services.publish_results(round_, actor=None)
    assert "status" in exc.value.message_dict
    round_.status = RoundStatus.ALLOCATED
    round_.save()
    with pytest.raises(ValidationError) as exc:
        services.publish_results(round_, actor=None)
    assert "run" in exc.value.message_dict
    failed = AllocationRunFactory(round=round_, status="failed", published_at=None)
    with pytest.raises(ValidationError):
        services.publish_results(round_, actor=None)
    failed.is_current = False
    failed.save()
    run = AllocationRunFactory(round=round_, published_at=None)
    services.publish_results(round_, actor=None)
    run.refresh_from_db()
    round_.refresh_from_db()
    assert round_.status == RoundStatus.PUBLISHED and run.published_at is not None


# --- the next round -----------------------------------------------------------------------------------------

NEXT = {"code": "2026-additional", "name_lt": "2026 m. papildomas priėmimas", "applications_open":
        datetime.date(2026, 8, 5), "application_deadline": datetime.date(2026, 8, 12),
        "results_date": datetime.date(2026, 8, 16), "contract_deadline": datetime.date(2026, 8, 25)}


def published_round_with_contracts():
    """A published main round: offer A (state, 3 places) with 2 signed contracts, offer B (paid, 2 places) with one
    annulled invitation, offer C (state, 1 place) with 1 signed contract."""
    round_ = RoundFactory(status=RoundStatus.PUBLISHED, min_age=15, state_funded_only=False)
    ScoringFormulaFactory(round=round_, code="arts", components=[{"type": "subject", "code": "LT", "weight": 1}])
    run = AllocationRunFactory(round=round_)
    a = OfferFactory(round=round_, code="A-S", funding="state", capacity=3)
    b = OfferFactory(round=round_, code="B-P", funding="paid", capacity=2)
    c = OfferFactory(round=round_, code="C-S", funding="state", capacity=1)
    for offer, status in ((a, "signed"), (a, "signed"), (b, "annulled"), (c, "signed")):
        InvitationFactory(run=run, offer=offer, status=status)
    return round_, (a, b, c)


def test_the_next_round_offers_the_places_left_with_the_rules_and_formulas_copied():
    previous, (a, b, c) = published_round_with_contracts()
    new = services.open_next_round(previous, actor=None, kind="additional", **NEXT)
    assert (new.status, new.kind, new.year, new.previous_round, new.max_preferences, new.min_age) == (
        RoundStatus.DRAFT, RoundKind.ADDITIONAL, previous.year, previous, 2, 15)
    assert sorted(new.formulas.values_list("code", flat=True)) == ["arts", "general"]
    offers = {o.code: (o.offering_id, o.funding, o.capacity, o.formula.code, o.formula.round_id)
              for o in new.offers.select_related("formula")}
    assert offers == {"A-S": (a.offering_id, "state", 1, "general", new.pk),
                      "B-P": (b.offering_id, "paid", 2, "general", new.pk)}  # C has no place left
    assert changes_of(new, "create").exists()


def test_a_winter_round_offers_state_funded_places_only():
    previous, (a, _b, _c) = published_round_with_contracts()
    new = services.open_next_round(previous, actor=None, kind="winter", **NEXT)
    assert new.state_funded_only
    assert list(new.offers.values_list("code", "capacity")) == [("A-S", 1)]


def test_the_next_round_waits_for_unsigned_invitations_to_be_annulled():
    previous, (a, _b, _c) = published_round_with_contracts()
    invitation = InvitationFactory(run=previous.runs.get(), offer=a)
    assert invitation.status == InvitationStatus.INVITED
    with pytest.raises(ValidationError) as exc:
        services.open_next_round(previous, actor=None, kind="additional", **NEXT)
    assert "previous_round" in exc.value.message_dict
    assert not Round.objects.filter(code=NEXT["code"]).exists()


def test_the_next_round_follows_a_published_round_and_is_not_a_main_round():
    with pytest.raises(ValidationError) as exc:
        services.open_next_round(RoundFactory(status=RoundStatus.ALLOCATED), actor=None, kind="additional", **NEXT)
    assert "status" in exc.value.message_dict
    previous, _offers = published_round_with_contracts()
    with pytest.raises(ValidationError) as exc:
        services.open_next_round(previous, actor=None, kind="main", **NEXT)
    assert "kind" in exc.value.message_dict
