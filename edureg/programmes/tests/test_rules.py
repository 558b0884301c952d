"""The shipped kinds and rules (data/kinds.json via the data migration), checked through services.check_version
and enforced by submit_version."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from edureg.institutions.tests.factories import InstitutionFactory
from edureg.programmes import services
from edureg.programmes.models import ProgrammeKind, ProgrammeRule
from edureg.programmes.tests.factories import make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    return InstitutionFactory()


def draft(programme):
    return programme.versions.get()


def messages(version):
    with translation.override("en"):
        return [f.message for f in services.check_version(version)]


def test_the_six_kinds_are_loaded_with_their_prefixes_and_units():
    kinds = {k.code: k for k in ProgrammeKind.objects.all()}
    assert {code: (k.code_prefix, k.unit) for code, k in kinds.items()} == {
        "initial_vet": ("P", "credits"), "continuing_vet": ("T", "credits"), "cpd": ("KT", "hours"),
        "nonformal_adult": ("NS", "hours"), "nonformal_children": ("NV", "hours"),
        "library_competence": ("BK", "hours")}
    assert kinds["initial_vet"].formal and kinds["initial_vet"].modular and kinds["initial_vet"].requires_qualification
    assert {"national", "institutional"} <= kinds["cpd"].subtype_codes()
    assert all(k.name_lt and k.name_en for k in kinds.values())


def test_loader_is_idempotent_and_keeps_administrators_changes():
    rule = ProgrammeRule.objects.get(kind__code="initial_vet", code="elective-share")
    rule.maximum = D("20")
    rule.save()
    report = services.load_kinds()
    assert (report.kinds_created, report.rules_created) == (0, 0)
    assert ProgrammeRule.objects.get(pk=rule.pk).maximum == D("20")
    services.load_kinds(update=True)
    assert ProgrammeRule.objects.get(pk=rule.pk).maximum == D("15")


def test_loader_recreates_a_deleted_rule_and_the_command_runs(capsys):
    ProgrammeRule.objects.filter(kind__code="cpd", code="national-hours").delete()
    call_command("load_programme_kinds")
    assert "1 created" in capsys.readouterr().out
    assert ProgrammeRule.objects.filter(kind__code="cpd", code="national-hours", minimum=135, maximum=270).exists()


def test_a_valid_programme_of_every_kind_has_no_findings(provider):
    for kind in ProgrammeKind.objects.values_list("code", flat=True):
        assert messages(draft(make_programme(provider=provider, kind=kind))) == [], kind


def test_initial_vet_needs_introductory_general_competence_and_final_modules(provider):
    version = draft(make_programme(provider=provider, with_modules=False))
    services.add_module(version, actor=None, code="K1", name_lt="Kompetencija", type="competence", credits=D(90))
    assert messages(version) == ["The programme has no introductory module.", "The programme has no general module.",
                                 "The programme has no final module."]


def test_continuing_vet_needs_competence_and_final_modules(provider):
    version = draft(make_programme(provider=provider, kind="continuing_vet", with_modules=False))
    services.add_module(version, actor=None, code="K1", name_lt="Kompetencija", type="competence", credits=D(30))
    assert messages(version) == ["The programme has no final module."]


def test_module_credits_must_add_up(provider):
    version = draft(make_programme(provider=provider))
    services.update_version(version, actor=None, credits=D(95))
    assert messages(version) == ["Module credits add up to 90, the programme has 95."]


def test_electives_at_most_fifteen_percent_and_the_limit_is_data(provider):
    version = draft(make_programme(provider=provider))
    final = version.modules.get(type="final")
    services.update_module(final, actor=None, type="elective", mandatory=False, credits=D(10))
    services.update_version(version, actor=None, credits=D(95))
    # Electives 5 + 10 = 15 of 95 credits = 15.8%; and the final module is now missing.
    assert messages(version) == ["The programme has no final module.",
                                 "Elective modules make up 15.8% of the credits; they may make up at most 15%."]
    ProgrammeRule.objects.filter(kind__code="initial_vet", code="elective-share").update(maximum=20)
    assert messages(version) == ["The programme has no final module."]


def test_initial_vet_level_outside_2_to_4_is_a_warning_that_does_not_block(provider):
    programme = make_programme(provider=provider, ltks_level=5)
    version = draft(programme)
    [finding] = services.check_version(version)
    assert (finding.code, finding.severity) == ("ltks-level", "warning")
    services.submit_version(version, actor=None)
    assert version.status == "submitted"


def test_national_cpd_hours_135_to_270(provider):
    version = draft(make_programme(provider=provider, kind="cpd", hours=120, practice_hours=48))
    assert messages(version) == ["The programme has 120 hours; it must have 135 to 270."]
    services.update_version(version, actor=None, hours=300, practice_hours=120)
    assert messages(version) == ["The programme has 300 hours; it must have 135 to 270."]


def test_national_cpd_practice_30_to_50_percent(provider):
    version = draft(make_programme(provider=provider, kind="cpd", hours=200, practice_hours=40))
    assert messages(version) == ["Practice makes up 20% of the hours; it must make up 30 to 50%."]
    services.update_version(version, actor=None, practice_hours=110)
    assert messages(version) == ["Practice makes up 55% of the hours; it must make up 30 to 50%."]


def test_institutional_cpd_is_not_held_to_the_national_rules(provider):
    version = draft(make_programme(provider=provider, kind="cpd", subtype="institutional", hours=8,
                                   practice_hours=0))
    assert messages(version) == []


@pytest.mark.parametrize("kind", ["cpd", "nonformal_adult", "nonformal_children", "library_competence"])
def test_hours_kinds_need_hours_above_zero(provider, kind):
    version = draft(make_programme(provider=provider, kind=kind, subtype="", hours=0, practice_hours=0))
    assert messages(version) == ["The programme has 0 hours; it must have at least 1."]


def test_hours_kinds_module_hours_must_add_up(provider):
    version = draft(make_programme(provider=provider, kind="nonformal_adult", hours=40))
    services.add_module(version, actor=None, code="A", name_lt="Pirmas", type="general", hours=30)
    assert messages(version) == ["Module hours add up to 30, the programme has 40."]


def test_built_in_requirements_name_the_fields(provider):
    version = draft(make_programme(provider=provider, qualification=None, ltks_level=None, credits=None))
    findings = {f.field: f.message for f in services.check_version(version) if f.code.startswith("required-")}
    assert set(findings) == {"qualification", "ltks_level", "credits"}


def test_hours_kind_without_hours(provider):
    version = draft(make_programme(provider=provider, kind="nonformal_children", hours=None))
    assert [(f.code, f.field) for f in services.check_version(version)] == [("required-hours", "hours"),
                                                                            ("total-hours", "hours")]


def test_an_inactive_rule_is_not_checked(provider):
    version = draft(make_programme(provider=provider, kind="cpd", hours=100))
    ProgrammeRule.objects.filter(kind__code="cpd", code="national-hours").update(active=False)
    assert "The programme has 100 hours; it must have 135 to 270." not in messages(version)


def test_rule_message_from_data_in_the_active_language(provider):
    ProgrammeRule.objects.filter(kind__code="cpd", code="national-hours").update(
        message_lt="Nacionalinė programa: {actual} val., reikia {bounds} val.", message_en="")
    version = draft(make_programme(provider=provider, kind="cpd", hours=100, practice_hours=40))
    with translation.override("lt"):
        assert [f.message for f in services.check_version(version)] == [
            "Nacionalinė programa: 100 val., reikia nuo 135 iki 270 val."]


def test_default_messages_in_lithuanian(provider):
    version = draft(make_programme(provider=provider))
    services.update_version(version, actor=None, credits=D("90.5"))
    with translation.override("lt"):
        assert [f.message for f in services.check_version(version)] == [
            "Modulių kreditų suma yra 90, o programos apimtis – 90,5 kreditų."]


def test_submission_is_refused_with_one_message_per_broken_rule(provider):
    version = draft(make_programme(provider=provider, with_modules=False))
    services.add_module(version, actor=None, code="K1", name_lt="Kompetencija", type="competence", credits=D(80))
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.submit_version(version, actor=None)
    assert exc.value.message_dict == {"modules": [
        "The programme has no introductory module.", "The programme has no general module.",
        "The programme has no final module.", "Module credits add up to 80, the programme has 90."]}
    version.refresh_from_db()
    assert version.status == "draft" and version.submitted_on is None
    assert not version.programme.events.filter(action="submitted").exists()
