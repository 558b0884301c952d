"""Applications through the services: who may start one, the deadline, grades, additional components and priority
criteria, ranked preferences with eligibility, submission and withdrawal; every change leaves its change record."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from edureg.accounts.tests.factories import MembershipFactory, UserFactory
from edureg.admission.choices import ApplicationStatus, RoundStatus
from edureg.admission.models import Application, Grade, Preference
from edureg.admission.services.applications import (
    accepts_changes,
    create_application,
    formula_codes,
    set_grades,
    set_preferences,
    submit_application,
    update_application,
    withdraw_application,
)
from edureg.admission.tests.conftest import accepting_round, applicant_user
from edureg.admission.tests.factories import OfferFactory, ScoringFormulaFactory
from edureg.core.models import ObjectChange
from edureg.institutions.tests.factories import InstitutionFactory
from edureg.persons.tests.factories import PersonFactory
from edureg.programmes.tests.factories import ProgrammeKindFactory

pytestmark = pytest.mark.django_db


def changes_of(obj, action=None):
    qs = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)),
                                     object_id=str(obj.pk))
    return qs.filter(action=action) if action else qs


def changes_of_model(model, action):
    return ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(model), action=action)


def messages(exc_info, field):
    return exc_info.value.message_dict[field]


def offer(round_, *, level=3, funding="state", general=False, kind="initial_vet", **fields):
    version = {"offering__version__ltks_level": level, "offering__version__with_general_education": general}
    if kind != "initial_vet":
        version["offering__version__programme__kind"] = ProgrammeKindFactory(code=kind)
    return OfferFactory(round=round_, funding=funding, **version, **fields)


@pytest.fixture
def round_(subjects):
    return accepting_round(code="main-open")


@pytest.fixture
def applicant(db):
    return applicant_user("applicant")


@pytest.fixture
def person(applicant):
    return applicant.memberships.get().person


@pytest.fixture
def application(round_, person, applicant):
    ScoringFormulaFactory(round=round_)
    return create_application(round_, person=person, actor=applicant, education="basic")


# --- starting an application ---------------------------------------------------------------------------------------


def test_an_applicant_starts_their_own_application(round_, person, applicant):
    ScoringFormulaFactory(round=round_)
    application = create_application(round_, person=person, actor=applicant, education="secondary",
                                      prior_qualifications="one_state", grade_scale=5,
                                      extras={"work_experience": "1,5"}, priorities=["orphan"])
    assert (application.status, application.entered_by_officer) == (ApplicationStatus.DRAFT, False)
    assert (application.education, application.prior_qualifications, application.grade_scale) == (
        "secondary", "one_state", 5)
    assert application.extras == {"work_experience": 1.5} and application.priorities == ["orphan"]
    assert application.number == f"P-{application.pk:07d}"
    record = changes_of(application, "create").get()
    assert record.user_id == applicant.pk


def test_the_organiser_enters_an_application_for_anyone(round_, organiser):
    someone = PersonFactory()
    application = create_application(round_, person=someone, actor=organiser)
    assert application.entered_by_officer is True
    assert changes_of(application, "create").get().user_id == organiser.pk


def test_an_applicant_cannot_start_an_application_for_someone_else(round_, applicant):
    with pytest.raises(PermissionDenied, match="only for yourself"):
        create_application(round_, person=PersonFactory(), actor=applicant)
    assert not Application.objects.exists()


def test_a_school_officer_cannot_start_applications(round_):
    officer = UserFactory(username="school")
    MembershipFactory(user=officer, role="institution_officer", institution=InstitutionFactory())
    with pytest.raises(PermissionDenied, match="You may not start applications"):
        create_application(round_, person=PersonFactory(), actor=officer)


def test_one_application_per_round_and_person(application, round_, person, applicant):
    with pytest.raises(ValidationError) as exc:
        create_application(round_, person=person, actor=applicant)
    assert messages(exc, "person") == [f"{person} already has an application in this round ({application.number})."]
    other = accepting_round(code="other-open")
    assert create_application(other, person=person, actor=applicant).round == other


@pytest.mark.parametrize("status", [RoundStatus.DRAFT, RoundStatus.CLOSED, RoundStatus.PUBLISHED])
def test_no_application_unless_the_round_is_open(subjects, person, applicant, status):
    round_ = accepting_round(code="not-open", status=status)
    with pytest.raises(ValidationError) as exc:
        create_application(round_, person=person, actor=applicant)
    label = str(RoundStatus(status).label)
    assert messages(exc, "round") == [f"The round \"{round_.name}\" is not accepting applications (it is: {label})."]


def test_no_application_after_the_deadline(subjects, person, applicant):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    round_ = accepting_round(code="late", application_deadline=yesterday)
    assert not accepts_changes(round_) and accepts_changes(round_, today=yesterday)
    with pytest.raises(ValidationError) as exc:
        create_application(round_, person=person, actor=applicant)
    [message] = messages(exc, "round")
    assert "application deadline" in message and "can no longer be started or changed" in message


def test_extras_and_priorities_must_be_the_formulas_codes(round_, person, applicant):
    ScoringFormulaFactory(round=round_)
    ScoringFormulaFactory(round=round_, code="second", priorities=["disability", "orphan"],
                          components=[{"type": "subject", "code": "EN", "weight": 1},
                                      {"type": "extra", "code": "olympiad", "weight": 1}])
    assert formula_codes(round_) == {"subjects": ["LT", "MAT", "EN"],
                                     "extras": {"work_experience": 2, "olympiad": None},
                                     "priorities": ["orphan", "disability"]}
    with pytest.raises(ValidationError) as exc:
        create_application(round_, person=person, actor=applicant,
                           extras={"sport": 1, "work_experience": -1, "olympiad": "a lot"})
    assert messages(exc, "extras") == [
        "\"sport\" is not an additional component of this round's formulas (they use: work_experience, olympiad).",
        "work_experience: the value cannot be negative.",
        "olympiad: \"a lot\" is not a number."]
    with pytest.raises(ValidationError) as exc:
        create_application(round_, person=person, actor=applicant, priorities=["veteran"])
    assert messages(exc, "priorities") == [
        "Not a priority criterion of this round's formulas: veteran (they use: orphan, disability)."]
    application = create_application(round_, person=person, actor=applicant, priorities=["disability", "orphan"],
                                     extras={"olympiad": 3, "work_experience": ""})
    assert application.priorities == ["orphan", "disability"] and application.extras == {"olympiad": 3.0}


# --- changing it ---------------------------------------------------------------------------------------------------


def test_the_applicant_changes_their_application(application, applicant):
    update_application(application, {"education": "secondary", "extras": {"work_experience": 2}}, actor=applicant)
    application.refresh_from_db()
    assert application.education == "secondary" and application.extras == {"work_experience": 2.0}
    record = changes_of(application, "update").get()
    assert record.prechange_data["education"] == "basic" and record.postchange_data["education"] == "secondary"


def test_only_the_applications_own_fields_change(application, applicant):
    with pytest.raises(ValidationError) as exc:
        update_application(application, {"status": "submitted", "person": None}, actor=applicant)
    assert exc.value.message_dict == {"person": ["This field cannot be changed here."],
                                      "status": ["This field cannot be changed here."]}


def test_an_unknown_education_is_refused(application, applicant):
    with pytest.raises(ValidationError) as exc:
        update_application(application, {"education": "doctorate"}, actor=applicant)
    assert "education" in exc.value.message_dict


def test_another_applicant_cannot_change_it(application):
    intruder = applicant_user("intruder")
    with pytest.raises(PermissionDenied):
        update_application(application, {"education": "none"}, actor=intruder)
    with pytest.raises(PermissionDenied):
        set_grades(application, {"LT": 9}, actor=intruder)
    with pytest.raises(PermissionDenied):
        submit_application(application, actor=intruder)


def test_the_organiser_changes_anyones_application(application, organiser):
    update_application(application, {"grade_scale": 5}, actor=organiser)
    assert changes_of(application, "update").get().user_id == organiser.pk


def test_no_change_after_the_deadline(application, applicant):
    round_ = application.round
    round_.application_deadline = timezone.localdate() - datetime.timedelta(days=1)
    round_.save()
    for call in (lambda: update_application(application, {"education": "none"}, actor=applicant),
                 lambda: set_grades(application, {"LT": 9}, actor=applicant),
                 lambda: set_preferences(application, [], actor=applicant),
                 lambda: submit_application(application, actor=applicant),
                 lambda: withdraw_application(application, actor=applicant)):
        with pytest.raises(ValidationError) as exc:
            call()
        assert "can no longer be started or changed" in messages(exc, "round")[0]


def test_no_change_once_applications_are_closed(application, applicant):
    application.round.status = RoundStatus.CLOSED
    application.round.save()
    with pytest.raises(ValidationError) as exc:
        update_application(application, {"education": "none"}, actor=applicant)
    assert "is not accepting applications (it is: Applications closed)" in messages(exc, "round")[0]


# --- grades --------------------------------------------------------------------------------------------------------


def grades_of(application):
    return dict(application.grades.values_list("subject__code", "value"))


def test_grades_are_replaced_as_a_whole(application, applicant):
    set_grades(application, {"LT": Decimal("8"), "MAT": "7,5"}, actor=applicant)
    assert grades_of(application) == {"LT": Decimal("8.00"), "MAT": Decimal("7.50")}
    assert changes_of_model(Grade, "create").count() == 2
    set_grades(application, {"LT": Decimal("9"), "EN": 10}, actor=applicant)
    assert grades_of(application) == {"LT": Decimal("9.00"), "EN": Decimal("10.00")}
    assert changes_of_model(Grade, "create").count() == 3
    assert changes_of_model(Grade, "delete").count() == 1  # MAT
    update = changes_of_model(Grade, "update").get()
    assert (update.prechange_data["value"], update.postchange_data["value"]) == ("8.00", "9.00")
    assert update.user_id == applicant.pk
    set_grades(application, {"LT": 9, "EN": 10}, actor=applicant)  # nothing changes, nothing is recorded
    assert ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Grade)).count() == 5


def test_grade_errors_name_the_subject(application, applicant):
    with pytest.raises(ValidationError) as exc:
        set_grades(application, {"XX": 5, "LT": 11, "MAT": "good", "EN": "7.125"}, actor=applicant)
    assert messages(exc, "grades") == [
        "\"XX\" is not a subject code (classifier \"subject\").",
        "Lietuvių kalba ir literatūra (LT): the grade 11 is not between 1 and 10 (the application's scale).",
        "Matematika (MAT): \"good\" is not a number.",
        "Anglų kalba (EN): at most two decimal places (7.125)."]
    with pytest.raises(ValidationError) as exc:
        set_grades(application, {"LT": 0}, actor=applicant)
    assert "not between 1 and 10" in messages(exc, "grades")[0]
    assert not application.grades.exists()


def test_grades_on_the_five_point_scale(application, applicant):
    update_application(application, {"grade_scale": 5}, actor=applicant)
    with pytest.raises(ValidationError) as exc:
        set_grades(application, {"LT": 6}, actor=applicant)
    assert "not between 1 and 5" in messages(exc, "grades")[0]
    set_grades(application, {"LT": 4}, actor=applicant)
    update_application(application, {"grade_scale": 10}, actor=applicant)
    set_grades(application, {"LT": 9, "MAT": 8}, actor=applicant)
    with pytest.raises(ValidationError) as exc:
        update_application(application, {"grade_scale": 5}, actor=applicant)
    assert messages(exc, "grade_scale") == [
        "Some grades are above 5 (LT, MAT): change them before choosing the 5-point scale."]


# --- preferences ---------------------------------------------------------------------------------------------------


def ranked(application):
    return list(application.preferences.order_by("rank").values_list("offer__code", flat=True))


def test_preferences_are_a_ranked_list(application, applicant):
    round_ = application.round
    a, b, c = offer(round_, code="A"), offer(round_, code="B"), offer(round_, code="C")
    set_preferences(application, [a, b, c], actor=applicant)
    assert ranked(application) == ["A", "B", "C"]
    assert changes_of_model(Preference, "create").count() == 3
    set_preferences(application, [a, c], actor=applicant)  # B removed, C moves up
    assert ranked(application) == ["A", "C"]
    set_preferences(application, [c, a], actor=applicant)  # swapped
    assert ranked(application) == ["C", "A"]
    set_preferences(application, [c, a], actor=applicant)  # the same: nothing written
    assert changes_of_model(Preference, "create").count() == 6
    assert changes_of_model(Preference, "delete").count() == 4
    assert set(ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Preference))
               .values_list("user_id", flat=True)) == {applicant.pk}


def test_at_most_the_rounds_number_of_preferences(application, applicant):
    offers = [offer(application.round) for _ in range(4)]
    with pytest.raises(ValidationError) as exc:
        set_preferences(application, offers, actor=applicant)
    assert messages(exc, "preferences") == ["At most 3 preferences may be listed in this round (4 were given)."]


def test_offers_of_another_round_and_duplicates_are_refused(application, applicant):
    mine = offer(application.round, code="MINE")
    other = offer(accepting_round(code="elsewhere"), code="THEIRS")
    with pytest.raises(ValidationError) as exc:
        set_preferences(application, [mine, other, mine], actor=applicant)
    name = mine.offering.programme.name
    assert messages(exc, "preferences") == [
        f"Preference 2 (THEIRS {other.offering.programme.name}, {other.offering.institution}): the offer belongs "
        "to another round.",
        f"Preference 3 (MINE {name}, {mine.offering.institution}): the offer is already preference 1."]


def test_paid_places_are_refused_in_a_state_funded_only_round(subjects, person, applicant):
    round_ = accepting_round(code="winter", kind="winter", max_preferences=2, state_funded_only=True)
    application = create_application(round_, person=person, actor=applicant)
    paid = offer(round_, code="PAID", funding="paid")
    with pytest.raises(ValidationError) as exc:
        set_preferences(application, [offer(round_), paid], actor=applicant)
    [message] = messages(exc, "preferences")
    assert message.startswith("Preference 2 (PAID ")
    assert message.endswith("this round offers state-funded places only, and this is a paid place.")


def test_an_ineligible_offer_is_refused_with_the_reason(application, applicant):
    round_ = application.round
    fine = offer(round_, code="FINE", level=3)
    too_high = offer(round_, code="HIGH", level=4)
    with pytest.raises(ValidationError) as exc:
        set_preferences(application, [fine, too_high], actor=applicant)
    [message] = messages(exc, "preferences")
    assert message.startswith("Preference 2 (HIGH ")
    assert ("you are not eligible: This programme (LTKS level IV) is for applicants with secondary education; "
            "your education allows LTKS level III at most.") in message
    assert not application.preferences.exists()
    update_application(application, {"education": "secondary"}, actor=applicant)
    set_preferences(application, [fine, too_high], actor=applicant)
    assert ranked(application) == ["FINE", "HIGH"]


def test_every_reason_of_an_ineligible_offer_is_given(subjects):
    round_ = accepting_round(code="young")
    young = applicant_user("young", birth_date=datetime.date(2011, 12, 1))  # 14 on 1 September 2026
    application = create_application(round_, person=young.memberships.get().person, actor=young,
                                     prior_qualifications="two_or_more")
    with pytest.raises(ValidationError) as exc:
        set_preferences(application, [offer(round_, code="X", general=False)], actor=young)
    found = messages(exc, "preferences")
    assert len(found) == 2 and all(m.startswith("Preference 1 (X ") for m in found)
    assert "Programmes without general education are open from the age of 16 (you will be 14)." in found[0]
    assert "two or more vocational qualifications" in found[1]
    set_preferences(application, [offer(round_, code="Y", general=True, funding="paid")], actor=young)


def test_continuing_programmes_state_places_for_one_qualification_held(application, applicant):
    update_application(application, {"prior_qualifications": "one_state"}, actor=applicant)
    round_ = application.round
    continuing = offer(round_, code="CONT", kind="continuing_vet")
    initial = offer(round_, code="INIT")
    set_preferences(application, [continuing], actor=applicant)
    with pytest.raises(ValidationError) as exc:
        set_preferences(application, [continuing, initial], actor=applicant)
    [message] = messages(exc, "preferences")
    assert message.startswith("Preference 2 (INIT ") and "You can apply for its paid places instead." in message


# --- submitting and withdrawing ------------------------------------------------------------------------------------


def test_submit_needs_a_preference(application, applicant):
    with pytest.raises(ValidationError) as exc:
        submit_application(application, actor=applicant)
    assert messages(exc, "preferences") == ["List at least one preference before submitting the application."]
    set_preferences(application, [offer(application.round)], actor=applicant)
    submit_application(application, actor=applicant)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.submitted_at is not None
    record = changes_of(application, "update").get()
    assert (record.prechange_data["status"], record.postchange_data["status"]) == ("draft", "submitted")
    with pytest.raises(ValidationError) as exc:
        submit_application(application, actor=applicant)
    assert messages(exc, "status") == ["The application is already submitted."]


def test_a_submitted_application_keeps_at_least_one_preference(application, applicant):
    first = offer(application.round)
    set_preferences(application, [first], actor=applicant)
    submit_application(application, actor=applicant)
    with pytest.raises(ValidationError) as exc:
        set_preferences(application, [], actor=applicant)
    assert messages(exc, "preferences") == ["A submitted application needs at least one preference; withdraw the "
                                            "application instead of removing them all."]
    second = offer(application.round)
    set_preferences(application, [second, first], actor=applicant)  # still editable until the deadline
    assert application.preferences.count() == 2


def test_withdraw_and_submit_again(application, applicant):
    set_preferences(application, [offer(application.round)], actor=applicant)
    submit_application(application, actor=applicant)
    withdraw_application(application, actor=applicant)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.WITHDRAWN
    with pytest.raises(ValidationError) as exc:
        withdraw_application(application, actor=applicant)
    assert messages(exc, "status") == ["The application is already withdrawn."]
    set_preferences(application, [], actor=applicant)  # a withdrawn application may be emptied
    with pytest.raises(ValidationError):
        submit_application(application, actor=applicant)
    set_preferences(application, [offer(application.round)], actor=applicant)
    submit_application(application, actor=applicant)
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED
    assert [c.postchange_data["status"] for c in changes_of(application, "update").order_by("id")] == [
        "submitted", "withdrawn", "submitted"]


def test_a_failed_change_writes_nothing(application, applicant):
    good = offer(application.round)
    before = ObjectChange.objects.count()
    with pytest.raises(ValidationError):
        set_preferences(application, [good, good], actor=applicant)
    with pytest.raises(ValidationError):
        set_grades(application, {"LT": 9, "XX": 9}, actor=applicant)
    assert ObjectChange.objects.count() == before
    assert not application.preferences.exists() and not application.grades.exists()
