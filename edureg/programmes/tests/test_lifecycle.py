"""Every lifecycle step through the services, with the refusals: wrong status, wrong user, bad input."""

import datetime
import re
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from edureg.programmes import services
from edureg.programmes.models import Programme, ProgrammeEvent, ProgrammeKind, ProgrammeVersion
from edureg.programmes.tests.factories import isced_f, language, make_programme, make_registered
from edureg.qualifications.tests.factories import CompetenceFactory, QualificationFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def officer(world):
    return world.users["institution_officer"]  # officer of a1


@pytest.fixture
def registrar(world):
    return world.users["agency_admin"]


def events(programme):
    return list(programme.events.order_by("id").values_list("action", flat=True))


def submitted(world, **kwargs):
    programme = make_programme(provider=world.a1, **kwargs)
    version = programme.versions.get()
    services.submit_version(version, actor=None)
    return version


# Drafting ----------------------------------------------------------------------------------------------------------

def test_officer_drafts_a_programme_with_a_temporary_code(world, officer):
    programme = services.create_programme(
        actor=officer, kind=ProgrammeKind.objects.get(code="nonformal_adult"), provider=world.a1,
        name_lt="Suvirintojų kursai suaugusiesiems", hours=40, language=language(), isced_f=isced_f())
    assert re.fullmatch(r"LAIK-\d{6}", programme.temp_code)
    assert programme.state_code is None and programme.status == "draft"
    version = programme.versions.get()
    assert (version.number, version.status) == (1, "draft")
    assert programme.name_lt == "Suvirintojų kursai suaugusiesiems"
    assert " suvirintoju " in programme.search_text
    [event] = programme.events.all()
    assert (event.action, event.user, event.version) == ("created", officer, version)


def test_temporary_codes_are_unique_and_grow(world):
    first = make_programme(provider=world.a1, kind="cpd")
    second = make_programme(provider=world.a1, kind="cpd")
    assert int(second.temp_code[5:]) == int(first.temp_code[5:]) + 1


def test_kind_by_code(world):
    programme = services.create_programme(actor=None, kind="library_competence", provider=world.b1,
                                          name_lt="Skaitmeninis raštingumas", hours=16)
    assert programme.kind.code == "library_competence"
    with pytest.raises(ValidationError) as exc:
        services.create_programme(actor=None, kind="no_such_kind", provider=world.b1, name_lt="X", hours=1)
    assert "kind" in exc.value.message_dict


def test_officer_cannot_draft_for_another_institution(world, officer):
    with pytest.raises(PermissionDenied):
        services.create_programme(actor=officer, kind="cpd", provider=world.b1, name_lt="Svetima", hours=40)
    assert not Programme.objects.exists() and not ProgrammeVersion.objects.exists()


@pytest.mark.parametrize("role", ["municipality_officer", "expert", "no_role", "public"])
def test_other_roles_cannot_draft(world, role):
    with pytest.raises(PermissionDenied):
        services.create_programme(actor=world.users[role], kind="cpd", provider=world.a1, name_lt="X", hours=40)
    assert not Programme.objects.exists()


def test_level_outside_1_to_8_is_refused_and_nothing_written(world, officer):
    with pytest.raises(ValidationError) as exc:
        make_programme(provider=world.a1, actor=officer, ltks_level=9, qualification=QualificationFactory())
    assert "ltks_level" in exc.value.message_dict
    assert not Programme.objects.exists() and not ProgrammeEvent.objects.exists()


def test_subtype_and_forms_must_belong_to_the_kind(world):
    with pytest.raises(ValidationError) as exc:
        make_programme(provider=world.a1, kind="nonformal_adult", subtype="national", forms=["apprenticeship"])
    assert set(exc.value.message_dict) == {"subtype", "forms"}


def test_unknown_fields_are_refused(world):
    with pytest.raises(ValidationError) as exc:
        make_programme(provider=world.a1, kind="cpd", status="registered")
    assert "status" in exc.value.message_dict


def test_level_and_field_come_from_the_qualification_when_not_given(world):
    qualification = QualificationFactory(ltks_level=3, isced_f=isced_f("0722", "Medžiagos"))
    programme = make_programme(provider=world.a1, qualification=qualification, ltks_level=None, isced_f=None)
    version = programme.versions.get()
    assert (version.ltks_level, version.isced_f.code) == (3, "0722")
    assert programme.qualification == qualification and programme.ltks_level == 3


def test_update_programme(world, officer, registrar):
    programme = make_programme(provider=world.a1)
    services.update_programme(programme, actor=officer, co_providers=[world.a2])
    assert list(programme.co_providers.all()) == [world.a2]
    with pytest.raises(ValidationError) as exc:
        services.update_programme(programme, actor=officer, state_code="P4071599", provider=world.a2)
    assert set(exc.value.message_dict) == {"state_code", "provider"}
    services.update_programme(programme, actor=registrar, provider=world.a2)
    assert Programme.objects.get(pk=programme.pk).provider == world.a2


def test_co_provider_officer_may_edit(world, officer):
    programme = make_programme(provider=world.b1)
    services.update_programme(programme, actor=None, co_providers=[world.a1])
    services.update_version(programme.versions.get(), actor=officer, name_en="Joint programme")
    assert programme.versions.get().name_en == "Joint programme"


def test_kind_of_a_registered_programme_cannot_change(world, registrar):
    programme = make_registered(provider=world.a1)
    with pytest.raises(ValidationError) as exc:
        services.update_programme(programme, actor=registrar, kind=ProgrammeKind.objects.get(code="continuing_vet"))
    assert "kind" in exc.value.message_dict


def test_delete_a_draft_but_not_a_registered_programme(world, registrar, officer):
    draft = make_programme(provider=world.a1, kind="cpd")
    others = make_programme(provider=world.b1, kind="cpd")
    with pytest.raises(PermissionDenied):  # not a draft of the officer's institution
        services.delete_programme(others, actor=officer)
    services.delete_programme(draft, actor=officer)  # the provider removes its own abandoned draft
    assert not Programme.objects.filter(pk=draft.pk).exists()
    services.delete_programme(others, actor=registrar)
    assert not Programme.objects.filter(pk=others.pk).exists()
    registered = make_registered(provider=world.a1, kind="cpd")
    for actor in (officer, registrar):
        with pytest.raises(ValidationError) as exc:
            services.delete_programme(registered, actor=actor)
        assert "status" in exc.value.message_dict
    assert Programme.objects.filter(pk=registered.pk).exists()


# Submission --------------------------------------------------------------------------------------------------------

def test_officer_submits_a_draft(world, officer):
    programme = make_programme(provider=world.a1)
    version = services.submit_version(programme.versions.get(), actor=officer)
    version.refresh_from_db()
    programme.refresh_from_db()
    assert (version.status, version.submitted_on, programme.status) == ("submitted", TODAY, "submitted")
    assert events(programme) == ["created", "submitted"]
    assert programme.events.get(action="submitted").user == officer


def test_officer_of_another_institution_cannot_submit(world, officer):
    programme = make_programme(provider=world.b1)
    with pytest.raises(PermissionDenied):
        services.submit_version(programme.versions.get(), actor=officer)
    assert programme.versions.get().status == "draft"


def test_a_submitted_version_cannot_be_submitted_again_or_changed(world, officer):
    version = submitted(world)
    with pytest.raises(ValidationError) as exc:
        services.submit_version(version, actor=officer)
    assert "status" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.update_version(version, actor=officer, name_lt="Kitas")
    assert exc.value.message_dict == {"status": ["A submitted version cannot be changed; it waits for a decision."]}


# Decisions ---------------------------------------------------------------------------------------------------------

def test_registrar_returns_with_a_reason(world, officer, registrar):
    version = submitted(world)
    with pytest.raises(PermissionDenied):
        services.return_version(version, actor=officer, reason="Netinka")
    with pytest.raises(ValidationError) as exc:
        services.return_version(version, actor=registrar, reason=" ")
    assert "reason" in exc.value.message_dict
    services.return_version(version, actor=registrar, reason="Trūksta praktikos aprašo.")
    version.refresh_from_db()
    assert version.status == "draft" and version.programme.status == "draft"
    event = version.programme.events.get(action="returned")
    assert (event.reason, event.user) == ("Trūksta praktikos aprašo.", registrar)


def test_return_needs_a_submitted_version(world, registrar):
    programme = make_programme(provider=world.a1)
    with pytest.raises(ValidationError) as exc:
        services.return_version(programme.versions.get(), actor=registrar, reason="x")
    assert "status" in exc.value.message_dict


def test_registrar_registers_with_a_generated_state_code(world, officer, registrar):
    version = submitted(world)
    with pytest.raises(PermissionDenied):
        services.register_version(version, actor=officer)
    assert ProgrammeVersion.objects.get(pk=version.pk).status == "submitted"
    services.register_version(version, actor=registrar)
    programme = Programme.objects.get(pk=version.programme_id)
    assert programme.state_code == "P4071501"  # prefix, LTKS 4, ISCED-F 0715, first number
    assert (programme.status, programme.current_version) == ("registered", version)
    assert ProgrammeVersion.objects.get(pk=version.pk).registered_on == TODAY
    assert " p4071501 " in programme.search_text
    assert events(programme) == ["created", "submitted", "registered"]
    second = submitted(world)
    services.register_version(second, actor=registrar)
    assert Programme.objects.get(pk=second.programme_id).state_code == "P4071502"


def test_municipality_officer_is_not_a_registrar(world):
    version = submitted(world)
    with pytest.raises(PermissionDenied):
        services.register_version(version, actor=world.users["municipality_officer"])
    assert not services.is_registrar(world.users["institution_officer"])
    assert services.is_registrar(world.users["agency_admin"]) and services.is_registrar(None)


def test_register_with_a_given_state_code_and_date(world, registrar):
    version = submitted(world)
    services.register_version(version, actor=registrar, state_code="p321071301",
                              registered_on=datetime.date(2026, 1, 15))
    version.refresh_from_db()
    assert version.programme.state_code == "P321071301" and version.registered_on == datetime.date(2026, 1, 15)


def test_duplicate_state_code_is_refused_and_nothing_written(world, registrar):
    make_registered(provider=world.a1, state_code="P321071301")
    version = submitted(world)
    with pytest.raises(ValidationError) as exc:
        services.register_version(version, actor=registrar, state_code="P321071301")
    assert list(exc.value.message_dict) == ["state_code"]
    assert "already used" in exc.value.message_dict["state_code"][0]
    version.refresh_from_db()
    assert version.status == "submitted" and version.programme.state_code is None
    assert not version.programme.events.filter(action="registered").exists()


def test_malformed_state_code_is_refused(world, registrar):
    version = submitted(world)
    with pytest.raises(ValidationError) as exc:
        services.register_version(version, actor=registrar, state_code="p 1")
    assert list(exc.value.message_dict) == ["state_code"]


def test_only_a_submitted_version_is_registered(world, registrar):
    programme = make_programme(provider=world.a1)
    with pytest.raises(ValidationError) as exc:
        services.register_version(programme.versions.get(), actor=registrar)
    assert "status" in exc.value.message_dict


def test_decide_submission(world, registrar):
    version = submitted(world)
    services.decide_submission(version, actor=registrar, decision="return", reason="Pataisyti")
    assert ProgrammeVersion.objects.get(pk=version.pk).status == "draft"
    services.submit_version(version, actor=None)
    with pytest.raises(ValidationError) as exc:
        services.decide_submission(version, actor=registrar, decision="maybe")
    assert "decision" in exc.value.message_dict
    services.decide_submission(version, actor=registrar, decision="register", state_code="P4071577")
    assert Programme.objects.get(pk=version.programme_id).state_code == "P4071577"


# Registered versions and new versions ------------------------------------------------------------------------------

def test_a_registered_version_is_immutable(world, officer):
    programme = make_registered(provider=world.a1)
    version = programme.current_version
    for call in (lambda: services.update_version(version, actor=officer, name_lt="Naujas"),
                 lambda: services.add_module(version, actor=officer, code="X", name_lt="X", type="general"),
                 lambda: services.update_module(version.modules.first(), actor=officer, credits=D(1)),
                 lambda: services.delete_module(version.modules.first(), actor=officer)):
        with pytest.raises(ValidationError) as exc:
            call()
        assert exc.value.message_dict == {"status": ["A registered version cannot be changed; draft a new version."]}
    version.refresh_from_db()
    assert version.name_lt != "Naujas" and version.modules.count() == 6


def test_new_version_copies_modules_and_competences(world, officer):
    programme = make_registered(provider=world.a1)
    v1 = programme.current_version
    competence = CompetenceFactory()
    module = v1.modules.get(code="M03")
    module.competences.add(competence)
    v2 = services.new_version(programme, actor=officer)
    assert (v2.number, v2.status, v2.based_on) == (2, "draft", v1)
    assert v2.name_lt == v1.name_lt and v2.credits == v1.credits
    assert sorted(v2.modules.values_list("code", flat=True)) == sorted(v1.modules.values_list("code", flat=True))
    assert list(v2.modules.get(code="M03").competences.all()) == [competence]
    assert v1.modules.count() == 6  # the original modules stay with v1
    assert events(programme)[-1] == "new_version"


def test_new_version_refusals(world, officer):
    draft_only = make_programme(provider=world.a1)
    with pytest.raises(ValidationError):
        services.new_version(draft_only, actor=officer)
    programme = make_registered(provider=world.a1)
    services.new_version(programme, actor=officer)
    with pytest.raises(ValidationError) as exc:
        services.new_version(programme, actor=officer)
    assert "already has a draft" in exc.value.message_dict["status"][0]
    other = make_registered(provider=world.b1)
    with pytest.raises(PermissionDenied):
        services.new_version(other, actor=officer)
    assert other.versions.count() == 1


def test_registering_a_new_version_supersedes_the_old(world, officer, registrar):
    programme = make_registered(provider=world.a1)
    v1 = programme.current_version
    v2 = services.new_version(programme, actor=officer)
    services.update_version(v2, actor=officer, name_lt="Suvirintojo programa (2026 m.)")
    programme.refresh_from_db()
    assert programme.name_lt == v1.name_lt  # the catalogue shows the version in force until v2 is registered
    services.submit_version(v2, actor=officer)
    with pytest.raises(ValidationError) as exc:
        services.register_version(v2, actor=registrar, state_code="P9999999")
    assert "state_code" in exc.value.message_dict
    services.register_version(v2, actor=registrar)
    programme.refresh_from_db()
    v1.refresh_from_db()
    assert v1.status == "superseded" and programme.current_version == v2
    assert programme.state_code == "P4071501" and programme.name_lt == "Suvirintojo programa (2026 m.)"


# Suspension and deregistration -------------------------------------------------------------------------------------

def test_suspend_and_resume(world, officer, registrar):
    programme = make_registered(provider=world.a1)
    with pytest.raises(PermissionDenied):
        services.suspend_programme(programme, actor=officer, reason="x")
    with pytest.raises(ValidationError) as exc:
        services.suspend_programme(programme, actor=registrar, reason="")
    assert "reason" in exc.value.message_dict
    services.suspend_programme(programme, actor=registrar, reason="Patikrinimas", date=datetime.date(2026, 2, 1))
    programme.refresh_from_db()
    assert programme.status == "suspended" and programme.current_version.status == "suspended"
    assert programme.events.get(action="suspended").date == datetime.date(2026, 2, 1)
    with pytest.raises(ValidationError):
        services.suspend_programme(programme, actor=registrar, reason="again")
    with pytest.raises(PermissionDenied):
        services.resume_programme(programme, actor=officer)
    services.resume_programme(programme, actor=registrar, reason="Patikrinta")
    programme.refresh_from_db()
    assert programme.status == "registered" and programme.current_version.status == "registered"
    with pytest.raises(ValidationError):
        services.resume_programme(programme, actor=registrar)
    assert events(programme)[-2:] == ["suspended", "resumed"]


def test_a_new_version_of_a_suspended_programme_waits_for_the_suspension_to_end(world, officer, registrar):
    programme = make_registered(provider=world.a1)
    services.suspend_programme(programme, actor=registrar, reason="Patikrinimas")
    v2 = services.new_version(programme, actor=officer)
    services.submit_version(v2, actor=officer)
    with pytest.raises(ValidationError) as exc:
        services.register_version(v2, actor=registrar)
    assert "suspended" in exc.value.message_dict["status"][0]


def test_deregistration_takes_effect_only_on_confirmation(world, officer, registrar):
    programme = make_registered(provider=world.a1)
    services.request_deregistration(programme, actor=officer, date=datetime.date(2027, 8, 31),
                                    reason="Nebėra paklausos")
    programme.refresh_from_db()
    assert programme.status == "registered" and programme.deregistration_date == datetime.date(2027, 8, 31)
    assert programme.deregistration_requested_on == TODAY
    with pytest.raises(PermissionDenied):
        services.confirm_deregistration(programme, actor=officer)
    assert Programme.objects.get(pk=programme.pk).status == "registered"
    services.confirm_deregistration(programme, actor=registrar)
    programme.refresh_from_db()
    assert programme.status == "deregistered" and programme.current_version.status == "deregistered"
    event = programme.events.get(action="deregistered")
    assert (event.date, event.reason, event.user) == (datetime.date(2027, 8, 31), "Nebėra paklausos", registrar)
    assert events(programme)[-2:] == ["deregistration_requested", "deregistered"]
    with pytest.raises(ValidationError):
        services.new_version(programme, actor=officer)
    with pytest.raises(ValidationError):
        services.confirm_deregistration(programme, actor=registrar)


def test_deregistration_request_needs_date_and_reason(world, officer):
    programme = make_registered(provider=world.a1)
    with pytest.raises(ValidationError) as exc:
        services.request_deregistration(programme, actor=officer, date=None, reason="")
    assert set(exc.value.message_dict) == {"date", "reason"}
    with pytest.raises(ValidationError) as exc:
        services.request_deregistration(programme, actor=officer, date=datetime.date(2000, 1, 1), reason="x")
    assert "date" in exc.value.message_dict
    assert not Programme.objects.get(pk=programme.pk).deregistration_requested_on


def test_deregistration_refusals(world, officer, registrar):
    draft = make_programme(provider=world.a1)
    with pytest.raises(ValidationError):
        services.request_deregistration(draft, actor=officer, date=TODAY, reason="x")
    other = make_registered(provider=world.b1)
    with pytest.raises(PermissionDenied):
        services.request_deregistration(other, actor=officer, date=TODAY, reason="x")
    with pytest.raises(PermissionDenied):
        services.request_deregistration(other, actor=world.users["municipality_officer"], date=TODAY, reason="x")
    with pytest.raises(ValidationError):
        services.confirm_deregistration(other, actor=registrar)  # nothing requested
    services.request_deregistration(other, actor=registrar, date=TODAY, reason="Agentūros sprendimas")
    with pytest.raises(ValidationError):
        services.request_deregistration(other, actor=registrar, date=TODAY, reason="again")


def test_cancel_deregistration(world, officer, registrar):
    programme = make_registered(provider=world.a1)
    with pytest.raises(ValidationError):
        services.cancel_deregistration(programme, actor=officer)
    services.request_deregistration(programme, actor=officer, date=TODAY, reason="Klaida")
    services.cancel_deregistration(programme, actor=officer)
    programme.refresh_from_db()
    assert programme.deregistration_requested_on is None and programme.deregistration_date is None
    assert programme.status == "registered"
    assert events(programme)[-2:] == ["deregistration_requested", "deregistration_cancelled"]
    with pytest.raises(ValidationError):
        services.confirm_deregistration(programme, actor=registrar)


def test_the_whole_lifecycle_leaves_one_event_per_step(world, officer, registrar):
    programme = make_programme(provider=world.a1, actor=officer)
    v1 = programme.versions.get()
    services.submit_version(v1, actor=officer)
    services.return_version(v1, actor=registrar, reason="Pataisyti")
    services.submit_version(v1, actor=officer)
    services.register_version(v1, actor=registrar)
    v2 = services.new_version(programme, actor=officer)
    services.submit_version(v2, actor=officer)
    services.register_version(v2, actor=registrar)
    services.suspend_programme(programme, actor=registrar, reason="Patikrinimas")
    services.resume_programme(programme, actor=registrar)
    services.request_deregistration(programme, actor=officer, date=TODAY, reason="Uždaroma")
    services.confirm_deregistration(programme, actor=registrar)
    assert events(programme) == [
        "created", "submitted", "returned", "submitted", "registered", "new_version", "submitted", "registered",
        "suspended", "resumed", "deregistration_requested", "deregistered"]
    assert set(programme.events.exclude(action="created").values_list("user__username", flat=True)) == {
        "institution_officer", "agency_admin"}
