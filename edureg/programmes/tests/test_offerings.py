"""Offerings of registered programmes: who may offer, where, in which form, with how many places."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from edureg.institutions.tests.factories import BranchFactory
from edureg.programmes import services
from edureg.programmes.models import Offering
from edureg.programmes.tests.factories import language, make_programme, make_registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(world):
    return world.users["institution_officer"]


@pytest.fixture
def programme(world):
    return make_registered(provider=world.a1)


def offer(programme, actor, **fields):
    values = {"programme": programme, "institution": programme.provider, "year": 2026, "form": "full_time",
              "state_funded_places": 24, "paid_places": 0, **fields}
    return services.create_offering(actor=actor, **values)


def test_offering_of_a_registered_programme_with_defaults(programme, officer, world):
    offering = offer(programme, officer)
    assert offering.version == programme.current_version
    assert offering.municipality == world.a1.municipality
    assert offering.language == programme.current_version.language
    assert offering.start_date == datetime.date(2026, 9, 1)


def test_branch_gives_the_municipality(programme, officer, world):
    branch = BranchFactory(institution=world.a1, municipality=world.mun_b)
    offering = offer(programme, officer, branch=branch)
    assert offering.municipality == world.mun_b


def test_offering_of_an_unregistered_programme_is_refused(world, officer):
    draft = make_programme(provider=world.a1)
    with pytest.raises(ValidationError) as exc:
        offer(draft, officer)
    assert exc.value.message_dict["programme"] == ["Only a registered programme can be offered."]
    assert not Offering.objects.exists()


def test_suspended_and_deregistered_programmes_are_not_offered(programme, officer, world):
    services.suspend_programme(programme, actor=None, reason="Patikrinimas")
    with pytest.raises(ValidationError) as exc:
        offer(programme, officer)
    assert "suspended" in exc.value.message_dict["programme"][0]
    services.resume_programme(programme, actor=None)
    services.request_deregistration(programme, actor=None, date=datetime.date.today(), reason="Uždaroma")
    services.confirm_deregistration(programme, actor=None)
    with pytest.raises(ValidationError) as exc:
        offer(programme, officer)
    assert "deregistered" in exc.value.message_dict["programme"][0]


def test_institution_must_provide_the_programme(programme, world):
    with pytest.raises(ValidationError) as exc:
        offer(programme, None, institution=world.a2)
    assert "institution" in exc.value.message_dict
    services.update_programme(programme, actor=None, co_providers=[world.a2])
    assert offer(programme, None, institution=world.a2).institution == world.a2


def test_branch_of_another_institution(programme, officer, world):
    with pytest.raises(ValidationError) as exc:
        offer(programme, officer, branch=BranchFactory(institution=world.a2))
    assert "branch" in exc.value.message_dict


def test_form_must_be_one_of_the_versions_forms(programme, officer):
    with pytest.raises(ValidationError) as exc:
        offer(programme, officer, form="distance")
    assert "form" in exc.value.message_dict
    assert offer(programme, officer, form="apprenticeship").form == "apprenticeship"


def test_places(programme, officer):
    with pytest.raises(ValidationError) as exc:
        offer(programme, officer, state_funded_places=0, paid_places=0)
    assert "state_funded_places" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        offer(programme, officer, paid_places=-1)
    assert "paid_places" in exc.value.message_dict
    assert not Offering.objects.exists()


def test_no_duplicate_offering(programme, officer):
    offer(programme, officer)
    with pytest.raises(ValidationError) as exc:
        offer(programme, officer, paid_places=10)
    assert "year" in exc.value.message_dict
    assert offer(programme, officer, year=2027).year == 2027
    assert offer(programme, officer, language=language("en", "anglų")).language.code == "en"
    assert Offering.objects.count() == 3


def test_officer_of_another_institution_cannot_offer(world, officer):
    other = make_registered(provider=world.b1)
    with pytest.raises(PermissionDenied):
        offer(other, officer)
    assert not Offering.objects.exists()


def test_update_and_delete_offering(programme, officer, world):
    offering = offer(programme, officer)
    services.update_offering(offering, actor=officer, paid_places=6, note="Su bendrabučiu")
    offering.refresh_from_db()
    assert (offering.paid_places, offering.note) == (6, "Su bendrabučiu")
    with pytest.raises(ValidationError) as exc:
        services.update_offering(offering, actor=officer, programme=make_registered(provider=world.a1))
    assert "programme" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.update_offering(offering, actor=officer, form="distance")
    assert Offering.objects.get(pk=offering.pk).form == "full_time"
    services.delete_offering(offering, actor=officer)
    assert not Offering.objects.exists()


def test_other_institution_cannot_change_an_offering(programme, world):
    offering = offer(programme, None)
    outsider = world.users["municipality_officer"]  # may view offerings in municipality A, not change them
    with pytest.raises(PermissionDenied):
        services.update_offering(offering, actor=outsider, paid_places=99)
    with pytest.raises(PermissionDenied):
        services.delete_offering(offering, actor=outsider)
    assert Offering.objects.get(pk=offering.pk).paid_places == 0


def test_a_new_registered_version_is_used_by_new_offerings(programme, officer):
    old = offer(programme, officer)
    v2 = services.new_version(programme, actor=officer)
    services.submit_version(v2, actor=officer)
    services.register_version(v2, actor=None)
    programme.refresh_from_db()
    new = offer(programme, officer, year=2027)
    assert old.version != new.version and new.version == v2
