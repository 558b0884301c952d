"""The programmes register and the evaluation: a submission opens the evaluation (test_workflow.py), and while a
version is being evaluated the registrar's own decision steps are refused — the evaluation decides."""

import pytest
from django.core.exceptions import ValidationError

from edureg.evaluation.choices import ApplicationStatus
from edureg.evaluation.services import workflow
from edureg.evaluation.tests.factories import ApplicationFactory
from edureg.evaluation.tests.test_workflow import people, scored
from edureg.programmes import services as programmes
from edureg.programmes.models import ProgrammeVersion

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBILITY,
                                    ApplicationStatus.UNDER_EVALUATION, ApplicationStatus.SCORED])
@pytest.mark.parametrize("decision", ["register", "return", "reject"])
def test_the_registrar_may_not_decide_on_a_version_under_evaluation(status, decision):
    application = ApplicationFactory(status=status)
    registrar = people(application.institution).coordinator  # the agency administrator is the registrar too
    version = application.programme_version
    with pytest.raises(ValidationError) as refused:
        programmes.decide_submission(version, actor=registrar, decision=decision, reason="Because.")
    assert refused.value.message_dict == {"status": [
        f"The version is being evaluated (application {application.number}): the decision is made in the "
        "evaluation."]}
    assert ProgrammeVersion.objects.get(pk=version.pk).status == "submitted"


def test_the_evaluation_decides_and_the_system_is_not_held_back():
    application = scored(ApplicationFactory())
    workflow.decide(application, actor=people(application.institution).coordinator)
    assert ProgrammeVersion.objects.get(pk=application.programme_version_id).status == "registered"
    other = ApplicationFactory(status=ApplicationStatus.UNDER_EVALUATION)
    programmes.decide_submission(other.programme_version, actor=None, decision="return", reason="A command.")
    assert ProgrammeVersion.objects.get(pk=other.programme_version_id).status == "draft"


def test_a_version_without_an_open_evaluation_is_the_registrars():
    application = ApplicationFactory(status=ApplicationStatus.WITHDRAWN)
    registrar = people(application.institution).coordinator
    programmes.decide_submission(application.programme_version, actor=registrar, decision="return", reason="Fix.")
    assert ProgrammeVersion.objects.get(pk=application.programme_version_id).status == "draft"
