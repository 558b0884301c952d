"""The qualifications system and the programmes register as written to the database (tiny scale), checked
with the programmes' and qualifications' own services."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from edureg.classifiers.models import ClassifierItem
from edureg.core.models import ObjectChange
from edureg.core.search import search
from edureg.programmes.choices import VersionStatus
from edureg.programmes.models import Module, Offering, Programme, ProgrammeEvent, ProgrammeVersion
from edureg.programmes.services.checks import check_version
from edureg.programmes.services.common import refresh_head
from edureg.programmes.services.lifecycle import register_version, submit_version
from edureg.programmes.services.offerings import update_offering
from edureg.programmes.services.programmes import new_version
from edureg.qualifications.models import CommitteeDecision, CommitteeMember, ProfessionalStandard, Qualification
from edureg.qualifications.services import refresh_search_text
from edureg.synthetic import admission, registers
from edureg.synthetic.services import MissingClassifiers, build_country, current_school_year

KINDS = ("initial_vet", "continuing_vet", "cpd", "nonformal_adult", "nonformal_children", "library_competence")


@pytest.fixture
def country(classifiers):
    return build_country(scale="tiny", seed=2)


def test_generated_versions_pass_the_services_check(country):
    connection.check_constraints()
    for kind in KINDS:
        versions = ProgrammeVersion.objects.filter(programme__kind__code=kind).order_by("?")[:25]
        assert versions, kind
        for version in versions:
            assert check_version(version) == [], (kind, version.programme.code)


def test_programme_heads_and_search_texts_are_what_the_services_compute(country):
    for programme in Programme.objects.order_by("?")[:60]:
        before = Programme.objects.values().get(pk=programme.pk)
        refresh_head(programme)
        after = Programme.objects.values().get(pk=programme.pk)
        before.pop("updated_at"), after.pop("updated_at")
        assert after == before, programme.code
    assert refresh_search_text(Qualification.objects.all()) == 0


def test_the_catalogue_search_finds_the_synthetic_register(country):
    welder = search(Qualification.objects.all(), "suvirint")
    assert "Suvirintojas" in set(welder.values_list("name_lt", flat=True))
    cook = search(Qualification.objects.all(), "virejas")  # typed without diacritics
    assert "Virėjas" in set(cook.values_list("name_lt", flat=True))
    programme = Programme.objects.filter(kind__code="initial_vet", qualification__isnull=False).first()
    found = search(Programme.objects.all(), programme.qualification.name_lt.lower()[:8])
    assert programme in found
    assert programme in search(Programme.objects.all(), programme.code)


def test_offerings_pass_the_offering_service_and_are_current(country):
    offerings = Offering.objects.select_related("programme", "version")
    assert offerings.count() > 20
    assert set(offerings.values_list("year", flat=True)) == {max(2025, current_school_year())}
    for offering in offerings:
        assert offering.programme.status == VersionStatus.REGISTERED
        assert offering.version_id == offering.programme.current_version_id
        assert offering.institution_id == offering.programme.provider_id
    for offering in offerings.order_by("?")[:20]:  # the service's own validation accepts each
        update_offering(offering, actor=None, note="patikrinta")
    assert Offering.objects.filter(note="patikrinta").count() == 20


def test_the_lifecycle_services_continue_from_the_generated_state(country):
    draft = ProgrammeVersion.objects.filter(status="draft", number=1, programme__kind__code="initial_vet").first()
    draft = draft or ProgrammeVersion.objects.filter(status="draft", number=1).first()
    submit_version(draft, actor=None)
    register_version(draft, actor=None)
    programme = Programme.objects.get(pk=draft.programme_id)
    assert programme.status == "registered" and programme.state_code
    assert Programme.objects.filter(state_code=programme.state_code).count() == 1

    registered = Programme.objects.filter(status="registered", versions__status="registered",
                                          deregistration_requested_on__isnull=True).exclude(
        versions__status__in=["draft", "submitted"]).first()
    second = new_version(registered, actor=None)
    assert second.modules.count() == registered.current_version.modules.count()
    submit_version(second, actor=None)
    register_version(second, actor=None)
    registered.refresh_from_db()
    assert registered.current_version_id == second.pk
    assert registered.versions.filter(status="superseded").exists()


def test_committees_standards_and_decisions_are_consistent(country):
    assert CommitteeMember.objects.filter(person__isnull=False).count() == CommitteeMember.objects.count() > 100
    for standard in ProfessionalStandard.objects.filter(status__in=["registered", "approved"]):
        last = standard.decisions.order_by("-meeting__date", "-id").first()
        if last is not None:
            assert last.outcome == "approve" and last.meeting.committee_id == standard.committee_id
            assert last.meeting.date <= standard.status_since
    for decision in CommitteeDecision.objects.filter(programme_version__isnull=False)[:30]:
        version = decision.programme_version
        assert version.submitted_on <= decision.meeting.date <= version.registered_on
    withdrawn = ProfessionalStandard.objects.get(status="withdrawn")
    assert withdrawn.status_reason and withdrawn.decisions.filter(outcome="reject").exists()


def test_events_record_the_history_of_each_programme(country):
    for programme in Programme.objects.filter(status="deregistered")[:5]:
        actions = list(programme.events.order_by("date", "id").values_list("action", flat=True))
        assert actions[0] == "created" and actions[-1] == "deregistered"
        assert "registered" in actions and "deregistration_requested" in actions
    registered = Programme.objects.filter(status="registered").count()
    with_event = ProgrammeEvent.objects.filter(action="registered").values("programme").distinct().count()
    assert with_event >= registered


def test_reset_removes_the_registers_and_their_change_records(country, classifiers):
    codes = set(Programme.objects.values_list("temp_code", flat=True))
    report = build_country(scale="tiny", seed=3, reset=True)
    connection.check_constraints()
    assert report.deleted["programmes.Programme"] == len(codes)
    assert report.deleted["qualifications.Qualification"] == 120
    for model in registers.MODELS:
        ct = ContentType.objects.get_for_model(model)
        assert not ObjectChange.objects.filter(job_id="synthetic-2", content_type=ct).exists(), model
    assert ObjectChange.objects.filter(job_id="synthetic-3", content_type=ContentType.objects.get_for_model(
        Module)).count() == Module.objects.count()
    assert Qualification.objects.count() == 120


def test_missing_economic_sectors_are_reported(classifiers):
    ClassifierItem.objects.of("economic_sector").update(valid_to=datetime.date(2001, 1, 1))
    with pytest.raises(MissingClassifiers, match="economic_sector"):
        build_country(scale="tiny", seed=1)
    assert not Programme.objects.exists()


def test_registers_are_added_to_a_country_built_without_them(country):
    """A country built before the registers existed: the demo adds them over its institutions and people."""
    from io import StringIO

    from django.core.management import call_command

    from edureg.institutions.models import Institution
    from edureg.persons.models import Person

    with connection.cursor() as cursor:  # as such a database looks: the registers empty
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for model in (*admission.MODELS, *registers.THROUGH, *registers.MODELS):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    institutions, people = Institution.objects.count(), Person.objects.count()
    out = StringIO()
    call_command("demo", "--no-serve", "--scale", "tiny", "--seed", "2", stdout=out)
    assert "Adding the qualifications system" in out.getvalue()
    connection.check_constraints()
    assert (Institution.objects.count(), Person.objects.count()) == (institutions, people)
    assert Qualification.objects.count() == 120
    vet = Programme.objects.filter(kind__code__in=["initial_vet", "continuing_vet"])
    assert vet.count() > 20 and set(vet.values_list("provider__type__code", flat=True)) <= {"3210", "3220"}
    assert Offering.objects.exists() and CommitteeMember.objects.exists()
    for version in ProgrammeVersion.objects.order_by("?")[:20]:
        assert check_version(version) == []
    second = StringIO()
    call_command("demo", "--no-serve", "--scale", "tiny", "--seed", "2", stdout=second)
    assert "Adding" not in second.getvalue() and Qualification.objects.count() == 120
