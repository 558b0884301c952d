"""The qualifications system's rules: standard lifecycle, committee decisions, versions, competences, search."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from edureg.core.models import ObjectChange
from edureg.core.search import search
from edureg.qualifications import services
from edureg.qualifications.models import CommitteeDecision, Competence, ProfessionalStandard, Qualification
from edureg.qualifications.tests.factories import (
    CommitteeMeetingFactory,
    CompetenceFactory,
    ProfessionalStandardFactory,
    QualificationFactory,
    SectoralCommitteeFactory,
    isced_f,
    sector,
)

pytestmark = pytest.mark.django_db

SINCE = datetime.date(2024, 1, 10)
MEETING_DAY = datetime.date(2024, 3, 14)
ALL_STATUSES = ("draft", "consultation", "approved", "registered", "withdrawn")


def standard_in(status, **fields):
    return ProfessionalStandardFactory(status=status, status_since=SINCE, **fields)


def refused(call, field):
    """Run `call`; it must raise a ValidationError naming `field` and write nothing."""
    before = ObjectChange.objects.count()
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value.message_dict
    assert ObjectChange.objects.count() == before
    return caught.value.message_dict[field]


def reloaded(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- the agency's transitions ----------------------------------------------------------------------

@pytest.mark.parametrize("status", ALL_STATUSES)
def test_open_consultation_only_from_draft(status):
    standard = standard_in(status)
    if status == "draft":
        services.open_consultation(standard, actor=None, on=datetime.date(2024, 2, 1))
        standard = reloaded(standard)
        assert (standard.status, standard.status_since) == ("consultation", datetime.date(2024, 2, 1))
    else:
        messages = refused(lambda: services.open_consultation(standard, actor=None), "status")
        assert "cannot go from" in messages[0]
        assert reloaded(standard).status == status


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_register_only_an_approved_standard(status):
    standard = standard_in(status)
    day = datetime.date(2024, 5, 1)
    if status == "approved":
        services.register_standard(standard, actor=None, registered_on=day)
        standard = reloaded(standard)
        assert (standard.status, standard.status_since, standard.valid_from) == ("registered", day, day)
    else:
        refused(lambda: services.register_standard(standard, actor=None, registered_on=day), "status")
        assert reloaded(standard).valid_from is None


def test_registration_cannot_predate_the_approval():
    standard = standard_in("approved")
    refused(lambda: services.register_standard(standard, actor=None, registered_on=SINCE - datetime.timedelta(1)),
            "registered_on")


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_withdraw_from_any_status_but_withdrawn(status):
    standard = standard_in(status)
    if status == "withdrawn":
        refused(lambda: services.withdraw_standard(standard, actor=None, reason="Pasenęs"), "status")
        return
    services.withdraw_standard(standard, actor=None, reason="  Pasenęs  ", on=datetime.date(2025, 1, 1))
    standard = reloaded(standard)
    assert (standard.status, standard.status_reason) == ("withdrawn", "Pasenęs")


def test_withdrawal_needs_a_reason_and_ends_a_registered_standards_validity():
    standard = standard_in("registered", valid_from=SINCE)
    refused(lambda: services.withdraw_standard(standard, actor=None, reason=" "), "reason")
    services.withdraw_standard(standard, actor=None, reason="Sektorius pasikeitė", on=datetime.date(2025, 6, 30))
    assert reloaded(standard).valid_to == datetime.date(2025, 6, 30)


def test_a_new_registered_version_supersedes_the_old_one():
    old = standard_in("registered", code="PSX", valid_from=datetime.date(2020, 1, 1))
    new = standard_in("approved", code="PSX", version=2, committee=old.committee)
    services.register_standard(new, actor=None, registered_on=datetime.date(2025, 1, 1))
    assert reloaded(old).valid_to == datetime.date(2024, 12, 31)
    assert reloaded(new).valid_from == datetime.date(2025, 1, 1)


def test_the_status_is_not_changed_by_an_edit():
    standard = standard_in("draft")
    refused(lambda: services.update_standard(standard, actor=None, status="registered"), "status")
    assert reloaded(standard).status == "draft"


def test_a_registered_standard_keeps_its_content_but_may_get_an_end_date():
    standard = standard_in("registered", valid_from=SINCE)
    messages = refused(lambda: services.update_standard(standard, actor=None, name_lt="Kitas"), "status")
    assert "new version" in messages[0]
    services.update_standard(standard, actor=None, valid_to=datetime.date(2030, 12, 31))
    assert reloaded(standard).valid_to == datetime.date(2030, 12, 31)


def test_a_standard_of_another_sectors_committee_is_refused():
    committee = SectoralCommitteeFactory(sector=sector("06", "Statybos sektorius"))
    with pytest.raises(ValidationError) as caught:
        services.create_standard(actor=None, code="PSY", name_lt="Mūrininko", sector=sector("03"),
                                 committee=committee)
    assert "committee" in caught.value.message_dict
    assert not ProfessionalStandard.objects.filter(code="PSY").exists()


def test_only_a_draft_is_deleted_with_its_competences():
    draft = standard_in("draft")
    CompetenceFactory(standard=draft)
    services.delete_standard(draft, actor=None)
    assert not ProfessionalStandard.objects.filter(pk=draft.pk).exists()
    approved = standard_in("approved")
    refused(lambda: services.delete_standard(approved, actor=None), "status")


# --- committee decisions ---------------------------------------------------------------------------

def meeting_of(standard, day=MEETING_DAY):
    return CommitteeMeetingFactory(committee=standard.committee, date=day)


@pytest.mark.parametrize("status", ("draft", "consultation"))
@pytest.mark.parametrize("outcome,expected", [("approve", "approved"), ("return", "draft"), ("reject", "withdrawn")])
def test_a_decision_moves_a_standard_under_review(status, outcome, expected):
    standard = standard_in(status)
    reasons = "" if outcome == "approve" else "Neatitinka rinkos poreikių."
    decision = services.record_decision(actor=None, meeting=meeting_of(standard), outcome=outcome, reasons=reasons,
                                        standard=standard)
    standard = reloaded(standard)
    assert (standard.status, standard.status_since, standard.status_reason) == (expected, MEETING_DAY, reasons)
    assert decision.standard_id == standard.pk


@pytest.mark.parametrize("status", ("approved", "registered", "withdrawn"))
@pytest.mark.parametrize("outcome", ("approve", "return", "reject"))
def test_no_decision_on_a_standard_no_longer_under_review(status, outcome):
    standard = standard_in(status)
    meeting = meeting_of(standard)
    refused(lambda: services.record_decision(actor=None, meeting=meeting, outcome=outcome, reasons="Priežastys",
                                             standard=standard), "status")
    assert not CommitteeDecision.objects.exists()
    assert reloaded(standard).status == status


@pytest.mark.parametrize("outcome", ("return", "reject"))
def test_returning_or_rejecting_needs_reasons(outcome):
    standard = standard_in("consultation")
    meeting = meeting_of(standard)
    messages = refused(lambda: services.record_decision(actor=None, meeting=meeting, outcome=outcome, reasons="  ",
                                                        standard=standard), "reasons")
    assert messages == ["Give the reasons for returning or rejecting."]
    assert reloaded(standard).status == "consultation" and not CommitteeDecision.objects.exists()


def test_a_decision_needs_exactly_one_subject():
    meeting = meeting_of(standard_in("draft"))
    refused(lambda: services.record_decision(actor=None, meeting=meeting, outcome="approve"), "standard")


def test_a_decision_at_another_committees_meeting_or_before_the_status_is_refused():
    standard = standard_in("draft")
    other = CommitteeMeetingFactory()
    refused(lambda: services.record_decision(actor=None, meeting=other, outcome="approve", standard=standard),
            "meeting")
    early = meeting_of(standard, day=SINCE - datetime.timedelta(days=1))
    refused(lambda: services.record_decision(actor=None, meeting=early, outcome="approve", standard=standard),
            "meeting")


def test_a_decision_on_a_programme_version_is_advice_only():
    from edureg.programmes.tests.factories import ProgrammeVersionFactory

    version = ProgrammeVersionFactory()
    status = version.status
    decision = services.record_decision(actor=None, meeting=CommitteeMeetingFactory(), outcome="reject",
                                        reasons="Per mažai praktikos.", programme_version=version)
    assert decision.programme_version_id == version.pk
    assert reloaded(version).status == status


def test_only_the_reasons_of_a_decision_are_corrected():
    standard = standard_in("draft")
    decision = services.record_decision(actor=None, meeting=meeting_of(standard), outcome="return",
                                        reasons="Trūksta", standard=standard)
    refused(lambda: services.update_decision(decision, actor=None, outcome="approve"), "outcome")
    services.update_decision(decision, actor=None, reasons="Trūksta kompetencijų aprašų")
    assert reloaded(standard).status_reason == "Trūksta kompetencijų aprašų"
    refused(lambda: services.update_decision(reloaded(decision), actor=None, reasons=""), "reasons")


def test_a_decision_leaves_change_records_for_itself_and_the_standard():
    standard = standard_in("draft")
    services.record_decision(actor=None, meeting=meeting_of(standard), outcome="approve", standard=standard)
    change = ObjectChange.objects.get(content_type=ContentType.objects.get_for_model(ProfessionalStandard),
                                      object_id=str(standard.pk), action="update")
    assert change.changed_fields["status"] == ("draft", "approved")
    assert ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(CommitteeDecision),
                                       action="create").count() == 1


def test_a_meeting_outside_the_committees_life_is_refused():
    committee = SectoralCommitteeFactory(established_on=datetime.date(2020, 1, 1),
                                         dissolved_on=datetime.date(2024, 12, 31))
    for day in (datetime.date(2019, 12, 31), datetime.date(2025, 1, 1)):
        refused(lambda d=day: services.create_meeting(actor=None, committee=committee, number=str(d), date=d), "date")
    services.create_meeting(actor=None, committee=committee, number="1", date=datetime.date(2024, 6, 1))


def test_a_member_cannot_leave_before_joining():
    from edureg.persons.tests.factories import PersonFactory

    committee, person = SectoralCommitteeFactory(), PersonFactory()
    refused(lambda: services.add_member(actor=None, committee=committee, person=person,
                                        start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2023, 1, 1)),
            "end_date")


# --- versions and competences ------------------------------------------------------------------------

def test_a_new_version_copies_the_standard_and_its_competences():
    v1 = standard_in("registered", code="PS7", valid_from=SINCE)
    CompetenceFactory(standard=v1, code="PS7-K1", name_lt="Suvirinti")
    CompetenceFactory(standard=v1, code="PS7-K2", name_lt="Pjauti")
    qualification = QualificationFactory(standard=v1)

    v2 = services.new_standard_version(v1, actor=None)

    assert (v2.code, v2.version, v2.status, v2.name_lt, v2.committee_id) == ("PS7", 2, "draft", v1.name_lt,
                                                                              v1.committee_id)
    assert v2.valid_from is None
    assert sorted(v2.competences.values_list("code", "name_lt")) == [("PS7-K1-V2", "Suvirinti"),
                                                                     ("PS7-K2-V2", "Pjauti")]
    assert v1.competences.count() == 2 and reloaded(qualification).standard_id == v1.pk
    # Version 3 of a competence is "-V3", not "-V2-V3".
    services.record_decision(actor=None, meeting=meeting_of(v2, day=datetime.date.today()), outcome="approve",
                             standard=v2)
    v3 = services.new_standard_version(reloaded(v2), actor=None)
    assert sorted(v3.competences.values_list("code", flat=True)) == ["PS7-K1-V3", "PS7-K2-V3"]


def test_a_new_version_only_from_the_latest_version_not_under_review():
    v1 = standard_in("registered", code="PS8", valid_from=SINCE)
    draft = standard_in("draft", code="PS8", version=2, committee=v1.committee)
    refused(lambda: services.new_standard_version(v1, actor=None), "version")
    refused(lambda: services.new_standard_version(draft, actor=None), "status")


def test_the_competences_of_an_approved_standard_stay_as_they_are():
    standard = standard_in("approved")
    competence = CompetenceFactory(standard=standard)
    refused(lambda: services.create_competence(actor=None, code="KX1", name_lt="Nauja", standard=standard),
            "standard")
    refused(lambda: services.update_competence(competence, actor=None, name_lt="Kita"), "standard")
    refused(lambda: services.delete_competence(competence, actor=None), "standard")
    assert Competence.objects.filter(pk=competence.pk, name_lt=competence.name_lt).exists()


def test_a_qualifications_competences_come_from_its_own_standard():
    own, other = standard_in("draft"), standard_in("draft")
    mine, theirs, loose = CompetenceFactory(standard=own), CompetenceFactory(standard=other), \
        CompetenceFactory(standard=None)
    with pytest.raises(ValidationError) as caught:
        services.create_qualification(actor=None, code="QX1", name_lt="Suvirintojas", ltks_level=4,
                                      isced_f=isced_f(), standard=own, competences=[mine, theirs])
    assert theirs.code in caught.value.message_dict["competences"][0]
    assert not Qualification.objects.filter(code="QX1").exists()
    qualification = services.create_qualification(actor=None, code="QX1", name_lt="Suvirintojas", ltks_level=4,
                                                  isced_f=isced_f(), standard=own, competences=[mine, loose])
    assert set(qualification.competences.all()) == {mine, loose}


@pytest.mark.parametrize("level", [0, 9, -1])
def test_a_level_outside_1_to_8_is_refused(level):
    field = isced_f()
    refused(lambda: services.create_qualification(actor=None, code="QX2", name_lt="Virėjas", ltks_level=level,
                                                  isced_f=field), "ltks_level")
    assert not Qualification.objects.filter(code="QX2").exists()


# --- search -----------------------------------------------------------------------------------------

def found(query):
    return set(search(Qualification.objects.all(), query).values_list("code", flat=True))


def test_search_finds_word_beginnings_and_ignores_diacritics():
    services.create_qualification(actor=None, code="M43071501", name_lt="Suvirintojas", name_en="Welder",
                                  ltks_level=4, isced_f=isced_f())
    services.create_qualification(actor=None, code="M43101301", name_lt="Virėjas", name_en="Cook", ltks_level=4,
                                  isced_f=isced_f("1013", "Maitinimas"))
    assert found("suvirint") == {"M43071501"}
    assert found("Suvirintojo") == {"M43071501"}
    for query in ("virėjas", "virejas", "vireja", "VIRĖJĄ", "cook"):
        assert found(query) == {"M43101301"}, query
    assert found("m43071501") == {"M43071501"}
    assert found("virinti") == set()  # words are matched from their beginning


def test_search_text_follows_competences_and_the_standard():
    standard = standard_in("draft", name_lt="Metalo apdirbimo standartas")
    competence = CompetenceFactory(standard=standard, name_lt="Lankinis plieno suvirinimas")
    qualification = services.create_qualification(actor=None, code="QS1", name_lt="Suvirintojas", ltks_level=3,
                                                  isced_f=isced_f(), standard=standard, competences=[competence])
    assert found("lankinis") == {"QS1"} and found("apdirbimo") == {"QS1"}

    services.update_competence(competence, actor=None, name_lt="Dujinis plieno suvirinimas")
    assert found("lankinis") == set() and found("dujinis") == {"QS1"}

    services.update_standard(reloaded(standard), actor=None, name_lt="Suvirinimo darbų standartas")
    assert found("apdirbimo") == set() and found("darbu") == {"QS1"}

    extra = CompetenceFactory(standard=standard, name_lt="Brėžinių skaitymas")
    qualification.competences.add(extra)  # any path that changes the many-to-many (e.g. a script)
    assert found("breziniu") == {"QS1"}
    extra.qualifications.remove(qualification)  # and from the competence's side
    assert found("breziniu") == set()

    services.update_qualification(reloaded(qualification), actor=None, competences=[])
    assert found("dujinis") == set() and found("suvirintojas") == {"QS1"}

    qualification.competences.add(competence)
    assert found("dujinis") == {"QS1"}
    services.delete_competence(competence, actor=None)
    assert found("dujinis") == set()
    assert not reloaded(qualification).competences.exists()


def test_the_economic_sector_list_is_shipped():
    from edureg.classifiers.services import load_all, resolve

    [report] = load_all(only=["economic_sector"])
    assert report.errors == [] and report.created == 16
    assert resolve("economic_sector", "06").name_lt == "Statybos sektorius"
    assert resolve("economic_sector", "10").name_en == "Information and communication"


def test_with_related_reads_lists_in_fixed_queries(django_assert_num_queries):
    from edureg.qualifications.models import CommitteeMeeting
    from edureg.qualifications.tests.factories import CommitteeDecisionFactory

    standard = standard_in("draft")
    competences = CompetenceFactory.create_batch(2, standard=standard)
    for _ in range(3):
        QualificationFactory(standard=standard, competences=competences)
        CommitteeDecisionFactory()
    with django_assert_num_queries(2):
        rows = [(q.isced_f.code, q.standard.code, [c.code for c in q.competences.all()])
                for q in Qualification.objects.with_related()]
    assert len(rows) == 3 and all(len(r[2]) == 2 for r in rows)
    with django_assert_num_queries(2):
        rows = [(m.committee.code, [d.standard.code for d in m.decisions.all()])
                for m in CommitteeMeeting.objects.with_related()]
    assert len(rows) == 3
    with django_assert_num_queries(2):
        assert len([[c.code for c in s.competences.all()] + [s.sector.code, s.committee.code]
                    for s in ProfessionalStandard.objects.with_related()]) == 4
